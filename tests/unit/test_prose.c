/*
 * Unit tests for prose.c: every feature prose_measure() gives, for lines
 * that take each of its paths (stop words and cases, separators, web
 * addresses and copyright marks, lines past the word sample, tokens and
 * lines that cross the 64-byte blocks, lines long enough for several runs
 * of the counting loop).  The structural model was trained on these
 * features, so they must not change unseen: the values below are those
 * of the byte-by-byte code that the one-pass count replaced, but for the
 * counts per word of lines past the sample, which became those of an
 * eight-word sample (MEASURE_WORDS) when that was cut from 24.
 */
#include <stdlib.h>

#include "layout/prose.h"
#include "unit.h"

/* Lines written out; well-formed UTF-8, as prose_measure() expects. */
static const char *const lines[] = {
	"",
	" ",
	"Der Hund und die Katze schlafen.",
	"Was steckt dahinter?",
	"- Punkt eins, mit Komma",
	"\xE2\x80\xA2 Aufz\xC3\xA4hlung: mit Doppelpunkt",
	"[1] Quelle",
	"Kicker: Titel eines anderen Artikels",
	"Stand: 12.03.2024",
	"Mehr unter https://example.org/seite und so weiter",
	"http:/kein Link, aber https:/ schon",
	"Kontakt: redaktion@example.org",
	"Besuchen Sie www.example.de heute",
	"Die Gewinner von Olympiawww. und Neuer.",
	"(c) 2024 Verlag GmbH",
	"(C) Verlag",
	"\xC2\xA9 2024 Alle Rechte vorbehalten",
	"( c) und (c und c)",
	"Home | News \xC2\xB7 Sport \xC2\xBB Politik \xE2\x80\xBA Wetter \xE2\x80\xA2 Mehr",
	"\"\xC3\x9C" "ber alles\" (\xC3\xA4rger) [\xC3\x96l] 'x' \xC3\xA9t\xC3\xA9",
	"\xC3\x84 \xC3\xB6 \xC3\xBC" "ber Stra\xC3\x9F" "e \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
	"Ende mit Ellipse\xE2\x80\xA6",
	"Zitat am Ende.\")",
	"Liste:",
	"  zwei   Leerzeichen  ,  und   mehr  ",
	"Ein sehr langer Satz mit vielen W\xC3\xB6rtern, der mehr als vierundzwanzig "
	    "W\xC3\xB6rter hat, damit die Stichprobe endet und der Rest der Zeile nur "
	    "noch nach seinen Leerzeichen gez\xC3\xA4hlt wird, so wie es sein soll.",
	"Ein Token, das \xC3\xBC" "ber die Grenze von vierundsechzig Bytes "
	    "hinwegl\xC3\xA4uft: Donaudampfschifffahrtsgesellschaftskapit\xC3\xA4nsm\xC3\xBCtze.",
	"...",
	"1234 5678 90",
	"`| \\ \x1A \x08 @",
};

/* Lines made of a pattern repeated to a length: blocks, tails and runs of
 * the counting loop. */
static const struct { const char *pattern; size_t len; } repeats[] = {
	{ "x", 64 },
	{ "x", 128 },
	{ "ab ", 64 },
	{ "ab ", 65 },
	{ "Wort und, ", 31 },
	{ "Wort und, ", 33 },
	{ "a", 200 },
	{ "Wort und, ", 8200 },
	{ "Die | www.x (c) \xC2\xB7 ", 20000 },
	{ "         ", 4100 },
};

/* The features of each line and then each repeat, in the order of the
 * fields of prose_feat: words, stops, terminal, question, bullet, digits,
 * inner_punct, chars, letters, upper, lower, shorts, digitc, punct,
 * commas, seps, colon_end, web, copyright. */
static const unsigned want[][19] = {
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },	/* line 0 */
	{ 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },	/* line 1 */
	{ 6, 3, 1, 0, 0, 0, 0, 32, 26, 3, 3, 3, 0, 1, 0, 0, 0, 0, 0 },	/* line 2 */
	{ 3, 1, 1, 1, 0, 0, 0, 20, 17, 1, 2, 1, 0, 1, 0, 0, 0, 0, 0 },	/* line 3 */
	{ 4, 1, 0, 0, 1, 0, 1, 23, 17, 2, 2, 1, 0, 2, 1, 0, 0, 0, 0 },	/* line 4 */
	{ 4, 1, 0, 0, 1, 0, 1, 29, 28, 2, 1, 2, 0, 1, 0, 1, 0, 0, 0 },	/* line 5 */
	{ 2, 0, 0, 0, 1, 1, 0, 10, 6, 1, 0, 1, 1, 2, 0, 0, 0, 0, 0 },	/* line 6 */
	{ 5, 1, 0, 0, 0, 0, 0, 36, 31, 3, 2, 0, 0, 1, 0, 0, 0, 0, 0 },	/* line 7 */
	{ 2, 0, 0, 0, 0, 1, 1, 17, 5, 1, 0, 0, 8, 3, 0, 0, 0, 0, 0 },	/* line 8 */
	{ 6, 4, 0, 0, 0, 0, 0, 50, 40, 1, 5, 2, 0, 5, 0, 0, 0, 1, 0 },	/* line 9 */
	{ 5, 1, 0, 0, 0, 0, 1, 35, 26, 1, 4, 0, 0, 5, 1, 0, 0, 1, 0 },	/* line 10 */
	{ 2, 0, 0, 0, 0, 0, 1, 30, 26, 1, 1, 0, 0, 3, 0, 0, 0, 1, 0 },	/* line 11 */
	{ 4, 1, 0, 0, 0, 0, 0, 33, 28, 2, 2, 1, 0, 2, 0, 0, 0, 1, 0 },	/* line 12 */
	{ 6, 3, 1, 0, 0, 0, 0, 39, 32, 4, 2, 3, 0, 2, 0, 0, 0, 1, 0 },	/* line 13 */
	{ 4, 0, 0, 0, 0, 1, 0, 20, 11, 2, 1, 1, 4, 2, 0, 0, 0, 0, 1 },	/* line 14 */
	{ 2, 0, 0, 0, 0, 0, 0, 10, 7, 2, 0, 1, 0, 2, 0, 0, 0, 0, 1 },	/* line 15 */
	{ 5, 0, 0, 0, 0, 1, 0, 30, 23, 2, 1, 1, 4, 0, 0, 0, 0, 0, 1 },	/* line 16 */
	{ 5, 2, 0, 0, 0, 0, 0, 18, 9, 0, 5, 5, 0, 4, 0, 0, 0, 0, 0 },	/* line 17 */
	{ 10, 0, 0, 0, 0, 0, 0, 45, 40, 6, 0, 3, 0, 1, 0, 5, 0, 0, 0 },	/* line 18 */
	{ 6, 2, 0, 0, 0, 0, 0, 33, 25, 2, 4, 3, 0, 8, 0, 0, 0, 0, 0 },	/* line 19 */
	{ 6, 1, 0, 0, 0, 0, 0, 22, 34, 2, 2, 4, 0, 0, 0, 0, 0, 0, 0 },	/* line 20 */
	{ 3, 1, 1, 0, 0, 0, 0, 17, 17, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0 },	/* line 21 */
	{ 3, 1, 1, 0, 0, 0, 0, 16, 11, 2, 1, 1, 0, 3, 0, 0, 0, 0, 0 },	/* line 22 */
	{ 1, 0, 0, 0, 0, 0, 1, 6, 5, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0 },	/* line 23 */
	{ 4, 2, 0, 0, 0, 0, 1, 37, 22, 1, 3, 1, 0, 1, 1, 0, 0, 0, 0 },	/* line 24 */
	{ 34, 17, 1, 0, 0, 0, 1, 198, 164, 12, 21, 12, 0, 4, 3, 0, 0, 0, 0 },	/* line 25 */
	{ 11, 6, 1, 0, 0, 0, 1, 118, 109, 4, 6, 5, 0, 3, 1, 0, 0, 0, 0 },	/* line 26 */
	{ 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0 },	/* line 27 */
	{ 3, 0, 0, 0, 0, 1, 0, 12, 0, 0, 0, 1, 10, 0, 0, 0, 0, 0, 0 },	/* line 28 */
	{ 0, 0, 0, 0, 0, 0, 0, 10, 2, 0, 0, 0, 0, 4, 0, 1, 0, 1, 0 },	/* line 29 */
	{ 1, 0, 0, 0, 0, 0, 0, 64, 64, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },	/* repeat 0 */
	{ 1, 0, 0, 0, 0, 0, 0, 128, 128, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },	/* repeat 1 */
	{ 22, 0, 0, 0, 0, 0, 0, 64, 43, 0, 22, 22, 0, 0, 0, 0, 0, 0, 0 },	/* repeat 2 */
	{ 22, 0, 0, 0, 0, 0, 0, 65, 44, 0, 22, 22, 0, 0, 0, 0, 0, 0, 0 },	/* repeat 3 */
	{ 7, 4, 0, 0, 0, 0, 1, 31, 22, 4, 3, 4, 0, 3, 3, 0, 0, 0, 0 },	/* repeat 4 */
	{ 7, 3, 0, 0, 0, 0, 1, 33, 24, 4, 3, 4, 0, 3, 3, 0, 0, 0, 0 },	/* repeat 5 */
	{ 1, 0, 0, 0, 0, 0, 0, 200, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },	/* repeat 6 */
	{ 1641, 820, 0, 0, 0, 0, 1, 8200, 5740, 820, 820, 820, 0, 820, 820, 0, 0, 0, 0 },	/* repeat 7 */
	{ 5262, 1315, 0, 0, 0, 0, 0, 18948, 10527, 1315, 2631, 3946, 0, 4210, 0, 2105, 0, 1, 1 },	/* repeat 8 */
	{ 0, 0, 0, 0, 0, 0, 0, 4100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },	/* repeat 9 */
};

static void
check(const char *s, size_t n, const unsigned *w, const char *what)
{
	prose_feat f;
	unsigned got[19];

	memset(&f, 0xA5, sizeof(f));
	prose_measure(s, n, &f);
	got[0] = f.words;
	got[1] = f.stops;
	got[2] = (unsigned)f.terminal;
	got[3] = (unsigned)f.question;
	got[4] = (unsigned)f.bullet;
	got[5] = (unsigned)f.digits;
	got[6] = (unsigned)f.inner_punct;
	got[7] = f.chars;
	got[8] = f.letters;
	got[9] = f.upper;
	got[10] = f.lower;
	got[11] = f.shorts;
	got[12] = f.digitc;
	got[13] = f.punct;
	got[14] = f.commas;
	got[15] = f.seps;
	got[16] = (unsigned)f.colon_end;
	got[17] = (unsigned)f.web;
	got[18] = (unsigned)f.copyright;
	CHECK(memcmp(got, w, sizeof(got)) == 0, what);
	if (memcmp(got, w, sizeof(got)) != 0) {
		size_t i;
		printf("# got {");
		for (i = 0; i < 19; i++)
			printf(" %u,", got[i]);
		printf(" }\n");
	}
}

/* The words of page furniture and those that address the reader, whole
 * or by their first eight bytes, in any case. */
static void
test_cues(void)
{
	static const struct { const char *s; unsigned cues, yous; } t[] = {
		{ "Newsletter abonnieren und Kommentare TEILEN", 4, 0 },
		{ "Teilenden Abonnenten", 0, 0 },
		{ "Hast du dich schon angemeldet?", 0, 2 },
		{ "Suscr\xC3\xad" "bete a nuestro canal de YouTube", 2, 0 },
		{ "Der Minister sagte am Dienstag in Berlin", 0, 0 },
	};
	prose_feat f;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		prose_measure(t[i].s, strlen(t[i].s), &f);
		CHECK(f.cues == t[i].cues && f.yous == t[i].yous, t[i].s);
	}
}

/* Running text in the other languages of the stop list reads as prose, as
 * German and English does; a menu in them still does not.  Capitals fold
 * onto small letters in Latin-1, Greek and Cyrillic as in ASCII. */
static void
test_languages(void)
{
	static const struct { const char *s; int kind; } t[] = {
		{ "El gobierno anunci\xC3\xB3 ayer una reforma de las pensiones que "
		    "ser\xC3\xA1 presentada en el congreso.", PROSE_BODY },
		{ "Le gouvernement a annonc\xC3\xA9 une r\xC3\xA9" "forme des retraites "
		    "qui sera pr\xC3\xA9sent\xC3\xA9" "e au parlement.", PROSE_BODY },
		{ "Rz\xC4\x85" "d zapowiedzia\xC5\x82 w pi\xC4\x85tek, \xC5\xBC" "e reforma "
		    "wejdzie w \xC5\xBCycie od stycznia przysz\xC5\x82" "ego roku.", PROSE_BODY },
		{ "\xD0\x9F\xD1\x80\xD0\xB0\xD0\xB2\xD0\xB8\xD1\x82\xD0\xB5\xD0\xBB\xD1\x8C"
		    "\xD1\x81\xD1\x82\xD0\xB2\xD0\xBE \xD1\x83\xD1\x82\xD0\xB2\xD0\xB5\xD1\x80"
		    "\xD0\xB4\xD0\xB8\xD0\xBB\xD0\xBE \xD0\xBF\xD1\x80\xD0\xBE\xD0\xB3\xD1\x80"
		    "\xD0\xB0\xD0\xBC\xD0\xBC\xD1\x83 \xD0\xB8 \xD0\xBE\xD0\xBD\xD0\xB0 "
		    "\xD0\xBD\xD0\xB0\xD1\x87\xD0\xBD\xD0\xB5\xD1\x82 \xD1\x80\xD0\xB0\xD0\xB1"
		    "\xD0\xBE\xD1\x82\xD1\x83 \xD0\xB2 \xD1\x8F\xD0\xBD\xD0\xB2\xD0\xB0\xD1\x80"
		    "\xD0\xB5.", PROSE_BODY },
		{ "Pemerintah pada hari Jumat mengumumkan paket bantuan untuk usaha "
		    "kecil yang terkena banjir.", PROSE_BODY },
		{ "Inicio Noticias Deportes Econom\xC3\xAD" "a Cultura Opini\xC3\xB3n "
		    "Tecnolog\xC3\xAD" "a Salud Viajes Contacto", PROSE_LINK },
	};
	static const struct { const char *w; int stop; } words[] = {
		{ "que", 1 }, { "Que", 1 }, { "\xC3\xA9t\xC3\xA9", 1 },
		{ "\xC3\x89t\xC3\xA9", 1 }, { "\xC3\xA4r", 1 }, { "\xC3\x84r", 1 },
		{ "\xD0\xB8", 1 }, { "\xD0\x98", 1 }, { "\xD0\xBE\xD0\xBD\xD0\xB0", 1 },
		{ "i\xC3\xA7in", 1 }, { "\xC4\x91\xC6\xB0\xE1\xBB\xA3" "c", 1 },
		{ "\xCE\xBA\xCE\xB1\xCE\xB9", 1 }, { "\xCE\x9A\xCE\x91\xCE\x99", 1 },
		{ "\xD9\x81\xD9\x8A", 1 }, { "\xE0\xA4\xB9\xE0\xA5\x88", 1 },
		{ "Hund", 0 }, { "gobierno", 0 }, { "\xD0\xB8\xD0\xB7\xD0\xB1\xD0\xB0", 0 },
	};
	/* Sentence ends of other scripts: Devanagari danda and double danda,
	 * the ideographic full stop, the Arabic question mark. */
	static const struct { const char *s; int terminal, question; } ends[] = {
		{ "\xE0\xA4\xAF\xE0\xA4\xB9 \xE0\xA4\xA0\xE0\xA5\x80\xE0\xA4\x95 "
		    "\xE0\xA4\xB9\xE0\xA5\x88\xE0\xA5\xA4", 1, 0 },
		{ "\xE0\xA4\xB9\xE0\xA5\x88\xE0\xA5\xA5", 1, 0 },
		{ "\xE5\xA5\xBD\xE3\x80\x82", 1, 0 },
		{ "\xD9\x84\xD9\x85\xD8\xA7\xD8\xB0\xD8\xA7\xD8\x9F", 1, 1 },
		{ "\xE5\xA5\xBD\xE3\x80\x81", 0, 0 },
	};
	prose_feat f;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(prose_kind(t[i].s, strlen(t[i].s)) == t[i].kind, t[i].s);
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		prose_measure(ends[i].s, strlen(ends[i].s), &f);
		CHECK(f.terminal == ends[i].terminal && f.question == ends[i].question,
		    ends[i].s);
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		CHECK(!prose_is_stop(words[i].w, strlen(words[i].w)) == !words[i].stop, words[i].w);
}

int
main(void)
{
	size_t i, j, k, nl = sizeof(lines) / sizeof(lines[0]);
	char what[64], *b;

	for (i = 0; i < nl; i++) {
		snprintf(what, sizeof(what), "measure line %zu", i);
		check(lines[i], strlen(lines[i]), want[i], what);
	}
	for (i = 0; i < sizeof(repeats) / sizeof(repeats[0]); i++) {
		/* Exactly as long as the line, so that a sanitizer sees any
		 * read past its end. */
		b = malloc(repeats[i].len);
		if (b == NULL)
			return 1;
		k = strlen(repeats[i].pattern);
		for (j = 0; j < repeats[i].len; j++)
			b[j] = repeats[i].pattern[j % k];
		snprintf(what, sizeof(what), "measure %zu bytes of \"%s\"", repeats[i].len,
		    repeats[i].pattern);
		check(b, repeats[i].len, want[nl + i], what);
		free(b);
	}
	test_cues();
	test_languages();
	return unit_done();
}
