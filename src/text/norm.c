/*
 * norm.c - line normalisation; see norm.h for what each step does.
 *
 * Bad input: the caller guarantees well-formed UTF-8 (utf8_repair() has
 * run), so the decoder here does not check again.  utf8proc errors (only
 * out-of-memory can happen on valid input) leave the line un-composed
 * rather than losing it.
 */
#include "text/norm.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/plain.h"
#include "swar.h"
#include "text/utf8.h"

struct norm_ctx {
	unsigned flags;
	buf out;		/* the mapped line */
	utf8proc_int32_t *ucs;	/* scratch for NFC */
	size_t ucs_cap;
};

norm_ctx *
norm_new(unsigned flags)
{
	norm_ctx *nc = calloc(1, sizeof(*nc));

	if (nc != NULL)
		nc->flags = flags;
	return nc;
}

void
norm_free(norm_ctx *nc)
{
	if (nc == NULL)
		return;
	buf_free(&nc->out);
	free(nc->ucs);
	free(nc);
}

/*
 * NFC quick check.  A code point is safe when it is a starter, is not the
 * second half of any canonical composition and is its own NFC; a line of
 * safe code points is already NFC.  The answer is computed from utf8proc's
 * tables one block of 256 code points at a time, on first use, and kept;
 * workers may race to fill a block, which is harmless because they compute
 * the same bits and publish them atomically.
 */
#define NBLOCKS (0x110000 / 256)
static _Atomic unsigned char block_ready[NBLOCKS];
static _Atomic uint64_t block_bits[NBLOCKS][4];

static int
compute_safe(uint32_t cp)
{
	const utf8proc_property_t *pr = utf8proc_get_property((utf8proc_int32_t)cp);
	utf8proc_int32_t one[8];
	utf8proc_ssize_t n;

	if (pr->combining_class != 0)
		return 0;
	if (pr->comb_index != UINT16_MAX && pr->comb_index >= 0x8000)
		return 0;
	/* Hangul vowels and trailing consonants compose algorithmically. */
	if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
		return 0;
	if (pr->decomp_seqindex == UINT16_MAX || pr->decomp_type != 0)
		return 1;
	n = utf8proc_decompose_char((utf8proc_int32_t)cp, one, 8,
	    UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, NULL);
	if (n < 1 || n > 8)
		return 0;
	n = utf8proc_normalize_utf32(one, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	return n == 1 && (uint32_t)one[0] == cp;
}

/* The offset of the first of two spaces in a row in s[0..n), or n.
 * Sixteen bytes at a time with SSE2, then eight: a byte of w ^ spaces is
 * zero where w has a space.  Every edit's result is looked at. */
static size_t
double_space(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t z;

#if defined(__SSE2__)
	const __m128i sp = _mm_set1_epi8(' ');
	unsigned m;

	for (; i + 17 <= n; i += 16) {
		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), sp),
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i + 1)), sp)));
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i + 9 <= n; i += 8) {
		z = swar_eq(swar_load(s + i), ' ');
		z &= z >> 8 | (uint64_t)(s[i + 8] == ' ') << 63;
		if (z != 0)
			return i + swar_first(z);
	}
	for (; i + 1 < n; i++)
		if (s[i] == ' ' && s[i + 1] == ' ')
			return i;
	return n;
}

size_t
norm_fold_spaces(char *s, size_t n)
{
	size_t i, o;

	/* Most edited lines have nothing to fold: find the first place. */
	if (n == 0 || s[0] == ' ')
		o = 0;
	else if ((o = double_space(s, n)) < n)
		o++;
	else
		return s[n - 1] == ' ' ? n - 1 : n;
	for (i = o; i < n; i++) {
		if (s[i] == ' ' && (o == 0 || s[o - 1] == ' '))
			continue;
		s[o++] = s[i];
	}
	if (o > 0 && s[o - 1] == ' ')
		o--;
	return o;
}

int
norm_nfc_safe(uint32_t cp)
{
	uint32_t blk = cp >> 8;
	uint64_t w[4] = { 0, 0, 0, 0 };
	uint32_t i;

	if (cp < 0x300)
		return 1;	/* Latin-1 and Latin Extended: all safe */
	if (cp >= 0x110000)
		return 0;
	if (!atomic_load_explicit(&block_ready[blk], memory_order_acquire)) {
		for (i = 0; i < 256; i++)
			if (compute_safe(blk << 8 | i))
				w[i >> 6] |= (uint64_t)1 << (i & 63);
		for (i = 0; i < 4; i++)
			atomic_store_explicit(&block_bits[blk][i], w[i],
			    memory_order_relaxed);
		atomic_store_explicit(&block_ready[blk], 1, memory_order_release);
	}
	return (atomic_load_explicit(&block_bits[blk][(cp >> 6) & 3],
	    memory_order_relaxed) >> (cp & 63)) & 1;
}

/* Zero-width, bidi-format and other invisible characters. */
static int
is_invisible(uint32_t cp)
{
	return cp == 0xAD || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
	    cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

static int
is_uspace(uint32_t cp)
{
	return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	    cp == 0x3000;
}

/* The ASCII quote a typographic quote maps to, or 0. */
static char
ascii_quote(uint32_t cp)
{
	switch (cp) {
	case 0x201E: case 0x201C: case 0x201D: case 0x201F:
	case 0x00AB: case 0x00BB: case 0x2033: case 0x301D: case 0x301E:
		return '"';
	case 0x201A: case 0x2018: case 0x2019: case 0x201B:
	case 0x2039: case 0x203A:
		return '\'';
	}
	return 0;
}

/*
 * The compatibility form of a Latin ligature or a fullwidth ASCII form,
 * written to o: its length, or 0 if cp is neither.  These are what NFKC
 * would change that carries no meaning of its own in running text (a
 * PDF's "ﬁ", East Asian input's "，"); the rest of NFKC (superscripts,
 * fractions, circled letters, "ǆ" that would grow) is left alone.  No
 * form is longer than the character it replaces.
 */
static size_t
compat_form(uint32_t cp, char *o)
{
	static const struct {
		uint16_t cp;
		char s[4];
	} form[] = {
		{ 0x132, "IJ" }, { 0x133, "ij" }, { 0x149, "'n" },
		{ 0x1C7, "LJ" }, { 0x1C8, "Lj" }, { 0x1C9, "lj" },
		{ 0x1CA, "NJ" }, { 0x1CB, "Nj" }, { 0x1CC, "nj" },
		{ 0x1F1, "DZ" }, { 0x1F2, "Dz" }, { 0x1F3, "dz" },
		{ 0xFB00, "ff" }, { 0xFB01, "fi" }, { 0xFB02, "fl" },
		{ 0xFB03, "ffi" }, { 0xFB04, "ffl" }, { 0xFB05, "st" },
		{ 0xFB06, "st" },
	};
	size_t i, len;

	if (cp >= 0xFF01 && cp <= 0xFF5E) {
		*o = (char)(cp - 0xFEE0);
		return 1;
	}
	for (i = 0; i < sizeof form / sizeof form[0]; i++)
		if (form[i].cp == cp) {
			len = strlen(form[i].s);
			memcpy(o, form[i].s, len);
			return len;
		}
	return 0;
}

/*
 * The end of the run from p[i] that every step leaves alone, as long as
 * p[i] itself is not a space: plain text (plain.h), less a space at its
 * end, which what follows may yet fold away.  The run is copied in one go
 * rather than looked at one character at a time.
 */
static size_t
clean_run(const unsigned char *p, size_t i, size_t n)
{
	size_t k = i + plain_prefix((const char *)p + i, n - i);

	return k > i && k < n && p[k - 1] == ' ' ? k - 1 : k;
}

/*
 * Decomposed text is mostly ASCII letters each followed by one combining
 * mark from U+0300..U+036F ("a" U+0308): such a pair's NFC is looked up
 * here, asked of utf8proc once per pair and kept.  An entry is 0 while not
 * known, PAIR_STAYS if NFC leaves the pair alone, PAIR_OTHER if it makes
 * something else than one character (U+0344 becomes two marks), or the
 * composite plus PAIR_CP.  Workers may race to fill an entry with the same
 * value.
 */
#define MARK_LO 0x300
#define MARK_HI 0x36F
enum { PAIR_STAYS = 1, PAIR_OTHER = 2, PAIR_CP = 3 };
static _Atomic uint32_t pair_nfc[128][MARK_HI - MARK_LO + 1];

static uint32_t
compose_pair(unsigned base, uint32_t mark)
{
	_Atomic uint32_t *e = &pair_nfc[base][mark - MARK_LO];
	uint32_t v = atomic_load_explicit(e, memory_order_relaxed), cp;
	utf8proc_uint8_t *r = NULL;
	char two[4];
	size_t k;

	if (v == 0) {
		two[0] = (char)base;
		k = 1 + utf8_encode(mark, two + 1);
		two[k] = '\0';
		v = PAIR_OTHER;
		if (utf8proc_map((const utf8proc_uint8_t *)two, (utf8proc_ssize_t)k, &r,
		    UTF8PROC_STABLE | UTF8PROC_COMPOSE) > 0) {
			if (strcmp((const char *)r, two) == 0)
				v = PAIR_STAYS;
			else if (r[utf8_decode(r, &cp)] == '\0')
				v = cp + PAIR_CP;
		}
		free(r);
		atomic_store_explicit(e, v, memory_order_relaxed);
	}
	return v;
}

/*
 * NFC of nc->out in place, when every character a quick check cannot clear
 * is such a mark after an ASCII letter and before a character that is
 * (a starter that composes with nothing before it).  Returns 0, or -1 if
 * the line needs the general algorithm: a first pass only looks, so the
 * line is then left as it was.  A composite never takes more bytes than
 * the letter and the mark, so the line only shrinks.
 */
static int
compose_simple(norm_ctx *nc)
{
	unsigned char *p = (unsigned char *)nc->out.data;
	size_t n = nc->out.len, i, o, k;
	uint32_t cp, next, c;
	int write;

	for (write = 0; write < 2; write++)
		for (i = o = 0; i < n; i += k) {
			if (p[i] < 0x80) {	/* a run of ASCII, whole */
				k = swar_ascii(p + i, n - i);
				if (write) {
					memmove(p + o, p + i, k);
					o += k;
				}
				continue;
			}
			k = utf8_decode(p + i, &cp);
			if (cp >= MARK_LO && cp <= MARK_HI) {
				/* The letter is p[i - 1] before any write, p[o - 1] after;
				 * a mark that starts the line has none. */
				unsigned char b;
				if (i == 0)
					return -1;	/* only in the first pass */
				b = write ? p[o - 1] : p[i - 1];
				if (!write && (b >= 0x80 || (b | 32) < 'a' || (b | 32) > 'z'))
					return -1;
				if (!write && i + k < n && p[i + k] >= 0x80) {
					utf8_decode(p + i + k, &next);
					if (next >= MARK_LO && !norm_nfc_safe(next))
						return -1;
				}
				c = compose_pair(b, cp);
				if (c == PAIR_OTHER)
					return -1;	/* only in the first pass */
				if (write && c >= PAIR_CP) {
					o += utf8_encode(c - PAIR_CP, (char *)p + o - 1) - 1;
					continue;
				}
			} else if (!write && cp >= MARK_LO && !norm_nfc_safe(cp))
				return -1;
			if (write) {
				memmove(p + o, p + i, k);
				o += k;
			}
		}
	nc->out.len = o;
	return 0;
}

static int
compose(norm_ctx *nc)
{
	utf8proc_ssize_t n;
	int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;

	for (;;) {
		n = utf8proc_decompose((const utf8proc_uint8_t *)nc->out.data,
		    (utf8proc_ssize_t)nc->out.len, nc->ucs,
		    (utf8proc_ssize_t)nc->ucs_cap, opts);
		if (n < 0)
			return -1;
		if ((size_t)n <= nc->ucs_cap)
			break;
		free(nc->ucs);
		nc->ucs_cap = (size_t)n + (size_t)n / 2 + 16;
		if ((nc->ucs = malloc(nc->ucs_cap * sizeof(*nc->ucs))) == NULL) {
			nc->ucs_cap = 0;
			return -1;
		}
	}
	/* Re-encoding in place is safe: UTF-8 never needs more than 4 bytes
	 * per code point, which is the size of one slot. */
	n = utf8proc_reencode(nc->ucs, n, opts);
	if (n < 0)
		return -1;
	buf_clear(&nc->out);
	return buf_append(&nc->out, nc->ucs, (size_t)n);
}

int
norm_line(norm_ctx *nc, const char *in, size_t n, size_t plain, const char **outp,
    size_t *outn)
{
	const unsigned char *p = (const unsigned char *)in;
	unsigned fl = nc->flags;
	int need_nfc = 0, space = 0;
	size_t i = 0, k, m;
	uint32_t cp;
	char *o, *start, q;

	/* The plain prefix the caller found is the first run, but for a
	 * space at its end, which what follows may fold away. */
	if (plain > 0 && plain < n && p[plain - 1] == ' ')
		plain--;
	if (fl == 0 || (i = plain > 0 ? plain : clean_run(p, 0, n)) == n) {
		*outp = in;
		*outn = n;
		return 0;
	}
	/* Every step keeps or shrinks the text, so n bytes always suffice
	 * and the loop writes without checks. */
	buf_clear(&nc->out);
	if (buf_reserve(&nc->out, n + 1) != 0)
		return -1;
	o = start = nc->out.data;
	memcpy(o, p, i);
	o += i;
	while (i < n) {
		if (p[i] != ' ' && (k = clean_run(p, i, n)) > i) {
			if (space && o > start)
				*o++ = ' ';
			space = 0;
			memcpy(o, p + i, k - i);
			o += k - i;
			i = k;
			continue;
		}
		k = utf8_decode(p + i, &cp);
		i += k;
		if (cp == '\t' && (fl & NORM_INVISIBLE))
			cp = ' ';
		else if ((fl & NORM_INVISIBLE) && (is_control(cp) || is_invisible(cp)))
			continue;
		if ((fl & NORM_SPACES) && (cp == ' ' || is_uspace(cp))) {
			space = 1;
			continue;
		}
		if (space && o > start)
			*o++ = ' ';
		space = 0;
		if ((fl & NORM_QUOTES) && cp >= 0xAB && (q = ascii_quote(cp))) {
			*o++ = q;
			continue;
		}
		if ((fl & NORM_NFC) && cp >= 0x132 && (cp <= 0x1F3 || cp >= 0xFB00) &&
		    (m = compat_form(cp, o)) > 0) {
			o += m;
			continue;
		}
		if (cp >= 0x300 && !need_nfc && !norm_nfc_safe(cp))
			need_nfc = 1;
		if (cp < 0x80)
			*o++ = (char)cp;
		else {
			memcpy(o, p + i - k, k);	/* well-formed already */
			o += k;
		}
	}
	nc->out.len = (size_t)(o - start);
	if (need_nfc && (fl & NORM_NFC) && compose_simple(nc) != 0 && compose(nc) != 0)
		return -1;
	*outp = nc->out.data;
	*outn = nc->out.len;
	return 0;
}
