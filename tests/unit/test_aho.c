/* Unit tests for aho.c: every literal that occurs is found, whatever its
 * overlap with others, and none that does not. */
#include <stdlib.h>

#include "aho.h"
#include "unit.h"

/* The tags found in text as a string of tag digits, "" for none. */
static const char *
found(const aho *a, const char *text)
{
	static char out[65];
	uint64_t tags[1] = { 0 };
	unsigned i, k = 0;

	aho_scan(a, text, strlen(text), tags);
	for (i = 0; i < 64; i++)
		if (tags[0] >> i & 1)
			out[k++] = (char)('0' + i);
	out[k] = '\0';
	return out;
}

#define FOUND(a, text, want) CHECK(strcmp(found(a, text), want) == 0, text " -> " want)

int
main(void)
{
	aho *a = aho_new(0), *ci = aho_new(1), *empty = aho_new(0);
	static const char *words[] = { "he", "she", "his", "hers", "Anzeige", "\xC3\xA4" };
	unsigned i;

	for (i = 0; i < 6; i++)
		CHECK(aho_add(a, words[i], strlen(words[i]), i) == 0, "add");
	CHECK(aho_add(a, "x", 0, 9) != 0, "empty literal refused");
	CHECK(aho_build(a) == 0, "build");
	CHECK(aho_add(a, "late", 4, 9) != 0, "no adding after build");
	CHECK(aho_count(a) == 6 && aho_maxlen(a) == 7, "count and longest");
	FOUND(a, "ushers", "013");	/* she, he, hers overlap */
	FOUND(a, "this", "2");
	FOUND(a, "", "");
	FOUND(a, "nothing to see", "");
	FOUND(a, "ANZEIGE", "");	/* case matters */
	FOUND(a, "Anzeig", "");
	FOUND(a, "xAnzeigex", "4");
	FOUND(a, "M\xC3\xA4rz", "5");
	FOUND(a, "M\xC3\x84rz", "");

	CHECK(aho_add(ci, "anzeige", 7, 1) == 0 && aho_add(ci, "Werbung", 7, 2) == 0 &&
	    aho_add(ci, "eig", 3, 3) == 0, "add caseless");
	CHECK(aho_build(ci) == 0, "build caseless");
	FOUND(ci, "ANZEIGE", "13");
	FOUND(ci, "wErBuNg!", "2");
	FOUND(ci, "Anzeigx", "3");

	CHECK(aho_build(empty) == 0, "an empty automaton builds");
	FOUND(empty, "anything", "");
	aho_free(a);
	aho_free(ci);
	aho_free(empty);
	aho_free(NULL);
	return unit_done();
}
