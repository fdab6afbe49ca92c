/* Unit tests for aho.c: every literal that occurs is found, whatever its
 * overlap with others, and none that does not. */
#include <stdlib.h>

#include "rules/aho.h"
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

/* Does lit[0..n) occur in text[0..tn), ASCII letters caseless if ci? */
static int
occurs(const char *text, size_t tn, const char *lit, size_t n, int ci)
{
	size_t i, j;

	for (i = 0; i + n <= tn; i++) {
		for (j = 0; j < n; j++) {
			unsigned char x = (unsigned char)text[i + j], y = (unsigned char)lit[j];
			if (ci && x >= 'A' && x <= 'Z')
				x += 32;
			if (ci && y >= 'A' && y <= 'Z')
				y += 32;
			if (x != y)
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

/*
 * Random literals and texts over a small alphabet, so that literals
 * overlap and occur often, against the plain search above: few literals
 * starting with rare bytes or letter pairs take the skip scan, many take
 * the table walk.  Returns the number of disagreements.
 */
static int
differential(int flags, int nlit, const char *alphabet, unsigned seed)
{
	char lits[64][8], text[400];
	size_t len[64], na = strlen(alphabet), tn, i;
	int bad = 0, round, k;

	for (round = 0; round < 200; round++) {
		aho *a = aho_new(flags);
		uint64_t tags[1];
		for (k = 0; k < nlit; k++) {
			len[k] = 1 + (seed = seed * 1103515245 + 12345) % 5;
			for (i = 0; i < len[k]; i++)
				lits[k][i] = alphabet[((seed = seed * 1103515245 + 12345) >> 8) % na];
			aho_add(a, lits[k], len[k], (uint32_t)k);
		}
		aho_build(a);
		tn = (seed = seed * 1103515245 + 12345) % sizeof(text);
		for (i = 0; i < tn; i++)
			text[i] = alphabet[((seed = seed * 1103515245 + 12345) >> 8) % na];
		tags[0] = 0;
		aho_scan(a, text, tn, tags);
		for (k = 0; k < nlit; k++)
			bad += (int)(tags[0] >> k & 1) != occurs(text, tn, lits[k], len[k],
			    (flags & AHO_CASELESS) != 0);
		aho_free(a);
	}
	return bad;
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

	{
		/* Anchored: only literals the text starts with, not those that
		 * end inside one (no fail-state outputs), nor later ones. */
		aho *an = aho_new(AHO_ANCHORED | AHO_CASELESS);
		CHECK(aho_add(an, "mehr aus", 8, 1) == 0 && aho_add(an, "mehr", 4, 2) == 0 &&
		    aho_add(an, "ehr", 3, 3) == 0 && aho_add(an, "foto:", 5, 4) == 0,
		    "add anchored");
		CHECK(aho_build(an) == 0, "build anchored");
		FOUND(an, "Mehr aus Berlin", "12");
		FOUND(an, "mehr", "2");
		FOUND(an, "Mehrheit", "2");
		FOUND(an, "ehrlich", "3");
		FOUND(an, "Die mehr aus", "");
		FOUND(an, "Foto Foto:", "");
		FOUND(an, "FOTO: dpa", "4");
		FOUND(an, "meh", "");
		aho_free(an);
	}

	/* Long texts are scanned in several pieces side by side: a literal
	 * must be found wherever it lies, across every cut. */
	{
		static char text[700];
		size_t len, pos;
		int ok = 1;
		for (len = 8; len < sizeof(text); len += 37)
			for (pos = 0; pos + 7 <= len; pos++) {
				memset(text, 'x', len);
				memcpy(text + pos, "Anzeige", 7);
				text[len] = '\0';
				ok &= strcmp(found(a, text), "4") == 0;
				text[pos + 6] = 'E';	/* now no literal at all */
				ok &= strcmp(found(a, text), "") == 0;
			}
		CHECK(ok, "a literal found at every offset of long texts");
	}

	/* The skip scan takes 32 bytes at a time where the machine has AVX2
	 * and 16 otherwise: both are checked here. */
	CHECK(differential(0, 3, "<&(p>P ", 1) == 0, "skip scan: rare first bytes and pairs");
	CHECK(differential(AHO_NARROW, 3, "<&(p>P ", 1) == 0, "the same, 16 bytes at a time");
	CHECK(differential(AHO_CASELESS, 4, "<&pP>aA ", 2) == 0, "skip scan, caseless");
	CHECK(differential(AHO_CASELESS | AHO_NARROW, 4, "<&pP>aA ", 2) == 0,
	    "the same, 16 bytes at a time");
	CHECK(differential(AHO_CASELESS, 40, "abcdefgAB<> ", 3) == 0, "table walk: many literals");
	CHECK(differential(0, 6, "\xE2\x80\x9E\x9C ab", 4) == 0, "bytes beyond ASCII");
	CHECK(differential(AHO_NARROW, 6, "\xE2\x80\x9E\x9C ab", 4) == 0,
	    "the same, 16 bytes at a time");

	CHECK(aho_build(empty) == 0, "an empty automaton builds");
	FOUND(empty, "anything", "");
	aho_free(a);
	aho_free(ci);
	aho_free(empty);
	aho_free(NULL);
	return unit_done();
}
