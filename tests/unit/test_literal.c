/* Unit tests for literal.c: the prefilter must never miss a match. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "rules/literal.h"
#include "unit.h"

/* The strings fn finds in pat as "a|b|c", or "-" for none. */
static const char *
lits_of(int (*fn)(const char *, size_t, int, literal_set *), const char *pat, int caseless)
{
	static char out[1024];
	literal_set s;
	size_t i;

	out[0] = '\0';
	if (fn(pat, strlen(pat), caseless, &s) != 0)
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

static const char *
lits(const char *pat, int caseless)
{
	return lits_of(literal_extract, pat, caseless);
}

/* literal_exact() in lits_of()'s shape: it has no caseless mode. */
static int
exact(const char *pat, size_t n, int caseless, literal_set *out)
{
	(void)caseless;
	return literal_exact(pat, n, out);
}

#define EXACT(pat, want) CHECK(strcmp(lits_of(exact, pat, 0), want) == 0, "exact " pat " -> " want)
#define LITS(pat, ci, want) CHECK(strcmp(lits(pat, ci), want) == 0, pat " -> " want)
#define PREFIX(pat, ci, want) \
	CHECK(strcmp(lits_of(literal_prefix, pat, ci), want) == 0, "prefix " pat " -> " want)

/* A byte map as its printable bytes and <XX> for others; all of
 * 0x80..0xFF (UTF-8 beyond ASCII) as "<high>". */
static const char *
show(const uint8_t map[32])
{
	static char out[1024];
	unsigned c, high = 1;

	out[0] = '\0';
	for (c = 0x80; c < 256; c++)
		high &= map[c >> 3] >> (c & 7) & 1;
	for (c = 0; c < (high ? 0x80u : 256u); c++)
		if (map[c >> 3] >> (c & 7) & 1) {
			size_t k = strlen(out);
			if (c > ' ' && c < 0x7F)
				snprintf(out + k, sizeof(out) - k, "%c", (char)c);
			else
				snprintf(out + k, sizeof(out) - k, "<%02X>", c);
		}
	if (high)
		strcat(out, "<high>");
	return out;
}

/* The bytes literal_last or literal_first allows at that end of a line,
 * as show() prints them, or "-" for no constraint. */
static const char *
ends(int (*fn)(const char *, size_t, int, uint8_t *), const char *pat, int caseless)
{
	uint8_t map[32] = { 0 };

	return fn(pat, strlen(pat), caseless, map) ? show(map) : "-";
}

#define LAST(pat, ci, want) \
	CHECK(strcmp(ends(literal_last, pat, ci), want) == 0, "last " pat " -> " want)
#define FIRST(pat, ci, want) \
	CHECK(strcmp(ends(literal_first, pat, ci), want) == 0, "first " pat " -> " want)

/* literal_span() of pat as "MAX allow CHARS" (or "deny CHARS" when more
 * than half of ASCII is allowed, "any" when all is), "-" for a pattern
 * not only of whole lines, then ", K C" for a needed character and ", lead
 * N"; "?" if not understood. */
static const char *
span_of(const char *pat, int caseless)
{
	static char out[1100];
	uint8_t map[32] = { 0 }, *ascii;
	literal_shape sh;
	size_t max, c, k = 0;
	int deny;

	if (!literal_span(pat, strlen(pat), caseless, &sh))
		return "?";
	ascii = sh.ascii;
	max = sh.max;
	if (!sh.whole) {
		snprintf(out, sizeof(out), "-");
		if (sh.times > 0)
			snprintf(out + 1, sizeof(out) - 1, ", %zu %c", sh.times, sh.need);
		if (sh.lead > 0) {
			k = strlen(out);
			snprintf(out + k, sizeof(out) - k, ", lead %zu", sh.lead);
		}
		return out;
	}
	for (c = 0; c < 128; c++)
		k += ascii[c >> 3] >> (c & 7) & 1;
	deny = k > 64;
	for (c = 0; c < 128; c++)
		if ((ascii[c >> 3] >> (c & 7) & 1) != deny)
			map[c >> 3] |= (uint8_t)(1u << (c & 7));
	if (max == LITERAL_UNBOUNDED)
		snprintf(out, sizeof(out), "inf");
	else
		snprintf(out, sizeof(out), "%zu", max);
	k = strlen(out);
	snprintf(out + k, sizeof(out) - k, k == 128 && deny ? " any" : " %s %s",
	    deny ? "deny" : "allow", show(map));
	if (strcmp(out + k, " deny ") == 0)
		strcpy(out + k, " any");
	if (sh.times > 0) {
		k = strlen(out);
		snprintf(out + k, sizeof(out) - k, ", %zu %c", sh.times, sh.need);
	}
	if (sh.lead > 0) {
		k = strlen(out);
		snprintf(out + k, sizeof(out) - k, ", lead %zu", sh.lead);
	}
	return out;
}

#define SPAN(pat, ci, want) CHECK(strcmp(span_of(pat, ci), want) == 0, "span " pat " -> " want)

static pcre2_code *
compile(const char *pat, int caseless)
{
	int err;
	PCRE2_SIZE off;

	return pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP |
	    (caseless ? PCRE2_CASELESS : 0), &err, &off, NULL);
}

static int
matches(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

/* The span must hold every line a pattern matches.  Each ASCII character
 * an atom matches must be in the span of the atom as a whole line; and
 * random lines that whole patterns match must be inside theirs. */
static void
test_span_oracle(void)
{
	static const char *atoms[] = {
		".", "\\d", "\\D", "\\s", "\\S", "\\w", "\\W", "\\h", "\\H", "\\v",
		"\\V", "\\N", "\\pL", "\\p{Lu}", "\\P{Ll}", "\\p{^N}", "\\p{P}", "[^,]",
		"[^\\s,.!?]", "[^|\u2022\u00B7/]", "[\\p{L}-]", "[^\\p{Lu}]", "[^\\d]",
		"[^\\w]", "[^\\W]", "[]a]", "[^]a]", "[a-]", "[^-a]", "[\\x41-\\x43]", "[^a-z]",
		"[K]", "[^k]", "k", "s", "\u212A", "\u017F", "[\u212A]", "[^\u00E4]", "\\x20",
		"[\\t ]", "[^\\h]", "[^\\v\\d]", "\\e", "[[:alpha:]]", "[^[:alpha:]]",
	};
	/* Patterns, and the pieces their random lines are made of. */
	static const struct {
		const char *pat, *parts[12];
	} pats[] = {
		{ "^\"?(?:(?!(?:Er|Sie|Das)\\b)\\p{Lu}[\\p{L}-]*+(?: [\\p{L}-]++){0,3}+\\. ?){2,4}\"?$",
		  { "Xy. ", "Ab cd.", "\u00DCb-c.", "Sie ", "\"", "1", ",", " ", "Das", "e" } },
		{ "^(?=(?>\\S*?\\p{Ll}\\p{Lu}){2}).{0,12}$",
		  { "aB", "c", " ", "\u00E4\u00DC", ",", "1", "\t" } },
		{ "^(?:[^|/]{1,6}\\s[|/]\\s){1,}[^|/]{1,6}$",
		  { "Ab", " | ", " / ", "|", "c", " ", "\u00B7", "\t/ " } },
		{ "^(?:Ab|c\\d)+$|^\\s*$", { "Ab", "c", "1", " ", "\t", "x" } },
		{ "(?:^a|^b)(?:c$|d$)", { "a", "b", "c", "d" } },
		{ "^[^a]{0,3}x?$", { "a", "b", "x", ",", "\u00E4" } },
		{ "^(?:ab|(?i:c)d)$", { "ab", "c", "C", "d", "D", "x" } },
		{ "^(?:(?!No)\\p{Lu}\\w*\\. ?){2,3}-?$", { "Ab", ". ", ".", "No", "C", "-", "x" } },
		{ "^(?:a-b|c--|-{3})+$", { "a", "-", "b", "c", "--" } },
		{ "^(?=(?>\\S*?\\p{Ll}\\p{Lu}){2}).{0,12}$", { "aB", "c", " ", "D", "\t", "\u00E4\u00DC" } },
		{ "^(?:\\w+(?=\\S{2})|x)\\S*(?: \\w)*$", { "ab", "x", " ", "c", "-", " d" } },
		{ "(?:^|[ (])ab:\\s*\\w+\\)?", { "ab", ":", " ", "(", "x", ")", "ab:", "." } },
	};
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	literal_shape sh;
	const uint8_t *ascii = sh.ascii;
	char pat[64], line[128], what[160];
	unsigned seed = 11;
	size_t i, c, k;
	int ci, bad;

	for (i = 0; i < sizeof(atoms) / sizeof(atoms[0]); i++)
		for (ci = 0; ci < 2; ci++) {
			pcre2_code *re;
			snprintf(pat, sizeof(pat), "^(?:%s)$", atoms[i]);
			re = compile(pat, ci);
			bad = re == NULL;
			if (re != NULL && literal_span(pat, strlen(pat), ci, &sh)) {
				for (c = 0; c < 128; c++) {
					char ch = (char)c;
					if (matches(re, &ch, 1, md) && (!(ascii[c >> 3] >> (c & 7) & 1) ||
					    (sh.times > 0 && (sh.times > 1 || sh.need != c))))
						bad = 1;
				}
				bad |= sh.max != 1;
			}
			pcre2_code_free(re);
			snprintf(what, sizeof(what), "span of %s%s holds all it matches",
			    pat, ci ? " (caseless)" : "");
			CHECK(!bad, what);
		}
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		pcre2_code *re = compile(pats[i].pat, 0);
		int n = 0, known = literal_span(pats[i].pat, strlen(pats[i].pat), 0, &sh);
		size_t np = 0;
		while (np < 12 && pats[i].parts[np] != NULL)
			np++;
		bad = re == NULL || !known;
		for (k = 0; !bad && k < 200000; k++) {
			size_t len, chars = 0, times = 0;
			line[0] = '\0';
			for (c = ((seed = seed * 1103515245 + 12345) >> 16) % 12; c > 0; c--)
				strcat(line, pats[i].parts[((seed = seed * 1103515245 + 12345) >> 16) % np]);
			len = strlen(line);
			if (!matches(re, line, len, md))
				continue;
			n++;
			for (c = 0; c < len; c++) {
				unsigned char u = (unsigned char)line[c];
				chars += (u & 0xC0) != 0x80;
				if (u < 0x80 && !(ascii[u >> 3] >> (u & 7) & 1))
					bad = 1;
				times += u == sh.need;
			}
			if (chars > sh.max || times < sh.times || len < sh.lead)
				bad = 1;
			for (c = 0; c < sh.lead && c < len; c++)
				if (strchr(" \t\n\v\f\r", line[c]) != NULL)
					bad = 1;
			if (bad)
				printf("# %s: \"%s\" outside its span\n", pats[i].pat, line);
		}
		pcre2_code_free(re);
		snprintf(what, sizeof(what), "span of %s holds the %d random lines it matches",
		    pats[i].pat, n);
		CHECK(!bad && n >= 20, what);
	}
	pcre2_match_data_free(md);
}

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
	LITS("[abc]def[g]hij", 0, "adefghij|bdefghij|cdefghij");
	LITS("Gespr\xC3\xA4" "ch", 0, "Gespr\xC3\xA4" "ch");
	LITS("Gespr\xC3\xA4" "chsrunde", 1,		/* caseless: both cases of a letter */
	    "gespr\xC3\xA4" "chsrunde|gespr\xC3\x84" "chsrunde");
	LITS("\xC3\x85" "ngstr\xC3\xB6m", 1, "ngstr\xC3\xB6m|ngstr\xC3\x96m");	/* but Å has three */
	LITS("(?i)anzeige", 0, "anzeige");		/* case options: caseless from there on */
	LITS("Gespr(?i:\xC3\xA4" "ch)", 0, "Gespr\xC3\xA4" "ch|Gespr\xC3\x84" "ch");
	LITS("(?-i:Anzeige)", 1, "anzeige");		/* turning it off is not looked at */
	LITS("ab(?i)c|de", 0, "abc|de");
	LITS("(?im:anzeige)", 0, "-");			/* other options are not read */
	LITS("(?s)anzeige", 0, "-");
	LITS("\\Qa.b\\E", 0, "-");
	LITS("\\x41\\x{42}C", 0, "ABC");
	LITS("a\\.b\\+c", 0, "a.b+c");
	LITS("(unclosed", 0, "-");
	LITS("0a^{0|", 0, "-");		/* not a quantifier: "{0|" and an empty branch */
	LITS("abc{2}de", 0, "abc");
	LITS("abc{0,3}de", 0, "ab");
	LAST("x{2,}$", 0, "x");
	LITS("zum vergr\xC3\xB6(?:\xC3\x9F|ss)ern", 1, "zum vergr\xC3\xB6|zum vergr\xC3\x96");
	LITS("x[\xC3\xA4\xC3\xB6]y", 1, "x\xC3\xA4y|x\xC3\x84y|x\xC3\xB6y|x\xC3\x96y");

	LAST("[ \t]+$", 0, "<09><20>");
	LAST("\\+\\+\\+ [^+]* \\+\\+\\+$", 0, "+");
	LAST("^(?:Anzeige|Werbung)$", 0, "-");	/* a group: not looked into */
	LAST("^Anzeige:?$", 0, "-");		/* the last character may be absent */
	LAST("^Fotos?$", 0, "-");
	LAST("^Foto[sS]$", 0, "Ss");
	LAST("\\d{1,2}$", 0, "0123456789<high>");	/* UCP: other digits too */
	LAST("x[a-c]$", 1, "ABCabc");
	LAST("ok$", 1, "Kk<AA>");		/* KELVIN SIGN ends in AA */
	LAST("Stra\xC3\x9F" "e$", 0, "e");
	LAST("\xC3\xA4$", 0, "<A4>");
	LAST("\xC3\xA4$", 1, "-");		/* caseless: also the capital */
	LAST("[^a]$", 0, "-");
	LAST(".$", 0, "-");
	LAST("a|b$", 0, "-");
	LAST("(?i)a$", 0, "-");		/* inline options change case */
	LAST("a\\$", 0, "-");		/* an escaped dollar is a character */
	LAST("a$b", 0, "-");
	LAST("\\x20$", 0, "<20>");
	LAST("\\s+$", 0, "<09><0A><0B><0C><0D><20><high>");
	LAST("\\w$", 0, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz<high>");
	LAST("[[:space:]]$", 0, "-");
	LAST("\\p{Lu}$", 0, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<high>");
	LAST("\\p{Xan}$", 0, "-");

	FIRST("^Anzeige", 0, "A");
	FIRST("^Anzeige", 1, "Aa");
	FIRST("^(?:Foto|Bild):", 0, "BF");
	FIRST("^\\d{1,2}\\.\\d|^[0-9]{4}-", 0, "0123456789<high>");
	FIRST("^\"?(?:Kicker|Mehr)", 0, "\"KM");	/* an optional quote */
	FIRST("^(?=.{0,9}$)(?:x|y)", 0, "xy");		/* look-aheads take no room */
	FIRST("^(?!a)b", 0, "b");
	FIRST("^(?>ab|c)", 0, "ac");
	FIRST("^(?<=x)(?<n>y)", 0, "y");
	FIRST("^\\bso", 1, "Ss<C5>");			/* LONG S starts with C5 */
	FIRST("^k", 1, "Kk<E2>");			/* KELVIN SIGN with E2 */
	FIRST("^\xC3\xA4", 0, "<C3>");
	FIRST("^\xC3\xA4", 1, "-");			/* caseless: anything */
	FIRST("^a?$", 0, "-");				/* matches the empty line */
	FIRST("^a*b", 0, "ab");
	FIRST("^.", 0, "-");
	FIRST("^[^a]", 0, "-");
	FIRST("^\\p{Lu}", 0, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<high>");	/* and beyond ASCII */
	FIRST("^\\pN", 0, "0123456789<high>");
	FIRST("^[\\p{P}\\s]", 0, "<09><0A><0B><0C><0D><20>!\"#%&'()*,-./:;?@[\\]_{}<high>");
	FIRST("^\\p{^L}x|^\\p{L&}", 0, "-");
	FIRST("^\\p{Ll}", 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz<high>");
	FIRST("^\\p{Latin}", 0, "-");			/* scripts: not known */
	FIRST("^\\p{Lu", 0, "-");			/* unclosed */
	FIRST("^[\\p{Greek}x]", 0, "-");
	FIRST("^(?i)a", 0, "Aa");			/* case options */
	FIRST("^(?i:x)|^y", 0, "XYxy");			/* caseless from there on */
	FIRST("^(?m)a", 0, "-");				/* other inline options */
	FIRST("^(a|", 0, "-");				/* not understood */

	LITS("^(?:[^|/]{1,40}\\s[|/\xE2\x80\xA2]\\s){2,}", 0, "||/|\xE2\x80\xA2");
	LITS("x[|/]?y", 0, "-");			/* the class may be absent */
	LITS("[.,]", 0, "-");				/* common bytes: no clue */
	LITS("[a-z|]", 0, "-");				/* ranges are not a list */
	LITS("[abcdefghij]x", 0, "-");			/* nor is a long class */
	LITS("[Aa]nzeige", 1, "anzeige");		/* one case, once */
	LITS("cc[- ]by", 1, "cc-by|cc by");		/* runs go on through classes */
	LITS("\\b(?:ist|sind) unter (?:der|einer) lizenz", 1,
	    "ist unter der lizenz|ist unter einer lizenz|sind unter der lizenz|sind unter einer lizenz");
	LITS("ab(?:c|d+)ef", 0, "ab");			/* d+ is no plain text */
	LITS("x(?:ab|cd)?yz", 0, "yz");			/* an optional group ends it */
	LITS("(?:a|b|c|d|e)(?:f|g|h|i|j)(?:k|l|m|n)z", 0, "kz|lz|mz|nz");	/* at most 16 */
	LITS("[-x]y[a-]", 0, "-ya|-y-|xya|xy-");		/* '-' first or last is itself */
	LITS("\\bfoo\\b bar", 0, "foo bar");		/* assertions take no room */
	LITS("x(?>abc|abd)y", 0, "xabcy|xabdy");		/* atomic groups too */
	LITS("(?|ab(c)|ab(d))e", 0, "abce|abde");		/* and branch resets */
	LITS("(?=.*(?:anzeige))foo", 0, "anzeige");
	LITS("[<>]", 1, "<|>");

	PREFIX("^Anzeige$", 0, "Anzeige");
	PREFIX("^(?:Foto|Bild)s?: ", 0, "Fotos: |Foto: |Bilds: |Bild: ");	/* "s" or not */
	PREFIX("^(?:hinweis: )?die", 1, "hinweis: die|die");
	PREFIX("^\\(?ab\\)?$", 0, "(ab|ab");		/* "(ab)" starts with "(ab" */
	PREFIX("^(?:ab)*c", 0, "-");			/* may start with "c" */
	PREFIX("^xy(?:ab)*c", 0, "xy");		/* and nothing sure after it */
	PREFIX("^xy(?:ab){0,2}c", 0, "xy");
	PREFIX("^(?:Foto|Bild):", 1, "foto:|bild:");
	PREFIX("^(?:lesen sie (?:auch|mehr)|auch interessant)\\b", 1,
	    "lesen sie auch|lesen sie mehr|auch interessant");
	PREFIX("^(?:wir verwenden|diese (?:web)?seite)", 1, "wir verwenden|diese webseite|diese seite");
	PREFIX("^(?:wir|diese (?:web)+seite)", 1, "wir|diese web");
	PREFIX("^(?:a(?:b|c+)d|ef)g", 0, "ab|ac|ef");	/* c+: one c, then no more */
	PREFIX("^\\++y", 0, "-");				/* one byte: the first byte says it */
	PREFIX("^x+y", 0, "-");				/* one letter: no clue */
	PREFIX("^\\+{3} ", 0, "-");
	PREFIX("^<[^>]*>Anzeige", 0, "-");
	PREFIX("^[Aa]b\\x20c", 0, "Ab c|ab c");
	PREFIX("^(?=.{0,9}$)(?!No)Mehr", 0, "Mehr");	/* look-arounds take no room */
	PREFIX("^\\bMehr\\b", 0, "Mehr");
	PREFIX("^Stra\xC3\x9F" "e", 0, "Stra\xC3\x9F" "e");
	PREFIX("^Stra\xC3\x9F" "e", 1, "stra");	/* caseless: sharp s has three cases */
	PREFIX("^\xC3\xBC" "ber", 1, "\xC3\xBC" "ber|\xC3\x9C" "ber");
	PREFIX("^-?\\s*Anzeige", 0, "-");		/* may start with anything */
	PREFIX("^-?Anzeige", 0, "-Anzeige|Anzeige");
	PREFIX("^\\s*Anzeige", 0, "-");
	PREFIX("^(?:xy|)z~", 0, "xyz~|z~");
	PREFIX("^(?:Foto|\\d+)", 0, "-");		/* one branch has none */
	PREFIX("^.", 0, "-");
	PREFIX("^(?i)Mehr", 0, "mehr");			/* case options */
	PREFIX("^(?:Anzeige|Werbung):|(?i:^dieser (?:beitrag|artikel) ist)", 0,
	    "Anzeige:|Werbung:|dieser beitrag ist|dieser artikel ist");
	PREFIX("^(?x)Mehr", 0, "-");			/* other inline options */
	PREFIX("^(Mehr", 0, "-");			/* not understood */
	PREFIX("^(?:a|b|c|d|e|f|g|h)(?:i|j|k|l|m|n|o|p)(?:q|r)", 0,
	    "ai|aj|ak|al|am|an|ao|ap|bi|bj|bk|bl|bm|bn|bo|bp|ci|cj|ck|cl|cm|cn|co|cp|"
	    "di|dj|dk|dl|dm|dn|do|dp|ei|ej|ek|el|em|en|eo|ep|fi|fj|fk|fl|fm|fn|fo|fp|"
	    "gi|gj|gk|gl|gm|gn|go|gp|hi|hj|hk|hl|hm|hn|ho|hp");	/* at most 64 */
	/* The whole language of patterns that are a few plain strings. */
	EXACT("\u00AB|\u00BB", "\u00AB|\u00BB");
	EXACT("\\x20\\(Symbolbild\\)", " (Symbolbild)");
	EXACT("\\x20?\\(Symbolbild\\)", "-");	/* optional parts: not read */
	EXACT("x[yz]", "xy|xz");
	EXACT("&(?:quot|amp);", "&quot;|&amp;");
	EXACT("^a", "-");		/* anchored: not every "a" matches */
	EXACT("a$", "-");
	EXACT("a\\b", "-");
	EXACT("(?=a)b", "-");
	EXACT("[^a]", "-");
	EXACT("a+", "-");
	EXACT("a?", "-");		/* the empty string is a match */
	EXACT("a.c", "-");
	EXACT("a\\Kb", "-");
	EXACT("(a)\\1", "-");
	EXACT("(?i)ab", "-");
	EXACT("x(?i:ab)", "-");		/* caseless parts are not exact */
	EXACT("a(?-i:b)", "ab");

	/* What lines a whole-line pattern can match. */
	SPAN("^Anzeige$", 0, "7 allow Aeginz, lead 7");
	SPAN("^Anzeige$", 1, "7 allow AEGINZaeginz, lead 7");
	SPAN("^(?:Foto|Bild): [^,]{1,40}$", 0, "46 deny ,, 1 :, lead 5");	/* rare bytes first */
	SPAN("^(?=(?>\\S*?\\p{Ll}\\p{Lu}){3}).{0,160}$", 0, "160 any, lead 6");
	SPAN("^\"?(?:\\p{Lu}[\\p{L}-]*+(?: [\\p{L}-]++){0,3}+\\. ?){4,8}\"?$", 0,
	    "inf allow <20>\"-.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz, 4 ., lead 1");
	SPAN("^a|^b$", 0, "-, lead 1");			/* one way does not end at "$" */
	SPAN("^a$|^b$", 0, "1 allow ab, lead 1");
	SPAN("^(?:a$|bc$)", 0, "2 allow abc, lead 1");
	SPAN("\\Aab?\\z", 0, "2 allow ab, lead 1");
	SPAN("^a(?:$)?", 0, "-, lead 1");			/* "$" may be passed by */
	SPAN("^a\\b.*$", 0, "inf any, lead 1");
	SPAN("^\u00E4{2,3}$", 0, "3 allow , lead 2");
	SPAN("^\u00E4$", 1, "1 allow ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz, lead 1");
	SPAN("^[^a]$", 1, "1 any");			/* caseless: not looked into */
	SPAN("^[^,\\d]{3}$", 0, "3 deny ,0123456789");
	SPAN("^[^\u00B7|]$", 0, "1 deny |");
	SPAN("^[\u00C0-\u00FF]$", 0, "1 any");	/* ranges beyond ASCII: not read */
	SPAN("^\\w{2}$", 0, "2 allow 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz, lead 2");
	SPAN("^(a)\\1$", 0, "?");			/* back-references */
	SPAN("^a\\Rb$", 0, "?");			/* \\R may be two characters */
	SPAN("^(?i)a$", 0, "1 allow Aa, lead 1");		/* case options */
	SPAN("^(?x)a$", 0, "?");			/* other inline options */
	SPAN("^x{2,}$", 0, "inf allow x, lead 2");
	SPAN("^x{1,100000}$", 0, "?");		/* more digits than read */
	SPAN("^(?:ab){2}c{0}$", 0, "4 allow abc, lead 4");
	/* What every line holds: the fewest of one byte over the branches. */
	SPAN("^(?:a:b:|:c)$", 0, "4 allow :abc, 1 :, lead 2");
	SPAN("^(?:[a-z]+\\. ?){3,5}$", 0, "inf allow <20>.abcdefghijklmnopqrstuvwxyz, 3 ., lead 2");
	SPAN("^(?:x\\.)?y$", 0, "3 allow .xy, lead 1");		/* an optional part holds none */
	SPAN("^a+e+:$", 0, "inf allow :ae, 1 :, lead 3");		/* punctuation only */
	SPAN("^(?=a\\.b)..$", 0, "2 any, lead 3");		/* a look-ahead takes no room */
	SPAN("^[.]{3}$", 0, "3 allow ., lead 3");				/* a class is not looked into */
	SPAN("^Kiss$", 1, "4 allow IKSiks, lead 4");				/* caseless letters count for none */
	/* The run without white space every line starts with. */
	SPAN("^(?:ab|c d)x$", 0, "4 allow <20>abcdx, lead 1");	/* the shorter branch */
	SPAN("^\\S*\\d \\S+$", 0, "inf deny <09><0A><0B><0C><0D>, lead 1");		/* \S* may be empty */
	SPAN("^(?<=ab)c$", 0, "1 allow c, lead 1");		/* no look-behind */
	SPAN("^(?=\\S{4})\\w.*$", 0, "inf any, lead 4");
	SPAN("^\\w+(?=\\S{3})", 0, "-, lead 4");		/* not whole lines: needs and runs only */
	SPAN("(?:^|\\s)Foto: \\w+", 0, "-, 1 :");
	SPAN("(?:^|x)\\S{5}", 0, "-");				/* not anchored: no run */
	SPAN("^\\w+(?=\\S{3}).*$", 0, "inf any, lead 4");		/* after a run, the look-ahead adds */
	SPAN("^-{70000}$", 0, "70000 allow -, 65535 -, lead 65535");	/* counts stop at 65535 */
	SPAN("^(?=abc)$", 0, "0 allow , lead 3");
	test_span_oracle();
	return unit_done();
}
