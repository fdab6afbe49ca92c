/*
 * plain.c - see plain.h.  Any bytes at all may come in; what is not
 * plain, well-formed or not, only ends the prefix.
 *
 * The definition is plain_char() below, one character at a time.  With
 * SSE2 (every x86-64) the same is found sixteen bytes at a time: each test
 * gives a mask of the bytes that fail it, and the first byte of any mask
 * ends the prefix.  Tests that look at the bytes after a position use
 * loads one and two bytes further on; the one that looks back (a
 * continuation byte needs its lead) shifts the lead mask, carrying its top
 * bit into the next block.
 */
#include "plain.h"

#include <stdint.h>

#include "swar.h"

/* Can C2..CB, followed by these bytes, be mojibake (repair.c)? */
static int
baked(const unsigned char *p, size_t i, size_t n)
{
	return p[i] == 0xC3 && p[i + 1] >= 0x82 && p[i + 1] <= 0xB4 && i + 2 < n &&
	    (p[i + 2] == 0xC2 || p[i + 2] == 0xC5 || p[i + 2] == 0xC6 || p[i + 2] == 0xCB);
}

/* The length of the plain character at p[i], or 0 if it is not one. */
static size_t
plain_char(const unsigned char *p, size_t i, size_t n)
{
	unsigned c = p[i];

	if (c == ' ')
		return i > 0 && i + 1 < n && p[i + 1] != ' ';
	if (c > ' ' && c < 0x7F)
		return c != '&';
	if (c < 0xC2 || c > 0xCB || i + 1 >= n || (p[i + 1] & 0xC0) != 0x80)
		return 0;
	if (c == 0xC2 && (p[i + 1] <= 0xA0 || p[i + 1] == 0xAB || p[i + 1] == 0xAD ||
	    p[i + 1] == 0xBB))
		return 0;	/* C1 controls, NBSP, quotes, soft hyphen */
	return baked(p, i, n) ? 0 : 2;
}

#if defined(__SSE2__)
static unsigned
mask(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(v);
}

/*
 * The bytes of q[0..16) that end the prefix, given that q[16] and q[17]
 * can be read; *lead carries in whether the byte before q[0] is a lead
 * byte and out whether q[15] is.  A space at the line's start or end is
 * the caller's to check.
 */
static unsigned
block(const unsigned char *q, unsigned *lead)
{
	__m128i v = sse_load(q), v1 = sse_load(q + 1), v2, ld, bad;
	unsigned high = mask(v), leads, cont, m;

	bad = _mm_or_si128(sse_within(v, 0x00, 0x1F), _mm_or_si128(sse_eq(v, 0x7F), sse_eq(v, '&')));
	bad = _mm_or_si128(bad, _mm_and_si128(sse_eq(v, ' '), sse_eq(v1, ' ')));
	m = mask(bad);
	if (high == 0) {
		/* ASCII only, as most blocks are: a lead byte before q[0]
		 * was found not to be followed by its continuation. */
		*lead = 0;
		return m;
	}
	v2 = sse_load(q + 2);
	ld = sse_within(v, 0xC2, 0xCB);
	bad = _mm_andnot_si128(sse_within(v1, 0x80, 0xBF), ld);
	bad = _mm_or_si128(bad, _mm_and_si128(sse_eq(v, 0xC2), _mm_or_si128(
	    _mm_or_si128(sse_within(v1, 0x80, 0xA0), sse_eq(v1, 0xAB)),
	    _mm_or_si128(sse_eq(v1, 0xAD), sse_eq(v1, 0xBB)))));
	bad = _mm_or_si128(bad, _mm_and_si128(_mm_and_si128(sse_eq(v, 0xC3),
	    sse_within(v1, 0x82, 0xB4)), _mm_or_si128(_mm_or_si128(sse_eq(v2, 0xC2), sse_eq(v2, 0xC5)),
	    _mm_or_si128(sse_eq(v2, 0xC6), sse_eq(v2, 0xCB)))));
	leads = mask(ld);
	cont = mask(sse_within(v, 0x80, 0xBF));
	m |= mask(bad);
	/* C0, C1 and CC..FF; continuation bytes without a lead before. */
	m |= high & ~leads & ~cont;
	m |= cont & ~(leads << 1 | *lead);
	*lead = leads >> 15;
	return m & 0xFFFF;
}

size_t
plain_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned lead = 0, m;
	size_t i, k;

	if (n == 0 || p[0] == ' ')
		return 0;
	for (i = 0; i + 18 <= n; i += 16)
		if ((m = block(p + i, &lead)) != 0)
			return i + (size_t)__builtin_ctz(m);
	/* The last few bytes one character at a time, from the start of
	 * the character a lead byte at the end of the last block began. */
	for (i -= lead; i < n && (k = plain_char(p, i, n)) > 0; i += k)
		;
	return i;
}
#else
size_t
plain_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k;

	for (i = 0; i < n && (k = plain_char(p, i, n)) > 0; i += k)
		;
	return i;
}
#endif
