/*
 * Property test for repair.c and norm.c together: no character that carries
 * text (a letter, digit, punctuation mark or symbol) is ever deleted.
 * Random lines are made of clean pieces, whose text characters must all
 * survive, and of mojibake pieces, each of which must leave at least the
 * one character it stands for; repair must leave at least that many text
 * characters, and normalisation exactly as many as repair left (it only
 * removes controls, invisible characters and spaces, maps quotes one for
 * one and composes marks, which are not counted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "text/norm.h"
#include "text/repair.h"
#include "text/utf8.h"
#include "unit.h"

/* Letters, digits, punctuation and symbols: utf8proc's L*, N*, P*, S*. */
static size_t
text_chars(const char *s, size_t n)
{
	size_t i = 0, k = 0;
	uint32_t cp;
	int c;

	while (i < n) {
		i += utf8_decode((const unsigned char *)s + i, &cp);
		c = utf8proc_category((utf8proc_int32_t)cp);
		k += (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO) ||
		    (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_SO);
	}
	return k;
}

/* Clean pieces: none ends in a mojibake lead (U+00C2 to U+00F4). */
static const char *const clean[] = {
	"Haus ", "f\xC3\xBCr ", "Stra\xC3\x9F" "e ", "42", "5 \xE2\x82\xAC", "\xE2\x88\x92",
	"\xE2\x86\x92", "\xE2\x89\xA5", "\xC2\xB5", "\xE2\x9D\xA4", "\xE4\xB8\xAD\xE6\x96\x87",
	"\xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1 ", "\xD0\xA0\xD0\xBE\xD1\x81\xD1\x81\xD0\xB8\xD1\x8F ",
	"\xE2\x80\x99", "\xE2\x80\x9E", "\xE2\x80\x9C", "\xC2\xAB", "\xF0\x9F\x98\x80", "\t", "\xC2\xA0",
	"\xE2\x80\x8B", "\xC2\xAD", "\x01", "\x7F", "\xEF\xBB\xBF", "a\xCC\x88", "  ", "&", "?",
	"S\xC3\xA3o ", "\xC3\x84gypten", "AH", "\xE2\x80\xA6",
};

/* Mojibake pieces, each of one character but for the ASCII around the C1
 * controls, which keeps them from being taken as a continuation of what
 * comes before. */
static const char *const baked[] = {
	"\xC3\x83\xC2\xA4", "\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2", "t\xC2\x92s", "5\xC2\x80 ",
	"\xC3\x83\xC6\x92\xC3\x82\xC2\xA4", "\xC3\x90\xC2\xB1", "\xC3\xA2\xE2\x82\xAC\xEF\xBF\xBD",
	"\xC3\xA2\xC2\x9D\xC2\xA4", "(\xC2\x84)",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int
main(void)
{
	repair_ctx *rc = repair_new(REPAIR_ALL);
	norm_ctx *nc = norm_new(NORM_ALL);
	char s[400];
	const char *o, *o2;
	size_t n, on, on2, want, got;
	unsigned long x = 7;
	unsigned did;
	int t, kept = 1, norm_kept = 1;

	for (t = 0; t < 400000 && kept && norm_kept; t++) {
		n = want = 0;
		while (n < 300) {
			const char *p;
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			if ((x >> 40) % 4 == 0) {
				p = baked[(x >> 20) % N(baked)];
				want += 1 + ((unsigned char)*p < 0x80 ? text_chars(p, strlen(p)) : 0);
			} else {
				p = clean[(x >> 20) % N(clean)];
				want += text_chars(p, strlen(p));
			}
			memcpy(s + n, p, strlen(p));
			n += strlen(p);
			if ((x >> 50) % 8 == 0)
				break;
		}
		if (repair_line(rc, s, n, 0, &o, &on, &did) != 0 ||
		    (got = text_chars(o, on)) < want) {
			printf("# test %d: %zu text characters of %zu after repair: %.*s -> %.*s\n",
			    t, text_chars(o, on), want, (int)n, s, (int)on, o);
			kept = 0;
			break;
		}
		if (norm_line(nc, o, on, 0, &o2, &on2) != 0 || text_chars(o2, on2) != got) {
			printf("# test %d: normalisation made %zu text characters of %zu: %.*s\n",
			    t, text_chars(o2, on2), got, (int)on, o);
			norm_kept = 0;
		}
	}
	CHECK(kept, "repair deletes no letter, digit, punctuation or symbol");
	CHECK(norm_kept, "normalisation deletes no letter, digit, punctuation or symbol");
	repair_free(rc);
	norm_free(nc);
	return unit_done();
}
