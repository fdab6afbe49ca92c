/*
 * rules.c - rule files and their application.  The format is in
 * man/unboil-rules.5; the contract is in rules.h.  What rules can match a
 * line is told by the prefilter (prefilter.c).
 */
#include "rules/rules.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/literal.h"
#include "rules/prefilter.h"
#include "rules/rules_impl.h"
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

	if (prefilter_study(r, pat, plen) != 0) {
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
		if (prefilter_build(w) != 0)
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

	if (!m->rs->no_prefilter && (n < r->minlen || (r->span &&
	    !prefilter_span_fits(m, r, s, n))))
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
	prefilter_candidates(m, s, n);
	keep = protecting_rule(m, s, n, res);
	for (i = prefilter_next(m, 0); i < m->rs->n; i = prefilter_next(m, i + 1)) {
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
		prefilter_rescan(m, s, n, out->data, out->len);
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
		prefilter_candidates(m, s, n);
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
	size_t i = (size_t)(r - m->rs->v);
	int rc;

	m->scanned_of = NULL;
	prefilter_candidates(m, s, n);
	/* The first candidate from i on is i itself: r is one. */
	rc = prefilter_next(m, i) == i ? match(m, r, s, n) : 0;

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
