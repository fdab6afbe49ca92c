/*
 * rules.c - rule files: reading, parsing and compiling them into a rule
 * set, and what the set tells of its rules.  The format is in
 * man/unboil-rules.5, the contract in rules.h.  What rules can match a
 * line is told by the prefilter (prefilter.c); apply.c applies them.
 *
 * Bad input: a rule-file line that is not well-formed UTF-8 or holds a
 * NUL byte, an unknown action or flag, a pattern PCRE2 rejects (\C
 * among them), a replacement that names a missing group, holds a bad
 * escape or makes a NUL byte, and a misplaced example are each reported
 * with their line and column, and loading goes on with the next line, so
 * that all errors are reported at once.
 */
#include "rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/literal.h"
#include "rules/prefilter.h"
#include "rules/rules_impl.h"
#include "swar.h"
#include "text/utf8.h"

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

static int
compile_rule(loader *ld, rule *r, const char *line, const char *pat, size_t plen)
{
	int err;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	/* \C matches one byte, which may be part of a character: an edit
	 * would then leave invalid UTF-8 in the output. */
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C;

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

	if (prefilter_study(r, pat, plen) != 0) {
		report(ld, 0, "%s", "out of memory");
		return -1;
	}
	return 0;
}

/* PCRE2's extended substitution of repl[0..rn) for the first match of re
 * in s[0..n), with the extra options opts, into a new string *out of *len
 * bytes (NUL-terminated), which the caller frees.  Returns what
 * pcre2_substitute returns; on an error *out is NULL, and for a bad
 * replacement *len is the offset in repl where PCRE2 found it.
 * PCRE2_ERROR_NOMEMORY means malloc failed. */
static int
expand(const pcre2_code *re, uint32_t opts, const char *s, size_t n,
    const char *repl, size_t rn, char **out, PCRE2_SIZE *len)
{
	PCRE2_SIZE cap = rn * 2 + 16;
	int rc;

	for (;;) {
		if ((*out = malloc(cap + 1)) == NULL)
			return PCRE2_ERROR_NOMEMORY;
		*len = cap;
		rc = pcre2_substitute(re, (PCRE2_SPTR)s, n, 0, opts |
		    PCRE2_SUBSTITUTE_EXTENDED | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL,
		    NULL, (PCRE2_SPTR)repl, rn, (PCRE2_UCHAR *)*out, len);
		if (rc >= 0)
			return rc;
		free(*out);
		*out = NULL;
		if (rc != PCRE2_ERROR_NOMEMORY)
			return rc;
		cap = *len;	/* what it needs, with PCRE2_SUBSTITUTE_OVERFLOW_LENGTH */
	}
}

/*
 * Checks the text r's replacement puts in a line, as PCRE2 expands it for
 * an empty match with no group set (an empty pattern, whose groups
 * PCRE2_SUBSTITUTE_UNKNOWN_UNSET makes unset): a bad escape would
 * otherwise fail only when the rule first edits a line, and the output
 * must be UTF-8 without NUL bytes, which "\x{0}" or "\c@" would put in it
 * (and so end a -z document early).  The replacement starts at byte at of
 * line.  A branch of "${n:+...:...}" not taken here is checked after each
 * edit instead (RULE_ESCAPES, apply.c).  Returns 0, or -1 after a report.
 */
static int
check_expansion(loader *ld, const rule *r, const char *line, size_t at)
{
	pcre2_code *empty;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off, len = 0;
	char *out = NULL;
	int err, rc = PCRE2_ERROR_NOMEMORY;

	if ((empty = pcre2_compile((PCRE2_SPTR)"", 0, PCRE2_UTF | PCRE2_UCP, &err, &off,
	    NULL)) != NULL)
		rc = expand(empty, PCRE2_SUBSTITUTE_UNKNOWN_UNSET | PCRE2_SUBSTITUTE_UNSET_EMPTY,
		    "", 0, r->repl, r->repl_len, &out, &len);
	pcre2_code_free(empty);
	if (rc == PCRE2_ERROR_NOMEMORY)
		report(ld, 0, "%s", "out of memory");
	else if (rc < 0) {
		pcre2_get_error_message(rc, msg, sizeof(msg));
		report(ld, column(line, at + (len < r->repl_len ? len : r->repl_len)), "%s",
		    (char *)msg);
	} else if (memchr(out, '\0', len) != NULL)
		report(ld, column(line, at), "%s", "replacement puts a NUL byte in the line");
	else if (utf8_valid_prefix(out, len) != len)
		report(ld, column(line, at), "%s", "replacement is not well-formed UTF-8");
	else {
		free(out);
		return 0;
	}
	free(out);
	return -1;
}

/* Sets up r->plain for an edit rule whose pattern pat[0..n) allows it
 * (see struct rule).  Any one of the strings is a whole match, so PCRE2's
 * substitution of it gives the replacement text.  Returns 0, or -1 if out
 * of memory. */
static int
plain_edit(rule *r, const char *pat, size_t n)
{
	const literal_set *e = &r->plain;
	PCRE2_SIZE len;
	size_t i, j;
	int rc;

	if ((r->flags & (RULE_FOLDS | RULE_OPAQUE)) || (r->repl != NULL &&
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
	rc = expand(r->re, 0, e->v[0], e->len[0], r->repl ? r->repl : "", r->repl_len,
	    &r->plain_repl, &len);
	if (rc == PCRE2_ERROR_NOMEMORY)
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
		if (memchr(p, '\\', r.repl_len) != NULL)
			r.flags |= RULE_ESCAPES;
		if (r.repl == NULL || check_replacement(ld, &r, column(line, (size_t)(p - line))) != 0 ||
		    check_expansion(ld, &r, line, (size_t)(p - line)) != 0) {
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
