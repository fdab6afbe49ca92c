/* Unit tests for rules.c. */
#include <stdlib.h>

#include "rules/rules.h"
#include "unit.h"

static char diag_log[4096];

static void
diag(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	size_t n = strlen(diag_log);

	(void)ctx;
	snprintf(diag_log + n, sizeof(diag_log) - n, "%s:%u:%u: %s\n", file, line,
	    col, msg);
}

static rules *
load(const char *text, int *errors)
{
	rules *rs = rules_new();

	diag_log[0] = '\0';
	*errors = rules_load_text(rs, text, strlen(text), "t.rules", diag, NULL);
	return rs;
}

/* Applies rs to line; returns the verdict and copies the text to out. */
static rules_verdict
judge(rules *rs, const char *line, int in_body, char *out, const char **by)
{
	rules_matcher *m = rules_matcher_new(rs);
	rules_result res;
	rules_verdict v;

	rules_apply(m, line, strlen(line), in_body, &res);
	v = res.verdict;
	if (out != NULL && (v == RV_KEEP || v == RV_EDIT))
		snprintf(out, 256, "%.*s", (int)res.len, res.text);
	if (by != NULL)
		*by = res.by ? rule_id(res.by) : "-";
	rules_matcher_free(m);
	return v;
}

static void
test_errors(void)
{
	int e;
	rules *rs = load("# comment\n\ndrop ^ok$\nfrob x\ndrop/q x\ndrop   (ab\n"
	    "replace abc\nreplace (a) => $2\n+ skipped with its rule\nstrip\n", &e);

	CHECK(e == 6, "six errors reported, loading went on");
	CHECK(strstr(diag_log, "t.rules:4:1: unknown action 'frob'") != NULL,
	    "unknown action with file, line, column");
	CHECK(strstr(diag_log, "t.rules:5:6: unknown flag 'q'") != NULL, "unknown flag");
	CHECK(strstr(diag_log, "t.rules:6:11: missing closing parenthesis") != NULL,
	    "PCRE2's message at the pattern's column");
	CHECK(strstr(diag_log, "t.rules:7:9: replace needs") != NULL, "replace without =>");
	CHECK(strstr(diag_log, "t.rules:8:") && strstr(diag_log, "group $2"),
	    "replacement naming a missing group");
	CHECK(strstr(diag_log, "t.rules:10:") && strstr(diag_log, "missing pattern"),
	    "action without a pattern");
	CHECK(rules_count(rs) == 1 && strcmp(rule_id(rules_at(rs, 0)), "t.rules:3") == 0,
	    "the good rule is loaded with its id");
	rules_free(rs);
	rules_free(NULL);
}

static void
test_actions(void)
{
	int e;
	char out[256];
	const char *by;
	rules *rs = load("keep ^Keep\n"
	    "drop ^Anzeige$\n"
	    "drop/i ^werbung$\n"
	    "strip \\s*<\\s*/?p>\n"
	    "replace (\\d+) ?EUR => $1 Euro\n"
	    "head ^Welt$\n"
	    "cut ^More Stories$\n"
	    "strip ^Nur das$\n", &e);

	CHECK(e == 0, "rule set loads");
	CHECK(judge(rs, "Anzeige", 1, NULL, &by) == RV_DROP && strcmp(by, "t.rules:2") == 0,
	    "drop names its rule");
	CHECK(judge(rs, "WERBUNG", 1, NULL, NULL) == RV_DROP, "case-insensitive flag");
	CHECK(judge(rs, "Die Anzeige", 1, out, NULL) == RV_KEEP && strcmp(out, "Die Anzeige") == 0,
	    "unmatched line kept as is");
	CHECK(judge(rs, "Text.< /p> mehr", 1, out, &by) == RV_EDIT &&
	    strcmp(out, "Text. mehr") == 0 && strcmp(by, "t.rules:4") == 0, "strip edits");
	CHECK(judge(rs, "Es kostet 5 EUR und 7EUR.", 1, out, NULL) == RV_EDIT &&
	    strcmp(out, "Es kostet 5 Euro und 7 Euro.") == 0, "replace, global, back-references");
	CHECK(judge(rs, "Welt", 0, NULL, NULL) == RV_DROP, "head drops before the body");
	CHECK(judge(rs, "Welt", 1, NULL, NULL) == RV_KEEP, "head keeps inside the body");
	CHECK(judge(rs, "More Stories", RULES_CUT_MIN_BODY, NULL, NULL) == RV_CUT, "cut in the body");
	CHECK(judge(rs, "More Stories", RULES_CUT_MIN_BODY - 1, NULL, NULL) == RV_DROP,
	    "cut after too little body drops only its line");
	CHECK(judge(rs, "More Stories", 0, NULL, NULL) == RV_DROP,
	    "cut before the body drops only its line");
	CHECK(judge(rs, "Nur das", 1, NULL, &by) == RV_DROP && strcmp(by, "t.rules:8") == 0,
	    "a strip that empties the line drops it");
	rules_free(rs);
	rs = load("keep Anzeige\ndrop ^Anzeige\nstrip x\n", &e);
	CHECK(judge(rs, "Anzeige x", 1, out, &by) == RV_EDIT && strcmp(out, "Anzeige") == 0,
	    "keep protects from drop but not from edits");
	CHECK(judge(rs, "Anzeige", 1, out, &by) == RV_KEEP && strcmp(by, "t.rules:1") == 0,
	    "a protected line names its keep rule");
	rules_free(rs);
}

static void
test_limit(void)
{
	int e;
	char line[4096];
	/* Not a whole-line pattern: no byte of the line rules it out. */
	rules *rs = load("drop (a|aa)+$\n", &e);
	rules_matcher *m = rules_matcher_new(rs);
	rules_result res;

	memset(line, 'a', sizeof(line) - 2);
	line[sizeof(line) - 2] = 'b';
	line[sizeof(line) - 1] = '\0';
	rules_apply(m, line, strlen(line), 1, &res);
	CHECK(res.verdict == RV_KEEP && res.limit != NULL, "match limit: line kept, rule reported");
	rules_apply(m, line, strlen(line), 1, &res);
	CHECK(res.verdict == RV_KEEP && res.limit == NULL, "reported once per matcher");
	rules_matcher_free(m);
	rules_free(rs);
	/* A whole-line pattern has no b in it: PCRE2 need not try. */
	rs = load("drop ^(a|aa)+$\n", &e);
	m = rules_matcher_new(rs);
	rules_apply(m, line, strlen(line), 1, &res);
	CHECK(res.verdict == RV_KEEP && res.limit == NULL,
	    "a byte a whole-line pattern cannot hold rules it out");
	rules_matcher_free(m);
	rules_free(rs);
	rs = load("replace (\\w+) => $1 $1 $1 $1 $1 $1\nreplace (\\w+) => $1 $1 $1 $1 $1 $1\n"
	    "replace (\\w+) => $1 $1 $1 $1 $1 $1\nreplace (\\w+) => $1 $1 $1 $1 $1 $1\n", &e);
	m = rules_matcher_new(rs);
	rules_apply(m, "ab cd ef", 8, 1, &res);
	CHECK(e == 0 && res.verdict == RV_EDIT && res.len <= 4 * 8 + 1024 &&
	    res.limit != NULL, "edits that feed on each other are capped and reported");
	rules_matcher_free(m);
	rules_free(rs);
}

static void
test_examples(void)
{
	int e, f;
	rules *rs = load("drop ^Anzeige$\n+ Anzeige\n- Anzeige erstattet\n"
	    "strip <p>\n+ a<p>b\n= ab\n"
	    "drop ^x$\n+ y\n- x\n"
	    "replace a => b\n+ a\n= c\n", &e);

	diag_log[0] = '\0';
	f = rules_check_examples(rs, NULL, NULL, diag, NULL);
	CHECK(e == 0 && f == 3, "three failing examples found");
	CHECK(strstr(diag_log, "t.rules:8:1: '+' example does not match: \"y\""),
	    "failing + example reported with its line");
	CHECK(strstr(diag_log, "t.rules:9:1: '-' example matches: \"x\""),
	    "failing - example reported");
	CHECK(strstr(diag_log, "t.rules:11:1: example gives \"b\", not \"c\""),
	    "wrong edit result reported");
	rules_free(rs);
	rs = load("= orphan\n", &e);
	CHECK(e == 1, "example before any rule is an error");
	rules_free(rs);
}

/* Does m drop line (by the rule named id, unless NULL)? */
static int
dropped_by(rules_matcher *m, const char *line, const char *id)
{
	rules_result r;

	rules_apply(m, line, strlen(line), 1, &r);
	return r.verdict == RV_DROP && (id == NULL || strcmp(rule_id(r.by), id) == 0);
}

/* The prefilter (literals found in one pass, first and last bytes) must
 * give the verdicts PCRE2 alone gives, on the cases it reasons about. */
static void
test_prefilter(void)
{
	static const char *text =
	    "drop/i ^ok$\n"			/* KELVIN SIGN folds to k */
	    "strip [ \t]+$\n"			/* the last byte decides */
	    "drop ^(?:Mehr|More) Stories$\n"	/* a first byte, literals */
	    "replace \u201E|\u201C => \"\n"	/* two-byte literals */
	    "drop Zitat: \"\n"			/* found only after the edit */
	    "strip \\+\\+\\+$\n"
	    "replace \\x20 + => \\x20\n"
	    "drop/i ^\u00FCber (?:uns|mich)$\n"	/* prefixes, both cases of \u00FC */
	    "drop/i ^(?:hinweis: )?die kommentare\n"
	    "strip ^\\[x\\] \n"
	    "drop ^Teaser:\n"				/* a prefix made by the edit */
	    "drop/i ^sie sagt$\n"			/* LONG S folds to s */
	    "drop (?<x><b>)q(?P>x)\n"			/* a call, not a named group */
	    "drop ^(?P>y)zz(?<y>foo|bar)\n"
	    "drop ab\\N{U+00E4}yz\n"		/* a character by its number */
	    "drop ^[^,]{3,5}$\n"			/* whole lines: by length and bytes */
	    "replace ^y(\\w) => $1$1\n"
	    "drop/i ^(?=(?>\\S*?\\p{Ll}\\p{Lu}){2}).{0,8}$\n"
	    "drop (?i:^dieser beitrag|^sonne)\n"	/* caseless inside, not /i */
	    "drop ^(?i)werbung\\b\n"
	    "drop ^(?:Anzeige|Werbung):|(?i:^gespr\u00E4ch (?:heute|morgen))\n"
	    "drop ^x(?i)yz|^ab(?-i:Cd)\n"
	    "drop ^(?:[a-z]+\\. ?){3}$\n"			/* three full stops */
	    "drop ^(?=(?>\\S*?\\p{Ll}\\p{Lu}){2}).{0,20} und so$\n"	/* no space in the first four */
	    "drop (?:^|\\s)Qlle\\s*:\\s*\\w+$\n";			/* a colon somewhere */
	static const char *lines[] = {
		"ok", "OK", "o\xE2\x84\xAA", "oK ", "Mehr Stories", "More Stories ",
		"mehr Stories", "Zitat: \xE2\x80\x9Ehallo\xE2\x80\x9C",
		"Zitat: \xE2\x80\x9C", "a  b   c\t", "news +++", "", " ", "+++ x",
		"\u00DCber uns", "\u00FCBER MICH", "\u00FCber alles", "Hinweis: Die Kommentare",
		"die kommentare", "Hinweis: Kommentare", "[x] Teaser: mehr", "[x] Text",
		"\u017Fie sagt", "SIE SAGT", "Sie sagt es", "<b>q<b>", "foozzbar",
		"ab\u00E4yz", "abc,", "abcdef", "\u00E4\u00E4\u00E4\u00E4\u00E4\u00E4", "\u00E4\u00E4\u00E4",
		"\u00E4\u00E4\u00E4\u00E4\u00E4", "y\u00E4\u00E4b", "ya,b", "aBcDeF", "aBcD\u00E4\u00E4\u00E4\u00E4",
		"aBcD\u00E4\u00E4\u00E4\u00E4\u00E4", "Dieser Beitrag ist gut.", "\u017Fonnenschein",
		"WERBUNG hier", "GESPR\u00C4CH HEUTE", "Gespr\u00E4ch Morgen", "anzeige: x",
		"Anzeige: x", "xYZ und mehr", "XYZ und mehr", "abCd und mehr",
		"abcd und mehr", "ab. cd. efgh.", "ab. cd efgh.", "deFgHi und so", "deF gHi und so",
		"dE\tfG und so", "Die Qlle: Agentur", "Die Qlle Agentur",
	};
	int e1, e2;
	rules *rs = load(text, &e1), *plain = load(text, &e2);
	rules_matcher *m, *pm;
	rules_result a, b;
	size_t i;
	char what[128];

	rules_set_prefilter(plain, 0);
	m = rules_matcher_new(rs);
	pm = rules_matcher_new(plain);
	CHECK(e1 == 0 && e2 == 0, "prefilter rules load");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		rules_apply(m, lines[i], strlen(lines[i]), 1, &a);
		rules_apply(pm, lines[i], strlen(lines[i]), 1, &b);
		snprintf(what, sizeof(what), "prefilter agrees on line %zu", i);
		CHECK(a.verdict == b.verdict && (a.by == NULL ? b.by == NULL :
		    b.by != NULL && strcmp(rule_id(a.by), rule_id(b.by)) == 0) &&
		    a.len == b.len && memcmp(a.text, b.text, a.len) == 0, what);
	}
	CHECK(dropped_by(m, lines[2], NULL), "a KELVIN SIGN matches k caselessly");
	CHECK(dropped_by(m, lines[8], "t.rules:5"), "a literal an edit made is found");
	CHECK(dropped_by(m, lines[15], NULL), "a caseless prefix matches the other case of \u00FC");
	CHECK(dropped_by(m, lines[17], NULL), "a prefix after an optional group is found");
	CHECK(dropped_by(m, lines[20], "t.rules:11"), "a prefix an edit made is found");
	CHECK(dropped_by(m, lines[22], NULL), "a LONG S matches s caselessly at the start");
	CHECK(dropped_by(m, lines[25], "t.rules:13"), "(?P>name) is not read as a group");
	CHECK(dropped_by(m, lines[26], "t.rules:14"), "(?P>name) gives no prefix");
	CHECK(dropped_by(m, lines[27], "t.rules:15"), "\\N{U+hhhh} gives no literal");
	CHECK(!dropped_by(m, lines[28], NULL) && !dropped_by(m, lines[29], NULL) &&
	    !dropped_by(m, lines[30], NULL), "a whole-line rule: too long, or a byte it cannot hold");
	CHECK(dropped_by(m, lines[31], "t.rules:16") && dropped_by(m, lines[32], "t.rules:16"),
	    "a whole-line rule counts characters, not bytes");
	CHECK(dropped_by(m, lines[33], "t.rules:16"), "a whole-line rule on what an edit made");
	CHECK(dropped_by(m, lines[36], "t.rules:18") && !dropped_by(m, lines[37], NULL),
	    "eight characters in twelve bytes, but not nine");
	CHECK(dropped_by(m, lines[38], "t.rules:19") && dropped_by(m, lines[39], "t.rules:19") &&
	    dropped_by(m, lines[40], "t.rules:20"),
	    "a pattern that is caseless inside is filtered caselessly");
	CHECK(dropped_by(m, lines[41], "t.rules:21") && dropped_by(m, lines[42], "t.rules:21") &&
	    !dropped_by(m, lines[43], NULL) && dropped_by(m, lines[44], "t.rules:21"),
	    "prefixes of a pattern with a caseless group, in its cases");
	CHECK(dropped_by(m, lines[45], "t.rules:22") && !dropped_by(m, lines[46], NULL) &&
	    dropped_by(m, lines[47], "t.rules:22") && !dropped_by(m, lines[48], NULL),
	    "(?i) and (?-i:...) inside a pattern");
	CHECK(dropped_by(m, lines[49], "t.rules:23") && !dropped_by(m, lines[50], NULL),
	    "a whole-line rule needs its full stops");
	CHECK(dropped_by(m, lines[51], "t.rules:24") && !dropped_by(m, lines[52], NULL) &&
	    !dropped_by(m, lines[53], NULL), "a whole-line rule needs its first four characters");
	CHECK(dropped_by(m, lines[54], "t.rules:25") && !dropped_by(m, lines[55], NULL),
	    "a rule needs its colon");
	rules_matcher_free(m);
	rules_matcher_free(pm);
	rules_free(rs);
	rules_free(plain);
}

/* A rule set loaded twice, the second time with the prefilter off, and a
 * matcher for each: PCRE2 alone, to hold the prefilter to. */
typedef struct twin {
	rules *rs, *ref;
	rules_matcher *m, *pm;
	int errors;
} twin;

static void
twin_load(twin *t, const char *text)
{
	int e1, e2;

	t->rs = load(text, &e1);
	t->ref = load(text, &e2);
	rules_set_prefilter(t->ref, 0);
	t->m = rules_matcher_new(t->rs);
	t->pm = rules_matcher_new(t->ref);
	t->errors = e1 + e2;
}

/* Do both give line the same verdict and text?  *b gets PCRE2's. */
static int
twin_agree(twin *t, const char *line, rules_result *b)
{
	rules_result a;

	rules_apply(t->m, line, strlen(line), 1, &a);
	rules_apply(t->pm, line, strlen(line), 1, b);
	if (a.verdict == b->verdict && a.len == b->len && memcmp(a.text, b->text, a.len) == 0)
		return 1;
	printf("# \"%s\": %d \"%.*s\" against %d \"%.*s\"\n", line, a.verdict,
	    (int)a.len, a.text, b->verdict, (int)b->len, b->text);
	return 0;
}

static void
twin_free(twin *t)
{
	rules_matcher_free(t->m);
	rules_matcher_free(t->pm);
	rules_free(t->rs);
	rules_free(t->ref);
}

/* Whole-line rules are skipped on lines holding an ASCII byte they cannot
 * match, looked for 32, sixteen or one byte at a time: on lines of every
 * length up to a few blocks, the prefilter must agree with PCRE2 alone. */
static void
test_span_deny(void)
{
	static const char *parts[] = {
		"a", "haus", " ", "foto: ", "Bild: ", ".", ",", "!", "7", ";", "\xC3\xA4",
		"X", "zz", "ende",
	};
	int bad = 0, dropped = 0, i;
	unsigned seed = 11;
	char line[512];
	rules_result b;
	twin t;

	twin_load(&t, "drop ^[a-z ]+$\n"
	    "drop ^[^.,!?0-9]{0,300}$\n"
	    "drop/i ^(?:foto|bild): [^,;]+$\n");
	CHECK(t.errors == 0, "whole-line rules load");
	for (i = 0; i < 20000 && bad < 3; i++) {
		size_t len = (size_t)(i % 150);
		line[0] = '\0';
		/* Mostly the letters the first rule allows, so that it matches. */
		while (strlen(line) < len)
			strcat(line, parts[((seed = seed * 1103515245 + 12345) >> 16) %
			    (i % 3 == 0 ? 3 : sizeof(parts) / sizeof(parts[0]))]);
		bad += !twin_agree(&t, line, &b);
		dropped += b.verdict == RV_DROP;
	}
	CHECK(bad == 0 && dropped > 1000, "whole-line rules: the byte test agrees with PCRE2");
	twin_free(&t);
}

/* Edit rules whose patterns are plain strings are applied without PCRE2;
 * with the prefilter off, PCRE2 does all: the two must agree, on
 * neighbouring, overlapping and repeated matches and on what the edits
 * themselves make. */
static void
test_plain_edits(void)
{
	static const char *text =
	    "strip w\n"			/* no literal: runs on every line */
	    "replace \u201E|\u201C => \"\n"
	    "strip x[yz]\n"
	    "replace ab|ba => \\x41-\n"
	    "replace &(?:quot|amp); => &\n"
	    "strip \\x20\\(Symbolbild\\)\n"
	    "replace a|ab => X\n"		/* one the start of another: PCRE2 */
	    "replace ^q => Q\n"			/* anchored: PCRE2 */
	    "replace q\\b => R\n"
	    "replace zz => z\n";
	static const char *parts[] = {
		"a", "b", "x", "y", "z", "q", " ", "\u201E", "\u201C", "&", "quot;",
		"amp;", " (Symbolbild)", "(Symbolbild)", "ab", "zz",
	};
	int bad = 0, i, k;
	unsigned seed = 7;
	char line[256];
	rules_result b;
	twin t;

	twin_load(&t, text);
	CHECK(t.errors == 0, "plain edit rules load");
	for (i = 0; i < 3000 && bad < 3; i++) {
		line[0] = '\0';
		for (k = (int)((seed = seed * 1103515245 + 12345) >> 16) % 14; k > 0; k--)
			strcat(line, parts[((seed = seed * 1103515245 + 12345) >> 16) %
			    (sizeof(parts) / sizeof(parts[0]))]);
		bad += !twin_agree(&t, line, &b);
	}
	CHECK(bad == 0, "plain edits agree with PCRE2 on 3000 lines");
	twin_free(&t);
}

/* Verbs can end a match before the rest of the pattern ((*ACCEPT)) or
 * change where matching goes on; \K and look-behinds move a match's
 * start.  Each rule alone, the prefilter must agree with PCRE2 on every
 * line. */
static void
test_verbs(void)
{
	static const char *rules_text[] = {
		"drop (?:x|(*ACCEPT))e$\n",
		"drop ^(?:x|(*ACCEPT))Foto\n",
		"drop a(*ACCEPT)bc$\n",
		"drop ^(?:\\w|(*ACCEPT))\\w+\\. \\w+\\. \\w+\\.$\n",
		"drop ^(?:ab|(*ACCEPT)).{0,3}$\n",
		"drop ^(?:Q|(*ACCEPT))(?=(?:\\S*\\p{Lu}){3})\n",
		"drop (?:<|(*ACCEPT:n))>\n",
		"drop (*COMMIT)abc\n",
		"drop x(*COMMIT)abc|foo\n",
		"drop a(*SKIP)(*F)|b\n",
		"drop (?:a(*THEN)q|b)c$\n",
		"drop (*NO_START_OPT)(*COMMIT)abc\n",
		"drop (?:Foto(*PRUNE)x|Bild)\n",
		"drop (?<=e)\\K$\n",
		"drop (?<=^Foto: )\\w+$\n",
		"strip (?:x|(*ACCEPT))e\n",
		"strip Foto\\K: \n",
		"replace (?:\u00AB|\u00BB)(*ACCEPT) => \"\n",
		"replace \u00AB(*ACCEPT)|\u00BB => \"\n",
	};
	static const char *lines[] = {
		"hello there", "abc", "xe", "Foto: dpa", "Bild und Foto", "foo bar",
		",,,,,", "<p> tag >", "DEFabc", "q", "Das. Ist. Ein. Satz.", "AbC DeF GhI",
		"\u00ABquoted\u00BB text", "e",
	};
	int bad = 0;
	size_t i, j;
	rules_result b;
	twin t;

	for (i = 0; i < sizeof(rules_text) / sizeof(rules_text[0]); i++) {
		twin_load(&t, rules_text[i]);
		bad += t.errors;
		for (j = 0; j < sizeof(lines) / sizeof(lines[0]); j++)
			bad += !twin_agree(&t, lines[j], &b);
		if (i == 0)
			CHECK(dropped_by(t.m, "abc", NULL),
			    "(?:x|(*ACCEPT))e$ matches a line that ends in no e");
		twin_free(&t);
	}
	CHECK(bad == 0, "verbs, \\K and look-behinds: the prefilter agrees with PCRE2");
}

/* Output stays well-formed UTF-8 whatever the rules: \C, which matches
 * one byte and could cut a character in two, is refused at load. */
static void
test_whole_characters(void)
{
	int e;
	rules *rs = load("strip ^\\C\nreplace/i (?:x|\\C)$ => y\ndrop ^ok$\n", &e);

	CHECK(e == 2 && rules_count(rs) == 1, "both rules with \\C are refused");
	CHECK(strstr(diag_log, "t.rules:1:10: using \\C is disabled") != NULL &&
	    strstr(diag_log, "t.rules:2:18: using \\C is disabled") != NULL,
	    "\\C reported with PCRE2's message at its column");
	rules_free(rs);
}

/* A replacement's own text is checked at load: a bad escape, and a NUL
 * byte, which is never text and would end a -z document early. */
static void
test_replacement_checked(void)
{
	int e;
	char out[256];
	rules *rs = load("replace a => \\x{0}\nreplace b => x\\c@\nreplace c => \\x{zz}\n"
	    "replace (?<n>d) => ${n}\\U$1\\E-\\x{e4}$$\n", &e);

	CHECK(e == 3 && rules_count(rs) == 1, "NUL bytes and bad escapes refused, the rest loads");
	CHECK(strstr(diag_log, "t.rules:1:14: replacement puts a NUL byte") != NULL &&
	    strstr(diag_log, "t.rules:2:14: replacement puts a NUL byte") != NULL,
	    "a NUL byte reported at the replacement's column");
	CHECK(strstr(diag_log, "t.rules:3:17: bad escape sequence") != NULL,
	    "a bad escape reported with PCRE2's message at its column");
	CHECK(judge(rs, "d", 1, out, NULL) == RV_EDIT && strcmp(out, "dD-\u00E4$") == 0,
	    "groups, case and escapes expand as before");
	rules_free(rs);
}

/* The check at load expands a replacement with no group set: a NUL byte
 * in a branch taken only when one is set is removed after the edit. */
static void
test_nul_branch(void)
{
	int e;
	rules *rs = load("replace (;)|: => ${1:+\\x{0}:\\x{3A}}\n", &e);
	rules_matcher *m = rules_matcher_new(rs);
	rules_result res;

	rules_apply(m, "a; b", 4, 1, &res);
	CHECK(e == 0 && res.verdict == RV_EDIT && res.nul && res.len == 3 &&
	    memcmp(res.text, "a b", 3) == 0, "a NUL byte an edit made is removed and reported");
	rules_apply(m, "a: b", 4, 1, &res);
	CHECK(res.verdict == RV_KEEP && !res.nul, "the other branch leaves the line as it was");
	rules_matcher_free(m);
	rules_free(rs);
}

int
main(void)
{
	test_prefilter();
	test_span_deny();
	test_plain_edits();
	test_verbs();
	test_errors();
	test_actions();
	test_limit();
	test_examples();
	test_whole_characters();
	test_replacement_checked();
	test_nul_branch();
	return unit_done();
}
