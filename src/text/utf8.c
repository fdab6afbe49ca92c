/*
 * utf8.c - UTF-8 validation and repair.  The invalid-byte policy is stated
 * in utf8.h and implemented in utf8_repair() below.
 */
#include "text/utf8.h"

#include "swar.h"

#include <string.h>

/* Windows-1252 0x80..0x9F; 0xFFFD where the code page defines nothing. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

uint32_t
utf8_cp1252(unsigned char c)
{
	if (c >= 0x80 && c < 0xA0)
		return cp1252_high[c - 0x80];
	return c;
}

size_t
utf8_strip_nul(char *p, size_t n)
{
	char *z = memchr(p, '\0', n);
	size_t i, o;

	if (z == NULL)
		return n;
	for (i = o = (size_t)(z - p); i < n; i++)
		if (p[i] != '\0')
			p[o++] = p[i];
	return o;
}

size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0;	/* overlong */
		if (c == 0xED && p[1] >= 0xA0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xF4 && p[1] >= 0x90)
			return 0;	/* above U+10FFFF */
		return 4;
	}
	return 0;
}

#if defined(SWAR_SSSE3)
/* The bytes of v in [lo, hi], as a bit mask. */
__attribute__((target("avx2"))) static inline uint32_t
within32(__m256i v, unsigned char lo, unsigned char hi)
{
	return avx_mask(avx_within(v, lo, hi));
}

/*
 * The fast path of utf8_valid_prefix() 32 bytes at a time with AVX2 (the
 * caller checks the CPU): while a block holds only ASCII, two-byte
 * characters and the three-byte ones whose lead needs no check of the
 * next byte (E1..EC, EE, EF), it is well-formed if its continuation bytes
 * are exactly those the leads before them ask for, including those a
 * character from the block before still owes.  Returns the offset, a
 * character boundary, up to which p[0..n) is well-formed; the caller goes
 * on from there one character at a time.
 */
__attribute__((target("avx2"))) static size_t
valid_blocks(const unsigned char *p, size_t n)
{
	uint32_t owed = 0, back = 0;	/* back: bytes of a character begun */
	size_t i;

	for (i = 0; i + 32 <= n; i += 32) {
		__m256i v = avx_load(p + i);
		uint32_t high = avx_mask(v), cont, two, three;
		uint64_t want;

		/* No shortcut for ASCII blocks: in German text about every
		 * other block has an umlaut, so the branch would be a coin toss
		 * dearer than the tests it would save. */
		cont = within32(v, 0x80, 0xBF);
		two = within32(v, 0xC2, 0xDF);
		three = within32(v, 0xE1, 0xEC) | within32(v, 0xEE, 0xEF);
		want = (uint64_t)(two | three) << 1 | (uint64_t)three << 2 | owed;
		if ((high & ~(cont | two | three)) != 0 || cont != (uint32_t)want)
			break;
		owed = (uint32_t)(want >> 32);
		back = (two | three) >> 31 ? 1 : three >> 30 & 1 ? 2 : 0;
	}
	return i - back;
}
#endif

size_t
utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

#if defined(SWAR_SSSE3)
	if (n >= 64 && __builtin_cpu_supports("avx2"))
		i = valid_blocks(p, n);
#endif
	while (i < n) {
		/* Eight bytes at a time while they are ASCII, Latin letters
		 * and the common three-byte characters. */
		while (i + 8 <= n && (k = swar_utf8(swar_load(p + i))) > 0)
			i += k;
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		/* Two-byte sequences (Latin letters) need no other check. */
		if (p[i] >= 0xC2 && p[i] < 0xE0 && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		if ((k = utf8_seq_len(p + i, n - i)) == 0)
			return i;
		i += k;
	}
	return n;
}

size_t
utf8_decode(const unsigned char *p, uint32_t *cp)
{
	unsigned char c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xE0) {
		*cp = (uint32_t)(c & 0x1F) << 6 | (p[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0) {
		*cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
		    (p[2] & 0x3F);
		return 3;
	}
	*cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
	    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	return 4;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

long
utf8_repair(const char *s, size_t n, buf *out, uint64_t *bad_fffd)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, ok, k;
	long replaced = 0;
	uint32_t cp;
	char enc[4];

	while (i < n) {
		ok = utf8_valid_prefix(s + i, n - i);
		if (buf_append(out, s + i, ok) != 0)
			return -1;
		i += ok;
		if (i >= n)
			break;
		/* p[i] starts no well-formed sequence: read it as Windows-1252. */
		cp = utf8_cp1252(p[i]);
		if (cp == 0xFFFD && bad_fffd != NULL)
			(*bad_fffd)++;
		k = utf8_encode(cp, enc);
		if (buf_append(out, enc, k) != 0)
			return -1;
		replaced++;
		i++;
	}
	return replaced;
}
