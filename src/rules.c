/*
 * rules.c - rule files and their application.  The format is in
 * man/unboil-rules.5; the contract is in rules.h.
 */
#define _GNU_SOURCE	/* memmem */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules.h"

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literal.h"
#include "norm.h"
#include "utf8.h"

#define MATCH_LIMIT 1000000	/* backtracking steps per match */
#define DEPTH_LIMIT 10000	/* nested backtracking frames */
#define JIT_STACK_MAX (1024 * 1024)
/* Edits may make a line at most this long, n being its length before the
 * first edit: replacements that feed on each other would otherwise grow a
 * line exponentially. */
#define EDIT_MAX(n) (4 * (n) + 1024)

enum { RULE_CASELESS = 1 };

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
	/* For anchored patterns, what the first byte can be: */
	int anchored;
	int first;		/* a code unit (-1: none known) */
	int has_map;		/* or a set of them */
	uint8_t map[32];
	uint32_t minlen;	/* characters, so also a floor on bytes */
};

struct rules {
	rule *v;
	size_t n, cap;
	size_t max_captures;
	int no_prefilter;	/* tests: always run PCRE2 */
};

struct rules_matcher {
	const rules *rs;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	buf a, b;		/* edit results, used in turn */
	buf low;		/* the line in ASCII lower case, for caseless literals */
	const char *low_of;	/* the text low was made from */
	size_t low_n;
	int low_exotic;		/* the line has a character that folds to ASCII */
	/* Byte pairs present in the text, as it is and lowered: a literal
	 * can only occur if all its pairs do.  Stamps spare clearing. */
	uint8_t *pairs[2];	/* 64 KiB each: stays in the cache */
	uint8_t stamp[2];
	const char *pairs_of[2];
	size_t pairs_n[2];
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
	return calloc(1, sizeof(rules));
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

static int
compile_rule(loader *ld, rule *r, const char *line, const char *pat, size_t plen)
{
	int err;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	uint32_t opts = PCRE2_UTF | PCRE2_UCP;

	if (r->flags & RULE_CASELESS)
		opts |= PCRE2_CASELESS;
	r->re = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &err, &off, NULL);
	if (r->re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		report(ld, column(line, (size_t)(pat - line) + off), "%s", (char *)msg);
		return -1;
	}

	/* JIT is an optimisation: where it is unavailable the interpreter runs. */
	(void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	/* Before a pattern runs, the line must pass what is cheap to check:
	 * its length, for an anchored pattern its first byte, and the
	 * pattern's required literals (byte pairs first, then memmem). */
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
		if (!(r->flags & RULE_CASELESS) || unit < 0x80)
			r->first = (int)unit;
	} else if (type == 0 && pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTBITMAP, &map) == 0 &&
	    map != NULL) {
		memcpy(r->map, map, sizeof(r->map));
		r->has_map = 1;
	}
	if (literal_extract(pat, plen, (r->flags & RULE_CASELESS) != 0, &r->lits) != 0) {
		report(ld, 0, "%s", "out of memory");
		return -1;
	}
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
	return ld.errors;
}

int
rules_load_file(rules *rs, const char *path, const char *name,
    rules_diag_fn diag, void *ctx)
{
	FILE *f;
	buf b = { 0 };
	char chunk[65536];
	size_t k;
	int errors, ioerr;

	if ((f = fopen(path, "rb")) == NULL) {
		if (diag != NULL)
			diag(ctx, name, 0, 0, strerror(errno));
		return 1;
	}
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, k) != 0) {
			fclose(f);
			buf_free(&b);
			if (diag != NULL)
				diag(ctx, name, 0, 0, "out of memory");
			return 1;
		}
	ioerr = ferror(f) ? errno : 0;
	fclose(f);
	if (ioerr) {
		buf_free(&b);
		if (diag != NULL)
			diag(ctx, name, 0, 0, strerror(ioerr));
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
	rules_matcher *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->rs = rs;
	m->md = pcre2_match_data_create((uint32_t)rs->max_captures + 1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	m->hits = calloc(rs->n + 1, sizeof(*m->hits));
	m->pairs[0] = calloc(65536, 1);
	m->pairs[1] = calloc(65536, 1);
	m->reported = calloc(rs->n + 1, 1);
	if (m->md == NULL || m->mctx == NULL || m->hits == NULL ||
	    m->reported == NULL || m->pairs[0] == NULL || m->pairs[1] == NULL) {
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
	buf_free(&m->low);
	free(m->pairs[0]);
	free(m->pairs[1]);
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

/* Makes m->low the ASCII lower case of s[0..n), once per text. */
static int
lower(rules_matcher *m, const char *s, size_t n)
{
	size_t i;

	if (m->low_of == s && m->low_n == n)
		return 0;
	buf_clear(&m->low);
	if (buf_reserve(&m->low, n + 1) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		m->low.data[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	m->low.len = n;
	/* KELVIN SIGN and LONG S match k and s caselessly in PCRE2's UCP. */
	m->low_exotic = (memmem(s, n, "\xE2\x84\xAA", 3) != NULL ||
	    memmem(s, n, "\xC5\xBF", 2) != NULL);
	m->low_of = s;
	m->low_n = n;
	m->pairs_of[1] = NULL;	/* the lowered text changed in place */
	return 0;
}

/* Marks the byte pairs of t[0..n) in table k, once per text. */
static void
mark_pairs(rules_matcher *m, int k, const char *t, size_t n)
{
	const unsigned char *u = (const unsigned char *)t;
	uint8_t *tab = m->pairs[k], st;
	size_t i;

	if (m->pairs_of[k] == t && m->pairs_n[k] == n)
		return;
	if (++m->stamp[k] == 0) {	/* wrapped: clear once in 255 lines */
		memset(tab, 0, 65536);
		m->stamp[k] = 1;
	}
	st = m->stamp[k];
	for (i = 0; i + 1 < n; i++)
		tab[(unsigned)u[i] << 8 | u[i + 1]] = st;
	m->pairs_of[k] = t;
	m->pairs_n[k] = n;
}

/* Could literal l occur in the text whose pairs are in table k? */
static int
pairs_present(const rules_matcher *m, int k, const char *l, size_t ln)
{
	const unsigned char *u = (const unsigned char *)l;
	size_t i;

	for (i = 0; i + 1 < ln; i++)
		if (m->pairs[k][(unsigned)u[i] << 8 | u[i + 1]] != m->stamp[k])
			return 0;
	return 1;
}

/* Whether r can match s at all: false when none of its required literals
 * is in the line, which saves running the regex. */
static int
may_match(rules_matcher *m, const rule *r, const char *s, size_t n)
{
	const char *t = s, *l;
	size_t i, ln;
	int k = 0;

	if (r->lits.n == 0 || m->rs->no_prefilter)
		return 1;
	if (r->flags & RULE_CASELESS) {
		if (lower(m, s, n) != 0 || m->low_exotic)
			return 1;
		t = m->low.data;
		k = 1;
	}
	mark_pairs(m, k, t, n);
	for (i = 0; i < r->lits.n; i++) {
		l = r->lits.v[i];
		ln = r->lits.len[i];
		if (pairs_present(m, k, l, ln) && memmem(t, n, l, ln) != NULL)
			return 1;
	}
	return 0;
}

/* Can an anchored r match a line that starts with byte c? */
static int
first_fits(const rule *r, unsigned char c)
{
	if (r->first >= 0) {
		if (r->flags & RULE_CASELESS) {
			int a = c >= 'A' && c <= 'Z' ? c + 32 : c;
			int b = r->first >= 'A' && r->first <= 'Z' ? r->first + 32 : r->first;
			return a == b;
		}
		return c == r->first;
	}
	return !r->has_map || (r->map[c >> 3] >> (c & 7) & 1);
}

/* 1 on a match, 0 on none, -1 when a limit was hit (treated as none). */
static int
match(rules_matcher *m, const rule *r, const char *s, size_t n)
{
	int rc;

	if (!m->rs->no_prefilter && (n < r->minlen ||
	    (r->anchored && n > 0 && !first_fits(r, (unsigned char)s[0]))))
		return 0;
	if (!may_match(m, r, s, n))
		return 0;
	rc = pcre2_match(r->re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
	    m->md, m->mctx);

	if (rc >= 0)
		return 1;
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Applies the edit rule r, which matched s, into out, unless the result
 * would be longer than max.  0, or -1 on error. */
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

	for (;;) {
		if (buf_reserve(out, n + 64) != 0)
			return -1;
		olen = out->cap;
		rc = pcre2_substitute(r->re, (PCRE2_SPTR)s, n, 0, opts, m->md,
		    m->mctx, (PCRE2_SPTR)repl, r->repl_len,
		    (PCRE2_UCHAR *)out->data, &olen);
		if (rc >= 0) {
			out->len = olen;
			return olen > max ? -1 : 0;
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
	size_t i;
	int rc;

	for (i = 0; i < m->rs->n; i++) {
		const rule *r = &m->rs->v[i];
		if (r->action != ACT_KEEP)
			continue;
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
	m->low_of = m->pairs_of[0] = m->pairs_of[1] = NULL;
	keep = protecting_rule(m, s, n, res);
	for (i = 0; i < m->rs->n; i++) {
		r = &m->rs->v[i];
		if (r->action == ACT_KEEP || (keep != NULL && r->action != ACT_STRIP &&
		    r->action != ACT_REPLACE) || (r->action == ACT_HEAD && body > 0))
			continue;
		if ((rc = match(m, r, s, n)) <= 0) {
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
		if (substitute(m, r, s, n, max, out) != 0) {
			note_limit(m, r, res);
			continue;
		}
		out->len = norm_fold_spaces(out->data, out->len);
		if (out->len == n && memcmp(out->data, s, n) == 0)
			continue;
		m->hits[i]++;
		if (res->verdict == RV_KEEP) {
			res->verdict = RV_EDIT;
			res->by = r;
		}
		s = out->data;
		n = out->len;
		out = out == &m->a ? &m->b : &m->a;
		/* The buffers take turns: a text may come back at an address
		 * an older one had, so the prefilter tables are made anew. */
		m->low_of = m->pairs_of[0] = m->pairs_of[1] = NULL;
		if (n == 0) {
			/* Nothing is left to keep, protected or not. */
			res->verdict = RV_DROP;
			res->by = r;
			return 0;
		}
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

	m->low_of = m->pairs_of[0] = m->pairs_of[1] = NULL;
	rc = match(m, r, s, n);

	if (rc <= 0 || (r->action != ACT_STRIP && r->action != ACT_REPLACE))
		return rc;
	buf_clear(&m->a);
	if (substitute(m, r, s, n, EDIT_MAX(n), &m->a) != 0)
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
