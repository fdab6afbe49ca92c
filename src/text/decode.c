/*
 * decode.c - streaming conversion to UTF-8; see decode.h for the contract
 * and the bad-input policy.
 */
#include "text/decode.h"
#include "text/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define HOLD_MAX 16	/* longer than any character in any encoding */

struct decoder {
	iconv_t cd;
	char hold[HOLD_MAX];	/* an incomplete sequence from the last piece */
	size_t nhold;
	uint64_t bad;
};

decoder *
decoder_new(const char *enc)
{
	decoder *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->cd = iconv_open("UTF-8", enc);
	if (d->cd == (iconv_t)-1) {
		free(d);
		errno = EINVAL;
		return NULL;
	}
	return d;
}

void
decoder_free(decoder *d)
{
	if (d == NULL)
		return;
	iconv_close(d->cd);
	free(d);
}

void
decoder_reset(decoder *d)
{
	iconv(d->cd, NULL, NULL, NULL, NULL);
	d->nhold = 0;
}

uint64_t
decoder_bad(const decoder *d)
{
	return d->bad;
}

static int feed(decoder *d, const char *in, size_t n, int last, buf *out);

static int
put_fffd(decoder *d, buf *out)
{
	d->bad++;
	return buf_append(out, "\xEF\xBF\xBD", 3);
}

/*
 * Converts p[0..n) into out as far as it goes.  Returns the number of
 * bytes left unconverted because they end in an incomplete sequence, or
 * (size_t)-1 if out of memory.
 */
static size_t
convert(decoder *d, const char *p, size_t n, buf *out)
{
	char *in = (char *)p, *o;
	size_t left = n, room;

	while (left > 0) {
		if (buf_reserve(out, left * 4 + 16) != 0)
			return (size_t)-1;
		o = out->data + out->len;
		room = out->cap - out->len;
		size_t rc = iconv(d->cd, &in, &left, &o, &room);
		out->len = (size_t)(o - out->data);
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL)
			return left;	/* incomplete: wait for more */
		/* EILSEQ, or anything else: one bad byte. */
		if (put_fffd(d, out) != 0)
			return (size_t)-1;
		in++;
		left--;
	}
	return 0;
}

/*
 * iconv's UTF-8 is not always RFC 3629's: glibc lets sequences beyond
 * U+10FFFF through from UTF-8 input.  Whatever it wrote after from is
 * checked, and what is not well-formed becomes U+FFFD, one per byte.
 */
static int
settle(decoder *d, buf *out, size_t from)
{
	size_t ok, i, k;
	buf tmp = { 0 };

	if (out->len == from)
		return 0;
	ok = utf8_valid_prefix(out->data + from, out->len - from);
	if (from + ok == out->len)
		return 0;
	for (i = from + ok; i < out->len; i += k) {
		k = utf8_seq_len((const unsigned char *)out->data + i, out->len - i);
		if (k == 0) {
			d->bad++;
			k = 1;
			if (buf_append(&tmp, "\xEF\xBF\xBD", 3) != 0)
				goto nomem;
		} else if (buf_append(&tmp, out->data + i, k) != 0)
			goto nomem;
	}
	out->len = from + ok;
	if (buf_append(out, tmp.data, tmp.len) != 0)
		goto nomem;
	buf_free(&tmp);
	return 0;
nomem:
	buf_free(&tmp);
	return -1;
}

int
decoder_feed(decoder *d, const char *in, size_t n, int last, buf *out)
{
	size_t from = out->len;

	if (feed(d, in, n, last, out) != 0)
		return -1;
	return settle(d, out, from);
}

static int
feed(decoder *d, const char *in, size_t n, int last, buf *out)
{
	size_t take, k, left;

	/*
	 * Complete the sequence held back from the last piece: convert the
	 * held bytes with the start of this piece, then go on after what that
	 * used.  A hold that stays incomplete however much is added is bad.
	 */
	while (d->nhold > 0 && n > 0) {
		take = HOLD_MAX - d->nhold < n ? HOLD_MAX - d->nhold : n;
		memcpy(d->hold + d->nhold, in, take);
		k = d->nhold + take;
		if ((left = convert(d, d->hold, k, out)) == (size_t)-1)
			return -1;
		if (left <= take) {
			in += take - left;
			n -= take - left;
			d->nhold = 0;
			break;
		}
		in += take;
		n -= take;
		memmove(d->hold, d->hold + (k - left), left);
		d->nhold = left;
		if (d->nhold == HOLD_MAX) {
			if (put_fffd(d, out) != 0)
				return -1;
			memmove(d->hold, d->hold + 1, --d->nhold);
		}
	}
	if (n > 0) {
		if ((left = convert(d, in, n, out)) == (size_t)-1)
			return -1;
		if (left >= HOLD_MAX) {	/* no real encoding needs this */
			if (put_fffd(d, out) != 0)
				return -1;
			left = HOLD_MAX - 1;
		}
		memcpy(d->hold, in + n - left, left);
		d->nhold = left;
	}
	if (last && d->nhold > 0) {
		d->nhold = 0;
		if (put_fffd(d, out) != 0)
			return -1;
	}
	return 0;
}
