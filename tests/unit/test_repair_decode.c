/* Unit tests for repair.c and decode.c. */
#include <stdlib.h>

#include "text/decode.h"
#include "text/plain.h"
#include "text/repair.h"
#include "unit.h"

static repair_ctx *rc;

static int
repaired(const char *in, const char *want, unsigned want_did)
{
	const char *o;
	size_t n;
	unsigned did;

	if (repair_line(rc, in, strlen(in), 0, &o, &n, &did) != 0)
		return 0;
	if (!SAME(o, n, want) || did != want_did)
		printf("# \"%s\" -> \"%.*s\" (did %u)\n", in, (int)n, o, did);
	return SAME(o, n, want) && did == want_did;
}

/* The same, told the plain prefix as the cleaner tells it; the prefix
 * must reach past want_past for the case to test what it says. */
static int
repaired_plain(const char *in, size_t want_past, const char *want, unsigned want_did)
{
	size_t plain = plain_prefix(in, strlen(in)), n;
	const char *o;
	unsigned did;

	if (plain <= want_past || repair_line(rc, in, strlen(in), plain, &o, &n, &did) != 0)
		return 0;
	return SAME(o, n, want) && did == want_did;
}

static void
test_mojibake(void)
{
	/* "Er sagte " and the mojibake's first character, C3 A2, are plain;
	 * its E2 is not: the search starts in the prefix's last character. */
	CHECK(repaired_plain("Er sagte \xC3\xA2\xE2\x82\xAC\xC5\xBE" "Zitat", 9,
	    "Er sagte \xE2\x80\x9EZitat", REPAIR_MOJIBAKE),
	    "mojibake that starts inside the plain prefix");
	CHECK(repaired_plain("Fish &amp; Chips", 4, "Fish & Chips", REPAIR_ENTITIES),
	    "an entity right after the plain prefix");
	CHECK(repaired("Gespr\xC3\x83\xC2\xA4" "ch", "Gespr\xC3\xA4" "ch", REPAIR_MOJIBAKE),
	    "UTF-8 read as Windows-1252");
	CHECK(repaired("\xC3\xA2\xE2\x82\xAC\xC5\xBE" "Zitat\xC3\xA2\xE2\x82\xAC\xC5\x93",
	    "\xE2\x80\x9EZitat\xE2\x80\x9C", REPAIR_MOJIBAKE), "German quotes in mojibake");
	CHECK(repaired("Gespr\xC3\x83\xC6\x92\xC3\x82\xC2\xA4" "ch", "Gespr\xC3\xA4" "ch",
	    REPAIR_MOJIBAKE), "mojibake twice over");
	CHECK(repaired("\xC3\xA2\xC2\x80\xC2\x9D", "\xE2\x80\x9D", REPAIR_MOJIBAKE),
	    "C1 controls from a Latin-1 decode");
	CHECK(repaired("It\xC2\x92s 5 \xC2\x80, \xC2\x84Zitat\xC2\x93",
	    "It\xE2\x80\x99s 5 \xE2\x82\xAC, \xE2\x80\x9EZitat\xE2\x80\x9C", REPAIR_MOJIBAKE),
	    "C1 controls are mapped through Windows-1252, not lost");
	CHECK(repaired("\xC3\x83\xC6\x92\xC3\x82\xC2\x84rzte", "\xC3\x84rzte", REPAIR_MOJIBAKE),
	    "a C1 control in the middle layer");
	CHECK(repaired("doesn\xC3\x83\xC2\xA2\xC3\xA2\xE2\x80\x9A\xC2\xAC\xC3\xA2\xE2\x80\x9E\xC2\xA2t",
	    "doesn\xE2\x80\x99t", REPAIR_MOJIBAKE), "three layers");
	/* "ä" "’" "’" side by side, then "ä" twice over: the first pass
	 * gives "ä’’Ã¤", whose first three bytes spell U+4492, a CJK
	 * character that the Latin mojibake after it does not go on. */
	CHECK(repaired("?\xC3\x83\xC2\xA4\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2\xC3\xA2\xE2\x82\xAC"
	    "\xE2\x84\xA2\xC3\x83\xC6\x92\xC3\x82\xC2\xA4",
	    "?\xC3\xA4\xE2\x80\x99\xE2\x80\x99\xC3\xA4", REPAIR_MOJIBAKE),
	    "pieces repaired side by side are not one character of another script");
	/* The same, with more after it that spells CJK ("ä„„" is "䄄"): but
	 * the first pass made only the "ä" of it, so it is no second layer. */
	CHECK(repaired("\xC3\x83\xC2\xA4\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2\xC3\xA2\xE2\x82\xAC"
	    "\xE2\x84\xA2\xC3\x83\xC2\xA4\xE2\x80\x9E\xE2\x80\x9E\xC3\x83\xC6\x92\xC3\x82\xC2\xA4",
	    "\xC3\xA4\xE2\x80\x99\xE2\x80\x99\xC3\xA4\xE2\x80\x9E\xE2\x80\x9E\xC3\xA4",
	    REPAIR_MOJIBAKE), "what follows spells the same script only from what the pass before made");
	CHECK(repaired("\xC3\x83\xC2\xA3\xC3\xA2\xE2\x82\xAC\xC5\xA1\xC3\x82\xC2\xAB\xC3\x83\xC2\xA6"
	    "\xC3\x82\xC2\x9D\xC3\x82\xC2\xB1\xC3\x83\xC2\xA4\xC3\x82\xC2\xBA\xC3\x82\xC2\xAC",
	    "\xE3\x82\xAB\xE6\x9D\xB1\xE4\xBA\xAC", REPAIR_MOJIBAKE),
	    "Japanese twice over: a katakana goes on in kanji");
	/* Code page 437 reads "µä«" as the bytes of "愮": the "ä" was
	 * mojibake that Windows-1252's pass repaired, and what a pass made is
	 * text to the page pass (the Cyrillic lets that pass look). */
	CHECK(repaired("\xC2\xB5\xC3\x83\xC2\xA4\xC2\xAB\xE4\xB8\xAD\xE6\x96\x87"
	    "\xD0\xA0\xD0\xBE\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F "
	    "\xC3\x83\xC6\x92\xC3\x82\xC2\xA4\xC3\x83\xC6\x92\xC3\x82\xC2\xA4",
	    "\xC2\xB5\xC3\xA4\xC2\xAB\xE4\xB8\xAD\xE6\x96\x87"
	    "\xD0\xA0\xD0\xBE\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F \xC3\xA4\xC3\xA4",
	    REPAIR_MOJIBAKE), "a page's sequence takes no character an earlier pass made");
	/* Clean "µ««" beside CJK spells "殮" in code page 437 too; one such
	 * character alone is no run of mojibake, a run of two is. */
	CHECK(repaired("\xC2\xB5\xC2\xAB\xC2\xAB\xE4\xB8\xAD\xE6\x96\x87 "
	    "\xC3\x83\xC2\xA4\xC3\xA2\xE2\x82\xAC\xEF\xBF\xBD",
	    "\xC2\xB5\xC2\xAB\xC2\xAB\xE4\xB8\xAD\xE6\x96\x87 \xC3\xA4\xEF\xBF\xBD", REPAIR_MOJIBAKE),
	    "one CJK character from code page 437 beside real CJK is left");
	CHECK(repaired("\xCE\xA3\xE2\x95\x95\xC2\xA1\xC2\xB5\xC3\xBB\xC3\xA7 \xC3\xA2\xE2\x82\xAC\xEF\xBF\xBD",
	    "\xE4\xB8\xAD\xE6\x96\x87 \xEF\xBF\xBD", REPAIR_MOJIBAKE),
	    "two CJK characters read as code page 437 are repaired");
	CHECK(repaired("\xC3\x8E\xC2\xB5\xC3\x8E\xC2\xBB \xC3\x90\xC2\xB1\xC3\x91\xC5\xA0 "
	    "\xC3\xA2\xC2\x9D\xC2\xA4 \xC3\xA2\xCB\x86\xE2\x80\x99",
	    "\xCE\xB5\xCE\xBB \xD0\xB1\xD1\x8A \xE2\x9D\xA4 \xE2\x88\x92", REPAIR_MOJIBAKE),
	    "Greek, Cyrillic and symbols");
	CHECK(repaired("wei\xE2\x88\x9A\xC3\xBC", "wei\xC3\x9F", REPAIR_MOJIBAKE), "MacRoman");
	CHECK(repaired("Gespr\xC4\x82\xC2\xA4" "ch", "Gespr\xC3\xA4" "ch", REPAIR_MOJIBAKE),
	    "Windows-1250");
	CHECK(repaired("\xD0\xA0\xD2\x91\xD0\xA0\xD1\x95 \xD0\xB2\xD0\x82\xE2\x84\xA2",
	    "\xD0\xB4\xD0\xBE \xE2\x80\x99", REPAIR_MOJIBAKE), "Windows-1251");
	CHECK(repaired("= \xE2\x88\x9A\xCF\x80, NICIODAT\xC4\x82\xE2\x84\xA2, \xD0\x92\xD0\x86\xD0\x9A\xD0\x86, "
	    "\xE2\x94\x9C\xE2\x94\xA4" "a",
	    "= \xE2\x88\x9A\xCF\x80, NICIODAT\xC4\x82\xE2\x84\xA2, \xD0\x92\xD0\x86\xD0\x9A\xD0\x86, "
	    "\xE2\x94\x9C\xE2\x94\xA4" "a", 0), "math, capitals and line art are left alone");
	CHECK(repaired("Hi \xC3\xAD\xC2\xA0\xC2\xBD\xC3\xAD\xC2\xB8\xC2\x8D", "Hi \xF0\x9F\x98\x8D",
	    REPAIR_MOJIBAKE), "an emoji in CESU-8, read as Windows-1252");
	CHECK(repaired("x \xC3\xA2\xE2\x82\xAC\xEF\xBF\xBD y", "x \xEF\xBF\xBD y", REPAIR_MOJIBAKE),
	    "a lost byte gives U+FFFD");
	CHECK(repaired("SELK\xC3\x84\xC2\xA0" "EDELL\xC3\x84 AH\xC3\x85\xE2\x84\xA2, 10 \xC3\x85\xE2\x80\x94 "
	    "4288\xC3\x97\xE2\x80\xA6 Bront\xC3\xAB\xE2\x80\xA6\xE2\x80\x9D",
	    "SELK\xC3\x84\xC2\xA0" "EDELL\xC3\x84 AH\xC3\x85\xE2\x84\xA2, 10 \xC3\x85\xE2\x80\x94 "
	    "4288\xC3\x97\xE2\x80\xA6 Bront\xC3\xAB\xE2\x80\xA6\xE2\x80\x9D", 0),
	    "text that only looks like mojibake is left alone");
	CHECK(repaired("S\xC3\xA3o Paulo, \xC3\x84gypten, K\xC3\xA4se f\xC3\xBCr 5\xE2\x82\xAC",
	    "S\xC3\xA3o Paulo, \xC3\x84gypten, K\xC3\xA4se f\xC3\xBCr 5\xE2\x82\xAC", 0),
	    "legitimate accented text is left alone");
	CHECK(repaired("caf\xC3\xA9 \xC2\xA9 2024", "caf\xC3\xA9 \xC2\xA9 2024", 0),
	    "a copyright sign after a word is left alone");
	CHECK(repaired("Ansto\xC3\x9F\xC2\xA0" "f\xC3\xBCr", "Ansto\xC3\x9F\xC2\xA0" "f\xC3\xBCr", 0),
	    "sharp s before a no-break space is left alone");
	CHECK(repaired("Sloven\xC3\x84\xEF\xBF\xBDina",
	    "Sloven\xEF\xBF\xBDina", REPAIR_MOJIBAKE),
	    "a lost byte after a capital inside a word");
	CHECK(repaired("\xC3\x85 veices ba\xC3\x85\xE2\x80\xA0\xC3\x84\xC2\xB7ieri",
	    "\xC5\xA0veices ba\xC5\x86\xC4\xB7ieri", REPAIR_MOJIBAKE),
	    "a lost no-break space in a line with other mojibake");
	CHECK(repaired("vedere \xC4\x82\xC2\xAEnce\xC4\xB9\xC5\x81o\xC4\xB9\xC5\xBA" "at\xC3\x84\xC2\x83",
	    "vedere \xC3\xAEnce\xC5\xA3o\xC5\x9F" "at\xC4\x83", REPAIR_MOJIBAKE),
	    "Windows-1250 after Windows-1252 in one line");
	CHECK(repaired("\xC3\x97\xE2\x80\x98\xC3\x97\xE2\x80\x9D\xC3\x97\xE2\x80\xA2\xC3\x97\xE2\x80\x9C\xC3\x97\xCB\x98\xC3\x97\xE2\x80\x9D",
	    "\xD7\x91\xD7\x94\xD7\x95\xD7\x93\xD7\xA2\xD7\x94", REPAIR_MOJIBAKE),
	    "Hebrew as Windows-1250, most of it Windows-1252 too");
	CHECK(repaired("\xC5\x98\xC2\xB1\xC5\x98\xC5\x82\xC5\x98\xC2\xA7\xC5\xAE\xE2\x80\x9E\xC5\x98\xC2\xA9",
	    "\xD8\xB1\xD8\xB3\xD8\xA7\xD9\x84\xD8\xA9", REPAIR_MOJIBAKE),
	    "Arabic as Windows-1250");
	CHECK(repaired("\xE2\x97\x8A\xC3\xAB\xE2\x97\x8A\xC3\xAE\xE2\x97\x8A\xC3\xAF",
	    "\xD7\x91\xD7\x94\xD7\x95", REPAIR_MOJIBAKE),
	    "Hebrew as MacRoman");
	CHECK(repaired("\xC5\x98" "eka \xC2\xB1 5 \xE2\x97\x8A \xC3\xA9t\xC3\xA9, \xC3\xBF\xC2\xB1",
	    "\xC5\x98" "eka \xC2\xB1 5 \xE2\x97\x8A \xC3\xA9t\xC3\xA9, \xC3\xBF\xC2\xB1", 0),
	    "capitals, shapes and signs before a sign are left alone");
	/* The search takes 32 or sixteen places at a time: mojibake at
	 * every place of a longer line, up to its very end, is found. */
	int at, bad = 0;
	for (at = 0; at <= 100; at++) {
		char in[128], want[128];
		memset(in, 'x', (size_t)at);
		memcpy(in + at, "\xC3\x83\xC2\xA4" "ab", 7);
		memset(want, 'x', (size_t)at);
		memcpy(want + at, "\xC3\xA4" "ab", 5);
		bad += !repaired(in, want, REPAIR_MOJIBAKE);
		in[at + 4] = '\0';	/* at the very end */
		want[at + 2] = '\0';
		bad += !repaired(in, want, REPAIR_MOJIBAKE);
		/* A quote's mojibake, whose second character starts with E2. */
		memcpy(in + at, "\xC3\xA2\xE2\x82\xAC\xC5\xBE" "ab", 10);
		memcpy(want + at, "\xE2\x80\x9E" "ab", 6);
		bad += !repaired(in, want, REPAIR_MOJIBAKE);
	}
	CHECK(bad == 0, "mojibake at every place of a line");
}

static void
test_entities(void)
{
	CHECK(repaired("Tom &amp; Jerry &lt;3 &quot;x&quot;", "Tom & Jerry <3 \"x\"",
	    REPAIR_ENTITIES), "basic entities");
	CHECK(repaired("&bdquo;Zitat&ldquo; &#8222;a&#8220; &#x201E;b&#X201c;",
	    "\xE2\x80\x9EZitat\xE2\x80\x9C \xE2\x80\x9E" "a\xE2\x80\x9C \xE2\x80\x9E" "b\xE2\x80\x9C",
	    REPAIR_ENTITIES), "named, decimal and hex quotes");
	CHECK(repaired("Gr&uuml;&szlig;e&nbsp;aus &Ouml;sterreich", "Gr\xC3\xBC\xC3\x9F" "e\xC2\xA0"
	    "aus \xC3\x96sterreich", REPAIR_ENTITIES), "umlauts and nbsp");
	CHECK(repaired("AT&T &unknown; a & b &#; &#0; &#x110000; &#150;",
	    "AT&T &unknown; a & b &#; \xEF\xBF\xBD \xEF\xBF\xBD \xE2\x80\x93", REPAIR_ENTITIES),
	    "unknown names kept, impossible code points replaced, 150 is Windows-1252");
	CHECK(repaired("&amp;auml;", "&auml;", REPAIR_ENTITIES), "decoded once, not twice");
}

/* Converts in through a decoder in pieces of step bytes. */
static int
decoded(const char *enc, const char *in, size_t n, size_t step, const char *want,
    uint64_t want_bad)
{
	decoder *d = decoder_new(enc);
	buf out = { 0 };
	size_t i;
	int ok;

	if (d == NULL)
		return 0;
	for (i = 0; i < n; i += step)
		decoder_feed(d, in + i, n - i < step ? n - i : step, 0, &out);
	decoder_feed(d, "", 0, 1, &out);
	ok = SAME(out.data ? out.data : "", out.len, want) && decoder_bad(d) == want_bad;
	if (!ok)
		printf("# %s step %zu: \"%.*s\" bad %llu\n", enc, step, (int)out.len,
		    out.data ? out.data : "", (unsigned long long)decoder_bad(d));
	buf_free(&out);
	decoder_free(d);
	return ok;
}

static void
test_decode(void)
{
	const char le[] = "H\0" "\xE4\0" "\x1E\x20" "\n\0";	/* H a-umlaut U+201E LF */
	size_t step;
	int ok = 1;

	CHECK(decoder_new("NO-SUCH-ENCODING") == NULL, "unknown encoding refused");
	for (step = 1; step <= 8; step++)
		ok &= decoded("UTF-16LE", le, 8, step, "H\xC3\xA4\xE2\x80\x9E\n", 0);
	CHECK(ok, "UTF-16LE, every piece size");
	CHECK(decoded("ISO-8859-1", "Gr\xFC\xDF" "e", 5, 1, "Gr\xC3\xBC\xC3\x9F" "e", 0),
	    "Latin-1");
	CHECK(decoded("UTF-8", "a\xFF" "b", 3, 1, "a\xEF\xBF\xBD" "b", 1),
	    "an invalid sequence becomes U+FFFD and is counted");
	CHECK(decoded("UTF-8", "a\xF4\xB8\x9C\x97" "b", 6, 2,
	    "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b", 4),
	    "a sequence beyond U+10FFFF that iconv lets through is replaced");
	CHECK(decoded("UTF-16LE", "H\0" "i", 3, 1, "H\xEF\xBF\xBD", 1),
	    "an incomplete sequence at the end becomes U+FFFD");
	ok = 1;
	for (step = 1; step <= 6; step++)
		ok &= decoded("SHIFT_JIS", "\x82\xA0\x82\xA2", 4, step,
		    "\xE3\x81\x82\xE3\x81\x84", 0);
	CHECK(ok, "a double-byte encoding cut between its bytes");
}

/* The signs repair_line() looks for first, as repair.c's table states
 * them, place by place: bit k for row k. */
static unsigned
sign_row(unsigned a, unsigned b, unsigned c)
{
	unsigned got = 0, bh = b >> 4, bl = b & 15, ch = c >> 4, cl = c & 15;

	got |= a == 0xC2 && b >= 0x80 && b <= 0x9F;
	if (a == 0xC3 && b >= 0x80 && b <= 0xBF) {
		got |= (unsigned)((ch == 0xC || ch == 0xE) &&
		    (cl == 2 || cl == 5 || cl == 6 || cl == 0xB)) << 1;
		got |= (unsigned)(c == 0xEF) << 2;
	}
	got |= (unsigned)(a == 0xC3 && b == 0x83 && c == ' ') << 3;
	got |= (unsigned)(a == 0xE2 && (bh == 8 || bh == 9) &&
	    (bl == 4 || bl == 5 || bl == 7 || bl == 8 || bl == 9)) << 4;
	got |= (unsigned)((a == 0xC0 || a == 0xC4 || a == 0xC5 || a == 0xD0 || a == 0xD4 ||
	    a == 0xD5) && bh >= 8 && bh <= 0xB && (bl <= 3 || bl == 8 || bl == 9 || bl >= 0xE)) << 5;
	got |= (unsigned)(a == 0x80 && b == 0x9A && c == 0xC3) << 6;
	got |= (unsigned)(a == 0x82 && b == 0xAC && (c == 0xC4 || c == 0xC5)) << 7;
	return got;
}

/* Every pair and triple the rows name, at every offset of a line long
 * enough for the 32-byte blocks and at its end, in both passes; then
 * random lines of the bytes that matter. */
static void
test_signs(void)
{
	static const unsigned char leads[] = { 0xC0, 0xC2, 0xC3, 0xC4, 0xC5, 0xD0, 0xD4, 0xD5,
	    0xE2, 0xE4, 0xC6, 0x80, 0x82, 'a' };
	/* What German and English text is made of shows no sign. */
	static const char german[] = "Gr\xC3\xBC\xC3\x9F" "e, \xE2\x80\x9EStra\xC3\x9F" "e\xE2\x80\x9C "
	    "\xE2\x80\x93 \xC3\xA4\xC3\xB6\xC3\xBC \xC3\x84\xC3\x96\xC3\x9C \xE2\x80\x99s "
	    "\xC2\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC 5";
	unsigned char s[80];
	unsigned long x = 7;
	unsigned a, b, c, want;
	size_t i, at, n;
	int ok = 1, t;

	for (i = 0; i < sizeof(leads) && ok; i++)
		for (b = 0; b < 256 && ok; b++)
			for (c = 0; c < 256 && ok; c += (c < 0x7F ? 0x1F : 1)) {
				a = leads[i];
				want = sign_row(a, b, c);
				for (at = 0; at < 40 && ok; at += 13) {
					memset(s, 'x', sizeof(s));
					s[at] = (unsigned char)a;
					s[at + 1] = (unsigned char)b;
					s[at + 2] = (unsigned char)c;
					n = at < 39 ? 70 : at + 3;
					if (repair_signs((char *)s, n) != (want | sign_row(b, c, 'x') |
					    sign_row(c, 'x', 'x')) ||
					    repair_signs_narrow((char *)s, n) != repair_signs((char *)s, n)) {
						printf("# %02x %02x %02x at %zu: %x, "
						    "narrow %x\n", a, b, c, at,
						    repair_signs((char *)s, n),
						    repair_signs_narrow((char *)s, n));
						ok = 0;
					}
				}
				/* At the very end, c and then b are missing. */
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				if (repair_signs((char *)s, 2) != (sign_row(a, b, 0) | sign_row(b, 0, 0))) {
					printf("# end %02x %02x: %x\n", a, b, repair_signs((char *)s, 2));
					ok = 0;
				}
			}
	CHECK(ok, "signs: every row, byte by byte and 32 at a time, to the line's end");
	for (t = 0; t < 20000 && ok; t++) {
		static const unsigned char bytes[] = { 0xC2, 0xC3, 0xC4, 0xD0, 0xE2, 0x80, 0x82,
		    0x83, 0x9A, 0xAC, 0xB9, 0xEF, ' ', 'a' };
		n = (size_t)t % 80;
		for (i = 0; i < n; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			s[i] = bytes[(x >> 33) % sizeof(bytes)];
		}
		if (repair_signs((char *)s, n) != repair_signs_narrow((char *)s, n) ||
		    repair_signs_more((char *)s, n) != ((repair_signs((char *)s, n) & 0x0E) != 0))
			ok = 0;
	}
	CHECK(ok, "signs: random lines, both passes and the scan that stops agree");
	CHECK(repair_signs(german, sizeof(german) - 1) == 0,
	    "signs: umlauts, quotes, dashes, the euro sign show none");
	CHECK(repair_signs("F\xC3\x83\xC2\xBC" "r", 6) != 0, "signs: mojibake shows");
	CHECK(repair_signs("It\xC2\x92s", 5) != 0, "signs: a C1 control shows");
}

int
main(void)
{
	rc = repair_new(REPAIR_ALL);
	test_mojibake();
	test_signs();
	test_entities();
	test_decode();
	repair_free(rc);
	return unit_done();
}
