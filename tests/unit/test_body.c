/* Unit tests for prose.c and body.c. */
#include "body.h"
#include "prose.h"
#include "unit.h"

static int
is_prose(const char *s)
{
	prose_feat f;

	prose_features(s, strlen(s), &f);
	return prose_is_body(&f);
}

static void
test_prose(void)
{
	prose_feat f;
	const char *s = "Der Minister sagte am Dienstag, dass die Lage ernst sei.";

	prose_features(s, strlen(s), &f);
	CHECK(f.words == 10 && f.stops >= 3 && f.terminal, "features of a sentence");
	CHECK(is_prose(s), "a sentence is prose");
	CHECK(is_prose("Er sagte: \"Wir bleiben dem Dialog zur Lösung dieser Probleme verpflichtet.\""),
	    "a sentence ending in a closing quote is prose");
	CHECK(!is_prose("Politik Wirtschaft Sport Kultur Panorama Wissen Reise Auto"),
	    "a menu is not prose");
	CHECK(!is_prose("Blinken sprach mit Lawrow auf dem G20-Gipfel"), "a headline is not prose");
	CHECK(is_prose("The minister said on Tuesday that talks would go on for as long as it took to reach a deal with them"),
	    "sixteen words of running text without a full stop are prose");
	prose_features("- Punkt eins", 12, &f);
	CHECK(f.bullet && f.words == 2, "list marker seen, not counted as a word");
	prose_features("200 g Mehl", 10, &f);
	CHECK(prose_is_content(&f), "a line with figures is content");
	prose_features("Reisewarnungen anlässlich der Pandemie", 38, &f);
	CHECK(!prose_is_content(&f), "a bare headline is not");
}

static int
decide(const char *cls, int started, int final, int force, const char *want)
{
	unsigned char prose[64] = { 0 }, v[64];
	char got[65];
	size_t n = strlen(cls), k, d;
	static const char sym[] = "KHGTVP";

	for (k = 0; k < n; k++)
		prose[k] = cls[k] == 'p' ? BODY_PROSE : cls[k] == 'c' ? BODY_CONTENT : BODY_LINK;
	d = body_decide(prose, n, started, final, force, 1, v);
	for (k = 0; k < n; k++)
		got[k] = sym[v[k]];
	got[n] = '\0';
	if (strcmp(got, want) != 0 || (final && d != n))
		printf("# %s -> %s (want %s), decided %zu\n", cls, got, want, d);
	return strcmp(got, want) == 0;
}

static void
test_body(void)
{
	/* p: prose, s: short line.  K keep, H head, G gap, T tail, V valve,
	 * P pending. */
	CHECK(decide("sssspsp", 0, 1, 0, "HHKKKKK"), "head dropped but for two headings");
	CHECK(decide("psssssssp", 0, 1, 0, "KGGGGGKKK"), "long gap dropped but for headings");
	CHECK(decide("pssp", 0, 1, 0, "KKKK"), "short gap kept");
	CHECK(decide("psss", 0, 1, 0, "KTTT"), "tail dropped");
	CHECK(decide("ssss", 0, 1, 0, "VVVV"), "no prose: the valve keeps all");
	CHECK(decide("ssss", 1, 1, 0, "TTTT"), "no prose after the body started: tail");
	{
		unsigned char p[3] = { BODY_LINK, BODY_CONTENT, BODY_LINK }, v[3];
		body_decide(p, 3, 0, 1, 0, 0, v);
		CHECK(v[0] == BODY_HEAD && v[1] == BODY_HEAD && v[2] == BODY_HEAD,
		    "without the valve a document with no prose is all head");
	}
	CHECK(decide("pss", 0, 0, 0, "KPP"), "undecided lines wait for more");
	CHECK(decide("psssss", 0, 0, 1, "KGGGPP"), "a full window decides all but the headings");
	CHECK(decide("", 0, 1, 0, ""), "nothing to judge");
	CHECK(decide("pscscsssp", 0, 1, 0, "KGKGKGKKK"), "content-like lines stay in a long gap");
	CHECK(decide("ccp", 0, 1, 0, "KKK") && decide("cccp", 0, 1, 0, "HKKK"),
	    "content-like lines in the head are not spared");
}

int
main(void)
{
	test_prose();
	test_body();
	return unit_done();
}
