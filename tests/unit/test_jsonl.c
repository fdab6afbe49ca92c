/* Unit tests for jsonl.c: quoting and the audit trail's objects. */
#include <stdlib.h>

#include "formats/jsonl.h"
#include "unit.h"

/* Whether quoting s[0..n) gives want. */
static int
quotes_as(const char *s, size_t n, const char *want)
{
	buf b = { 0 };
	int same = jsonl_quote(&b, s, n) == 0 && SAME(b.data, b.len, want);

	buf_free(&b);
	return same;
}

static void
test_quote(void)
{
	const char *long_line = "eine lange Zeile ohne Escapes\nund eine zweite \"mit\"";
	char all[32];
	int i;

	for (i = 0; i < 32; i++)
		all[i] = (char)i;
	CHECK(quotes_as("", 0, "\"\""), "the empty string");
	CHECK(quotes_as("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\""),
	    "quote and backslash escaped, '/' not");
	CHECK(quotes_as(all, 32, "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006"
	    "\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013"
	    "\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d"
	    "\\u001e\\u001f\""), "control characters as json-c wrote them");
	CHECK(quotes_as("\x7f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80", 10,
	    "\"\x7f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\""),
	    "DEL, non-ASCII and U+2028 as they are");
	CHECK(quotes_as(long_line, strlen(long_line),
	    "\"eine lange Zeile ohne Escapes\\nund eine zweite \\\"mit\\\"\""),
	    "escapes after runs longer than eight bytes");
}

static void
test_object(void)
{
	static const char *const key[] = { "file", "doc", "a\"b", "text" };
	static const char *const str[] = { "x/y", NULL, NULL, "\xc3\xa9\n" };
	static const size_t len[] = { 3, 0, 0, 3 };
	static const uint64_t num[] = { 0, 1, UINT64_MAX, 0 };
	buf b = { 0 };

	CHECK(jsonl_object(&b, 4, key, str, len, num) == 0 &&
	    SAME(b.data, b.len, "{\"file\":\"x/y\",\"doc\":1,\"a\\\"b\":18446744073709551615,"
	    "\"text\":\"\xc3\xa9\\n\"}\n"), "members in order, numbers unsigned");
	buf_clear(&b);
	CHECK(jsonl_object(&b, 0, key, str, len, num) == 0 && SAME(b.data, b.len, "{}\n"),
	    "no members");
	buf_free(&b);
}

int
main(void)
{
	test_quote();
	test_object();
	return unit_done();
}
