/* Unit tests for clean.c: line splitting, documents, events, long lines. */
#include <stdlib.h>

#include "clean.h"
#include "text/norm.h"
#include "unit.h"

static rules *rs;
static char events[4096];
static int line_events = 1;	/* clean() asks for the events of every line */

static void
on_event(void *ctx, const clean_event *ev)
{
	static const char *names[] = { "keep", "edit", "drop", "cut", "blank",
		"long", "limit", "valve", "empty" };
	size_t n = strlen(events);

	(void)ctx;
	snprintf(events + n, sizeof(events) - n, "%llu:%s:%s ",
	    (unsigned long long)ev->line, names[ev->kind], ev->rule ? ev->rule : "-");
}

/* Cleans in as one document fed in pieces of step bytes. */
static char *
clean(const char *in, size_t n, size_t step, size_t max_line, buf *out)
{
	clean_opts o = { .norm = NORM_ALL, .max_line = max_line, .text = 1, .valve = 1 };
	cleaner *c = cleaner_new(rs, &o);
	size_t i;

	buf_clear(out);
	events[0] = '\0';
	cleaner_set_events(c, on_event, NULL, line_events);
	cleaner_begin(c, 1);
	for (i = 0; i < n; i += step)
		cleaner_feed(c, in + i, n - i < step ? n - i : step, out);
	cleaner_end(c, out);
	cleaner_free(c);
	buf_putc(out, '\0');
	return out->data;
}

static void
test_document(void)
{
	buf out = { 0 };
	const char *in = "\r\nWelt\r\n\r\nTitel der Seite\r\rAnzeige\n\n\nDer Text ist \xE2\x80\x9E" "a\xE2\x80\x9C, und er ist lang genug.\n"
	    "Der zweite Satz ist auch lang genug für uns.\nDer dritte Satz ist es ebenfalls, ja, sicher.\n"
	    "More Stories\nNoch ein Titel\n";
	const char *want = "Titel der Seite\n\nDer Text ist \"a\", und er ist lang genug.\n"
	    "Der zweite Satz ist auch lang genug für uns.\nDer dritte Satz ist es ebenfalls, ja, sicher.\n";
	size_t step;
	int same = 1;

	CHECK(strcmp(clean(in, strlen(in), 1 << 16, 0, &out), want) == 0,
	    "head, blank folding, drop, cut, CRLF and lone CR");
	CHECK(strcmp(events, "1:blank:- 2:drop:t:2 3:blank:- 4:keep:- 5:blank:- "
	    "6:drop:t:1 7:blank:- 8:blank:- 9:keep:- 10:keep:- 11:keep:- 12:cut:t:3 13:cut:t:3 ") == 0,
	    "events carry line numbers and rule ids");
	for (step = 1; step < 12; step++)
		same &= strcmp(clean(in, strlen(in), step, 0, &out), want) == 0;
	CHECK(same, "the same output for every piece size");
	CHECK(strcmp(clean("a\nb", 3, 1, 0, &out), "a\nb\n") == 0,
	    "a last line without newline gets one");
	CHECK(strcmp(clean("", 0, 1, 0, &out), "") == 0, "empty input, empty output");
	CHECK(strcmp(clean("\n\n\n", 3, 1, 0, &out), "") == 0, "only blank lines: nothing");
	CHECK(strcmp(clean("Gespr\xE4" "ch\n", 9, 1, 0, &out), "Gespr\xC3\xA4" "ch\n") == 0,
	    "an invalid byte is repaired as Windows-1252");
	CHECK(strcmp(clean("a\0b\n", 4, 1, 0, &out), "ab\n") == 0, "a NUL byte is removed");
	line_events = 0;
	CHECK(strcmp(clean(in, strlen(in), 7, 0, &out), want) == 0 && events[0] == '\0',
	    "without line events: the same output, and no event of any line");
	CHECK(strcmp(clean("kurz\n0123456789abcdefghij\nAnzeige\n", 34, 5, 16, &out),
	    "kurz\n0123456789abcdefghij\n") == 0 && strcmp(events, "2:long:- ") == 0,
	    "without line events: a long line is still reported");
	line_events = 1;
	buf_free(&out);
}

static void
test_long_lines(void)
{
	buf out = { 0 };
	char in[64];
	size_t step;
	int same = 1;

	/* A 20-byte line under a cap of 16, with a euro sign across pieces
	 * and a stray Latin-1 byte, between two ordinary lines. */
	strcpy(in, "kurz\n0123456789\xE2\x82\xAC" "abc\xE4" "fg\nAnzeige\nEnde\n");
	for (step = 1; step < 30; step++)
		same &= strcmp(clean(in, strlen(in), step, 16, &out),
		    "kurz\n0123456789\xE2\x82\xAC" "abc\xC3\xA4" "fg\nEnde\n") == 0;
	CHECK(same, "an over-long line is written through, repaired, at any piece size");
	CHECK(strstr(events, "2:long:-") != NULL && strstr(events, "3:drop:t:1") != NULL,
	    "the long line is reported and numbering goes on");
	CHECK(strcmp(clean("Er sah, dass es so kam, ja, ja.\nEr sah, dass es so kam, ja, ja.\n"
	    "Er sah, dass es so kam, ja, ja.\nMore Stories\n"
	    "0123456789abcdefghij0123456789abcdefghij\n", 150, 3, 32, &out),
	    "Er sah, dass es so kam, ja, ja.\nEr sah, dass es so kam, ja, ja.\n"
	    "Er sah, dass es so kam, ja, ja.\n") == 0 && strstr(events, "5:cut:t:3"),
	    "a long line after a cut is dropped");
	buf_free(&out);
}

int
main(void)
{
	const char *text = "drop ^Anzeige$\nhead ^Welt$\ncut ^More Stories$\n";

	rs = rules_new();
	rules_load_text(rs, text, strlen(text), "t", NULL, NULL);
	test_document();
	test_long_lines();
	rules_free(rs);
	return unit_done();
}
