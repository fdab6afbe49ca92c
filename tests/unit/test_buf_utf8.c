/* Unit tests for buf.c and utf8.c. */
#include <stdlib.h>

#include "buf.h"
#include "unit.h"
#include "text/utf8.h"

static void
test_buf(void)
{
	buf b = { 0 };
	size_t i;
	int ok = 1;

	for (i = 0; i < 100000; i++)
		ok &= buf_putc(&b, (char)('a' + i % 26)) == 0;
	CHECK(ok && b.len == 100000 && b.data[26] == 'a', "buf grows by putc");
	buf_clear(&b);
	CHECK(b.len == 0 && b.cap >= 100000, "buf_clear keeps storage");
	CHECK(buf_append(&b, "xyz", 3) == 0 && SAME(b.data, b.len, "xyz"),
	    "buf_append");
	CHECK(buf_reserve(&b, BUF_MAX) == -1, "buf_reserve refuses past BUF_MAX");
	buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0, "buf_free resets");
	buf_free(NULL);
	CHECK(1, "buf_free(NULL) is a no-op");
}

static void
test_valid(void)
{
	CHECK(utf8_valid_prefix("abc", 3) == 3, "ASCII is valid");
	CHECK(utf8_valid_prefix("Gr\xC3\xBC\xC3\x9F" "e", 6) == 6, "umlauts are valid");
	CHECK(utf8_valid_prefix("ab\xC3", 3) == 2, "truncated sequence stops");
	CHECK(utf8_valid_prefix("\xC0\xAF", 2) == 0, "overlong 2-byte rejected");
	CHECK(utf8_valid_prefix("\xE0\x80\xAF", 3) == 0, "overlong 3-byte rejected");
	CHECK(utf8_valid_prefix("\xED\xA0\x80", 3) == 0, "surrogate rejected");
	CHECK(utf8_valid_prefix("\xF4\x90\x80\x80", 4) == 0, "above U+10FFFF rejected");
	CHECK(utf8_valid_prefix("\xF0\x9F\x98\x80", 4) == 4, "emoji valid");
	CHECK(utf8_valid_prefix("0123456789abcdef\xFF", 17) == 16,
	    "invalid byte after an ASCII run of 16");
}

/* utf8_valid_prefix takes 32 bytes (with AVX2) or eight at a time where
 * it can: it must agree with a byte-by-byte walk on text cut from
 * well-formed and broken pieces at every alignment, over several blocks. */
static void
test_valid_differential(void)
{
	static const char *const parts[] = {
		"a", "Haus ", "\xC3\xA4", "\xC2\xA0", "\xE2\x80\x9E", "\xE2\x80\x9C",
		"\xE2\x80\x93", "\xEF\xBB\xBF", "\xE0\xA4\x85", "\xED\x9F\xBF",
		"\xF0\x9F\x98\x80", "\x80", "\xC3", "\xE2\x80", "\xC0\xAF",
		"\xE0\x80\xAF", "\xED\xA0\x80", "\xFF", "\xE2\x28\xA1", "\xE1\x80",
	};
	char s[240];
	unsigned long x = 7;
	int ok = 1, t;

	for (t = 0; t < 300000 && ok; t++) {
		size_t n = 0, i = 0, k, want;
		while (n < (t % 2 ? 80 : 200)) {
			const char *p;
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			p = parts[(x >> 33) % (t % 3 == 0 ? 20 : 11)];	/* often valid only */
			memcpy(s + n, p, strlen(p));
			n += strlen(p);
		}
		for (size_t at = 0; at < 8 && ok; at++) {	/* every alignment */
			const unsigned char *u = (const unsigned char *)s + at;
			for (i = 0; i < n - at && (k = utf8_seq_len(u + i, n - at - i)) > 0; )
				i += k;
			want = i;
			ok = utf8_valid_prefix(s + at, n - at) == want;
			if (!ok)
				printf("# test %d at %zu: got %zu want %zu\n", t, at,
				    utf8_valid_prefix(s + at, n - at), want);
		}
	}
	CHECK(ok, "the word-at-a-time check agrees with a byte-by-byte walk");
}

static void
test_codec(void)
{
	char out[4];
	uint32_t cp;

	CHECK(utf8_encode(0x20AC, out) == 3 && memcmp(out, "\xE2\x82\xAC", 3) == 0,
	    "encode euro sign");
	CHECK(utf8_decode((const unsigned char *)"\xE2\x82\xAC", &cp) == 3 &&
	    cp == 0x20AC, "decode euro sign");
	CHECK(utf8_encode(0x1F600, out) == 4 && utf8_decode((unsigned char *)out, &cp) == 4 &&
	    cp == 0x1F600, "round trip U+1F600");
	CHECK(utf8_cp1252(0x80) == 0x20AC && utf8_cp1252(0xE4) == 0xE4 &&
	    utf8_cp1252(0x81) == 0xFFFD, "Windows-1252 table");
}

static void
test_repair(void)
{
	buf b = { 0 };
	uint64_t bad = 0;
	long n;

	n = utf8_repair("Gespr\xE4" "ch", 8, &b, &bad);
	CHECK(n == 1 && SAME(b.data, b.len, "Gespr\xC3\xA4" "ch") && bad == 0,
	    "Latin-1 byte read as Windows-1252");
	buf_clear(&b);
	n = utf8_repair("\xC3\xBC und \xFC", 8, &b, &bad);
	CHECK(n == 1 && SAME(b.data, b.len, "\xC3\xBC und \xC3\xBC"),
	    "valid UTF-8 kept beside a stray Latin-1 byte");
	buf_clear(&b);
	n = utf8_repair("\x93quoted\x94 \x81", 10, &b, &bad);
	CHECK(n == 3 && SAME(b.data, b.len, "\xE2\x80\x9Cquoted\xE2\x80\x9D \xEF\xBF\xBD") &&
	    bad == 1, "Windows-1252 quotes and an undefined byte");
	buf_free(&b);
}

int
main(void)
{
	test_buf();
	test_valid();
	test_valid_differential();
	test_codec();
	test_repair();
	return unit_done();
}
