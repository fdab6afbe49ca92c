/* Unit tests for norm.c. */
#include <stdlib.h>
#include <utf8proc.h>

#include "norm.h"
#include "unit.h"

static norm_ctx *nc;

static int
norm_is(const char *in, const char *want)
{
	const char *o;
	size_t n;

	if (norm_line(nc, in, strlen(in), &o, &n) != 0)
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

	CHECK(norm_line(nc, plain, strlen(plain), &o, &n) == 0 && o == plain,
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

	CHECK(norm_line(q, in, strlen(in), &o, &n) == 0 &&
	    SAME(o, n, "\xE2\x80\x9E" "a b\xE2\x80\x9C"), "quotes kept without NORM_QUOTES");
	CHECK(norm_line(z, in, strlen(in), &o, &n) == 0 && o == in && n == strlen(in),
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
	test_nfc();
	test_quick_check_exhaustive();
	test_flags();
	norm_free(nc);
	return unit_done();
}
