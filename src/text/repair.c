/*
 * repair.c - mojibake and HTML entity repair; see repair.h for what is
 * changed and what is left alone.  Input is well-formed UTF-8 and so is
 * all output; nothing here fails but allocation.
 */
#include "text/repair.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "swar.h"
#include "text/utf8.h"

struct repair_ctx {
	unsigned flags;
	buf a, b;
	buf ma, mb;	/* which bytes of a and b a mojibake pass made */
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
	buf_free(&rc->ma);
	buf_free(&rc->mb);
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
	/* The 27 others are from U+0152 to U+2122. */
	if (cp > 0x2122 || (cp > 0x2DC && cp < 0x2013))
		return -1;
	for (b = 0x80; b < 0xA0; b++)
		if (utf8_cp1252((unsigned char)b) == cp)
			return b;
	return -1;
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

/* The general category of cp, as utf8proc has it. */
static int
category(uint32_t cp)
{
	return utf8proc_category((utf8proc_int32_t)cp);
}

static int
is_upper(uint32_t cp)
{
	return category(cp) == UTF8PROC_CATEGORY_LU;
}

static int
is_lower(uint32_t cp)
{
	return category(cp) == UTF8PROC_CATEGORY_LL;
}

static int
is_letter(uint32_t cp)
{
	int c = category(cp);

	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

/* Is cp, at p (n bytes left), a mojibake lead: a character from U+00C2 to
 * U+00F4 followed by one that stands for a continuation byte, or by U+FFFD
 * where that byte was lost? */
static int
lead_at(const unsigned char *p, size_t n)
{
	uint32_t c;
	int b;

	if (n < 4 || p[0] != 0xC3 || p[1] < 0x82 || p[1] > 0xB4)
		return 0;
	utf8_decode(p + 2, &c);
	b = cp_byte(c);
	return (b >= 0x80 && b <= 0xBF) || c == 0xFFFD;
}

/* The character that ends at out[0..o), or 0 at the start. */
static uint32_t
before(const char *start, const char *o)
{
	const char *q = o;
	uint32_t c;

	if (q == start)
		return 0;
	while (q > start && ((unsigned char)q[-1] & 0xC0) == 0x80)
		q--;
	if (q > start)
		q--;
	utf8_decode((const unsigned char *)q, &c);
	return c;
}

/* A rough script of a letter: Latin (not IPA or Extended-B), or the 256-code-point page of the
 * others (Greek, Cyrillic, Hebrew, Arabic, Thai ... each within one or
 * two pages), which tells a word's letters from a stray one. */
static uint32_t
script(uint32_t cp)
{
	if (cp < 0x180 || (cp >= 0x1E00 && cp <= 0x1EFF))
		return 0;
	if (cp >= 0x4E00 && cp <= 0x9FFF)
		return 0x4E;	/* the CJK ideographs */
	if (cp >= 0xAC00 && cp <= 0xD7AF)
		return 0xAC;	/* Hangul syllables */
	return cp >> 8;
}

/* Can a repair give c2 on its own, among characters of another kind?
 * Latin letters, the accents of decomposed text, Greek (the µ and γ of
 * science), C1 controls (a middle layer), punctuation, symbols, arrows, dingbats, fullwidth forms and
 * emoji can; a lone Hebrew, Armenian, Cyrillic or CJK character, or a
 * letter of IPA or Latin Extended-B, made from Latin-1 letters and
 * punctuation ("×”", "É…", "ë…”") is a coincidence. */
static int
alone_ok(uint32_t c2)
{
	return c2 < 0x180 || (c2 >= 0x300 && c2 <= 0x3FF) ||
	    (c2 >= 0x1E00 && c2 <= 0x1EFF) || (c2 >= 0x2000 && c2 <= 0x2BFF) ||
	    (c2 >= 0x3000 && c2 <= 0x303F) || (c2 >= 0xFF00 && c2 <= 0xFFEF) ||
	    c2 == 0xFFFD || c2 >= 0x1F000;
}

/*
 * Would text spell c2, with prev before and next after it, rather than the
 * mojibake that stands there now?  last is the character that gave the
 * last continuation byte.  The structure (a lead and its continuations
 * spelling well-formed UTF-8) is rare by chance; these are the chances
 * that real text does take:
 *  - an upper-case letter and a no-break space ("SELKÄ EDELLÄ" in
 *    Finnish): the repair must be à, or mojibake must follow;
 *  - a capital followed by a symbol in capitals ("AHÅ™", "MÄ£ÄM"), which
 *    would turn into a lower-case letter that no lower-case letter
 *    follows;
 *  - a capital and a curly apostrophe before a letter ("Ã’s");
 *  - a letter of Latin Extended with no letter on either side ("10 Å—").
 */
static int
likely(uint32_t c2, uint32_t prev, uint32_t last, const unsigned char *after, size_t n)
{
	uint32_t next = 0;
	int cat, lead_next;

	/* Most mojibake is a Latin-1 letter or punctuation after a lower-case
	 * letter, a space or punctuation, where no rule below can say no. */
	if (prev < 0x80 && (prev < 'A' || prev > 'Z') && last != 0xA0 && last != 0x2019 &&
	    (c2 < 0x100 || (c2 >= 0x2010 && c2 <= 0x206F)))
		return 1;
	if (n > 0)
		utf8_decode(after, &next);
	lead_next = lead_at(after, n);
	cat = category(c2);

	if (cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CO ||
	    cat == UTF8PROC_CATEGORY_CS)
		return 0;
	if (!alone_ok(c2) && !lead_next && !(is_letter(prev) && script(prev) == script(c2)))
		return 0;
	if (last == 0xA0 && !lead_next && c2 != 0xE0 && !(c2 == 0xA0 && !is_upper(prev)))
		return 0;
	if (is_upper(prev) && is_lower(c2) && c2 != 0xDF && !is_lower(next) && !lead_next)
		return 0;
	if (last == 0x2019 && is_upper(c2) && next < 0x80 && is_letter(next))
		return 0;
	if (c2 >= 0x100 && c2 <= 0x24F && !is_letter(prev) && !is_letter(next))
		return 0;
	return 1;
}

/* Do bytes[0..k), a lead from C2 to F4 and k - 1 continuations, begin a
 * well-formed sequence (no overlong form, surrogate or beyond U+10FFFF)? */
static int
prefix_ok(const unsigned char *bytes, int k)
{
	unsigned char b0 = bytes[0];

	if (k < 2)
		return 1;
	return !((b0 == 0xE0 && bytes[1] < 0xA0) || (b0 == 0xED && bytes[1] > 0x9F) ||
	    (b0 == 0xF0 && bytes[1] < 0x90) || (b0 == 0xF4 && bytes[1] > 0x8F));
}

/*
 * The sequence of a lead at p[i] (cp, len bytes, need continuations) in
 * bytes[]; *end gets where it ends and *last the character of its last
 * continuation.  Returns the number of bytes (need + 1), or 3 for U+FFFD
 * where a byte was lost on the way, or 0.  A lost byte is U+FFFD, or "?"
 * after "â€", in the first pass (lossy) only, and only after "â€" (the
 * punctuation of General Punctuation), after a letter of another script
 * than Latin or before more mojibake: "ä«" and U+FFFD are two characters
 * and a U+FFFD, not one lost one.  A plain space stands for a no-break
 * space that became one, where the lead is "Ã" (which is "à" in French
 * and Portuguese) before a space or a lower-case letter, or where mojibake
 * goes on after the space.
 */
static size_t
sequence(const unsigned char *p, size_t n, size_t i, size_t len, int need,
    unsigned char *bytes, size_t *end, uint32_t *last, uint32_t prev, int lossy)
{
	size_t j = i + len, l2;
	uint32_t c, nx;
	int got, b;

	for (got = 0; got < need && j < n; got++, j += l2) {
		l2 = utf8_decode(p + j, &c);
		b = cp_byte(c);
		*last = c;
		if (b >= 0x80 && b <= 0xBF) {
			bytes[1 + got] = (unsigned char)b;
			continue;
		}
		if (lossy && (c == 0xFFFD || c == '?') && prefix_ok(bytes, got + 1) &&
		    ((got >= 1 && bytes[0] == 0xE2 && bytes[1] == 0x80) || (c == 0xFFFD &&
		    ((is_letter(prev) && script(prev) != 0) || lead_at(p + j + l2, n - j - l2))))) {
			memcpy(bytes, "\xEF\xBF\xBD", 3);
			*end = j + l2;
			return 3;
		}
		if (c == ' ' && got == need - 1) {
			nx = 0;
			if (j + 1 < n)
				utf8_decode(p + j + 1, &nx);
			if ((bytes[0] == 0xC3 && need == 1 && (nx == ' ' || is_lower(nx))) ||
			    lead_at(p + j + 1, n - j - 1)) {
				bytes[1 + got] = 0xA0;
				*last = 0xA0;
				continue;
			}
		}
		break;
	}
	if (got < need || utf8_seq_len(bytes, (size_t)need + 1) != (size_t)need + 1)
		return 0;
	*end = j;
	return (size_t)need + 1;
}

/* The rarer signs that maybe_mojibake() leaves to this: a C1 control
 * (C2 80 to C2 9F) and a lead before U+FFFD (a lost byte).  "Ã" before a
 * space and "?" are not looked for: a line can be plain with them, and a
 * plain line is never repaired (plain.h). */
static int
maybe_c1(const char *s, size_t n)
{
	const unsigned char *q = (const unsigned char *)s, *e = q + n;

	while ((q = memchr(q, 0xC2, (size_t)(e - q))) != NULL && ++q < e)
		if (*q >= 0x80 && *q <= 0x9F)
			return 1;
	return 0;
}

static int
maybe_rare(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *q, *e = p + n;

	if (maybe_c1(s, n))
		return 1;
	for (q = p; (q = memchr(q, 0xC3, (size_t)(e - q))) != NULL && q + 2 < e; q++)
		if (q[1] >= 0x82 && q[1] <= 0xB4 && q[2] == 0xEF)
			return 1;
	return 0;
}

/* Maps every C1 control left in s[0..n) through Windows-1252 into out
 * (U+0092 is the apostrophe it nearly always was); the five bytes that
 * Windows-1252 leaves undefined stay, and normalisation removes them.
 * Returns how many were mapped, or -1 if out of memory. */
static int
unc1(const char *s, size_t n, buf *out)
{
	const char *q, *e = s + n;
	char enc[4];
	uint32_t cp;
	int done = 0;

	while ((q = memchr(s, 0xC2, (size_t)(e - s))) != NULL) {
		if (q + 1 < e && (unsigned char)q[1] >= 0x80 && (unsigned char)q[1] <= 0x9F &&
		    (cp = utf8_cp1252((unsigned char)q[1])) != 0xFFFD) {
			if (buf_append(out, s, (size_t)(q - s)) != 0 ||
			    buf_append(out, enc, utf8_encode(cp, enc)) != 0)
				return -1;
			done++;
		} else if (buf_append(out, s, (size_t)(q + 1 - s)) != 0)
			return -1;
		else {
			s = q + 1;
			continue;
		}
		s = q + 2;
	}
	return buf_append(out, s, (size_t)(e - s)) != 0 ? -1 : done;
}

/*
 * One pass of mojibake repair of s[0..n) into out; returns the number of
 * sequences repaired, or -1 if out of memory.  A repair starts at a
 * character from U+00C2 to U+00F4, whose UTF-8 starts with C3 (never a
 * continuation byte), so the text up to the next C3 is copied whole.  A
 * repair reads at least two bytes for each byte it gives back, so out
 * needs n bytes at most.  made[] (n bytes) gets 1 for each byte of out
 * that a repair gave and 0 for each copied.  A pass after the first
 * (was, the made[] of the pass before) only undoes what the pass before
 * gave: the next layer of the same mojibake, not a sequence that one
 * repaired character and the text around it happen to spell.
 */
static int
unbake(const char *s, size_t n, buf *out, unsigned char *made, const unsigned char *was)
{
	const unsigned char *p = (const unsigned char *)s, *c3;
	unsigned char bytes[4];
	size_t i = 0, j, len, run, k;
	uint32_t cp, c2, last, prev;
	int fixed = 0, need;
	char *o, *start;

	if (buf_reserve(out, n) != 0)
		return -1;
	o = start = out->data + out->len;
	while (i < n) {
		c3 = memchr(p + i, 0xC3, n - i);
		run = c3 != NULL ? (size_t)(c3 - (p + i)) : n - i;
		memcpy(o, p + i, run);
		memset(made + (o - start), 0, run);
		o += run;
		if ((i += run) == n)
			break;
		len = utf8_decode(p + i, &cp);
		need = cp >= 0xC2 && cp <= 0xDF ? 1 : cp >= 0xE0 && cp <= 0xEF ? 2 :
		    cp >= 0xF0 && cp <= 0xF4 ? 3 : 0;
		bytes[0] = (unsigned char)cp;
		last = 0;
		prev = before(start, o);
		if (need > 0 && (k = sequence(p, n, i, len, need, bytes, &j, &last,
		    prev, was == NULL)) > 0 &&
		    (was == NULL || memchr(was + i, 0, j - i) == NULL)) {
			utf8_decode(bytes, &c2);
			if (likely(c2, prev, last, p + j, n - j)) {
				memcpy(o, bytes, k);
				memset(made + (o - start), 1, k);
				o += k;
				fixed++;
				i = j;
				continue;
			}
		}
		memcpy(o, p + i, len);
		memset(made + (o - start), 0, len);
		o += len;
		i += len;
	}
	out->len = (size_t)(o - out->data);
	return fixed;
}

/* ---- entities ---- */

typedef struct entity {
	const char *name;
	uint16_t cp;
} entity;

/* The HTML entities that occur in web text, sorted by name (strcmp). */
static const entity entities[] = {
	{ "AElig", 0xC6 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 },
	{ "Agrave", 0xC0 }, { "Aring", 0xC5 }, { "Atilde", 0xC3 },
	{ "Auml", 0xC4 }, { "Ccedil", 0xC7 }, { "Dagger", 0x2021 },
	{ "ETH", 0xD0 }, { "Eacute", 0xC9 }, { "Ecirc", 0xCA },
	{ "Egrave", 0xC8 }, { "Euml", 0xCB }, { "Iacute", 0xCD },
	{ "Icirc", 0xCE }, { "Igrave", 0xCC }, { "Iuml", 0xCF },
	{ "Ntilde", 0xD1 }, { "OElig", 0x152 }, { "Oacute", 0xD3 },
	{ "Ocirc", 0xD4 }, { "Ograve", 0xD2 }, { "Oslash", 0xD8 },
	{ "Otilde", 0xD5 }, { "Ouml", 0xD6 }, { "Prime", 0x2033 },
	{ "Scaron", 0x160 }, { "THORN", 0xDE }, { "Uacute", 0xDA },
	{ "Ucirc", 0xDB }, { "Ugrave", 0xD9 }, { "Uuml", 0xDC },
	{ "Yacute", 0xDD }, { "Yuml", 0x178 }, { "Zcaron", 0x17D },
	{ "aacute", 0xE1 }, { "acirc", 0xE2 }, { "acute", 0xB4 },
	{ "aelig", 0xE6 }, { "agrave", 0xE0 }, { "amp", '&' },
	{ "apos", '\'' }, { "aring", 0xE5 }, { "atilde", 0xE3 },
	{ "auml", 0xE4 }, { "bdquo", 0x201E }, { "brvbar", 0xA6 },
	{ "bull", 0x2022 }, { "ccedil", 0xE7 }, { "cedil", 0xB8 },
	{ "cent", 0xA2 }, { "circ", 0x2C6 }, { "copy", 0xA9 },
	{ "curren", 0xA4 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
	{ "deg", 0xB0 }, { "divide", 0xF7 }, { "eacute", 0xE9 },
	{ "ecirc", 0xEA }, { "egrave", 0xE8 }, { "emsp", 0x2003 },
	{ "ensp", 0x2002 }, { "eth", 0xF0 }, { "euml", 0xEB },
	{ "euro", 0x20AC }, { "frac12", 0xBD }, { "frac14", 0xBC },
	{ "frac34", 0xBE }, { "gt", '>' }, { "harr", 0x2194 },
	{ "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0xED },
	{ "icirc", 0xEE }, { "iexcl", 0xA1 }, { "igrave", 0xEC },
	{ "iquest", 0xBF }, { "iuml", 0xEF }, { "laquo", 0xAB },
	{ "larr", 0x2190 }, { "ldquo", 0x201C }, { "lrm", 0x200E },
	{ "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", '<' },
	{ "macr", 0xAF }, { "mdash", 0x2014 }, { "micro", 0xB5 },
	{ "middot", 0xB7 }, { "minus", 0x2212 }, { "nbsp", 0xA0 },
	{ "ndash", 0x2013 }, { "not", 0xAC }, { "ntilde", 0xF1 },
	{ "oacute", 0xF3 }, { "ocirc", 0xF4 }, { "oelig", 0x153 },
	{ "ograve", 0xF2 }, { "ordf", 0xAA }, { "ordm", 0xBA },
	{ "oslash", 0xF8 }, { "otilde", 0xF5 }, { "ouml", 0xF6 },
	{ "para", 0xB6 }, { "permil", 0x2030 }, { "plusmn", 0xB1 },
	{ "pound", 0xA3 }, { "prime", 0x2032 }, { "quot", '"' },
	{ "raquo", 0xBB }, { "rarr", 0x2192 }, { "rdquo", 0x201D },
	{ "reg", 0xAE }, { "rlm", 0x200F }, { "rsaquo", 0x203A },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "scaron", 0x161 },
	{ "sect", 0xA7 }, { "shy", 0xAD }, { "sup1", 0xB9 },
	{ "sup2", 0xB2 }, { "sup3", 0xB3 }, { "szlig", 0xDF },
	{ "thinsp", 0x2009 }, { "thorn", 0xFE }, { "tilde", 0x2DC },
	{ "times", 0xD7 }, { "trade", 0x2122 }, { "uacute", 0xFA },
	{ "uarr", 0x2191 }, { "ucirc", 0xFB }, { "ugrave", 0xF9 },
	{ "uml", 0xA8 }, { "uuml", 0xFC }, { "yacute", 0xFD },
	{ "yen", 0xA5 }, { "yuml", 0xFF }, { "zcaron", 0x17E },
	{ "zwj", 0x200D }, { "zwnj", 0x200C },
};

static int
cmp_entity(const void *key, const void *elem)
{
	return strcmp(key, ((const entity *)elem)->name);
}

/*
 * The code point of the reference at s (just after '&'), of which n bytes
 * are available; *len gets its length up to and including ';'.  Returns
 * -1 if s does not start a reference this decodes.
 */
static long
reference(const char *s, size_t n, size_t *len)
{
	char name[16];
	const entity *e;
	size_t i = 0;
	unsigned long v = 0;
	int hex;

	if (n >= 2 && s[0] == '#') {
		hex = s[1] == 'x' || s[1] == 'X';
		for (i = hex ? 2 : 1; i < n && i < 12; i++) {
			int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
			    hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 :
			    hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (i == (hex ? 2u : 1u) || i >= n || s[i] != ';')
			return -1;
		*len = i + 1;
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0xFFFD;
		/* Numeric references to 0x80-0x9F mean Windows-1252, as in HTML. */
		return v >= 0x80 && v <= 0x9F ? (long)utf8_cp1252((unsigned char)v) : (long)v;
	}
	while (i < n && i < sizeof(name) - 1 && ((s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) {
		name[i] = s[i];
		i++;
	}
	if (i == 0 || i >= n || s[i] != ';')
		return -1;
	name[i] = '\0';
	e = bsearch(name, entities, sizeof(entities) / sizeof(entities[0]),
	    sizeof(entities[0]), cmp_entity);
	if (e == NULL)
		return -1;
	*len = i + 1;
	return e->cp;
}

/* Decodes the references in s[0..n) into out; returns how many. */
static int
unescape(const char *s, size_t n, buf *out)
{
	const char *amp, *e = s + n;
	char enc[4];
	size_t len;
	long cp;
	int done = 0;

	while ((amp = memchr(s, '&', (size_t)(e - s))) != NULL) {
		if (buf_append(out, s, (size_t)(amp - s)) != 0)
			return -1;
		cp = reference(amp + 1, (size_t)(e - amp - 1), &len);
		if (cp < 0) {
			if (buf_putc(out, '&') != 0)
				return -1;
			s = amp + 1;
			continue;
		}
		if (buf_append(out, enc, utf8_encode((uint32_t)cp, enc)) != 0)
			return -1;
		done++;
		s = amp + 1 + len;
	}
	return buf_append(out, s, (size_t)(e - s)) != 0 ? -1 : done;
}

/* Pass number pass over s[0..n) into dst, or none if the line holds nothing
 * that it could change past from: a layer of mojibake (passes 0 to 2), or
 * the C1 controls left (pass 3).  Returns how many repairs it made, or -1
 * if out of memory. */
static int
layer(repair_ctx *rc, const char *s, size_t n, size_t from, int pass, buf *dst)
{
	buf *made = dst == &rc->a ? &rc->ma : &rc->mb;
	const buf *was = dst == &rc->a ? &rc->mb : &rc->ma;

	if (pass == 3) {
		if (!maybe_c1(s + from, n - from))
			return 0;
		buf_clear(dst);
		return unc1(s, n, dst);
	}
	if (!maybe_mojibake(s + from, n - from) && !maybe_rare(s + from, n - from))
		return 0;
	buf_clear(dst);
	buf_clear(made);
	if (buf_reserve(made, n) != 0)
		return -1;
	return unbake(s, n, dst, (unsigned char *)made->data,
	    pass == 0 ? NULL : (const unsigned char *)was->data);
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
	/* Three times at most: text is mis-decoded once or twice, rarely
	 * three times, and each pass undoes one layer.  Then the C1 controls
	 * that no layer took, Windows-1252 read as Latin-1. */
	for (pass = 0; pass < 4 && (rc->flags & REPAIR_MOJIBAKE); pass++) {
		if ((k = layer(rc, s, n, from, pass, dst)) < 0)
			return -1;
		if (k == 0 && pass < 3)
			pass = 2;	/* no more layers: on to the C1 controls */
		if (k == 0)
			continue;
		*did |= REPAIR_MOJIBAKE;
		s = dst->data;
		n = dst->len;
		dst = dst == &rc->a ? &rc->b : &rc->a;
		from = plain = 0;
	}
	if ((rc->flags & REPAIR_ENTITIES) && n > plain && memchr(s + plain, '&', n - plain) != NULL) {
		buf_clear(dst);
		if ((k = unescape(s, n, dst)) < 0)
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
