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
#include "text/entities.h"
#include "text/utf8.h"

struct repair_ctx {
	unsigned flags;
	buf a, b;
	buf ma, mb;	/* which bytes of a and b a mojibake pass made */
	buf ea, eb;	/* which bytes of a and b any mojibake pass made */
	buf e;		/* the line with its references decoded */
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
	buf_free(&rc->e);
	buf_free(&rc->b);
	buf_free(&rc->ma);
	buf_free(&rc->mb);
	buf_free(&rc->ea);
	buf_free(&rc->eb);
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

/*
 * The signs of damage a line can show, found in one pass over it (a
 * line with none, nearly every line, then costs that pass and no more).
 * A place shows a sign when its byte a and the two after it, b and c (0
 * past the end), are in the sets of one of these eight rows:
 *   0  a C2, b 80..9F:                       a C1 control          SIGN_C1
 *   1  a C3, b 80..BF, c C/E2, C/E5, C/E6, C/EB: mojibake's lead   SIGN_MOJI
 *   2  a C3, b 80..BF, c EF:     a lead before U+FFFD (a lost byte)
 *   3  a C3, b 83, c 20:         "Ã" before a space, which plain.h
 *                                does not count as plain
 *   4  a E2, b 8/9 4, 5, 7, 8, 9:           the starts of what
 *   5  a C/D 0, 4, 5, b 8/9/A/B 0..3, 8, 9, E, F: maybe_page()
 *   6  a 80, b 9A, c C3:         looks for, which it settles; the  SIGN_PAGE
 *   7  a 82, b AC, c C4, C5:     last two from the middle of "‚Ä"
 *                                and of "€" before Latin Extended-A,
 *                                as neither character alone is a sign
 * Each set is a set of high nibbles times a set of low ones, so row k is
 * bit k of a byte's class by two 16-entry tables per position, looked up
 * 32 places at a time with AVX2's vpshufb.  The rows are the exact tests
 * or a little more (mojibake leads beyond C3 82..B4 decode to bytes that
 * lead nothing, which a pass then finds), never a common pair of German
 * or English text: "ä", "ß", "„", "“", "–" and "€" show no sign.  "?" is not
 * looked for: a line can be plain with it, and a plain line is never
 * repaired.
 */
enum { SIGN_C1 = 0x01, SIGN_MOJI = 0x0E, SIGN_PAGE = 0xF0,
	SIGN_RESIDUE = 0x100	/* residue() found: the other pages, whatever the rows say */
};

static const unsigned char sign_lo[3][16] = {
	{ 0x60, 0x00, 0x91, 0x0E, 0x20, 0x20 },
	{ 0x27, 0x27, 0x27, 0x2F, 0x17, 0x17, 0x07, 0x17, 0x37, 0x37, 0x47, 0x07, 0x87,
	  0x07, 0x27, 0x27 },
	{ 0x39, 0x31, 0x33, 0x71, 0xB1, 0xB3, 0x33, 0x31, 0x31, 0x31, 0x31, 0x33, 0x31,
	  0x31, 0x31, 0x35 },
};
static const unsigned char sign_hi[3][16] = {
	{ [0x8] = 0xC0, [0xC] = 0x2F, [0xD] = 0x20, [0xE] = 0x10 },
	{ [0x8] = 0x3F, [0x9] = 0x77, [0xA] = 0xA6, [0xB] = 0x26 },
	{ 0x31, 0x31, 0x39, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0xF3,
	  0x31, 0x37, 0x31 },
};

/* The rows that byte x passes as position t (0 for a, 1 for b, 2 for c). */
static unsigned
sign_class(int t, unsigned x)
{
	return sign_lo[t][x & 15] & sign_hi[t][x >> 4];
}

#if defined(SWAR_SSSE3)
/* The rows that the places of p[0..n) pass, 32 at a time with AVX2 (the
 * caller checks the CPU); the last places from a copy with zeros after
 * it, which pass no row and, as b or c, stand for the end.  With stop,
 * the blocks end at the first that passes a row of it: then only that is
 * sure. */
__attribute__((target("avx2"), always_inline)) static inline unsigned
signs32(const unsigned char *p, size_t n, unsigned stop)
{
	__m256i lo[3], hi[3], acc = _mm256_setzero_si256();
	__m256i until = _mm256_set1_epi8((char)stop);
	unsigned char tail[64 + 2], v[32];
	unsigned got = 0;
	size_t i, k;
	int t;

	for (t = 0; t < 3; t++) {
		lo[t] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)sign_lo[t]));
		hi[t] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)sign_hi[t]));
	}
#define SIGNS_BLOCK(q) _mm256_and_si256(_mm256_and_si256( \
	avx_nibbles(avx_load(q), lo[0], hi[0]), avx_nibbles(avx_load((q) + 1), lo[1], hi[1])), \
	avx_nibbles(avx_load((q) + 2), lo[2], hi[2]))
	for (i = 0; i + 34 <= n; i += 32) {
		acc = _mm256_or_si256(acc, SIGNS_BLOCK(p + i));
		if (stop != 0 && !_mm256_testz_si256(acc, until))
			break;
	}
	if (i < n && (stop == 0 || _mm256_testz_si256(acc, until))) {
		memset(tail, 0, sizeof(tail));
		memcpy(tail, p + i, n - i);
		for (k = 0; k < n - i; k += 32)
			acc = _mm256_or_si256(acc, SIGNS_BLOCK(tail + k));
	}
#undef SIGNS_BLOCK
	if (!_mm256_testz_si256(acc, acc)) {
		_mm256_storeu_si256((__m256i *)v, acc);
		for (t = 0; t < 32; t++)
			got |= v[t];
	}
	return got;
}

/* signs32() made twice, each with its stop a constant, so that the whole
 * scan of nearly every line tests nothing per block. */
__attribute__((target("avx2"))) static unsigned
signs32_all(const unsigned char *p, size_t n)
{
	return signs32(p, n, 0);
}

__attribute__((target("avx2"))) static unsigned
signs32_moji(const unsigned char *p, size_t n)
{
	return signs32(p, n, SIGN_MOJI);
}
#endif

/* The SIGN_* bits of s[0..n): with AVX2 where the machine has it, else
 * (and always with narrow, for the tests) place by place; with stop (0 or
 * SIGN_MOJI), as signs32() says. */
static unsigned
signs_of(const char *s, size_t n, int narrow, unsigned stop)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned got = 0;
	size_t i;

#if defined(SWAR_SSSE3)
	if (!narrow && __builtin_cpu_supports("avx2"))
		return stop == 0 ? signs32_all(p, n) : signs32_moji(p, n);
#else
	(void)narrow;
#endif
	for (i = 0; i < n && !(got & stop); i++)
		if (p[i] >= 0x80)	/* every row's first byte is */
			got |= sign_class(0, p[i]) & sign_class(1, i + 1 < n ? p[i + 1] : 0) &
			    sign_class(2, i + 2 < n ? p[i + 2] : 0);
	return got;
}

unsigned
repair_signs(const char *s, size_t n)
{
	return signs_of(s, n, 0, 0);
}

unsigned
repair_signs_narrow(const char *s, size_t n)
{
	return signs_of(s, n, 1, 0);
}

int
repair_signs_more(const char *s, size_t n)
{
	return (signs_of(s, n, 0, SIGN_MOJI) & SIGN_MOJI) != 0;
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

/* A rough script of a letter: Latin (not IPA or Extended-B; "ﬁ" is), or the 256-code-point page of the
 * others (Greek, Cyrillic, Hebrew, Arabic, Thai ... each within one or
 * two pages), which tells a word's letters from a stray one. */
static uint32_t
script(uint32_t cp)
{
	if (cp < 0x180 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0xFB00 && cp <= 0xFB06))
		return 0;	/* Latin, with the Latin ligatures */
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
 * Would text spell c2, with prev before and after[0..n) after it, rather
 * than the mojibake that stands there now?  word: a letter after it is
 * company enough, and a letter of another script is left to
 * page_likely() (the other code pages; it asks more).  last
 * is the character that gave the last continuation byte.  The structure (a lead and its continuations
 * spelling well-formed UTF-8) is rare by chance; these are the chances
 * that real text does take:
 *  - an upper-case letter and a no-break space ("SELKÄ EDELLÄ" in
 *    Finnish): the repair must be à, or mojibake must follow, or the
 *    pass must repair something else in the line (LIKELY_IF_MORE:
 *    "Å veices baÅ†Ä·ieri" is Latvian's "Šveices baņķieri");
 *  - a capital followed by a symbol in capitals ("AHÅ™", "MÄ£ÄM"), which
 *    would turn into a lower-case Latin letter that no lower-case letter
 *    follows;
 *  - a capital and a curly apostrophe before a letter ("Ã’s");
 *  - a letter of Latin Extended with no letter on either side ("10 Å—"),
 *    unless "€" comes before, as in the middle layer of "â€œ"
 *    ("Ã¢â‚¬Å“").
 */
enum { LIKELY_IF_MORE = 2 };	/* likely() if the line has other mojibake */

/* script(), but with the CJK ideographs (and their extension A) and the
 * kana as one: Japanese mixes them in a word. */
static uint32_t
family(uint32_t cp)
{
	if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF))
		return 0x4E;
	return script(cp);
}

static uint32_t spelled_family(const unsigned char *p, size_t n, const unsigned char *was);

static int
likely(uint32_t c2, uint32_t prev, uint32_t last, const unsigned char *after, size_t n,
    int word, const unsigned char *was_after)
{
	uint32_t next = 0;
	int cat, lead_next, weak = 0;

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
	/* More mojibake after a character of another script is company
	 * enough in the first pass; in a later one only if it spells the
	 * same script from what the pass before made (was_after, the
	 * made[] of after): there, pieces that the first pass repaired side
	 * by side ("ä" "’" "’", then "ä" "„" "„") can spell one character
	 * ("䒒", "䄄") that no text had. */
	if (!alone_ok(c2) && !(lead_next && (was_after == NULL ||
	    spelled_family(after, n, was_after) == family(c2))) &&
	    !(is_letter(prev) && script(prev) == script(c2)) &&
	    !(word && (is_letter(next) || script(c2) != 0)))
		return 0;
	if (last == 0xA0 && !lead_next && c2 != 0xE0 && !(c2 == 0xA0 && !is_upper(prev)))
		weak = 1;
	if (is_upper(prev) && is_lower(c2) && c2 != 0xDF && !is_lower(next) && !lead_next &&
	    script(c2) == 0)
		return 0;
	if (last == 0x2019 && is_upper(c2) && next < 0x80 && is_letter(next))
		return 0;
	if (c2 >= 0x100 && c2 <= 0x24F && !is_letter(prev) && !is_letter(next) &&
	    prev != 0x20AC)
		return 0;
	return weak ? LIKELY_IF_MORE : 1;
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
 * CESU-8: a character beyond U+FFFF written as two surrogates of three
 * bytes each, the way Java and old MySQL write emoji.  bytes[0..3) is the
 * high surrogate; if the characters at p[j] spell the low one, bytes[]
 * gets the character in UTF-8 and *end where the low one ends: returns 4,
 * or 0.
 */
static size_t
low_half(const unsigned char *p, size_t n, size_t j, unsigned char *bytes, size_t *end)
{
	unsigned char lo[3];
	uint32_t c, cp;
	int k, b;

	for (k = 0; k < 3 && j < n; k++) {
		j += utf8_decode(p + j, &c);
		b = cp_byte(c);
		if (k == 0 ? b != 0xED : k == 1 ? b < 0xB0 || b > 0xBF : b < 0x80 || b > 0xBF)
			return 0;
		lo[k] = (unsigned char)b;
	}
	if (k < 3)
		return 0;
	cp = 0x10000 + (((uint32_t)(bytes[1] & 0x0F) << 6 | (bytes[2] & 0x3F)) << 10) +
	    ((uint32_t)(lo[1] & 0x0F) << 6 | (lo[2] & 0x3F));
	utf8_encode(cp, (char *)bytes);
	*end = j;
	return 4;
}

/* Does p[0..n) start a word that Portuguese writes joined to "à": "s" or
 * "quel..." ("às", "àquele")? */
static int
glued(const unsigned char *p, size_t n)
{
	return (n >= 1 && p[0] == 's' && (n == 1 || p[1] == ' ' || p[1] == ',')) ||
	    (n >= 4 && memcmp(p, "quel", 4) == 0);
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
 * goes on after the space; with more, wherever the line has other
 * mojibake ("Å veices", Latvian "Šveices"), and else *weak is set.
 */
static size_t
sequence(const unsigned char *p, size_t n, size_t i, size_t len, int need,
    unsigned char *bytes, size_t *end, uint32_t *last, uint32_t prev, int lossy, int more,
    int *weak)
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
		    ((is_letter(prev) && script(prev) != 0) || (is_lower(prev) && is_upper(bytes[0])) ||
		    lead_at(p + j + l2, n - j - l2))))) {
			memcpy(bytes, "\xEF\xBF\xBD", 3);
			*end = j + l2;
			return 3;
		}
		if (c == ' ' && got == need - 1) {
			nx = 0;
			if (j + 1 < n)
				utf8_decode(p + j + 1, &nx);
			if (bytes[0] == 0xC3 && need == 1 && (nx == ' ' || is_lower(nx))) {
				/* "à" and a space mostly: the no-break space
				 * and the space after it were folded into one.
				 * Portuguese joins it to the next word ("àquele",
				 * "às "): then the space was the no-break one. */
				bytes[1] = 0xA0;
				*last = 0xA0;
				*end = glued(p + j + 1, n - j - 1) ? j + 1 : j;
				return 2;
			}
			if (lead_at(p + j + 1, n - j - 1) || more) {
				bytes[1 + got] = 0xA0;
				*last = 0xA0;
				continue;
			}
			*weak = 1;
		}
		break;
	}
	if (got == 2 && bytes[0] == 0xED && bytes[1] >= 0xA0 && bytes[1] <= 0xAF)
		return low_half(p, n, j, bytes, end);
	if (got < need || utf8_seq_len(bytes, (size_t)need + 1) != (size_t)need + 1)
		return 0;
	*end = j;
	return (size_t)need + 1;
}

/* The family() of the character that the mojibake at p[0..n) spells, from
 * bytes the pass before made (was[0..n)), or UINT32_MAX if it spells none. */
static uint32_t
spelled_family(const unsigned char *p, size_t n, const unsigned char *was)
{
	unsigned char bytes[4];
	uint32_t cp, last = 0;
	size_t end, len;
	int need, weak = 0;

	if (!lead_at(p, n))
		return UINT32_MAX;
	len = utf8_decode(p, &cp);
	need = cp <= 0xDF ? 1 : cp <= 0xEF ? 2 : 3;
	bytes[0] = (unsigned char)cp;
	if (sequence(p, n, 0, len, need, bytes, &end, &last, 0, 0, 0, &weak) == 0 ||
	    memchr(was, 0, end) != NULL)
		return UINT32_MAX;
	utf8_decode(bytes, &cp);
	return family(cp);
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

/* Copies the ever[] marks of k bytes copied from s[i..]: none for the input. */
static void
carry(unsigned char *ever, const unsigned char *ever_was, size_t i, size_t k)
{
	if (ever_was != NULL)
		memcpy(ever, ever_was + i, k);
	else
		memset(ever, 0, k);
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
 * repaired character and the text around it happen to spell.  ever[]
 * (n bytes) gets 1 for each byte of out that this or an earlier pass gave,
 * from ever_was, the ever[] of s (NULL: s is the input).
 */
static int
unbake(const char *s, size_t n, buf *out, unsigned char *made, const unsigned char *was,
    unsigned char *ever, const unsigned char *ever_was, int more)
{
	const unsigned char *p = (const unsigned char *)s, *c3;
	unsigned char bytes[4];
	size_t i = 0, j, len, run, k;
	uint32_t cp, c2, last, prev;
	int fixed = 0, weak = 0, need, v;
	char *o, *start;

	if (buf_reserve(out, n) != 0)
		return -1;
	o = start = out->data + out->len;
	while (i < n) {
		c3 = memchr(p + i, 0xC3, n - i);
		run = c3 != NULL ? (size_t)(c3 - (p + i)) : n - i;
		memcpy(o, p + i, run);
		memset(made + (o - start), 0, run);
		carry(ever + (o - start), ever_was, i, run);
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
		    prev, was == NULL, more, &weak)) > 0 &&
		    (was == NULL || memchr(was + i, 0, j - i) == NULL)) {
			utf8_decode(bytes, &c2);
			v = likely(c2, prev, last, p + j, n - j, 0, was != NULL ? was + j : NULL);
			weak += v == LIKELY_IF_MORE;
			if (v == 1 || (v == LIKELY_IF_MORE && more)) {
				memcpy(o, bytes, k);
				memset(made + (o - start), 1, k);
				memset(ever + (o - start), 1, k);
				o += k;
				fixed++;
				i = j;
				continue;
			}
		}
		memcpy(o, p + i, len);
		memset(made + (o - start), 0, len);
		carry(ever + (o - start), ever_was, i, len);
		o += len;
		i += len;
	}
	/* What only other mojibake in the line makes likely: once more,
	 * taking it, where there is other mojibake. */
	if (weak > 0 && fixed > 0 && !more)
		return unbake(s, n, out, made, was, ever, ever_was, 1);
	out->len = (size_t)(o - out->data);
	return fixed;
}

/* ---- other code pages ---- */

/*
 * The characters of bytes 0x80 to 0xFF in the other code pages that UTF-8
 * is seen decoded with (U+FFFD where a byte is undefined).  Generated from
 * the code page definitions with Python's codecs:
 *   bytes([b]).decode(name) for b in 0x80..0xFF,
 * for cp1251, cp1250, mac_roman and cp437.
 */
static const uint16_t cp1251[128] = {	/* Windows-1251 */
	0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
	0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
	0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
	0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
	0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
	0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
	0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
	0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
	0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
	0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
	0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
	0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
	0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
	0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
	0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};
static const uint16_t cp1250[128] = {	/* Windows-1250 */
	0x20AC, 0xFFFD, 0x201A, 0xFFFD, 0x201E, 0x2026, 0x2020, 0x2021,
	0xFFFD, 0x2030, 0x0160, 0x2039, 0x015A, 0x0164, 0x017D, 0x0179,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0xFFFD, 0x2122, 0x0161, 0x203A, 0x015B, 0x0165, 0x017E, 0x017A,
	0x00A0, 0x02C7, 0x02D8, 0x0141, 0x00A4, 0x0104, 0x00A6, 0x00A7,
	0x00A8, 0x00A9, 0x015E, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x017B,
	0x00B0, 0x00B1, 0x02DB, 0x0142, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
	0x00B8, 0x0105, 0x015F, 0x00BB, 0x013D, 0x02DD, 0x013E, 0x017C,
	0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7,
	0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E,
	0x0110, 0x0143, 0x0147, 0x00D3, 0x00D4, 0x0150, 0x00D6, 0x00D7,
	0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
	0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7,
	0x010D, 0x00E9, 0x0119, 0x00EB, 0x011B, 0x00ED, 0x00EE, 0x010F,
	0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7,
	0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
};
static const uint16_t macroman[128] = {	/* MacRoman */
	0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1,
	0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
	0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
	0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
	0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,
	0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
	0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211,
	0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
	0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
	0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
	0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
	0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
	0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1,
	0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
	0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
	0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
};
static const uint16_t cp437[128] = {	/* code page 437 */
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
	0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
	0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
	0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
	0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
	0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
	0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
	0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
	0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
	0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

static const uint16_t *const pages[] = { cp1251, cp1250, macroman, cp437 };

/* The byte c came from in code page hi, or -1. */
static int
page_byte(const uint16_t *hi, uint32_t c)
{
	int b;

	if (c < 0x80)
		return (int)c;
	/* A C1 control is the byte itself, read as Latin-1 ("sloppy"). */
	if (c <= 0x9F)
		return (int)c;
	for (b = 0; b < 128; b++)
		if (hi[b] == c)
			return 0x80 + b;
	return -1;
}

/* Is q at "€" and a letter of Latin Extended-A, the middle of General
 * Punctuation read as Windows-1250 ("â€ś", a closing quote)?  Windows-1252
 * has only a few such letters, and its passes take those. */
static int
euro_ext(const unsigned char *q, const unsigned char *e)
{
	return q + 3 < e && q[1] == 0x82 && q[2] == 0xAC && (q[3] == 0xC4 || q[3] == 0xC5);
}

/* Could s[0..n) hold UTF-8 read as one of pages[]?  It holds a character
 * that starts such mojibake of common letters and punctuation: Windows-1251
 * "Р", "С", "В", "Г", "в" and "п¬" (a ligature "ﬁ", "ﬂ" out of a PDF);
 * Windows-1250 "Ă", "Ĺ"; MacRoman "√", "≈" and
 * "‚Ä" (the start of its General Punctuation); a box-drawing character of
 * code page 437; and the leads of Hebrew and Arabic before a sign that is
 * no letter: Windows-1250 "Ř", "Ů" ("Ř±"), MacRoman "◊", "ÿ", "Ÿ". */
/* Does q (before e) start a character above ASCII that is no letter? */
static int
symbol_at(const unsigned char *q, const unsigned char *e)
{
	uint32_t c;

	if (*q < 0x80 || utf8_seq_len(q, (size_t)(e - q)) == 0)
		return 0;
	utf8_decode(q, &c);
	return !is_letter(c);
}

static int
maybe_page(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *q, *e = p + n;

	/* One memchr() per lead byte: German text has E2 often, C4 and D0
	 * hardly ever. */
	for (q = p; (q = memchr(q, 0xC4, (size_t)(e - q))) != NULL && q + 1 < e; q++)
		if (q[1] == 0x82 || q[1] == 0xB9)
			return 1;
	for (q = p; (q = memchr(q, 0xD0, (size_t)(e - q))) != NULL && q + 1 < e; q++)
		if (q[1] == 0x92 || q[1] == 0x93 || q[1] == 0xA0 || q[1] == 0xA1 || q[1] == 0xB2 ||
		    (q[1] == 0xBF && q + 3 < e && q[2] == 0xC2 && q[3] == 0xAC))
			return 1;
	for (q = p; (q = memchr(q, 0xE2, (size_t)(e - q))) != NULL && q + 2 < e; q++)
		if ((q[1] == 0x88 && q[2] == 0x9A) || (q[1] == 0x89 && q[2] == 0x88) ||
		    q[1] == 0x94 || q[1] == 0x95 || (q[1] == 0x80 && q[2] == 0x9A &&
		    q + 4 < e && q[3] == 0xC3 && q[4] == 0x84) || euro_ext(q, e) ||
		    (q[1] == 0x97 && q[2] == 0x8A && q + 3 < e && q[3] >= 0x80))
			return 1;
	for (q = p; (q = memchr(q, 0xC5, (size_t)(e - q))) != NULL && q + 2 < e; q++)
		if ((q[1] == 0x98 || q[1] == 0xAE || q[1] == 0xB8) && symbol_at(q + 2, e))
			return 1;
	for (q = p; (q = memchr(q, 0xC3, (size_t)(e - q))) != NULL && q + 2 < e; q++)
		if (q[1] == 0xBF && symbol_at(q + 2, e))
			return 1;
	return 0;
}

/*
 * The stricter test for a repair from another code page, whose characters
 * are text more often than Windows-1252's: the repair must be a letter
 * or mark inside a word (not "√π" alone, not "NICIODATĂ™" at a word's
 * end in capitals) or General Punctuation ("вЂ™"); a Latin letter from
 * Latin-1 or Latin Extended-A or a Latin ligature ("ﬁ"; not "ǳ" from
 * "«≥"), a letter of another
 * script next to one of its own; and from code page 437, whose box
 * drawing makes line art, not Latin ("├┤a" is art, "╨┐╤Ç" is Russian).
 */
static int
page_likely(uint32_t c2, uint32_t lead, uint32_t prev, const unsigned char *after, size_t n,
    const uint16_t *hi, uint32_t ahead, int prev_ours)
{
	uint32_t next = 0;
	int cat = category(c2);

	if (n > 0)
		utf8_decode(after, &next);
	if (c2 >= 0x2010 && c2 <= 0x206F)
		return hi != cp437;
	if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_ME)
		return 0;
	if (hi == cp437 && script(c2) == 0)
		return 0;
	if (is_upper(c2) && !is_letter(next))
		return 0;
	if (script(c2) == 0)
		return (c2 < 0x180 || (c2 >= 0xFB00 && c2 <= 0xFB06)) &&
		    (is_letter(prev) || is_letter(next));
	/* A letter of another script needs one of its own before it, or the
	 * next sequence of the same page (ahead) to spell one: Hebrew or
	 * Arabic read as Windows-1250 or MacRoman is Latin-1 and punctuation
	 * ("Ř±Ř˘", "◊ë◊î").  Cyrillic read as Windows-1251 is Cyrillic, and
	 * as code page 437 box drawing: from those two, a letter of its own
	 * after it does too, or from code page 437 box drawing.  From the
	 * others the mojibake must not start with punctuation (lead): quotes
	 * stand next to anything, and MacRoman's "’≥" is Armenian "ճ". */
	if (hi != cp1251 && hi != cp437 && (category(lead) >= UTF8PROC_CATEGORY_PC &&
	    category(lead) <= UTF8PROC_CATEGORY_PO))
		return 0;
	/* Code page 437 spells a character of three bytes as a Greek
	 * letter and two accented letters or signs ("µ««" is "殮"), which
	 * clean text beside CJK may hold.  Such mojibake comes in runs, so
	 * the character needs the run: one this pass made just before it
	 * (prev_ours), or the next sequence spelling the same script. */
	if (hi == cp437 && c2 >= 0x800 && !prev_ours &&
	    (ahead == 0 || family(ahead) != family(c2)))
		return 0;
	if (script(prev) == script(c2) || (ahead != 0 && script(ahead) == script(c2)))
		return 1;
	return (hi == cp1251 || hi == cp437) && (script(next) == script(c2) ||
	    (hi == cp437 && next >= 0x2500 && next <= 0x257F));
}

/*
 * Is the letter cp at p[i], whose byte is C3, a French or Portuguese "à"
 * (C3 A0) whose no-break space was folded into the space at p[j]?  As
 * Windows-1251 "Г", Windows-1250 "Ă": a capital alone between spaces
 * before a lower-case Latin word, which no language writes.  It is only a
 * guess, taken where the pass repairs something else in the line.
 */
static int
a_grave(const unsigned char *p, size_t n, size_t i, size_t j, uint32_t cp)
{
	uint32_t next = 0;

	if (!is_upper(cp) || (i > 0 && p[i - 1] != ' ') || j + 1 >= n || p[j] != ' ')
		return 0;
	utf8_decode(p + j + 1, &next);
	return is_lower(next) && script(next) == 0;
}

/*
 * The sequence that the characters at p[i] of p[0..n) spell as bytes of
 * code page hi, in bytes[]: returns how many continuations it needs (0 if
 * p[i] is no lead), with *got how many it has, *end where they end, *own
 * whether a character of it is no lead of Windows-1252 or not in it at
 * all, and *last the last character read.
 */
static int
page_seq(const unsigned char *p, size_t n, size_t i, const uint16_t *hi, unsigned char *bytes,
    int *got, size_t *end, int *own, uint32_t *last)
{
	size_t j, l2;
	uint32_t cp, c;
	int b, need;

	j = i + utf8_decode(p + i, &cp);
	b = p[i] < 0x80 ? 0 : page_byte(hi, cp);
	need = b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2 :
	    b >= 0xF0 && b <= 0xF4 ? 3 : 0;
	bytes[0] = (unsigned char)b;
	*own = cp_byte(cp) < 0xC2 || cp_byte(cp) > 0xF4;
	*last = cp;
	for (*got = 0; *got < need && j < n; ++*got, j += l2) {
		l2 = utf8_decode(p + j, &c);
		b = page_byte(hi, c);
		if (b < 0x80 || b > 0xBF)
			break;
		*own |= cp_byte(c) < 0;
		*last = c;
		bytes[1 + *got] = (unsigned char)b;
	}
	*end = j;
	return need;
}

/* The character that the sequence at p[i] of p[0..n) spells in code page
 * hi, or 0: whether more of the same mojibake follows a repair. */
static uint32_t
page_ahead(const unsigned char *p, size_t n, size_t i, const uint16_t *hi)
{
	unsigned char bytes[4];
	size_t j;
	uint32_t c, last;
	int got, own, need;

	if (i >= n || (need = page_seq(p, n, i, hi, bytes, &got, &j, &own, &last)) == 0 ||
	    got < need || utf8_seq_len(bytes, (size_t)need + 1) != (size_t)need + 1)
		return 0;
	utf8_decode(bytes, &c);
	return c;
}

/*
 * One pass of repair of UTF-8 read as code page hi, s[0..n) into out;
 * returns the number of sequences repaired, or -1 if out of memory.  As
 * unbake(), but every character may be a lead, and a sequence must start
 * with a character that is no lead in Windows-1252 ("√", "Р", MacRoman's
 * "‚" of "‚Ä¶") or hold one that Windows-1252 does not have: what
 * Windows-1252 spells, its own passes have judged.  Nor does a sequence
 * take a byte that those passes made (ever, or NULL): their repairs are
 * text, and a line is read with one wrong code page, not two.
 */
static int
unbake_page(const char *s, size_t n, buf *out, const uint16_t *hi, const unsigned char *ever)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char bytes[4];
	size_t i = 0, j, len;
	uint32_t cp, c = 0, c2, prev;
	int fixed = 0, guess = 0, need, got, own;
	char *o, *start, *ours = NULL;	/* where this pass's last repair ends */

	if (buf_reserve(out, n) != 0)
		return -1;
	o = start = out->data + out->len;
	while (i < n) {
		len = utf8_decode(p + i, &cp);
		need = page_seq(p, n, i, hi, bytes, &got, &j, &own, &c);
		if (need > 0 && ever != NULL && memchr(ever + i, 1, j - i) != NULL)
			need = 0;
		if (need == 1 && got == 0 && bytes[0] == 0xC3 && a_grave(p, n, i, j, cp)) {
			memcpy(o, "\xC3\xA0", 2);	/* "à": see a_grave() */
			o += 2;
			fixed++;
			guess++;
			i = j;
			continue;
		}
		if (need > 0 && got == need && own &&
		    utf8_seq_len(bytes, (size_t)need + 1) == (size_t)need + 1) {
			utf8_decode(bytes, &c2);
			prev = before(start, o);
			if (likely(c2, prev, c, p + j, n - j, 1, NULL) == 1 &&
			    page_likely(c2, cp, prev, p + j, n - j, hi, script(c2) == 0 ? 0 :
			    page_ahead(p, n, j, hi), o == ours)) {
				memcpy(o, bytes, (size_t)need + 1);
				o += need + 1;
				ours = o;
				fixed++;
				i = j;
				continue;
			}
		}
		memcpy(o, p + i, len);
		o += len;
		i += len;
	}
	out->len = (size_t)(o - out->data);
	return fixed > guess ? fixed : 0;
}

/* How many characters from U+00C0 to U+00FF in s[0..n) are followed by
 * one that stands for a continuation byte: what mojibake looks like. */
static int
leftover(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *q, *e = p + n;
	uint32_t c;
	int b, k = 0;

	for (q = p; q + 3 < e && (q = memchr(q, 0xC3, (size_t)(e - q - 3))) != NULL; q++) {
		if (q[1] < 0x80 || q[1] > 0xBF)
			continue;
		utf8_decode(q + 2, &c);
		b = cp_byte(c);
		k += b >= 0x80 && b <= 0xBF;
	}
	return k;
}

/* Pass number pass over s[0..n) into dst, or none if the line holds nothing
 * that it could change past from (sg, the SIGN_* bits of s[from..n), says
 * where to look at all): a layer of mojibake (passes 0 to 2), a
 * layer of another code page (3: the first of pages[] that repairs
 * anything), or the C1 controls left (4).  ever_was marks the bytes of s
 * that earlier passes made (NULL: none).  Returns how many repairs it
 * made, or -1 if out of memory. */
static int
layer(repair_ctx *rc, const char *s, size_t n, size_t from, unsigned sg, int pass, buf *dst,
    const unsigned char *ever_was)
{
	buf *made = dst == &rc->a ? &rc->ma : &rc->mb;
	const buf *was = dst == &rc->a ? &rc->mb : &rc->ma;
	buf *ever = dst == &rc->a ? &rc->ea : &rc->eb;
	size_t i;
	int k = 0;

	if (pass == 4) {
		if (!(sg & SIGN_C1))
			return 0;
		buf_clear(dst);
		return unc1(s, n, dst);
	}
	if (pass == 3) {
		/* MacRoman's "ÿ" before a sign (C3 BF C2 ..) shows as a
		 * mojibake lead, not as a page's start: both let it look. */
		if (!(sg & SIGN_RESIDUE) && (!(sg & (SIGN_PAGE | SIGN_MOJI)) ||
		    !maybe_page(s + from, n - from)))
			return 0;
		for (i = 0; k == 0 && i < sizeof(pages) / sizeof(pages[0]); i++) {
			buf_clear(dst);
			k = unbake_page(s, n, dst, pages[i], ever_was);
		}
		return k;
	}
	if (!(sg & SIGN_MOJI))
		return 0;
	buf_clear(dst);
	buf_clear(made);
	buf_clear(ever);
	if (buf_reserve(made, n) != 0 || buf_reserve(ever, n) != 0)
		return -1;
	return unbake(s, n, dst, (unsigned char *)made->data,
	    pass == 0 ? NULL : (const unsigned char *)was->data, (unsigned char *)ever->data,
	    ever_was, 0);
}

/* Does s[0..n) hold what another code page left: a character that starts
 * such mojibake (maybe_page()), or a lead of Windows-1252 ("Â" to "ô")
 * before a character Windows-1252 does not have and another page has as a
 * continuation byte ("×˘")? */
static int
residue(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *q, *e = p + n;
	uint32_t c;
	size_t i;
	int b;

	if (maybe_page(s, n))
		return 1;
	for (q = p; q + 3 < e && (q = memchr(q, 0xC3, (size_t)(e - q - 3))) != NULL; q++)
		if (q[1] >= 0x82 && q[1] <= 0xB4 && q[2] >= 0x80) {
			utf8_decode(q + 2, &c);
			if (cp_byte(c) < 0)
				for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
					if ((b = page_byte(pages[i], c)) >= 0x80 && b <= 0xBF)
						return 1;
		}
	return 0;
}

/* Does s[0..n) hold euro_ext()? */
static int
euro_left(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *q, *e = p + n;

	for (q = p; (q = memchr(q, 0xE2, (size_t)(e - q))) != NULL; q++)
		if (euro_ext(q, e))
			return 1;
	return 0;
}

int
repair_line(repair_ctx *rc, const char *in, size_t n, size_t plain, const char **out,
    size_t *outn, unsigned *did)
{
	const char *s = in;
	buf *dst = &rc->a;
	/* Mojibake can start in the last character of a plain prefix, when a
	 * three-byte character follows it; an entity cannot start in it. */
	size_t from = plain > 2 ? plain - 2 : 0, n0 = n, plain0 = plain;
	int k, pass, total = 0, paged = 0, some = 0;
	unsigned sg;
	const unsigned char *ever = NULL;	/* which bytes of s a pass made */

	*did = 0;
	/* References first: mojibake written as references
	 * ("Gespr&Atilde;&curren;ch") is mojibake once they are decoded. */
	if ((rc->flags & REPAIR_ENTITIES) && n > plain && entities_maybe(s + plain, n - plain)) {
		buf_clear(&rc->e);
		if ((k = entities_decode(s, n, ENTITIES_TEXT, &rc->e)) < 0)
			return -1;
		if (k > 0) {
			*did |= REPAIR_ENTITIES;
			s = in = rc->e.data;
			n = n0 = rc->e.len;
			from = plain = plain0 = 0;
		}
	}
	/* A line with no sign is done: nearly every line. */
	if (!(rc->flags & REPAIR_MOJIBAKE) || (sg = repair_signs(s + from, n - from)) == 0)
		goto done;
	/* Three times at most: text is mis-decoded once or twice, rarely
	 * three times, and each pass undoes one layer.  Then one layer of
	 * another code page, and the C1 controls that no layer took,
	 * Windows-1252 read as Latin-1. */
	for (pass = 0; pass < 5; pass++) {
		/* After a repair, the layers of Windows-1252 only ask whether
		 * there is more of it, and the scan stops at the first (some);
		 * the other passes need all. */
		if (pass >= 3 && some) {
			sg = repair_signs(s, n);
			some = 0;
		}
		/* A line is read with one wrong code page: another only where
		 * Windows-1252 found nothing. */
		if (pass == 3 && (*did & REPAIR_MOJIBAKE)) {
			/* A garble that the passes only nibbled at, leaving
			 * more that looks like mojibake than they repaired,
			 * is no mojibake of one kind: it is left whole. */
			if (leftover(s, n) > total) {
				s = in;
				n = n0;
				ever = NULL;
				plain = plain0;
				from = plain > 2 ? plain - 2 : 0;
				sg = repair_signs(s + from, n - from);
				*did &= ~(unsigned)REPAIR_MOJIBAKE;
				continue;
			}
			/* But "â€" before a letter it does not have is
			 * punctuation of another page, which a line mixes
			 * with what the two pages share ("â€žscars´ â€ś"),
			 * and so is a lead before a character it does not
			 * have ("×‘×”×•×“×˘×”", Hebrew as Windows-1250): the
			 * other page once, then Windows-1252 again, as
			 * what the other page repairs can make its
			 * neighbours likely. */
			if (paged || !(sg & (SIGN_PAGE | SIGN_MOJI)) ||
			    (!((sg & SIGN_PAGE) && euro_left(s, n)) && !residue(s, n)))
				continue;
			paged = 1;
			sg |= SIGN_RESIDUE;
		}
		if ((k = layer(rc, s, n, from, sg, pass, dst, ever)) < 0)
			return -1;
		if (k == 0 && pass < 3)
			pass = 2;	/* no more layers: on to the other code pages */
		if (k == 0)
			continue;
		total += k;
		/* Only the layers of Windows-1252 keep the marks; after another
		 * page's pass no pass asks for them. */
		ever = pass <= 2 ? (const unsigned char *)(dst == &rc->a ? rc->ea.data :
		    rc->eb.data) : NULL;
		if (pass == 3 && paged)
			pass = -1;	/* the layers of Windows-1252 once more */
		*did |= REPAIR_MOJIBAKE;
		s = dst->data;
		n = dst->len;
		dst = dst == &rc->a ? &rc->b : &rc->a;
		from = plain = 0;
		sg = signs_of(s, n, 0, SIGN_MOJI);
		some = (sg & SIGN_MOJI) != 0;	/* else the scan went to the end */
	}
done:
	*outn = n;
	*out = s;
	return 0;
}
