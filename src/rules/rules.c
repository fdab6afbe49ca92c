/*
 * rules.c - rule files and their application.  The format is in
 * man/unboil-rules.5; the contract is in rules.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules/rules.h"

#include <errno.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/aho.h"
#include "rules/literal.h"
#include "text/norm.h"
#include "swar.h"
#include "text/utf8.h"

#define MATCH_LIMIT 1000000	/* backtracking steps per match */
#define DEPTH_LIMIT 10000	/* nested backtracking frames */
#define JIT_STACK_MAX (1024 * 1024)
/* Edits may make a line at most this long, n being its length before the
 * first edit: replacements that feed on each other would otherwise grow a
 * line exponentially. */
#define EDIT_MAX(n) (4 * (n) + 1024)
#define PLAIN_MAX 16	/* strings of a plain edit rule */

/* RULE_CASELESS: the rule's /i flag.  RULE_FOLDS: the prefilter must
 * compare without regard to case, because of /i or because the pattern
 * turns caseless matching on itself ("(?i)", "(?i:...)"). */
enum { RULE_CASELESS = 1, RULE_FOLDS = 2 };

typedef struct example {
	char kind;		/* '+' or '-' */
	unsigned line;
	char *text;
	char *expect;		/* "=" line after a "+", or NULL */
} example;

struct rule {
	rule_action action;
	unsigned flags;
	char *id;
	pcre2_code *re;
	char *repl;		/* replace only */
	size_t repl_len;
	example *ex;
	size_t nex;
	literal_set lits;	/* one of these is in every line it matches */
	literal_set pre;	/* anchored: one of these starts every such line */
	/* A strip or replace rule whose pattern is a few plain strings, none
	 * the start of another, and whose replacement names no group: the
	 * strings, found and replaced without PCRE2, and the replacement as
	 * PCRE2 expands it. */
	literal_set plain;	/* at most PLAIN_MAX */
	char *plain_repl;
	size_t plain_repl_len;
	/* For anchored patterns, what the first byte can be: */
	int anchored;
	int first;		/* a code unit (-1: none known) */
	int has_map;		/* or a set of them */
	uint8_t map[32];
	uint32_t minlen;	/* characters, so also a floor on bytes */
	int has_last;		/* ends in "$": what the line's last byte can be */
	uint8_t last[32];
	int scanned;		/* has literals in the automata: run only
				   on lines where one of them was found */
	/* What a line the pattern matches is like (span: something is
	 * known).  If it matches whole lines only: the most characters such
	 * a line can have (else LITERAL_UNBOUNDED) and the ASCII bytes it
	 * cannot hold, ASCII c as bit c >> 4 of deny[c & 15].  A byte it
	 * holds at least times times (none if 0); and, anchored at the start,
	 * white space in none of its first lead bytes. */
	int span, has_deny;
	size_t maxchars;
	uint8_t deny[16];
	unsigned char need;
	size_t times;
	size_t lead;
	/* Compiled to machine code, once jit_done says it was tried: the
	 * first thread to run the pattern does it (see jit_ready). */
	int jit;
	_Atomic int jit_done;
};

struct rules {
	rule *v;
	size_t n, cap;
	size_t max_captures;
	int no_prefilter;	/* tests: always run PCRE2 */
	int ssse3, avx2;	/* the machine has them (see deny_any) */
	/* The literals of all rules, tagged with the rule's index, compared
	 * without regard to ASCII case (for a case-sensitive rule a hit is
	 * then only likely, which is all a prefilter needs); EXOTIC(rs) tags
	 * the characters that fold to ASCII letters.  NULL when no literal
	 * prefilter is in force. */
	aho *ac;
	/* The prefixes of anchored rules, which need only be looked for at
	 * the start of a line: they keep ac small, and so fast. */
	aho *pre;
	/* Rule masks, nw words each, bit i for rule i: */
	size_t nw;
	uint64_t *always;	/* rules the automaton cannot rule out */
	uint64_t *folding;	/* caseless rules it can, unless EXOTIC is found */
	uint64_t *keeps;	/* keep rules */
	uint64_t *first;	/* 257 masks: the rules a line starting with byte c
				   (256: an empty line) may match */
	uint64_t *last;		/* the same for the line's last byte */
	int stale;		/* rules came since these were built */
};

#define EXOTIC(rs) ((rs)->n)
/* Literals are searched for by their first bytes at most: a prefix of a
 * required literal is as required, hardly less rare, and a short one
 * keeps the automaton small and the rescan after an edit short. */
#define SCAN_LIT_MAX 16

struct rules_matcher {
	const rules *rs;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	buf a, b;		/* edit results, used in turn */
	/* Rules one of whose literals is in the text scanned_of[0..scanned_n),
	 * bit i for rule i, found by one pass of the automata. */
	uint64_t *found;	/* rs->nw words */
	uint64_t *cand;		/* the rules worth running on the text */
	const char *scanned_of;
	size_t scanned_n;
	/* The number of characters in the text chars_of[0..chars_n). */
	const char *chars_of;
	size_t chars_n, chars;
	uint64_t *hits;
	unsigned char *reported;
};

static const char *const action_names[] = {
	"keep", "drop", "strip", "replace", "cut", "head"
};

const char *
rule_action_name(rule_action a)
{
	return action_names[a];
}

rules *
rules_new(void)
{
	rules *rs = calloc(1, sizeof(rules));

#if defined(SWAR_SSSE3)
	if (rs != NULL) {
		rs->ssse3 = __builtin_cpu_supports("ssse3");
		rs->avx2 = __builtin_cpu_supports("avx2");
	}
#endif
	return rs;
}

static void
rule_clear(rule *r)
{
	size_t i;

	free(r->id);
	pcre2_code_free(r->re);
	free(r->repl);
	for (i = 0; i < r->nex; i++) {
		free(r->ex[i].text);
		free(r->ex[i].expect);
	}
	free(r->ex);
	literal_free(&r->lits);
	literal_free(&r->pre);
	literal_free(&r->plain);
	free(r->plain_repl);
}

static void
prefilter_free(rules *rs)
{
	aho_free(rs->ac);
	aho_free(rs->pre);
	free(rs->always);
	free(rs->folding);
	free(rs->keeps);
	free(rs->first);
	free(rs->last);
}

void
rules_free(rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_clear(&rs->v[i]);
	free(rs->v);
	prefilter_free(rs);
	free(rs);
}

size_t
rules_count(const rules *rs)
{
	return rs->n;
}

int
rules_positional(const rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].action == ACT_HEAD || rs->v[i].action == ACT_CUT)
			return 1;
	return 0;
}

const rule *
rules_at(const rules *rs, size_t i)
{
	return &rs->v[i];
}

const char *
rule_id(const rule *r)
{
	return r->id;
}

rule_action
rule_act(const rule *r)
{
	return r->action;
}

/* ---- loading ---- */

typedef struct loader {
	rules *rs;
	const char *name;
	unsigned line;
	rules_diag_fn diag;
	void *ctx;
	int errors;
	rule *last;		/* the rule examples attach to */
	int last_plus;		/* the last example was a "+" */
	int last_bad;		/* the last rule failed: skip its examples */
} loader;

static void
report(loader *ld, unsigned col, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	if (ld->diag != NULL)
		ld->diag(ld->ctx, ld->name, ld->line, col, msg);
	ld->errors++;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Column, counted in characters, of byte offset off of line. */
static unsigned
column(const char *line, size_t off)
{
	unsigned col = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (((unsigned char)line[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static char *
dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int
parse_action(const char *w, size_t n, rule_action *a)
{
	size_t i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strlen(action_names[i]) == n && memcmp(w, action_names[i], n) == 0) {
			*a = (rule_action)i;
			return 0;
		}
	return -1;
}

/* Finds " => " (white space on both sides, or the line's end after it). */
static const char *
find_arrow(const char *s, const char *end)
{
	const char *p;

	for (p = s + 1; p + 2 <= end; p++)
		if (p[0] == '=' && p[1] == '>' && is_space(p[-1]) &&
		    (p + 2 == end || is_space(p[2])))
			return p;
	return NULL;
}

/* Checks that every group a replacement names exists in the pattern. */
static int
check_replacement(loader *ld, rule *r, unsigned col)
{
	const char *s = r->repl, *e = s + r->repl_len, *q;
	uint32_t ncap;
	char name[128];

	pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	while (s < e) {
		if (*s == '\\') {
			s += 2;
			continue;
		}
		if (*s++ != '$' || s >= e || *s == '$')
			continue;
		if (*s >= '0' && *s <= '9') {
			char *qe;
			unsigned long g = strtoul(s, &qe, 10);
			if (g > ncap) {
				snprintf(name, sizeof(name), "%lu", g);
				report(ld, col, "replacement names group $%s, which the pattern lacks", name);
				return -1;
			}
			s = qe;
		} else if (*s == '{' && (q = memchr(s, '}', (size_t)(e - s))) != NULL) {
			size_t n = (size_t)(q - s - 1);
			if (n == 0 || n >= sizeof(name))
				continue;
			memcpy(name, s + 1, n);
			name[n] = '\0';
			if (name[0] >= '0' && name[0] <= '9' ? strtoul(name, NULL, 10) > ncap :
			    pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)name) < 0) {
				report(ld, col, "replacement names group ${%s}, which the pattern lacks", name);
				return -1;
			}
			s = q + 1;
		}
	}
	return 0;
}

/* Does pat[0..n) have an option setting with 'i' in it, "(?i)", "(?mi:"
 * and the like?  PCRE2 does not say whether the first code unit it
 * reports is caseless, so such a pattern is taken to be caseless
 * throughout (only more lines pass the prefilter). */
static int
inline_caseless(const char *pat, size_t n)
{
	const char *p = pat, *end = pat + n, *q;

	while ((p = memchr(p, '(', (size_t)(end - p))) != NULL) {
		int ci = 0;
		if (end - p < 3 || p[1] != '?') {
			p++;
			continue;
		}
		for (q = p + 2; q < end && (((*q | 32) >= 'a' && (*q | 32) <= 'z') ||
		    *q == '-' || *q == '^'); q++)
			ci |= *q == 'i';
		if (ci && q < end && (*q == ':' || *q == ')'))
			return 1;
		p = q;
	}
	return 0;
}

/* Sets up r->span, where the pattern pat[0..n) tells something of the
 * lines it can match. */
static void
span_of(rule *r, const char *pat, size_t n)
{
	literal_shape sh;
	unsigned c;

	r->maxchars = LITERAL_UNBOUNDED;
	if (!literal_span(pat, n, (r->flags & RULE_FOLDS) != 0, &sh))
		return;
	r->maxchars = sh.max;
	for (c = 0; c < 128; c++)
		if (!(sh.ascii[c >> 3] >> (c & 7) & 1) && c != '\n') {
			r->deny[c & 15] |= (uint8_t)(1u << (c >> 4));
			r->has_deny = 1;
		}
	/* Fewer than three full stops or commas are in most lines anyway. */
	if (!literal_common_byte(sh.need) || sh.times >= 3) {
		r->need = sh.need;
		r->times = sh.times;
	}
	r->lead = sh.lead;
	r->span = r->has_deny || r->maxchars != LITERAL_UNBOUNDED || r->times > 0 ||
	    r->lead > 0;
}

static int
compile_rule(loader *ld, rule *r, const char *line, const char *pat, size_t plen)
{
	int err;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	uint32_t opts = PCRE2_UTF | PCRE2_UCP;

	if (r->flags & RULE_CASELESS)
		opts |= PCRE2_CASELESS;
	if ((r->flags & RULE_CASELESS) || inline_caseless(pat, plen))
		r->flags |= RULE_FOLDS;
	r->re = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &err, &off, NULL);
	if (r->re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		report(ld, column(line, (size_t)(pat - line) + off), "%s", (char *)msg);
		return -1;
	}

	/* Before a pattern runs, the line must pass what is cheap to check:
	 * its length, for an anchored pattern its first byte, and the
	 * pattern's required literals (found for all rules at once, see
	 * build_prefilter). */
	uint32_t all, type, unit;
	const uint8_t *map = NULL;
	pcre2_pattern_info(r->re, PCRE2_INFO_ALLOPTIONS, &all);
	pcre2_pattern_info(r->re, PCRE2_INFO_MINLENGTH, &r->minlen);
	r->anchored = (all & PCRE2_ANCHORED) != 0;
	r->first = -1;
	pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODETYPE, &type);
	if (type == 1) {
		pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		/* Caseless: only ASCII letters have a case we can compare. */
		if (!(r->flags & RULE_FOLDS) || unit < 0x80)
			r->first = (int)unit;
	} else if (type == 0 && pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTBITMAP, &map) == 0 &&
	    map != NULL) {
		memcpy(r->map, map, sizeof(r->map));
		r->has_map = 1;
	}
	/* PCRE2 gives up on \d and \p in UCP mode; an anchored pattern's
	 * first byte can still often be told from its text. */
	if (r->anchored && r->first < 0 && !r->has_map)
		r->has_map = literal_first(pat, plen, (r->flags & RULE_FOLDS) != 0, r->map);
	r->has_last = literal_last(pat, plen, (r->flags & RULE_FOLDS) != 0, r->last);
	span_of(r, pat, plen);
	if (literal_extract(pat, plen, (r->flags & RULE_FOLDS) != 0, &r->lits) != 0 ||
	    (r->anchored && literal_prefix(pat, plen, (r->flags & RULE_FOLDS) != 0,
	    &r->pre) != 0)) {
		report(ld, 0, "%s", "out of memory");
		return -1;
	}
	return 0;
}

/* Sets up r->plain for an edit rule whose pattern pat[0..n) allows it
 * (see struct rule).  Any one of the strings is a whole match, so PCRE2's
 * substitution of it gives the replacement text.  Returns 0, or -1 if out
 * of memory. */
static int
plain_edit(rule *r, const char *pat, size_t n)
{
	const literal_set *e = &r->plain;
	pcre2_match_data *md;
	PCRE2_SIZE len;
	size_t i, j;
	int rc;

	if ((r->flags & RULE_FOLDS) || (r->repl != NULL &&
	    memchr(r->repl, '$', r->repl_len) != NULL))
		return 0;
	if (literal_exact(pat, n, &r->plain) != 0)
		return -1;
	for (i = 0; i < e->n; i++)
		for (j = 0; j < e->n; j++)
			if (i != j && e->len[i] <= e->len[j] &&
			    memcmp(e->v[i], e->v[j], e->len[i]) == 0) {
				literal_free(&r->plain);
				return 0;
			}
	if (e->n > PLAIN_MAX)
		literal_free(&r->plain);
	if (e->n == 0)
		return 0;
	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		return -1;
	len = r->repl_len * 2 + 16;
	for (;;) {
		free(r->plain_repl);
		if ((r->plain_repl = malloc(len + 1)) == NULL)
			break;
		rc = pcre2_substitute(r->re, (PCRE2_SPTR)e->v[0], e->len[0], 0,
		    PCRE2_SUBSTITUTE_EXTENDED | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, md, NULL,
		    (PCRE2_SPTR)(r->repl ? r->repl : ""), r->repl_len,
		    (PCRE2_UCHAR *)r->plain_repl, &len);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
	}
	pcre2_match_data_free(md);
	if (r->plain_repl == NULL)
		return -1;
	if (rc != 1) {
		/* Not a whole match after all: PCRE2 does the work. */
		literal_free(&r->plain);
		free(r->plain_repl);
		r->plain_repl = NULL;
		return 0;
	}
	r->plain_repl_len = len;
	return 0;
}

static int
add_rule(loader *ld, const char *line, const char *end)
{
	const char *p = line, *w, *pat, *arrow = NULL, *pe;
	rules *rs = ld->rs;
	rule r;
	char id[64];
	uint32_t ncap;

	memset(&r, 0, sizeof(r));
	for (w = p; p < end && !is_space(*p) && *p != '/'; p++)
		;
	if (parse_action(w, (size_t)(p - w), &r.action) != 0) {
		char word[64];
		snprintf(word, sizeof(word), "%.*s", (int)(p - w) > 40 ? 40 : (int)(p - w), w);
		report(ld, 1, "unknown action '%s'", word);
		return -1;
	}
	if (p < end && *p == '/') {
		for (p++; p < end && !is_space(*p); p++) {
			if (*p == 'i')
				r.flags |= RULE_CASELESS;
			else {
				char f[2] = { *p, 0 };
				report(ld, column(line, (size_t)(p - line)), "unknown flag '%s'", f);
				return -1;
			}
		}
	}
	while (p < end && is_space(*p))
		p++;
	pat = p;
	pe = end;
	if (r.action == ACT_REPLACE) {
		if ((arrow = find_arrow(pat, end)) == NULL) {
			report(ld, column(line, (size_t)(pat - line)), "%s",
			    "replace needs 'PATTERN => REPLACEMENT'");
			return -1;
		}
		for (pe = arrow; pe > pat && is_space(pe[-1]); pe--)
			;
	}
	if (pe == pat) {
		report(ld, column(line, (size_t)(pat - line)), "%s: missing pattern",
		    action_names[r.action]);
		return -1;
	}
	if (compile_rule(ld, &r, line, pat, (size_t)(pe - pat)) != 0)
		return -1;
	if (arrow != NULL) {
		for (p = arrow + 2; p < end && is_space(*p); p++)
			;
		r.repl = dupn(p, (size_t)(end - p));
		r.repl_len = (size_t)(end - p);
		if (r.repl == NULL || check_replacement(ld, &r, column(line, (size_t)(p - line))) != 0) {
			rule_clear(&r);
			return -1;
		}
	}
	if ((r.action == ACT_STRIP || r.action == ACT_REPLACE) && plain_edit(&r, pat,
	    (size_t)(pe - pat)) != 0) {
		rule_clear(&r);
		report(ld, 0, "%s", "out of memory");
		return -1;
	}
	snprintf(id, sizeof(id), ":%u", ld->line);
	r.id = malloc(strlen(ld->name) + strlen(id) + 1);
	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 64;
		rule *v = realloc(rs->v, nc * sizeof(*v));
		if (v == NULL) {
			free(r.id);
			r.id = NULL;
		} else {
			rs->v = v;
			rs->cap = nc;
		}
	}
	if (r.id == NULL || rs->n == rs->cap) {
		rule_clear(&r);
		report(ld, 0, "%s", "out of memory");
		return -1;
	}
	strcpy(r.id, ld->name);
	strcat(r.id, id);
	pcre2_pattern_info(r.re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	if (ncap > rs->max_captures)
		rs->max_captures = ncap;
	rs->v[rs->n++] = r;
	ld->last = &rs->v[rs->n - 1];
	ld->last_plus = 0;
	return 0;
}

static int
add_example(loader *ld, const char *line, const char *end)
{
	rule *r = ld->last;
	char kind = line[0];
	const char *t = line + 1;
	example *ex;

	while (t < end && is_space(*t))
		t++;
	if (ld->last_bad)
		return 0;	/* the rule's own error has been reported */
	if (r == NULL) {
		report(ld, 1, "%s", "example line before any rule");
		return -1;
	}
	if (kind == '=') {
		if (!ld->last_plus || r->ex[r->nex - 1].expect != NULL ||
		    (r->action != ACT_STRIP && r->action != ACT_REPLACE)) {
			report(ld, 1, "%s", "'=' must follow a '+' example of a strip or replace rule");
			return -1;
		}
		if ((r->ex[r->nex - 1].expect = dupn(t, (size_t)(end - t))) == NULL)
			goto nomem;
		return 0;
	}
	if ((ex = realloc(r->ex, (r->nex + 1) * sizeof(*ex))) == NULL)
		goto nomem;
	r->ex = ex;
	ex += r->nex;
	ex->kind = kind;
	ex->line = ld->line;
	ex->expect = NULL;
	if ((ex->text = dupn(t, (size_t)(end - t))) == NULL)
		goto nomem;
	r->nex++;
	ld->last_plus = kind == '+';
	return 0;
nomem:
	report(ld, 0, "%s", "out of memory");
	return -1;
}

static void
load_line(loader *ld, const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	while (end > p && (is_space(end[-1]) || end[-1] == '\r'))
		end--;
	if (p == end || *p == '#')
		return;
	if ((*p == '+' || *p == '-' || *p == '=') && (p + 1 == end || is_space(p[1]))) {
		(void)add_example(ld, p, end);
		return;
	}
	ld->last_bad = add_rule(ld, p, end) != 0;
	if (ld->last_bad)
		ld->last = NULL;
}

/* The bytes an unanchored match of r can start with, as one-byte literals,
 * if the pattern has no literal of its own and they are all uncommon.
 * Returns how many were added, or -1 if out of memory. */
static int
add_first_bytes(aho *ac, const rule *r, uint32_t tag)
{
	unsigned c;
	int k = 0;
	char b;

	if (r->anchored || r->lits.n > 0 || (r->first < 0 && !r->has_map))
		return 0;
	/* Caseless letters could also be KELVIN SIGN or LONG S, which start
	 * with other bytes; letters are common bytes anyway. */
	for (c = 0; c < 256; c++)
		if ((r->first >= 0 ? (int)c == r->first : r->map[c >> 3] >> (c & 7) & 1) &&
		    literal_common_byte(c))
			return 0;
	for (c = 0; c < 256; c++)
		if (r->first >= 0 ? (int)c == r->first : r->map[c >> 3] >> (c & 7) & 1) {
			b = (char)c;
			if (aho_add(ac, &b, 1, tag) != 0)
				return -1;
			k++;
		}
	return k;
}

static void
bit_set(uint64_t *v, size_t i)
{
	v[i >> 6] |= (uint64_t)1 << (i & 63);
}

static int
bit_test(const uint64_t *v, size_t i)
{
	return v[i >> 6] >> (i & 63) & 1;
}

/* Can an anchored r match a line that starts with byte c? */
static int
first_fits(const rule *r, unsigned c)
{
	if (r->first >= 0) {
		if (r->flags & RULE_FOLDS) {
			unsigned a = c >= 'A' && c <= 'Z' ? c + 32 : c;
			int b = r->first >= 'A' && r->first <= 'Z' ? r->first + 32 : r->first;
			return (int)a == b;
		}
		return (int)c == r->first;
	}
	return !r->has_map || (r->map[c >> 3] >> (c & 7) & 1);
}

/* Puts every rule's literals into the automata, which are left out where
 * they cannot be built, and makes the rule masks; all anew after each
 * file.  Returns 0, or -1 if out of memory. */
static int
build_prefilter(rules *rs)
{
	size_t i, j, nw = (rs->n + 1) / 64 + 1;
	unsigned c;
	int ok, k;

	prefilter_free(rs);
	rs->nw = nw;
	rs->always = calloc(nw, sizeof(uint64_t));
	rs->folding = calloc(nw, sizeof(uint64_t));
	rs->keeps = calloc(nw, sizeof(uint64_t));
	rs->first = calloc(257 * nw, sizeof(uint64_t));
	rs->last = calloc(257 * nw, sizeof(uint64_t));
	if (rs->always == NULL || rs->folding == NULL || rs->keeps == NULL ||
	    rs->first == NULL || rs->last == NULL)
		return -1;
	ok = (rs->ac = aho_new(AHO_CASELESS)) != NULL &&
	    (rs->pre = aho_new(AHO_CASELESS | AHO_ANCHORED)) != NULL;
	for (i = 0; ok && i < rs->n; i++) {
		rule *r = &rs->v[i];
		const literal_set *ls = r->pre.n > 0 ? &r->pre : &r->lits;
		for (j = 0; ok && j < ls->n; j++)
			ok = aho_add(r->pre.n > 0 ? rs->pre : rs->ac, ls->v[j],
			    ls->len[j] < SCAN_LIT_MAX ? ls->len[j] : SCAN_LIT_MAX,
			    (uint32_t)i) == 0;
		k = ok ? add_first_bytes(rs->ac, r, (uint32_t)i) : -1;
		ok = k >= 0;
		r->scanned = ls->n > 0 || k > 0;
	}
	ok = ok && aho_add(rs->ac, "\xE2\x84\xAA", 3, (uint32_t)EXOTIC(rs)) == 0 &&
	    aho_add(rs->ac, "\xC5\xBF", 2, (uint32_t)EXOTIC(rs)) == 0;
	if (!ok || aho_build(rs->ac) != 0 || aho_build(rs->pre) != 0) {
		aho_free(rs->ac);
		aho_free(rs->pre);
		rs->ac = rs->pre = NULL;
	}
	for (i = 0; i < rs->n; i++) {
		const rule *r = &rs->v[i];
		if (rs->ac == NULL || !r->scanned)
			bit_set(rs->always, i);
		else if (r->flags & RULE_FOLDS)
			bit_set(rs->folding, i);
		if (r->action == ACT_KEEP)
			bit_set(rs->keeps, i);
		for (c = 0; c < 257; c++) {
			if (c == 256 || !r->anchored || first_fits(r, c))
				bit_set(rs->first + c * nw, i);
			if (c == 256 || !r->has_last || (r->last[c >> 3] >> (c & 7) & 1))
				bit_set(rs->last + c * nw, i);
		}
	}
	return 0;
}

int
rules_load_text(rules *rs, const char *text, size_t n, const char *name,
    rules_diag_fn diag, void *ctx)
{
	loader ld = { rs, name, 0, diag, ctx, 0, NULL, 0, 0 };
	const char *p = text, *end = text + n, *nl;

	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		ld.line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		/* Patterns and examples reach PCRE2 unchecked: a line must be
		 * well-formed UTF-8 without NUL bytes to be read at all. */
		size_t len = (size_t)(nl - p), ok = utf8_valid_prefix(p, len);
		const char *nul = memchr(p, '\0', len);
		if (nul != NULL && (size_t)(nul - p) < ok)
			report(&ld, column(p, (size_t)(nul - p)), "%s", "NUL byte in rule file");
		else if (ok < len)
			report(&ld, column(p, ok), "%s", "invalid UTF-8");
		else
			load_line(&ld, p, nl);
		p = nl + 1;
	}
	/* The prefilter is built once, when the first matcher is made: a
	 * run loads several files. */
	rs->stale = 1;
	return ld.errors;
}

int
rules_load_file(rules *rs, const char *path, const char *name,
    rules_diag_fn diag, void *ctx)
{
	buf b = { 0 };
	int errors, err;

	if ((err = buf_read_file(&b, path)) != 0) {
		buf_free(&b);
		if (diag != NULL)
			diag(ctx, name, 0, 0, strerror(err));
		return 1;
	}
	errors = rules_load_text(rs, b.data ? b.data : "", b.len, name, diag, ctx);
	buf_free(&b);
	return errors;
}

/* ---- matching ---- */

rules_matcher *
rules_matcher_new(const rules *rs)
{
	rules_matcher *m;

	/* The first matcher after loading builds the prefilter (a matcher
	 * only reads the rules otherwise; see rules.h). */
	if (rs->stale) {
		rules *w = (rules *)rs;
		if (build_prefilter(w) != 0)
			return NULL;
		w->stale = 0;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->rs = rs;
	m->md = pcre2_match_data_create((uint32_t)rs->max_captures + 1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	m->hits = calloc(rs->n + 1, sizeof(*m->hits));
	m->found = calloc(rs->nw, sizeof(*m->found));
	m->cand = calloc(rs->nw, sizeof(*m->cand));
	m->reported = calloc(rs->n + 1, 1);
	if (m->md == NULL || m->mctx == NULL || m->hits == NULL ||
	    m->reported == NULL || m->found == NULL || m->cand == NULL) {
		rules_matcher_free(m);
		return NULL;
	}
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
	if (m->jit != NULL)
		pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
	return m;
}

void
rules_matcher_free(rules_matcher *m)
{
	if (m == NULL)
		return;
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	pcre2_jit_stack_free(m->jit);
	buf_free(&m->a);
	buf_free(&m->b);
	free(m->found);
	free(m->cand);
	free(m->hits);
	free(m->reported);
	free(m);
}

uint64_t
rules_matcher_hits(const rules_matcher *m, size_t i)
{
	return m->hits[i];
}

void
rules_set_prefilter(rules *rs, int on)
{
	rs->no_prefilter = !on;
}

/* Scans s[0..n) for every rule's literals, once per text. */
static void
scan(rules_matcher *m, const char *s, size_t n)
{
	const rules *rs = m->rs;

	if (m->scanned_of == s && m->scanned_n == n)
		return;
	memset(m->found, 0, m->rs->nw * sizeof(*m->found));
	aho_scan(rs->ac, s, n, m->found);
	aho_scan(rs->pre, s, n, m->found);
	m->scanned_of = s;
	m->scanned_n = n;
}

/* The length of the longest common prefix of a[0..n) and b[0..n); with
 * SSE2, sixteen bytes at a time. */
static size_t
same_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(a + i)),
		    _mm_loadu_si128((const __m128i *)(b + i)))) ^ 0xFFFF;
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The length of the longest common suffix of a[0..an) and b[0..bn). */
static size_t
same_suffix(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, n = an < bn ? an : bn;

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(a + an - i - 16)),
		    _mm_loadu_si128((const __m128i *)(b + bn - i - 16)))) ^ 0xFFFF;
		if (m != 0)	/* the last differing byte ends the suffix */
			return i + 15 - (size_t)(31 - __builtin_clz(m));
	}
#endif
	while (i < n && a[an - 1 - i] == b[bn - 1 - i])
		i++;
	return i;
}

/* After an edit turned old[0..oldn) into s[0..n): the literals found in
 * old are kept (one that the edit removed only costs a needless match
 * later), and those the edit may have made are looked for where the two
 * texts differ, widened by the longest literal on each side. */
static void
rescan(rules_matcher *m, const char *old, size_t oldn, const char *s, size_t n)
{
	size_t pre = 0, suf = 0, w, lo, hi;

	if (m->scanned_of != old || m->scanned_n != oldn || m->rs->ac == NULL) {
		m->scanned_of = NULL;
		return;
	}
	pre = same_prefix(s, old, n < oldn ? n : oldn);
	suf = same_suffix(s + pre, n - pre, old + pre, oldn - pre);
	w = aho_maxlen(m->rs->ac);
	lo = pre > w ? pre - w : 0;
	hi = n - suf + w < n ? n - suf + w : n;
	aho_scan(m->rs->ac, s + lo, hi - lo, m->found);
	if (pre < aho_maxlen(m->rs->pre))
		aho_scan(m->rs->pre, s, n, m->found);
	m->scanned_of = s;
	m->scanned_n = n;
}

/* Fills m->cand with the rules worth running on s[0..n): those whose
 * literals are in it (or that have none) and whose first byte fits. */
static void
candidates(rules_matcher *m, const char *s, size_t n)
{
	const rules *rs = m->rs;
	const uint64_t *first = rs->first + (n > 0 ? (unsigned char)s[0] : 256) * rs->nw;
	/* "$" also matches before a final newline, which lines do not have. */
	const uint64_t *last = rs->last + (n > 0 && s[n - 1] != '\n' ?
	    (unsigned char)s[n - 1] : 256) * rs->nw;
	size_t w;

	if (rs->no_prefilter) {
		memset(m->cand, 0xFF, rs->nw * sizeof(*m->cand));
		return;
	}
	if (rs->ac != NULL)
		scan(m, s, n);
	for (w = 0; w < rs->nw; w++)
		m->cand[w] = (rs->always[w] | (rs->ac != NULL ? m->found[w] : 0)) &
		    first[w] & last[w];
	/* KELVIN SIGN and LONG S match k and s caselessly in PCRE2's UCP. */
	if (rs->ac != NULL && bit_test(m->found, EXOTIC(rs)))
		for (w = 0; w < rs->nw; w++)
			m->cand[w] |= rs->folding[w] & first[w] & last[w];
}

/* The first candidate rule at index from or after it, or rs->n if none. */
static size_t
next_cand(const rules_matcher *m, size_t from)
{
	size_t w = from >> 6;
	uint64_t x;

	if (from >= m->rs->n)
		return m->rs->n;
	x = m->cand[w] & (~(uint64_t)0 << (from & 63));
	while (x == 0) {
		if (++w >= m->rs->nw)
			return m->rs->n;
		x = m->cand[w];
	}
	w = w * 64 + (size_t)__builtin_ctzll(x);
	return w < m->rs->n ? w : m->rs->n;
}

/* Where lit[0..len) first starts in s[from..n), or n: memchr() for its
 * last byte, the most telling one of a UTF-8 character, then a compare. */
static size_t
plain_next(const char *s, size_t from, size_t n, const char *lit, size_t len)
{
	const char *p, *end = s + n;

	if (n - from < len)
		return n;
	for (p = s + from + len - 1; p < end; p++) {
		if ((p = memchr(p, (unsigned char)lit[len - 1], (size_t)(end - p))) == NULL)
			break;
		if (memcmp(p - (len - 1), lit, len - 1) == 0)
			return (size_t)(p - (len - 1) - s);
	}
	return n;
}

/*
 * The substitution of a rule with plain strings, in full: every match,
 * left to right.  No string being the start of another, the first place
 * where any starts is the match PCRE2 would find there.  next[] holds
 * where each string is next, found again only once passed.  Returns how
 * many matches it replaced, or -1 on error; with out NULL, only whether
 * there is one.
 */
static int
plain_substitute(const rule *r, const char *s, size_t n, size_t max, buf *out)
{
	size_t next[PLAIN_MAX], at = 0, hit, k = 0, i;
	int count = 0;

	for (i = 0; i < r->plain.n; i++)
		next[i] = plain_next(s, 0, n, r->plain.v[i], r->plain.len[i]);
	for (;;) {
		for (hit = n, i = 0; i < r->plain.n; i++) {
			if (next[i] < at)
				next[i] = plain_next(s, at, n, r->plain.v[i], r->plain.len[i]);
			if (next[i] < hit) {
				hit = next[i];
				k = i;
			}
		}
		if (out == NULL)
			return hit < n;
		if (hit == n)
			break;
		if (buf_append(out, s + at, hit - at) != 0 ||
		    buf_append(out, r->plain_repl, r->plain_repl_len) != 0)
			return -1;
		at = hit + r->plain.len[k];
		count++;
	}
	if (buf_append(out, s + at, n - at) != 0)
		return -1;
	return out->len > max ? -1 : count;
}

/* Does s[0..n) hold an ASCII byte c with bit c >> 4 set in t[c & 15]?  A
 * byte's low half picks its entry, its high half the bit: with SSSE3,
 * sixteen bytes at a time, both halves looked up with pshufb; a byte
 * beyond ASCII picks no bit. */
#if defined(SWAR_SSSE3)
__attribute__((target("ssse3"))) static int
deny_any16(const uint8_t t[16], const unsigned char *u, size_t n)
{
	const __m128i tab = sse_load(t),
	    bits = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
	unsigned char tail[16];
	size_t i;

	for (i = 0;; i += 16) {
		__m128i x;
		if (i + 16 > n) {
			if (i == n)
				return 0;
			memset(tail, 0x80, sizeof(tail));	/* denied by none */
			memcpy(tail, u + i, n - i);
			u = tail;
			i = 0;
			n = 16;
		}
		x = sse_nibbles(sse_load(u + i), tab, bits);
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) != 0xFFFF)
			return 1;
	}
}
#endif

#if defined(SWAR_SSSE3)
/* The same 32 bytes at a time with AVX2, while 32 are left; *done gets
 * how far it looked. */
__attribute__((target("avx2"))) static int
deny_any32(const uint8_t t[16], const unsigned char *u, size_t n, size_t *done)
{
	const __m256i tab = _mm256_broadcastsi128_si256(sse_load(t)),
	    bits = _mm256_broadcastsi128_si256(_mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128,
	    0, 0, 0, 0, 0, 0, 0, 0));
	size_t i;

	for (i = 0; i + 32 <= n; i += 32)
		if (avx_mask(_mm256_cmpeq_epi8(avx_nibbles(avx_load(u + i), tab, bits),
		    _mm256_setzero_si256())) != 0xFFFFFFFFu)
			return 1;
	*done = i;
	return 0;
}
#endif

static int
deny_any(const rules *rs, const uint8_t t[16], const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

#if defined(SWAR_SSSE3)
	if (rs->avx2 && n >= 32) {
		if (deny_any32(t, u, n, &i))
			return 1;
		u += i;
		n -= i;
	}
	if (rs->ssse3)
		return deny_any16(t, u, n);
#endif
	(void)rs;
	for (i = 0; i < n; i++)
		if (u[i] < 0x80 && (t[u[i] & 15] >> (u[i] >> 4) & 1))
			return 1;
	return 0;
}

/* Can s[0..n) be a line r's pattern matches, as far as its span tells?
 * A line is at least a quarter as many characters as bytes. */
static int
span_fits(rules_matcher *m, const rule *r, const char *s, size_t n)
{
	size_t i;

	if (n > r->maxchars) {
		if (n / 4 > r->maxchars)
			return 0;
		if (m->chars_of != s || m->chars_n != n) {
			m->chars = n - count_in((const unsigned char *)s, n, 0x80, 0xBF);
			m->chars_of = s;
			m->chars_n = n;
		}
		if (m->chars > r->maxchars)
			return 0;
	}
	/* The cheapest first: a few bytes, then the line's bytes as a set,
	 * then a count of one of them. */
	if (n < r->lead)
		return 0;
	for (i = 0; i < r->lead; i++)
		if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
			return 0;
	if (r->has_deny && deny_any(m->rs, r->deny, s, n))
		return 0;
	return r->times == 0 || (n >= r->times &&
	    count_in((const unsigned char *)s, n, r->need, r->need) >= r->times);
}

/*
 * Whether r's pattern runs as machine code: JIT compiling it, the first
 * time it is run, on whichever thread runs it, rather than all patterns
 * at start, which is the one part of a run that cannot go on all cores;
 * some patterns never run at all.  The lock keeps any other thread from
 * running the pattern while it is compiled.  JIT is an optimisation:
 * where it is unavailable the interpreter runs.
 */
static int
jit_ready(const rule *r)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	rule *w = (rule *)r;	/* the one field set after loading */

	if (atomic_load_explicit(&w->jit_done, memory_order_acquire))
		return w->jit;
	pthread_mutex_lock(&lock);
	if (!atomic_load_explicit(&w->jit_done, memory_order_relaxed)) {
		w->jit = pcre2_jit_compile(w->re, PCRE2_JIT_COMPLETE) == 0;
		atomic_store_explicit(&w->jit_done, 1, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
	return w->jit;
}

/* Runs candidate r on s: 1 on a match, 0 on none, -1 when a limit was
 * hit (treated as none). */
static int
match(rules_matcher *m, const rule *r, const char *s, size_t n)
{
	int rc;

	if (!m->rs->no_prefilter && (n < r->minlen || (r->span && !span_fits(m, r, s, n))))
		return 0;
	if (r->plain.n > 0 && !m->rs->no_prefilter)
		return plain_substitute(r, s, n, 0, NULL);
	/* The JIT entry skips the checks pcre2_match() makes on every call,
	 * which on lines that fail at once is most of the cost. */
	rc = jit_ready(r) ? pcre2_jit_match(r->re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
	    m->md, m->mctx) : pcre2_match(r->re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
	    m->md, m->mctx);

	if (rc >= 0)
		return 1;
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Applies the edit rule r, which matched s (unless it is a plain edit,
 * which looks for itself), into out, unless the result would be longer
 * than max.  Returns how many matches it replaced, or -1 on error. */
static int
substitute(rules_matcher *m, const rule *r, const char *s, size_t n,
    size_t max, buf *out)
{
	uint32_t opts = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_EXTENDED |
	    PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_NO_UTF_CHECK |
	    PCRE2_SUBSTITUTE_MATCHED;
	const char *repl = r->repl ? r->repl : "";
	PCRE2_SIZE olen;
	int rc;

	if (r->plain.n > 0 && !m->rs->no_prefilter)
		return plain_substitute(r, s, n, max, out);
	(void)jit_ready(r);	/* pcre2_substitute runs what JIT made */
	for (;;) {
		if (buf_reserve(out, n + 64) != 0)
			return -1;
		olen = out->cap;
		rc = pcre2_substitute(r->re, (PCRE2_SPTR)s, n, 0, opts, m->md,
		    m->mctx, (PCRE2_SPTR)repl, r->repl_len,
		    (PCRE2_UCHAR *)out->data, &olen);
		if (rc >= 0) {
			out->len = olen;
			return olen > max ? -1 : rc;
		}
		if (rc != PCRE2_ERROR_NOMEMORY || olen > max)
			return -1;
		/* The first attempt consumed the match data: match afresh. */
		opts &= ~(uint32_t)PCRE2_SUBSTITUTE_MATCHED;
		if (buf_reserve(out, olen + 1) != 0)
			return -1;
	}
}

static void
note_limit(rules_matcher *m, const rule *r, rules_result *res)
{
	size_t i = (size_t)(r - m->rs->v);

	if (!m->reported[i] && res->limit == NULL) {
		m->reported[i] = 1;
		res->limit = r;
	}
}

/* The first keep rule that matches s, or NULL. */
static const rule *
protecting_rule(rules_matcher *m, const char *s, size_t n, rules_result *res)
{
	size_t w, i;
	uint64_t x;
	int rc;

	/* Only the keep rules among the candidates: most lines have none. */
	for (w = 0; w < m->rs->nw; w++)
		for (x = m->cand[w] & m->rs->keeps[w]; x != 0; x &= x - 1) {
			const rule *r;
			if ((i = w * 64 + (size_t)__builtin_ctzll(x)) >= m->rs->n)
				return NULL;
			r = &m->rs->v[i];
			if ((rc = match(m, r, s, n)) > 0)
				return r;
			if (rc < 0)
				note_limit(m, r, res);
		}
	return NULL;
}

int
rules_apply(rules_matcher *m, const char *s, size_t n, unsigned body,
    rules_result *res)
{
	const rule *keep, *r;
	buf *out = &m->a;
	size_t i, max = EDIT_MAX(n);
	int rc;

	memset(res, 0, sizeof(*res));
	res->verdict = RV_KEEP;
	res->text = s;
	res->len = n;
	/* A new line, perhaps at the same address as the last one. */
	m->scanned_of = NULL;
	m->chars_of = NULL;
	candidates(m, s, n);
	keep = protecting_rule(m, s, n, res);
	for (i = next_cand(m, 0); i < m->rs->n; i = next_cand(m, i + 1)) {
		r = &m->rs->v[i];
		if (r->action == ACT_KEEP || (keep != NULL && r->action != ACT_STRIP &&
		    r->action != ACT_REPLACE) || (r->action == ACT_HEAD && body > 0))
			continue;
		/* A plain edit finds its strings as it substitutes. */
		if ((r->plain.n == 0 || m->rs->no_prefilter) && (rc = match(m, r, s, n)) <= 0) {
			if (rc < 0)
				note_limit(m, r, res);
			continue;
		}
		if (r->action == ACT_DROP || r->action == ACT_HEAD || r->action == ACT_CUT) {
			/* A cut before the body is a sidebar heading, not the
			 * footer: it drops only its own line. */
			res->verdict = r->action == ACT_CUT &&
			    body >= RULES_CUT_MIN_BODY ? RV_CUT : RV_DROP;
			res->by = r;
			m->hits[i]++;
			return 0;
		}
		buf_clear(out);
		if ((rc = substitute(m, r, s, n, max, out)) <= 0) {
			if (rc < 0)
				note_limit(m, r, res);
			continue;	/* or a plain edit's strings are not there */
		}
		out->len = norm_fold_spaces(out->data, out->len);
		if (out->len == n && memcmp(out->data, s, n) == 0)
			continue;
		m->hits[i]++;
		if (res->verdict == RV_KEEP) {
			res->verdict = RV_EDIT;
			res->by = r;
		}
		rescan(m, s, n, out->data, out->len);
		m->chars_of = NULL;
		s = out->data;
		n = out->len;
		out = out == &m->a ? &m->b : &m->a;
		if (n == 0) {
			/* Nothing is left to keep, protected or not. */
			res->verdict = RV_DROP;
			res->by = r;
			return 0;
		}
		candidates(m, s, n);
	}
	if (res->verdict == RV_KEEP && keep != NULL) {
		res->by = keep;
		m->hits[keep - m->rs->v]++;
	}
	res->text = s;
	res->len = n;
	return 0;
}

/* ---- examples ---- */

/* Applies the single rule r to s; returns 1 if it acted, 0 if not, -1 on a
 * limit.  An edit rule's result is left in m->a. */
static int
apply_one(rules_matcher *m, const rule *r, const char *s, size_t n)
{
	int rc;

	m->scanned_of = NULL;
	candidates(m, s, n);
	rc = bit_test(m->cand, (size_t)(r - m->rs->v)) ? match(m, r, s, n) : 0;

	if (rc <= 0 || (r->action != ACT_STRIP && r->action != ACT_REPLACE))
		return rc;
	buf_clear(&m->a);
	if (substitute(m, r, s, n, EDIT_MAX(n), &m->a) < 0)
		return -1;
	m->a.len = norm_fold_spaces(m->a.data, m->a.len);
	return 1;
}

static int
check_one(rules_matcher *m, const rule *r, const example *ex,
    rules_norm_fn norm, void *nctx, rules_diag_fn diag, void *ctx)
{
	const char *s = ex->text, *file_end = strrchr(r->id, ':');
	size_t n = strlen(ex->text);
	char file[1024], msg[1024];
	int rc;

	snprintf(file, sizeof(file), "%.*s", (int)(file_end - r->id), r->id);
	if (norm != NULL && norm(nctx, s, n, &s, &n) != 0)
		return 1;
	rc = apply_one(m, r, s, n);
	if (ex->kind == '-' && rc == 0)
		return 0;
	if (ex->kind == '+' && rc > 0) {
		if (ex->expect == NULL || (m->a.len == strlen(ex->expect) &&
		    memcmp(m->a.data, ex->expect, m->a.len) == 0))
			return 0;
		snprintf(msg, sizeof(msg), "example gives \"%.*s\", not \"%s\"",
		    (int)m->a.len, m->a.data, ex->expect);
	} else if (rc < 0)
		snprintf(msg, sizeof(msg), "example hits the match limit");
	else
		snprintf(msg, sizeof(msg), "%s example %s: \"%s\"",
		    ex->kind == '+' ? "'+'" : "'-'",
		    ex->kind == '+' ? "does not match" : "matches", ex->text);
	if (diag != NULL)
		diag(ctx, file, ex->line, 1, msg);
	return 1;
}

int
rules_check_examples(const rules *rs, rules_norm_fn norm, void *nctx,
    rules_diag_fn diag, void *ctx)
{
	rules_matcher *m = rules_matcher_new(rs);
	size_t i, j;
	int fails = 0;

	if (m == NULL) {
		if (diag != NULL)
			diag(ctx, "unboil", 0, 0, "out of memory");
		return 1;
	}
	for (i = 0; i < rs->n; i++)
		for (j = 0; j < rs->v[i].nex; j++)
			fails += check_one(m, &rs->v[i], &rs->v[i].ex[j], norm, nctx,
			    diag, ctx);
	rules_matcher_free(m);
	return fails;
}
