/* Unit tests for norm.c. */
#include <stdlib.h>
#include <utf8proc.h>

#include "text/norm.h"
#include "swar.h"
#include "text/utf8.h"
#include "unit.h"

static norm_ctx *nc;

static int
norm_is(const char *in, const char *want)
{
	const char *o;
	size_t n;

	if (norm_line(nc, in, strlen(in), 0, &o, &n) != 0)
		return 0;
	if (!SAME(o, n, want))
		printf("# got \"%.*s\" want \"%s\"\n", (int)n, o, want);
	return SAME(o, n, want);
}

static void
test_mappings(void)
{
	const char *o;
	size_t n;
	const char *plain = "Ein ganz normaler Satz.";

	CHECK(norm_line(nc, plain, strlen(plain), 0, &o, &n) == 0 && o == plain,
	    "a clean ASCII line is not copied");
	CHECK(norm_is("\xE2\x80\x9EZitat\xE2\x80\x9C", "\"Zitat\""), "German quotes");
	CHECK(norm_is("\xC2\xAB" "Zitat\xC2\xBB", "\"Zitat\""), "guillemets");
	CHECK(norm_is("\xE2\x80\x9A" "a\xE2\x80\x98 it\xE2\x80\x99s", "'a' it's"),
	    "single quotes and apostrophe");
	CHECK(norm_is("a\xC2\xA0" "b\xE2\x80\xAF" "c\xE3\x80\x80" "d", "a b c d"),
	    "no-break and other spaces");
	CHECK(norm_is("  a   b\t\tc  ", "a b c"), "spaces folded, line trimmed");
	CHECK(norm_is("zero\xE2\x80\x8Bwidth soft\xC2\xAD" "hyphen", "zerowidth softhyphen"),
	    "zero-width space and soft hyphen removed");
	CHECK(norm_is("\xEF\xBB\xBF" "BOM", "BOM"), "BOM removed");
	CHECK(norm_is("a\x01" "b\x7F" "c\xC2\x85" "d", "abcd"), "controls removed");
}

/* Runs of letters, umlauts and single spaces are copied whole; what ends
 * such a run must still get its own treatment. */
static void
test_runs(void)
{
	const char *o;
	size_t n;
	const char *umlauts = "Gr\xC3\xBC\xC3\x9F" "e aus M\xC3\xBCnchen \xC2\xA7 5 \xC2\xB0" "C";

	CHECK(norm_line(nc, umlauts, strlen(umlauts), 0, &o, &n) == 0 && o == umlauts,
	    "a clean line with umlauts is not copied");
	CHECK(norm_is("\xC3\xA4  b", "\xC3\xA4 b"), "double space after an umlaut");
	CHECK(norm_is(" \xC3\xBC" "ber", "\xC3\xBC" "ber"), "leading space before an umlaut");
	CHECK(norm_is("Stra\xC3\x9F" "e ", "Stra\xC3\x9F" "e"), "trailing space");
	CHECK(norm_is("a \xC2\xA0" "b", "a b"), "space then no-break space");
	CHECK(norm_is("x \xC2\xAB" "y\xC2\xBB", "x \"y\""), "space then guillemet");
	CHECK(norm_is("\xC3\xA4\xC2\xAD" "b", "\xC3\xA4" "b"), "soft hyphen after an umlaut");
	CHECK(norm_is("a \tb", "a b"), "space then tab");
	CHECK(norm_is("a\x7F b", "a b"), "DEL inside a run");
	CHECK(norm_is("o \xCC\x88", "o \xCC\x88"), "a combining mark after a space stays");
	CHECK(norm_is("o\xCC\x88 a", "\xC3\xB6 a"), "a combining mark after a letter composes");
}

/* The double-space search looks at eight bytes at a time: a pair of spaces
 * at every offset, across word boundaries, and at the very end. */
/* Every byte value at every place in the word, among neighbours that pass
 * and neighbours that do not: the masks must be exact. */
static void
test_swar(void)
{
	unsigned char b[8];
	unsigned v, k, fill;
	int ok = 1;

	for (fill = 0; fill < 256; fill += 0x7F)
		for (v = 0; v < 256; v++)
			for (k = 0; k < 8; k++) {
				uint64_t w, bit = (uint64_t)0x80 << (8 * k);
				memset(b, (int)fill, 8);
				b[k] = (unsigned char)v;
				w = swar_load(b);
				ok &= !!(swar_eq(w, ' ') & bit) == (v == ' ');
				ok &= !!(swar_zero(w) & bit) == (v == 0);
				ok &= !!(swar_below(w, '!') & bit) == (v < '!');
				ok &= !!(swar_below(w, 0x80) & bit) == (v < 0x80);
				ok &= swar_count(swar_eq(w, (unsigned char)v)) ==
				    (fill == v ? 8u : 1u);
				ok &= (swar_eq(w, (unsigned char)v) & bit) != 0 &&
				    swar_first(swar_eq(w, (unsigned char)v)) ==
				    (fill == v ? 0 : k);
			}
	CHECK(ok, "byte masks exact for every byte at every place");
}

static void
test_fold_spaces(void)
{
	char s[40], want[40];
	size_t p, len = 30;
	int ok = 1;

	for (p = 1; p + 2 < len; p++) {
		memset(s, 'a', len);
		s[p] = s[p + 1] = ' ';
		memcpy(want, s, p + 1);
		memcpy(want + p + 1, s + p + 2, len - p - 2);
		ok &= norm_fold_spaces(s, len) == len - 1 && memcmp(s, want, len - 1) == 0;
	}
	CHECK(ok, "a double space found at every offset");
	memcpy(s, "abcdefg  ", 9);
	CHECK(norm_fold_spaces(s, 9) == 7, "trailing double space trimmed");
	memcpy(s, "abcdefgh ijklmnop", 17);
	CHECK(norm_fold_spaces(s, 17) == 17, "single spaces kept");
}

static void
test_nfc(void)
{
	CHECK(norm_is("Gespra\xCC\x88" "ch", "Gespr\xC3\xA4" "ch"), "NFD composed");
	CHECK(norm_is("e\xE2\x80\x8B\xCC\x81", "\xC3\xA9"),
	    "zero-width removed before composing");
	CHECK(norm_is("\xE2\x84\xAB", "\xC3\x85"), "singleton Angstrom sign");
	CHECK(norm_is("\xE1\x84\x80\xE1\x85\xA1", "\xEA\xB0\x80"), "Hangul jamo composed");
	CHECK(norm_nfc_safe(0xE4) && norm_nfc_safe(0x20AC), "common characters safe");
	CHECK(!norm_nfc_safe(0x301) && !norm_nfc_safe(0x212B) && !norm_nfc_safe(0x1161) &&
	    !norm_nfc_safe(0x0B3E), "combining, singleton, jamo, second starters unsafe");
}

/* Letters followed by one combining mark take a shortcut to NFC; it must
 * agree with utf8proc for every letter and mark, and leave to it what it
 * cannot do. */
static void
test_pairs(void)
{
	char in[16];
	unsigned b, m;
	int ok = 1;

	for (b = 'A'; b <= 'z'; b++)
		for (m = 0x300; m <= 0x36F; m++) {
			const char *o;
			size_t n, k = 0;
			utf8proc_uint8_t *want;
			if (!((b | 32) >= 'a' && (b | 32) <= 'z'))
				continue;
			in[k++] = 'x';
			in[k++] = (char)b;
			k += utf8_encode(m, in + k);
			memcpy(in + k, "y\xC3\xA4", 3);
			k += 3;
			in[k] = '\0';
			want = utf8proc_NFC((const utf8proc_uint8_t *)in);
			if (norm_line(nc, in, k, 0, &o, &n) != 0 || want == NULL ||
			    !SAME(o, n, (const char *)want)) {
				ok = 0;
				printf("# %c U+%04X: got \"%.*s\" want \"%s\"\n", b, m, (int)n, o,
				    want ? (const char *)want : "?");
			}
			free(want);
		}
	CHECK(ok, "every ASCII letter with every mark U+0300..U+036F as utf8proc composes it");
	CHECK(norm_is("A\xCC\x8A" "b", "\xC3\x85" "b"), "capital with ring");
	CHECK(norm_is("e\xCC\xA3", "\xE1\xBA\xB9"), "a composite of three bytes");
	CHECK(norm_is("q\xCC\x88", "q\xCC\x88"), "a pair that does not compose");
	CHECK(norm_is("a\xCC\xA3\xCC\x82", "\xE1\xBA\xAD"), "two marks: reordered and composed");
	CHECK(norm_is("a\xCC\x82\xCC\xA3", "\xE1\xBA\xAD"), "two marks in the other order");
	CHECK(norm_is("\xCC\x88" "a", "\xCC\x88" "a"), "a mark at the start");
	CHECK(norm_is("1\xCC\x81", "1\xCC\x81"), "a mark after a digit");
	CHECK(norm_is("o\xCC\x88 u\xCC\x88 \xE1\x84\x80\xE1\x85\xA1", "\xC3\xB6 \xC3\xBC \xEA\xB0\x80"),
	    "pairs and Hangul in one line");
}

/* The quick check must never clear a code point that NFC would change. */
static void
test_quick_check_exhaustive(void)
{
	uint32_t cp;
	int wrong = 0;

	for (cp = 0; cp < 0x110000; cp++) {
		utf8proc_uint8_t *out = NULL;
		char in[8], pre[9] = "a";
		size_t k;

		if ((cp >= 0xD800 && cp <= 0xDFFF) || !norm_nfc_safe(cp))
			continue;
		k = (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)in);
		memcpy(pre + 1, in, k);
		if (utf8proc_map((const utf8proc_uint8_t *)pre, (utf8proc_ssize_t)k + 1, &out,
		    UTF8PROC_STABLE | UTF8PROC_COMPOSE) != (utf8proc_ssize_t)k + 1 ||
		    memcmp(out, pre, k + 1) != 0)
			wrong++;
		free(out);
	}
	CHECK(wrong == 0, "every safe code point is stable under NFC after 'a'");
}

static void
test_flags(void)
{
	norm_ctx *q = norm_new(NORM_ALL & ~(unsigned)NORM_QUOTES);
	norm_ctx *z = norm_new(0);
	const char *o, *in = "\xE2\x80\x9E" "a  b\xE2\x80\x9C";
	size_t n;

	CHECK(norm_line(q, in, strlen(in), 0, &o, &n) == 0 &&
	    SAME(o, n, "\xE2\x80\x9E" "a b\xE2\x80\x9C"), "quotes kept without NORM_QUOTES");
	CHECK(norm_line(z, in, strlen(in), 0, &o, &n) == 0 && o == in && n == strlen(in),
	    "no flags: the line is untouched");
	CHECK(norm_fold_spaces((char[]){ "  a  b  " }, 8) == 3, "norm_fold_spaces");
	norm_free(q);
	norm_free(z);
	norm_free(NULL);
}

int
main(void)
{
	nc = norm_new(NORM_ALL);
	test_mappings();
	test_runs();
	test_fold_spaces();
	test_swar();
	test_nfc();
	test_pairs();
	test_quick_check_exhaustive();
	test_flags();
	norm_free(nc);
	return unit_done();
}
