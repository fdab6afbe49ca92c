/*
 * repair.c - mojibake and HTML entity repair; see repair.h for what is
 * changed and what is left alone.  Input is well-formed UTF-8 and so is
 * all output; nothing here fails but allocation.
 */
#include "text/repair.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swar.h"
#include "text/entities.h"
#include "text/utf8.h"

struct repair_ctx {
	unsigned flags;
	buf a, b;
};

repair_ctx *
repair_new(unsigned flags)
{
	repair_ctx *rc = calloc(1, sizeof(*rc));

	if (rc != NULL)
		rc->flags = flags;
	return rc;
}

void
repair_free(repair_ctx *rc)
{
	if (rc == NULL)
		return;
	buf_free(&rc->a);
	buf_free(&rc->b);
	free(rc);
}

/* ---- mojibake ---- */

/* The Windows-1252 (or Latin-1) byte a character came from, or -1.  The
 * code page itself is utf8_cp1252()'s table; the five bytes it leaves
 * undefined come back as Latin-1's C1 controls, which are below 0x100. */
static int
cp_byte(uint32_t cp)
{
	int b;

	if (cp < 0x100)
		return (int)cp;
	if (cp == 0xFFFD)
		return -1;
	for (b = 0x80; b < 0xA0; b++)
		if (utf8_cp1252((unsigned char)b) == cp)
			return b;
	return -1;
}

/*
 * Would a repair to cp be plausible?  Web mojibake hides Latin letters,
 * punctuation, currency signs and emoji; a repair that yields NKo from
 * "ß" and a no-break space is a coincidence, not a repair.
 */
static int
plausible(uint32_t cp)
{
	return (cp >= 0xA0 && cp <= 0x17F) || cp == 0x192 || cp == 0x2C6 ||
	    cp == 0x2DC || (cp >= 0x2010 && cp <= 0x206F) ||
	    (cp >= 0x20A0 && cp <= 0x20CF) || cp == 0x2122 ||
	    (cp >= 0x1F300 && cp <= 0x1FAFF);
}

/* Do the bytes at p (n of them), a C3, start a mojibake lead followed by a
 * continuation? */
static int
mojibake_at(const unsigned char *p, size_t n)
{
	return n >= 4 && p[1] >= 0x82 && p[1] <= 0xB4 && (p[2] == 0xC2 ||
	    p[2] == 0xC5 || p[2] == 0xC6 || p[2] == 0xCB || p[2] == 0xE2);
}

#if defined(SWAR_SSSE3)
/* The test of maybe_mojibake() for 32 places at a time with AVX2 (the
 * caller checks the CPU), while every place has three bytes after it:
 * whether a place passed, and in *done how far it looked. */
__attribute__((target("avx2"))) static int
mojibake32(const unsigned char *p, size_t n, size_t *done)
{
	size_t i;

	for (i = 0; i + 35 <= n; i += 32) {
		__m256i v2 = avx_load(p + i + 2);
		__m256i m = _mm256_and_si256(_mm256_and_si256(avx_eq(avx_load(p + i), 0xC3),
		    avx_within(avx_load(p + i + 1), 0x82, 0xB4)),
		    _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(avx_eq(v2, 0xC2),
		    avx_eq(v2, 0xC5)), _mm256_or_si256(avx_eq(v2, 0xC6), avx_eq(v2, 0xCB))),
		    avx_eq(v2, 0xE2)));
		if (avx_mask(m) != 0)
			return 1;
	}
	*done = i;
	return 0;
}
#endif

/* Could s[0..n) hold mojibake?  German text has a C3 every few words, so
 * all three bytes of mojibake_at() are tested for 32 places at a time
 * with AVX2 where the machine has it, sixteen with SSE2 (the next two
 * from loads one and two further on), then eight C3 at a time. */
static int
maybe_mojibake(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint64_t m;

#if defined(SWAR_SSSE3)
	if (n >= 35 && __builtin_cpu_supports("avx2") && mojibake32(p, n, &i))
		return 1;
#endif
#if defined(__SSE2__)
	for (; i + 19 <= n; i += 16) {	/* every place here has three after it */
		__m128i v1 = sse_load(p + i + 1), v2 = sse_load(p + i + 2);
		if (_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(sse_eq(sse_load(p + i), 0xC3),
		    sse_within(v1, 0x82, 0xB4)), _mm_or_si128(_mm_or_si128(
		    _mm_or_si128(sse_eq(v2, 0xC2), sse_eq(v2, 0xC5)),
		    _mm_or_si128(sse_eq(v2, 0xC6), sse_eq(v2, 0xCB))), sse_eq(v2, 0xE2)))) != 0)
			return 1;
	}
#endif
	for (; i + 8 <= n; i += 8)
		for (m = swar_eq(swar_load(p + i), 0xC3); m != 0; m &= m - 1) {
			k = i + swar_first(m);
			if (mojibake_at(p + k, n - k))
				return 1;
		}
	for (; i < n; i++)
		if (p[i] == 0xC3 && mojibake_at(p + i, n - i))
			return 1;
	return 0;
}

/*
 * One pass of mojibake repair of s[0..n) into out; returns the number of
 * sequences repaired, or -1 if out of memory.  A repair starts at a
 * character from U+00C2 to U+00F4, whose UTF-8 starts with C3 (never a
 * continuation byte), so the text up to the next C3 is copied whole.  A
 * repair reads at least two bytes for each byte it gives back, so out
 * needs n bytes at most.
 */
static int
unbake(const char *s, size_t n, buf *out)
{
	const unsigned char *p = (const unsigned char *)s, *c3;
	unsigned char bytes[4];
	size_t i = 0, j, need, got, len, l2, run;
	uint32_t cp, c2;
	int fixed = 0, b;
	char *o;

	if (buf_reserve(out, n) != 0)
		return -1;
	o = out->data + out->len;
	while (i < n) {
		c3 = memchr(p + i, 0xC3, n - i);
		run = c3 != NULL ? (size_t)(c3 - (p + i)) : n - i;
		memcpy(o, p + i, run);
		o += run;
		if ((i += run) == n)
			break;
		len = utf8_decode(p + i, &cp);
		need = cp >= 0xC2 && cp <= 0xDF ? 1 : cp >= 0xE0 && cp <= 0xEF ? 2 :
		    cp >= 0xF0 && cp <= 0xF4 ? 3 : 0;
		bytes[0] = (unsigned char)cp;
		for (got = 0, j = i + len; got < need && j < n; got++, j += l2) {
			l2 = utf8_decode(p + j, &c2);
			b = cp_byte(c2);
			if (b < 0x80 || b > 0xBF)
				break;
			bytes[1 + got] = (unsigned char)b;
		}
		if (need > 0 && got == need && utf8_seq_len(bytes, need + 1) == need + 1 &&
		    utf8_decode(bytes, &c2) > 0 && plausible(c2)) {
			memcpy(o, bytes, need + 1);
			o += need + 1;
			fixed++;
			i = j;
			continue;
		}
		memcpy(o, p + i, len);
		o += len;
		i += len;
	}
	out->len = (size_t)(o - out->data);
	return fixed;
}

int
repair_line(repair_ctx *rc, const char *in, size_t n, size_t plain, const char **out,
    size_t *outn, unsigned *did)
{
	const char *s = in;
	buf *dst = &rc->a;
	/* Mojibake can start in the last character of a plain prefix, when a
	 * three-byte character follows it; an entity cannot start in it. */
	size_t from = plain > 2 ? plain - 2 : 0;
	int k, pass;

	*did = 0;
	/* Twice at most: text can be mis-decoded twice, rarely more. */
	for (pass = 0; pass < 2 && (rc->flags & REPAIR_MOJIBAKE) &&
	    maybe_mojibake(s + from, n - from); pass++) {
		buf_clear(dst);
		if ((k = unbake(s, n, dst)) < 0)
			return -1;
		if (k == 0)
			break;
		*did |= REPAIR_MOJIBAKE;
		s = dst->data;
		n = dst->len;
		dst = dst == &rc->a ? &rc->b : &rc->a;
		from = plain = 0;
	}
	if ((rc->flags & REPAIR_ENTITIES) && n > plain && entities_maybe(s + plain, n - plain)) {
		buf_clear(dst);
		if ((k = entities_decode(s, n, ENTITIES_TEXT, dst)) < 0)
			return -1;
		if (k > 0) {
			*did |= REPAIR_ENTITIES;
			s = dst->data;
			n = dst->len;
		}
	}
	*outn = n;
	*out = s;
	return 0;
}
