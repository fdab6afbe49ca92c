/* Unit tests for literal.c: the prefilter must never miss a match. */
#include <stdlib.h>

#include "literal.h"
#include "unit.h"

/* The literals of pat as "a|b|c", or "-" for none. */
static const char *
lits(const char *pat, int caseless)
{
	static char out[256];
	literal_set s;
	size_t i;

	out[0] = '\0';
	if (literal_extract(pat, strlen(pat), caseless, &s) != 0)
		return "ERROR";
	for (i = 0; i < s.n; i++) {
		strcat(out, i ? "|" : "");
		strcat(out, s.v[i]);
	}
	literal_free(&s);
	if (out[0] == '\0')
		strcpy(out, "-");
	return out;
}

#define LITS(pat, ci, want) CHECK(strcmp(lits(pat, ci), want) == 0, pat " -> " want)

int
main(void)
{
	LITS("^Anzeige$", 0, "Anzeige");
	LITS("^(?:Anzeige|ANZEIGE|Werbung)$", 0, "Anzeige|ANZEIGE|Werbung");
	LITS("^Weiterlesen nach der Anzeige$", 1, "weiterlesen nach der anzeige");
	LITS("^Mehr aus \\p{Lu}\\w+$", 0, "Mehr aus ");
	LITS("colou?r chart", 0, "r chart");
	LITS("ab+cdef", 0, "cdef");
	LITS("abc(?:x|yz)?def", 0, "abc");
	LITS("(?:^|\\s)Foto:\\s*\\S+", 0, "Foto:");
	LITS("x|abc", 0, "-");
	LITS("PUBLICATIONxINxGER|xAUTxONLY", 0, "PUBLICATIONxINxGER|xAUTxONLY");
	LITS("^(?=.{0,300}$)(?=.*\\b(?:newsletter|inbox)\\b)", 1, "newsletter|inbox");
	LITS("(?!Anzeige)\\w+", 0, "-");
	LITS("[abc]def[g]hij", 0, "def");
	LITS("Gespr\xC3\xA4" "ch", 0, "Gespr\xC3\xA4" "ch");
	LITS("Gespr\xC3\xA4" "chsrunde", 1, "chsrunde");
	LITS("(?i)anzeige", 0, "-");
	LITS("\\Qa.b\\E", 0, "-");
	LITS("\\x41\\x{42}C", 0, "ABC");
	LITS("a\\.b\\+c", 0, "a.b+c");
	LITS("(unclosed", 0, "-");
	LITS("zum vergr\xC3\xB6(?:\xC3\x9F|ss)ern", 1, "zum vergr");
	return unit_done();
}
