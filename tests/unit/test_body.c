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

/*
 * The features as prose.h states them, one byte at a time: the reference
 * the fast version (words found eight bytes at a time, digits and inner
 * punctuation looked for where they can only be) must agree with.
 */
static int
wordish(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c >= 0xC0;
}

static void
slow_words(const char *s, size_t n, unsigned *words, unsigned *stops, int *digits,
    int *inner)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, a, b, k, spaces;

	*words = *stops = 0;
	*digits = 0;
	*inner = n > 0 && s[n - 1] == ':';
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		a = b = (size_t)-1;
		for (; i < n && s[i] != ' '; i++) {
			if (wordish(u[i])) {
				if (a == (size_t)-1)
					a = i;
				b = i;
				*digits |= u[i] >= '0' && u[i] <= '9';
			} else if ((u[i] & 0xC0) == 0x80) {
				if (a != (size_t)-1)
					b = i;
			} else if (s[i] == ',' && i + 1 < n && s[i + 1] == ' ')
				*inner = 1;
			else if (s[i] == ':' && i + 1 < n && s[i + 1] == ' ') {
				/* not a headline: "Kicker: Title of something" */
				const unsigned char *t = u + i + 2;
				int upper = i + 2 < n && ((t[0] >= 'A' && t[0] <= 'Z') ||
				    (i + 3 < n && t[0] == 0xC3 && (t[1] == 0x84 ||
				    t[1] == 0x96 || t[1] == 0x9C)));
				for (spaces = 0, k = i + 2; k < n; k++)
					spaces += s[k] == ' ';
				*inner |= !(upper && spaces >= 2);
			}
		}
		if (a == (size_t)-1)
			continue;
		(*words)++;
		*stops += prose_is_stop(s + a, b + 1 - a) != 0;
	}
}

static void
test_prose_differential(void)
{
	static const char *const parts[] = {
		"der", "Der", "DER", "die", "und", "\xC3\xBC" "ber", "\xC3\x9C" "ber",
		"f\xC3\xBCr", "F\xC3\x9CR", "The", "of", "Regierung", "Bundeskanzlerin",
		"Stra\xC3\x9F" "e", "2024", "G20", "x1", ",", ":", ".", "(", ")", "\"",
		"-", "--", "\xE2\x80\x93", "\xE2\x80\xA6", "\xE2\x80\xA2", "\xC2\xA7",
		"\xCC\x88", "Kicker:", "Ort:", "a,", "ist.", "(die)", "\"und\"", "z.B.",
		"einen", "diesem", "dieseme", "\xC3\x84", "\xC3\xA4", " ", "  ",
	};
	const size_t np = sizeof(parts) / sizeof(parts[0]);
	char line[512];
	unsigned long x = 12345;
	int bad = 0, t, kind_ok = 1;

	for (t = 0; t < 200000 && bad < 5; t++) {
		size_t n = 0, k, want = (size_t)(t % 40);
		prose_feat f;
		unsigned w, st;
		int dg, in;

		for (k = 0; k < want; k++) {
			const char *p;
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			p = parts[(x >> 33) % np];
			if (n + strlen(p) + 1 >= sizeof(line))
				break;
			memcpy(line + n, p, strlen(p));
			n += strlen(p);
			if ((x >> 20) % 3 != 0)
				line[n++] = ' ';
		}
		prose_features(line, n, &f);
		slow_words(line, n, &w, &st, &dg, &in);
		kind_ok &= prose_kind(line, n) == (prose_is_body(&f) ? PROSE_BODY :
		    prose_is_content(&f) ? PROSE_CONTENT : PROSE_LINK);
		if (f.words != w || f.stops != st || f.digits != dg || f.inner_punct != in) {
			bad++;
			printf("# \"%.*s\": words %u/%u stops %u/%u digits %d/%d inner %d/%d\n",
			    (int)n, line, f.words, w, f.stops, st, f.digits, dg,
			    f.inner_punct, in);
		}
	}
	CHECK(bad == 0, "features agree with the byte-at-a-time reference on 200000 lines");
	CHECK(kind_ok, "prose_kind, which may stop early, sorts every line as the features do");
	CHECK(prose_is_stop("\xC3\x9C" "ber", 5) && prose_is_stop("DIE", 3) &&
	    prose_is_stop("F\xC3\x9CR", 4) && prose_is_stop("f\xC3\xBCr", 4) &&
	    prose_is_stop("A", 1) && prose_is_stop("WURDEN", 6) &&
	    !prose_is_stop("dies e", 6) && !prose_is_stop("", 0), "stop words");
	{
		/* Words from all over the list, which the two-table hash must
		 * all have kept whatever it moved while building. */
		static const char *const some[] = {
			"a", "about", "am", "an", "and", "auf", "be", "bei", "bis", "but", "can",
			"da", "dadurch", "dass", "dem", "den", "der", "des", "die", "dieser",
			"du", "ein", "einem", "er", "es", "for", "gegen", "gewesen", "hat",
			"hatten", "i", "ich", "ihr", "im", "in", "is", "ist", "it", "kann",
			"mit", "nach", "nicht", "of", "on", "or", "sehr", "sich", "sie",
			"sind", "so", "the", "to", "und", "uns", "von", "war", "was", "we",
			"wenn", "wie", "wird", "with", "wurde", "you", "zu", "zur",
		};
		size_t i;
		int all = 1;
		for (i = 0; i < sizeof(some) / sizeof(some[0]); i++)
			all &= prose_is_stop(some[i], strlen(some[i])) != 0;
		CHECK(all, "every stop word tried is found");
	}
	/* Bytes that the key's case folding touches but that are no letter:
	 * "@" (0x40), "\x01", "[" and NBSP (C2 A0) must not pass for one. */
	CHECK(!prose_is_stop("@", 1) && !prose_is_stop("\x01", 1) &&
	    !prose_is_stop("d[s", 3) && !prose_is_stop("\xC2\xA0" "an", 4) &&
	    !prose_is_stop("da\xC3\x9F", 4) && !prose_is_stop("dasx", 4) &&
	    !prose_is_stop("wurdenx", 7) && !prose_is_stop("Dies\xC3\xA4", 6),
	    "no stop word by folding alone");
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
	test_prose_differential();
	test_body();
	return unit_done();
}
