/*
 * swar.h - eight bytes at a time in a 64-bit word ("SIMD within a
 * register"), in portable C.  Each test gives a mask with the top bit of
 * every byte that passes set and all other bits clear; the tests are exact
 * (no false hits from carries between bytes), so a mask can be used both to
 * find the first such byte (swar_first) and to combine bytes (mask >> 8
 * lines a byte's bit up with the byte before it on a little-endian
 * machine, which is what the loads below assume byte order of).
 */
#ifndef UNBOIL_SWAR_H
#define UNBOIL_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SWAR_SSSE3 1	/* sse_nibbles() can be built; callers check the CPU */
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGHS 0x8080808080808080ULL

/* The eight bytes at p, p[0] in the low byte. */
static inline uint64_t
swar_load(const void *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* The bytes of w that are zero. */
static inline uint64_t
swar_zero(uint64_t w)
{
	return ~(((w & ~SWAR_HIGHS) + ~SWAR_HIGHS) | w) & SWAR_HIGHS;
}

/* The bytes of w equal to c. */
static inline uint64_t
swar_eq(uint64_t w, unsigned char c)
{
	return swar_zero(w ^ (SWAR_ONES * c));
}

/* The ASCII bytes of w below c (c at most 0x80). */
static inline uint64_t
swar_below(uint64_t w, unsigned char c)
{
	return ~((w & ~SWAR_HIGHS) + SWAR_ONES * (0x80 - c)) & ~w & SWAR_HIGHS;
}

/* The bytes of w whose low seven bits are below c (c at most 0x80). */
static inline uint64_t
swar_below7(uint64_t w, unsigned char c)
{
	return ~((w & ~SWAR_HIGHS) + SWAR_ONES * (0x80 - c)) & SWAR_HIGHS;
}

/* The number of bytes set in a mask (a multiply gathers the eight flags
 * into the top byte; no popcount instruction needed). */
static inline size_t
swar_count(uint64_t m)
{
	return (size_t)(((m >> 7) * SWAR_ONES) >> 56);
}

/* The high bytes of w whose value lies in [lo, hi] (both 0x80 or more). */
static inline uint64_t
swar_high_in(uint64_t w, unsigned char lo, unsigned char hi)
{
	return w & SWAR_HIGHS & ~swar_below7(w, (unsigned char)(lo & 0x7F)) &
	    swar_below7(w, (unsigned char)((hi & 0x7F) + 1));
}

/*
 * For eight bytes w that start at a character boundary: if every byte
 * beyond ASCII belongs to a well-formed two-byte character (C2..DF) or a
 * three-byte one whose first byte needs no check of the second (E1..EC,
 * EE, EF: General Punctuation's quotes and dashes among them), returns how
 * many bytes are whole characters (6 to 8: a character may go on into the
 * next word); otherwise 0, and the caller looks byte by byte.
 */
static inline size_t
swar_utf8(uint64_t w)
{
	uint64_t high = w & SWAR_HIGHS, two, three, cont;
	size_t k = 8;

	if (high == 0)
		return 8;
	two = swar_high_in(w, 0xC2, 0xDF);
	three = swar_high_in(w, 0xE1, 0xEC) | swar_high_in(w, 0xEE, 0xEF);
	cont = swar_high_in(w, 0x80, 0xBF);
	if ((high & ~(two | three | cont)) != 0 ||
	    cont != ((two | three) << 8 | three << 16))
		return 0;
	if ((two | three) >> 63)
		k = 7;
	if (three >> 55 & 1)
		k = 6;
	return k;
}

#if defined(__SSE2__)
/* Sixteen bytes at a time with SSE2: a test gives 0xFF in every byte that
 * passes, 0 in the others. */
static inline __m128i
sse_load(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

/* The bytes of v equal to c. */
static inline __m128i
sse_eq(__m128i v, unsigned char c)
{
	return _mm_cmpeq_epi8(v, _mm_set1_epi8((char)c));
}

/* The bytes of v from lo to hi: their distance above lo, taken unsigned,
 * is at most hi - lo, which min tells. */
static inline __m128i
sse_within(__m128i v, unsigned char lo, unsigned char hi)
{
	__m128i t = _mm_sub_epi8(v, _mm_set1_epi8((char)lo));

	return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((char)(hi - lo))), t);
}

/* The same in two steps (hi - lo below 255): the move of lo to -128
 * takes the range to the bottom of the signed bytes, where one signed
 * compare tells it. */
static inline __m128i
sse_in(__m128i v, unsigned char lo, unsigned char hi)
{
	__m128i t = _mm_add_epi8(v, _mm_set1_epi8((char)(unsigned char)(0x80 - lo)));

	return _mm_cmpgt_epi8(_mm_set1_epi8((char)(unsigned char)(0x81 + hi - lo)), t);
}

/* The sum of the sixteen bytes of v. */
static inline size_t
sse_sum(__m128i v)
{
	uint64_t sum[2];

	_mm_storeu_si128((__m128i *)sum, _mm_sad_epu8(v, _mm_setzero_si128()));
	return (size_t)(sum[0] + sum[1]);
}
#endif

#if defined(SWAR_SSSE3)
/* A table lookup for each byte of v by its two halves, with pshufb:
 * lo[b & 15] & hi[b >> 4].  Byte sets are then bits that survive: bit k
 * of lo[c & 15] and of hi[c >> 4] both set for each byte c of set k. */
__attribute__((target("ssse3"))) static inline __m128i
sse_nibbles(__m128i v, __m128i lo, __m128i hi)
{
	__m128i low = _mm_set1_epi8(0x0F);

	return _mm_and_si128(_mm_shuffle_epi8(lo, _mm_and_si128(v, low)),
	    _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), low)));
}

/* The same with AVX2, 32 bytes at a time (the caller checks the CPU); a
 * byte set to look up by halves is in both 16-byte lanes of lo and hi. */
__attribute__((target("avx2"))) static inline __m256i
avx_load(const void *p)
{
	return _mm256_loadu_si256((const __m256i *)p);
}

__attribute__((target("avx2"))) static inline uint32_t
avx_mask(__m256i v)
{
	return (uint32_t)_mm256_movemask_epi8(v);
}

__attribute__((target("avx2"))) static inline __m256i
avx_eq(__m256i v, unsigned char c)
{
	return _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)c));
}

__attribute__((target("avx2"))) static inline __m256i
avx_within(__m256i v, unsigned char lo, unsigned char hi)
{
	__m256i t = _mm256_sub_epi8(v, _mm256_set1_epi8((char)lo));

	return _mm256_cmpeq_epi8(_mm256_min_epu8(t, _mm256_set1_epi8((char)(hi - lo))), t);
}

__attribute__((target("avx2"))) static inline __m256i
avx_in(__m256i v, unsigned char lo, unsigned char hi)
{
	__m256i t = _mm256_add_epi8(v, _mm256_set1_epi8((char)(unsigned char)(0x80 - lo)));

	return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(unsigned char)(0x81 + hi - lo)), t);
}

__attribute__((target("avx2"))) static inline size_t
avx_sum(__m256i v)
{
	uint64_t sum[4];

	_mm256_storeu_si256((__m256i *)sum, _mm256_sad_epu8(v, _mm256_setzero_si256()));
	return (size_t)(sum[0] + sum[1] + sum[2] + sum[3]);
}

__attribute__((target("avx2"))) static inline __m256i
avx_nibbles(__m256i v, __m256i lo, __m256i hi)
{
	__m256i low = _mm256_set1_epi8(0x0F);

	return _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, low)),
	    _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), low)));
}
#endif

#if defined(SWAR_SSSE3)
/* The number of bytes in [lo, hi] in the first *done bytes of s[0..n),
 * 32 at a time with AVX2 (the caller checks the CPU): the matches (0xFF)
 * negated to 1 and added up by vpsadbw. */
__attribute__((target("avx2"))) static inline size_t
count_in32(const unsigned char *s, size_t n, unsigned char lo, unsigned char hi, size_t *done)
{
	const __m256i zero = _mm256_setzero_si256();
	__m256i acc = zero;
	uint64_t sum[4];
	size_t i;

	for (i = 0; i + 32 <= n; i += 32)
		acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_sub_epi8(zero,
		    avx_within(avx_load(s + i), lo, hi)), zero));
	_mm256_storeu_si256((__m256i *)sum, acc);
	*done = i;
	return (size_t)(sum[0] + sum[1] + sum[2] + sum[3]);
}
#endif

/* The number of bytes of s[0..n) in [lo, hi]; with AVX2 32 at a time,
 * with SSE2 sixteen, as count_in32 does. */
static inline size_t
count_in(const unsigned char *s, size_t n, unsigned char lo, unsigned char hi)
{
	size_t i = 0, k = 0;

#if defined(SWAR_SSSE3)
	if (n >= 64 && __builtin_cpu_supports("avx2"))
		k = count_in32(s, n, lo, hi, &i);
#endif
#if defined(__SSE2__)
	__m128i zero = _mm_setzero_si128(), acc = zero;
	uint64_t sum[2];

	for (; i + 16 <= n; i += 16)
		acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_sub_epi8(zero,
		    sse_within(sse_load(s + i), lo, hi)), zero));
	_mm_storeu_si128((__m128i *)sum, acc);
	k += (size_t)(sum[0] + sum[1]);
#endif
	for (; i < n; i++)
		k += (unsigned char)(s[i] - lo) <= (unsigned char)(hi - lo);
	return k;
}

/* The index of the first byte set in a non-zero mask. */
static inline size_t
swar_first(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) / 8;
}

/* The length of the run of ASCII bytes that s[0..n) starts with, eight
 * bytes at a time. */
static inline size_t
swar_ascii(const unsigned char *s, size_t n)
{
	size_t i;
	uint64_t m;

	for (i = 0; i + 8 <= n; i += 8)
		if ((m = swar_load(s + i) & SWAR_HIGHS) != 0)
			return i + swar_first(m);
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

#endif
