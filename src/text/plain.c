/*
 * plain.c - see plain.h.  Any bytes at all may come in; what is not
 * plain, well-formed or not, only ends the prefix.
 *
 * The definition is plain_char() below, one character at a time, which
 * is what machines without SSE2 run.  With SSE2 (every x86-64) the same
 * is found sixteen bytes at a time, to the line's very end: each test
 * gives a mask of the bytes that fail it, and the first byte of any mask
 * ends the prefix.  Tests that look at the bytes after a position use
 * loads one and two bytes further on; the one that looks back (a
 * continuation byte needs its lead) shifts the lead mask, carrying its top
 * bit into the next block.  Where the machine has AVX2 (chosen at run
 * time), the same tests take 32 bytes at a time first.
 */
#include "text/plain.h"

#include <stdint.h>
#include <string.h>

#include "swar.h"

#if !defined(__SSE2__)
/* Can C2..CB, followed by these bytes, be mojibake (repair.c)? */
static int
baked(const unsigned char *p, size_t i, size_t n)
{
	if (p[i] != 0xC3 || p[i + 1] < 0x82 || p[i + 1] > 0xB4)
		return 0;
	if (i + 2 >= n)
		return p[i + 1] == 0x83;	/* "Ã" at the end, as before a space */
	return p[i + 2] == 0xC2 || p[i + 2] == 0xC5 || p[i + 2] == 0xC6 || p[i + 2] == 0xCB ||
	    (p[i + 1] == 0x83 && p[i + 2] == ' ');
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
	if ((c == 0xC4 && (p[i + 1] == 0x82 || p[i + 1] == 0xB2 || p[i + 1] == 0xB3 ||
	    p[i + 1] == 0xB9)) ||
	    (c == 0xC5 && p[i + 1] == 0x89) ||
	    (c == 0xC7 && ((p[i + 1] >= 0x87 && p[i + 1] <= 0x8C) ||
	    (p[i + 1] >= 0xB1 && p[i + 1] <= 0xB3))))
		return 0;	/* "Ă", "Ĺ" of Windows-1250; ligatures */
	return baked(p, i, n) ? 0 : 2;
}
#endif

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
	/* C3 82..B4 before C2, C5, C6 or CB; or "Ã" (C3 83) before a space. */
	bad = _mm_or_si128(bad, _mm_and_si128(_mm_and_si128(sse_eq(v, 0xC3),
	    sse_within(v1, 0x82, 0xB4)), _mm_or_si128(_mm_or_si128(
	    _mm_or_si128(sse_eq(v2, 0xC2), sse_eq(v2, 0xC5)),
	    _mm_or_si128(sse_eq(v2, 0xC6), sse_eq(v2, 0xCB))),
	    _mm_and_si128(sse_eq(v1, 0x83), sse_eq(v2, ' ')))));
	/* C4 to C7 are rare in German and English text: their tests only
	 * where the block has one. */
	if (mask(sse_within(v, 0xC4, 0xC7)) != 0)
		bad = _mm_or_si128(bad, _mm_or_si128(_mm_or_si128(
		    _mm_and_si128(sse_eq(v, 0xC4), _mm_or_si128(_mm_or_si128(
		    sse_within(v1, 0xB2, 0xB3), sse_eq(v1, 0x82)), sse_eq(v1, 0xB9))),
		    _mm_and_si128(sse_eq(v, 0xC5), sse_eq(v1, 0x89))),
		    _mm_and_si128(sse_eq(v, 0xC7), _mm_or_si128(sse_within(v1, 0x87, 0x8C),
		    sse_within(v1, 0xB1, 0xB3)))));
	leads = mask(ld);
	cont = mask(sse_within(v, 0x80, 0xBF));
	m |= mask(bad);
	/* C0, C1 and CC..FF; continuation bytes without a lead before. */
	m |= high & ~leads & ~cont;
	m |= cont & ~(leads << 1 | *lead);
	*lead = leads >> 15;
	return m & 0xFFFF;
}

#if defined(SWAR_SSSE3)
/* The same tests for 32 bytes with AVX2, where the machine has it: q[32]
 * and q[33] can be read. */
__attribute__((target("avx2"))) static inline uint32_t
block32(const unsigned char *q, unsigned *lead)
{
	__m256i v = avx_load(q), v1 = avx_load(q + 1), v2, ld, bad;
	uint32_t high = avx_mask(v), leads, cont, m, ok;

	bad = _mm256_or_si256(avx_within(v, 0x00, 0x1F),
	    _mm256_or_si256(avx_eq(v, 0x7F), avx_eq(v, '&')));
	bad = _mm256_or_si256(bad, _mm256_and_si256(avx_eq(v, ' '), avx_eq(v1, ' ')));
	m = avx_mask(bad);
	if (high == 0) {
		*lead = 0;
		return m;
	}
	v2 = avx_load(q + 2);
	/* Where every byte above ASCII is "À" to "ÿ" (C3 80 to C3 BF, as
	 * German umlauts are) followed by ASCII, but for "Ã " (C3 83 20), the
	 * block is plain but for what m says: none of the tests below would
	 * fail. */
	ok = avx_mask(_mm256_andnot_si256(_mm256_and_si256(avx_eq(v1, 0x83), avx_eq(v2, ' ')),
	    _mm256_and_si256(_mm256_and_si256(avx_eq(v, 0xC3), avx_within(v1, 0x80, 0xBF)),
	    _mm256_cmpgt_epi8(v2, _mm256_set1_epi8(-1)))));
	if ((high & ~(ok | ok << 1 | *lead)) == 0) {
		*lead = ok >> 31;
		return m;
	}
	ld = avx_within(v, 0xC2, 0xCB);
	bad = _mm256_andnot_si256(avx_within(v1, 0x80, 0xBF), ld);
	bad = _mm256_or_si256(bad, _mm256_and_si256(avx_eq(v, 0xC2), _mm256_or_si256(
	    _mm256_or_si256(avx_within(v1, 0x80, 0xA0), avx_eq(v1, 0xAB)),
	    _mm256_or_si256(avx_eq(v1, 0xAD), avx_eq(v1, 0xBB)))));
	bad = _mm256_or_si256(bad, _mm256_and_si256(_mm256_and_si256(avx_eq(v, 0xC3),
	    avx_within(v1, 0x82, 0xB4)), _mm256_or_si256(_mm256_or_si256(
	    _mm256_or_si256(avx_eq(v2, 0xC2), avx_eq(v2, 0xC5)),
	    _mm256_or_si256(avx_eq(v2, 0xC6), avx_eq(v2, 0xCB))),
	    _mm256_and_si256(avx_eq(v1, 0x83), avx_eq(v2, ' ')))));
	if (avx_mask(avx_within(v, 0xC4, 0xC7)) != 0)
		bad = _mm256_or_si256(bad, _mm256_or_si256(_mm256_or_si256(
		    _mm256_and_si256(avx_eq(v, 0xC4), _mm256_or_si256(_mm256_or_si256(
		    avx_within(v1, 0xB2, 0xB3), avx_eq(v1, 0x82)), avx_eq(v1, 0xB9))),
		    _mm256_and_si256(avx_eq(v, 0xC5), avx_eq(v1, 0x89))),
		    _mm256_and_si256(avx_eq(v, 0xC7), _mm256_or_si256(avx_within(v1, 0x87, 0x8C),
		    avx_within(v1, 0xB1, 0xB3)))));
	leads = avx_mask(ld);
	cont = avx_mask(avx_within(v, 0x80, 0xBF));
	m |= avx_mask(bad);
	m |= high & ~leads & ~cont;
	m |= cont & ~(leads << 1 | *lead);
	*lead = leads >> 31;
	return m;
}

/* Thirty-two bytes at a time while 34 are left: returns where the prefix
 * ends, with *found set, or else the offset the blocks stopped at. */
__attribute__((target("avx2"))) static size_t
wide_blocks(const unsigned char *p, size_t n, unsigned *lead, int *found)
{
	size_t i;
	uint32_t m;

	for (i = 0; i + 34 <= n; i += 32)
		if ((m = block32(p + i, lead)) != 0) {
			*found = 1;
			return i + (size_t)__builtin_ctz(m);
		}
	*found = 0;
	return i;
}
#endif

/* The sixteen-byte blocks from offset i on, lead carrying in whether the
 * byte before p[i] is a lead byte; the last bytes too, from a copy. */
static size_t
narrow_from(const unsigned char *p, size_t i, size_t n, unsigned lead)
{
	unsigned char tail[16 + 18];
	unsigned m;
	size_t k, j;

	for (; i + 18 <= n; i += 16)
		if ((m = block(p + i, &lead)) != 0)
			return i + (size_t)__builtin_ctz(m);
	/* The last bytes (fewer than eighteen) in blocks too, copied before
	 * spaces: a space at the end is then followed by another and fails,
	 * as it should, and a lead byte at the end has no continuation.
	 * What the blocks say of the spaces themselves is not looked at. */
	memset(tail, ' ', sizeof(tail));
	memcpy(tail, p + i, n - i);
	for (j = 0, k = n - i; j < k; j += 16) {
		m = block(tail + j, &lead);
		if (k - j < 16)
			m &= (1u << (k - j)) - 1;
		if (m != 0)
			return i + j + (size_t)__builtin_ctz(m);
	}
	return n;
}

size_t
plain_prefix_narrow(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n == 0 || p[0] == ' ')
		return 0;
	return narrow_from(p, 0, n, 0);
}

size_t
plain_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n == 0 || p[0] == ' ')
		return 0;
#if defined(SWAR_SSSE3)
	if (n >= 34 && __builtin_cpu_supports("avx2")) {
		unsigned lead = 0;
		int found;
		size_t i = wide_blocks(p, n, &lead, &found);
		return found ? i : narrow_from(p, i, n, lead);
	}
#endif
	return narrow_from(p, 0, n, 0);
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

size_t
plain_prefix_narrow(const char *s, size_t n)
{
	return plain_prefix(s, n);
}
#endif
