/* Unit tests for jsonl.c: the record scanner, what it copies and what it
 * refuses; quoting and the audit trail's objects. */
#include <stdlib.h>

#include "formats/jsonl.h"
#include "text/norm.h"
#include "unit.h"

static rules *rs;
static cleaner *cl;
static buf out;
static const char *why;

/* Cleans the record rec with field into out; the status. */
static int
clean(const char *field, const char *rec, size_t n)
{
	static char kept[160];
	jsonl *j = jsonl_new(field);
	int rc;

	buf_clear(&out);
	rc = jsonl_clean(j, cl, 1, rec, n, &out, &why);
	/* why lives in j: keep a copy for the caller. */
	snprintf(kept, sizeof(kept), "%s", why);
	why = kept;
	jsonl_free(j);
	return rc;
}

/* Whether rec, with field "text", comes out as want. */
static int
cleans_to(const char *rec, const char *want)
{
	return clean("text", rec, strlen(rec)) == JSONL_OK &&
	    SAME(out.data, out.len, want);
}

/* Whether rec, with field "text", is refused with status and the reason
 * want, and nothing written. */
static int
refused_as(const char *rec, int status, const char *want)
{
	return clean("text", rec, strlen(rec)) == status && out.len == 0 &&
	    strcmp(why, want) == 0;
}

static int
refused(const char *rec, const char *want)
{
	return refused_as(rec, JSONL_BAD, want);
}

static void
test_copied(void)
{
	CHECK(cleans_to("{\"text\":\"Anzeige\\nEin Satz.\"}", "{\"text\":\"Ein Satz.\"}\n"),
	    "the field cleaned, the rest copied");
	CHECK(cleans_to(" { \"a\\u0000b\" : -0 , \"n\":[1E+2,-0.0,18446744073709551615,"
	    "-9223372036854775808,1e400],\"s\":\"\\ud800\\/\\u00e9\", \"text\" : "
	    "\"Anzeige\\nEin Satz.\" ,\"t\":true,\"f\":false,\"z\":null}\r",
	    " { \"a\\u0000b\" : -0 , \"n\":[1E+2,-0.0,18446744073709551615,"
	    "-9223372036854775808,1e400],\"s\":\"\\ud800\\/\\u00e9\", \"text\" : "
	    "\"Ein Satz.\" ,\"t\":true,\"f\":false,\"z\":null}\r\n"),
	    "every other byte as it was: spacing, escapes, numbers, a CR");
	CHECK(cleans_to("{\"text\":\"Ein Satz.\\n\"}", "{\"text\":\"Ein Satz.\\n\"}\n"),
	    "the field keeps its final newline");
	CHECK(cleans_to("{\"text\":\"\"}", "{\"text\":\"\"}\n"), "an empty field");
	CHECK(cleans_to("{\"text\":\"Anzeige\"}", "{\"text\":\"\"}\n"), "a field cleaned away");
	CHECK(cleans_to("{\"text\":\"\\u00e9 \\\"\\/\\\\ \\ud83d\\ude00 \\ud800 \\udc00x\\tz\"}",
	    "{\"text\":\"\xc3\xa9 \\\"/\\\\ \xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbdx z\"}\n"),
	    "the field's escapes decoded, half a surrogate pair as U+FFFD");
	CHECK(cleans_to("{\"te\\u0078t\":\"Anzeige\"}", "{\"te\\u0078t\":\"\"}\n"),
	    "a key with escapes names the field");
	CHECK(cleans_to("{\"text\\u0000\":\"Anzeige\",\"text\":\"x\"}",
	    "{\"text\\u0000\":\"Anzeige\",\"text\":\"x\"}\n"),
	    "a key with a NUL is not the field");
	CHECK(cleans_to("{\"text\":\"Anzeige\",\"text\":\"Anzeige\"}",
	    "{\"text\":\"Anzeige\",\"text\":\"\"}\n"), "of two fields the last is cleaned");
	CHECK(refused_as("{\"text\":\"Anzeige\",\"text\":1}", JSONL_NOFIELD,
	    "no string member \"text\""), "of two fields the last counts, here a number");
	CHECK(refused("{\"text\":\"a\nb\"}",
	    "not valid JSON (unescaped control character in a string at byte 11)"),
	    "a raw control character in the field");
}

static void
test_path(void)
{
	const char *rec = "{\"meta\":{\"text\":\"Anzeige\"},\"x\":[{\"meta\":{\"text\":\"Anzeige\"}}],"
	    "\"meta\":{\"a\":{\"text\":\"Anzeige\"},\"text\":\"Anzeige\",\"b\":[\"Anzeige\"]}}";
	const char *want = "{\"meta\":{\"text\":\"Anzeige\"},\"x\":[{\"meta\":{\"text\":\"Anzeige\"}}],"
	    "\"meta\":{\"a\":{\"text\":\"Anzeige\"},\"text\":\"\",\"b\":[\"Anzeige\"]}}\n";

	CHECK(clean("meta.text", rec, strlen(rec)) == JSONL_OK && SAME(out.data, out.len, want),
	    "a dotted path: the last meta's own text, nothing in arrays or deeper");
	rec = "{\"meta\":{\"text\":\"Anzeige\"},\"meta\":\"flat\"}";
	CHECK(clean("meta.text", rec, strlen(rec)) == JSONL_NOFIELD,
	    "a later member of the path's name that is no object hides the field");
	CHECK(refused_as("{\"text\":{\"text\":\"Anzeige\"}}", JSONL_NOFIELD,
	    "no string member \"text\""), "an object where the string should be");
	CHECK(refused("[{\"text\":\"x\"}]", "not a JSON object"),
	    "an array of objects is not a record");
}

static void
test_refused(void)
{
	static const char *const bad[][2] = {
		{ "not json", "null expected at byte 2" },
		{ "tru", "unexpected end of line at byte 4" },
		{ "{\"a\":fals}", "boolean expected at byte 10" },
		{ "{\"a\" 1}", "object property name separator ':' expected at byte 6" },
		{ "{\"a\":1 \"b\":2}", "object value separator ',' expected at byte 8" },
		{ "{a:1}", "quoted object property name expected at byte 2" },
		{ "{\"a\":1,}", "quoted object property name expected at byte 8" },
		{ "[1 2]", "array value separator ',' expected at byte 4" },
		{ "{\"a\":[1,]}", "unexpected character at byte 9" },
		{ "{\"a\":01}", "number expected at byte 7" },
		{ "{\"a\":1.}", "number expected at byte 8" },
		{ "{\"a\":-}", "number expected at byte 7" },
		{ "{\"a\":1e+}", "number expected at byte 9" },
		{ "{\"a\":.5}", "unexpected character at byte 6" },
		{ "{\"a\":NaN}", "unexpected character at byte 6" },
		{ "{\"a\":\"\\x\"}", "invalid string sequence at byte 8" },
		{ "{\"a\":\"\\u12\"}", "invalid string sequence at byte 11" },
		{ "{\"a\":\"\\", "unexpected end of line at byte 8" },
		{ "{\"a\":\"x", "unexpected end of line at byte 8" },
		{ "{\"a\":\"\tb\"}", "unescaped control character in a string at byte 7" },
		{ "{\"a\":1} {}", "unexpected character at byte 9" },
		{ "{\"a\":1}//", "unexpected character at byte 8" },
		{ "{\"a\":\"\xc3\"}", "invalid utf-8 string at byte 7" },
		{ "{\"a\":\"\xed\xa0\x80\"}", "invalid utf-8 string at byte 7" },
		{ "\xef\xbb\xbf{}", "unexpected character at byte 1" },
		{ "{\"a\":[", "unexpected end of line at byte 7" },
	};
	char want[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "not valid JSON (%s)", bad[i][1]);
		CHECK(refused(bad[i][0], want), bad[i][0]);
	}
	CHECK(refused("\"text\"", "not a JSON object"), "a string is not a record");
	CHECK(clean("text", " \t\r", 3) == JSONL_BLANK && out.len == 0, "a blank line");
}

/* Records nested deeper than a C stack would take are read all the same. */
static void
test_deep(void)
{
	size_t depth = 1000000, n = 2 * depth + 40, i;
	char *rec = malloc(n);
	int ok;

	n = (size_t)snprintf(rec, n, "{\"text\":\"x\",\"d\":");
	for (i = 0; i < depth; i++)
		rec[n++] = '[';
	for (i = 0; i < depth; i++)
		rec[n++] = ']';
	rec[n++] = '}';
	ok = clean("text", rec, n) == JSONL_OK && out.len == n + 1 &&
	    memcmp(out.data, rec, n) == 0;
	CHECK(ok, "a million nested arrays copied");
	rec[n - 2] = '}';
	CHECK(clean("text", rec, n) == JSONL_BAD &&
	    strstr(why, "array value separator") != NULL, "and one closed wrongly refused");
	free(rec);
}

/* Without an output buffer, the field is still cleaned (for the events). */
static void
test_no_output(void)
{
	jsonl *j = jsonl_new("text");

	CHECK(jsonl_clean(j, cl, 1, "{\"text\":\"x\"}", 12, NULL, &why) == JSONL_OK,
	    "events only");
	CHECK(jsonl_new("a..b") == NULL && !jsonl_field_ok("") && !jsonl_field_ok(".a") &&
	    !jsonl_field_ok("a.") && jsonl_field_ok("a.b"), "field paths without empty parts");
	jsonl_free(j);
	jsonl_free(NULL);
}

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
	const char *text = "drop ^Anzeige$\n";
	clean_opts o = { .norm = NORM_ALL, .text = 1 };

	rs = rules_new();
	rules_load_text(rs, text, strlen(text), "t", NULL, NULL);
	cl = cleaner_new(rs, &o);
	test_copied();
	test_path();
	test_refused();
	test_deep();
	test_no_output();
	test_quote();
	test_object();
	cleaner_free(cl);
	rules_free(rs);
	buf_free(&out);
	return unit_done();
}
