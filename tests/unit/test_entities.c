/*
 * Unit tests for entities.c.  With an argument it is instead the filter
 * that tests/tools/entities.py checks the whole table through:
 *
 *	test_entities --decode unescape|repair <records
 *
 * reads NUL-ended records and writes each decoded and NUL-ended, with
 * entities_decode(..., 0) (html.unescape's rules) or through repair_line()
 * with only REPAIR_ENTITIES (what unboil does, before normalisation).
 */
#include <stdlib.h>

#include "text/entities.h"
#include "text/repair.h"
#include "unit.h"

static buf out;

static int
decoded(const char *in, unsigned flags, const char *want)
{
	buf_clear(&out);
	if (entities_decode(in, strlen(in), flags, &out) < 0)
		return 0;
	if (!SAME(out.data, out.len, want))
		printf("# \"%s\" -> \"%.*s\"\n", in, (int)out.len, out.data);
	return SAME(out.data, out.len, want);
}

static void
test_table(void)
{
	size_t i, j, bad = 0, legacy = 0;
	const entity_ref *e;

	for (i = 0; i < entity_count; i++) {
		e = &entity_table[i];
		bad += strlen(e->name) != e->len || e->len > entity_name_max;
		for (j = 0; j + 1 < e->len; j++)
			bad += !((e->name[j] >= 'a' && e->name[j] <= 'z') ||
			    (e->name[j] >= 'A' && e->name[j] <= 'Z') ||
			    (e->name[j] >= '0' && e->name[j] <= '9'));
		if (e->name[e->len - 1] != ';') {
			legacy++;
			bad += e->len > entity_legacy_max;
		}
		if (i > 0) {
			const entity_ref *p = &entity_table[i - 1];
			int c = memcmp(p->name, e->name, p->len < e->len ? p->len : e->len);
			bad += c > 0 || (c == 0 && p->len >= e->len);
		}
	}
	CHECK(entity_count == 2231 && legacy == 106, "2,231 names, 106 of them legacy");
	CHECK(bad == 0, "names sorted, unique, letters and digits, lengths right");
}

static void
test_unescape(void)
{
	CHECK(decoded("Fish &amp; Chips &lt;b&gt;", 0, "Fish & Chips <b>"), "common names");
	CHECK(decoded("&alpha;&rarr;&ge;&NotEqualTilde;", 0,
	    "\xCE\xB1\xE2\x86\x92\xE2\x89\xA5\xE2\x89\x82\xCC\xB8"),
	    "Greek, arrows, mathematics, two code points");
	CHECK(decoded("&copy 2024 &amp &ltx &notit; &ampamp;", 0,
	    "\xC2\xA9 2024 & <x \xC2\xACit; &amp;"), "legacy names without ';', longest prefix");
	CHECK(decoded("&copy-right &copy=2 &auml", 0, "\xC2\xA9-right \xC2\xA9=2 \xC3\xA4"),
	    "a legacy name before any other character, and at the end");
	CHECK(decoded("&foo; &Amp; &; & &# &#x; &#xg &am", 0, "&foo; &Amp; &; & &# &#x; &#xg &am"),
	    "what is no reference is left alone");
	CHECK(decoded("&#65;&#x42&#X43;&#0068x&#x45;", 0, "ABCDxE"),
	    "numbers with and without ';'");
	CHECK(decoded("&#0;&#xD800;&#x110000;&#99999999999999999999;", 0,
	    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
	    "0, surrogates and beyond U+10FFFF are U+FFFD");
	CHECK(decoded("&#x80;&#150;&#x81;&#x9F;", 0,
	    "\xE2\x82\xAC\xE2\x80\x93\xC2\x81\xC5\xB8"), "0x80 to 0x9F as Windows-1252");
	CHECK(decoded("a&#1;b&#11;c&#127;d&#xFDD0;e&#xFFFF;f&#x10FFFE;g", 0, "abcdefg"),
	    "controls and noncharacters are nothing");
	CHECK(decoded("&#9;&#10;&#12;&#13;&Tab;&NewLine;", 0, "\t\n\f\r\t\n"),
	    "tab, line feed, form feed and carriage return");
}

static void
test_text(void)
{
	CHECK(decoded("a.php?x=1&copy=2&region=de&times=3&amp;reg=1", ENTITIES_TEXT,
	    "a.php?x=1&copy=2&region=de&times=3&reg=1"),
	    "a legacy name before '=' or a letter or digit is left alone");
	CHECK(decoded("&notit; &ampamp; &copy2024 &auml", ENTITIES_TEXT,
	    "&notit; &ampamp; &copy2024 \xC3\xA4"), "and so is its longest-prefix reading");
	CHECK(decoded("&copy; &copy &copy- &copy;=2 &amp;x", ENTITIES_TEXT,
	    "\xC2\xA9 \xC2\xA9 \xC2\xA9- \xC2\xA9=2 &x"), "names with ';' and at a word's end are not");
	CHECK(decoded("a&#10;b&#xA;c&#11;d&#12;e&#13;f&NewLine;g&#9;h", ENTITIES_TEXT,
	    "a b c d e f g\th"), "line breaks become spaces, a tab stays");
	CHECK(decoded("&#0;&#1;&#x85;", ENTITIES_TEXT, "\xEF\xBF\xBD\xE2\x80\xA6"),
	    "the other numbers as html.unescape");
}

static void
test_maybe(void)
{
	const char *none = "Fish & Chips, 5&6, a&&1, a&";

	CHECK(!entities_maybe(none, strlen(none)), "no reference possible");
	CHECK(entities_maybe("x &#1", 5) && entities_maybe("&a", 2) && entities_maybe("& &b", 4),
	    "'&' before '#' or a letter");
	CHECK(!entities_maybe("&amp;", 0), "an empty range");
}

/* The filter mode; returns the exit status. */
static int
filter(const char *mode)
{
	repair_ctx *rc = repair_new(REPAIR_ENTITIES);
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t got;
	const char *o;
	unsigned did;

	if (rc == NULL)
		return 2;
	while ((got = getdelim(&line, &cap, '\0', stdin)) > 0) {
		n = line[got - 1] == '\0' ? (size_t)got - 1 : (size_t)got;
		buf_clear(&out);
		if (strcmp(mode, "unescape") == 0) {
			if (entities_decode(line, n, 0, &out) < 0)
				return 2;
			o = out.data != NULL ? out.data : "";
			n = out.len;
		} else if (repair_line(rc, line, n, 0, &o, &n, &did) != 0)
			return 2;
		fwrite(o, 1, n, stdout);
		putchar('\0');
	}
	free(line);
	repair_free(rc);
	return ferror(stdout) || fclose(stdout) != 0 ? 2 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--decode") == 0 &&
	    (strcmp(argv[2], "unescape") == 0 || strcmp(argv[2], "repair") == 0))
		return filter(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: test_entities [--decode unescape|repair]\n");
		return 2;
	}
	test_table();
	test_unescape();
	test_text();
	test_maybe();
	buf_free(&out);
	return unit_done();
}
