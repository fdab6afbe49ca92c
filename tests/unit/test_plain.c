/* Unit tests for plain.c: the quick look agrees with its definition, and
 * a plain line is one that repair and normalisation leave alone. */
#include <stdlib.h>

#include "text/norm.h"
#include "text/plain.h"
#include "text/repair.h"
#include "swar.h"
#include "unit.h"
#include "text/utf8.h"

/* The definition in plain.h, one character at a time, written apart from
 * plain.c. */
static size_t
reference(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], d = i + 1 < n ? p[i + 1] : 0, e = i + 2 < n ? p[i + 2] : 0;
		if (c == ' ') {
			if (i == 0 || i + 1 == n || d == ' ')
				break;
			i++;
		} else if (c > ' ' && c < 0x7F && c != '&') {
			i++;
		} else if (c >= 0xC2 && c <= 0xCB && d >= 0x80 && d <= 0xBF &&
		    !(c == 0xC2 && (d <= 0xA0 || d == 0xAB || d == 0xAD || d == 0xBB)) &&
		    !(c == 0xC3 && d >= 0x82 && d <= 0xB4 &&
		    (e == 0xC2 || e == 0xC5 || e == 0xC6 || e == 0xCB || (d == 0x83 && (e == ' ' || i + 2 >= n))))) {
			i += 2;
		} else
			break;
	}
	return i;
}

static void
test_cases(void)
{
	static const struct { const char *s; size_t want; } v[] = {
		{ "", 0 },
		{ "Die Stra\xC3\x9F" "e ist gesperrt.", 25 },
		{ " leading space", 0 },
		{ "trailing space ", 14 },
		{ "two  spaces", 3 },
		{ "Fish & Chips", 5 },
		{ "tab\there", 3 },
		{ "no\xC2\xA0" "break", 2 },
		{ "\xC2\xBB" "Zitat\xC2\xAB", 0 },
		{ "soft\xC2\xAD" "hyphen", 4 },
		{ "\xC2\xA9 dpa", 6 },
		{ "typo \xE2\x80\x9E" "quote", 5 },
		{ "Gr\xC3\x83\xC2\xBC\xC3\x83\xC2\x9F" "e", 2 },
		{ "\xC3\xA4\xC3\xA4", 4 },
		{ "cut \xC3", 4 },
		{ "stray \x80 byte", 6 },
		{ "overlong \xC0\xAF", 9 },
		{ "\xCB\x86 and \xCC\x88", 7 },
		{ "0123456789abcdef0123456789abcdef ", 32 },
		{ "0123456789abcdef0123456789abcde\xC3\xA4", 33 },
		{ "0123456789abcde\xC3\xA4" "0123456789abcdef", 33 },
		{ "0123456789abcdef\xA4" "0123456789abcdef", 16 },
		{ "0123456789abcd\xC3\x83\xC2\xBC" "0123456789abcdef", 14 },
		/* Across the ends of 32-byte blocks. */
		{ "0123456789abcdef0123456789abcde\xC3\xA4" "0123456789abcdef", 49 },
		{ "0123456789abcdef0123456789abcdef\xA4" "0123456789abcdef", 32 },
		{ "0123456789abcdef0123456789abcd\xC3\x83\xC2\xBC" "0123456789abcdef", 30 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde "
		    " 0123", 63 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\xC3"
		    "\xA4&", 65 },
	};
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t got = plain_prefix(v[i].s, strlen(v[i].s));
		size_t narrow = plain_prefix_narrow(v[i].s, strlen(v[i].s));
		if (got != v[i].want || narrow != v[i].want) {
			printf("# case %zu: got %zu (narrow %zu) want %zu\n", i, got, narrow,
			    v[i].want);
			ok = 0;
		}
	}
	CHECK(ok, "plain prefixes of hand-made lines, across block ends");
	CHECK(plain_prefix("a\0b", 3) == 1, "a NUL byte is not plain");
}

/* Random lines cut from plain and other pieces, at every length and
 * alignment: the 32- and the sixteen-byte pass agree with the definition;
 * and every
 * line it calls plain is valid, free of NUL bytes, and left as it is by
 * every repair and normalisation. */
static void
test_differential(void)
{
	static const char *const parts[] = {
		"a", "Haus", " ", "\xC3\xA4", "\xC3\x9F", "\xC2\xA9", "\xCB\x86", ".",
		"\xC3\x83", "\xC2\xBC", "\xC5\xBE", "&", "  ", "\xC2\xA0", "\xC2\xAB",
		"\xC2\xAD", "\xC2\x80", "\xE2\x80\x9E", "\x80", "\xC3", "\xC0\xAF",
		"\xCC\x88", "\t", "\x7F", "\xFF", "&amp;", "\0",
	};
	norm_ctx *nc = norm_new(NORM_ALL), *nc2 = norm_new(NORM_ALL);
	repair_ctx *rc = repair_new(REPAIR_ALL), *rc2 = repair_new(REPAIR_ALL);
	char s[200];
	unsigned long x = 11;
	int ok = 1, prop = 1, hint = 1, plain = 0, t;

	for (t = 0; t < 200000 && ok && prop && hint; t++) {
		size_t n = 0, len = (size_t)t % 160, got, want, on;
		const char *o, *o2;
		size_t on2;
		unsigned did, did2;
		while (n < len) {
			const char *p;
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			/* Mostly plain pieces, so that long plain runs occur. */
			p = parts[(x >> 33) % (t % 4 == 0 ? 27 : 11)];
			size_t k = *p != '\0' ? strlen(p) : 1;
			if (n + k > len)
				break;
			memcpy(s + n, p, k);
			n += k;
		}
		got = plain_prefix(s, n);
		want = reference((const unsigned char *)s, n);
		if (got != want || plain_prefix_narrow(s, n) != want) {
			printf("# test %d: got %zu (narrow %zu) want %zu\n", t, got,
			    plain_prefix_narrow(s, n), want);
			ok = 0;
		}
		/* Normalisation told the plain prefix of well-formed text
		 * does what it does without. */
		if (utf8_valid_prefix(s, n) == n && (norm_line(nc, s, n, got, &o, &on) != 0 ||
		    norm_line(nc2, s, n, 0, &o2, &on2) != 0 || on != on2 ||
		    memcmp(o, o2, on) != 0)) {
			printf("# test %d: the plain prefix changes normalisation\n", t);
			hint = 0;
		}
		/* And so does repair. */
		if (utf8_valid_prefix(s, n) == n && (repair_line(rc, s, n, got, &o, &on, &did) != 0 ||
		    repair_line(rc2, s, n, 0, &o2, &on2, &did2) != 0 || on != on2 ||
		    did != did2 || memcmp(o, o2, on) != 0)) {
			printf("# test %d: the plain prefix changes repair\n", t);
			hint = 0;
		}
		if (got != n || n == 0)
			continue;
		plain++;
		prop = utf8_valid_prefix(s, n) == n && memchr(s, '\0', n) == NULL &&
		    repair_line(rc, s, n, 0, &o, &on, &did) == 0 && did == 0 &&
		    on == n && memcmp(o, s, n) == 0 &&
		    norm_line(nc, s, n, 0, &o, &on) == 0 && on == n && memcmp(o, s, n) == 0;
		if (!prop)
			printf("# test %d: a plain line is changed\n", t);
	}
	CHECK(ok, "the 32- and the sixteen-byte passes agree with the definition");
	CHECK(prop && plain > 10000, "plain lines are valid and every step keeps them");
	CHECK(hint, "norm_line and repair_line given the plain prefix give what they give without");
	norm_free(nc);
	norm_free(nc2);
	repair_free(rc);
	repair_free(rc2);
}

/* count_in (swar.h), which the prose features and the rules' span test
 * use, against a plain count: at every length and alignment, so that the
 * 32- and 16-byte loops and the byte-by-byte tail all take part. */
static void
test_count_in(void)
{
	static const unsigned char range[][2] = {
		{ ' ', ' ' }, { 0x80, 0xBF }, { 0x70, 0x90 }, { 0x00, 0xFF }, { 'a', 'z' },
	};
	unsigned char s[320];
	unsigned long x = 7;
	size_t i, n, at, r, want;
	int ok = 1;

	for (i = 0; i < sizeof(s); i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		s[i] = (unsigned char)(x >> 56);
		if (x >> 40 & 1)
			s[i] = ' ';
	}
	for (r = 0; r < sizeof(range) / sizeof(range[0]); r++)
		for (at = 0; at < 8; at++)
			for (n = 0; at + n <= sizeof(s); n++) {
				for (want = 0, i = at; i < at + n; i++)
					want += s[i] >= range[r][0] && s[i] <= range[r][1];
				ok &= count_in(s + at, n, range[r][0], range[r][1]) == want;
			}
	CHECK(ok, "count_in agrees with a plain count at every length and offset");
}

int
main(void)
{
	test_cases();
	test_differential();
	test_count_in();
	return unit_done();
}
