/*
 * apply.c - a rule set applied to one line, and each rule to its
 * examples; the contract is in rules.h.
 *
 * Keep rules are tried first: a line one of them protects may still be
 * edited, but not dropped.  Then the candidates the prefilter leaves run
 * in file order; the first drop, head or cut rule that matches decides,
 * and edits apply one after another, each to the text the last one made.
 *
 * Bad input: lines are well-formed UTF-8, as the caller promises, so
 * PCRE2 does not check them again; edits keep them so (rules.c refuses
 * \C), and the NUL bytes an edit may still make are removed and
 * reported in the result.  A pattern that hits a match limit on
 * a line, or an edit that would make the line longer than EDIT_MAX,
 * counts as no match and is reported to the caller once per rule and
 * matcher.
 */
#include "rules/rules.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/prefilter.h"
#include "rules/rules_impl.h"
#include "text/norm.h"
#include "text/utf8.h"

#define MATCH_LIMIT 1000000	/* backtracking steps per match */
#define DEPTH_LIMIT 10000	/* nested backtracking frames */
#define JIT_STACK_MAX (1024 * 1024)
/* Edits may make a line at most this long, n being its length before the
 * first edit: replacements that feed on each other would otherwise grow a
 * line exponentially. */
#define EDIT_MAX(n) (4 * (n) + 1024)

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

/* What the edit rule r makes of s, into out, as substitute says; then,
 * where it changed anything, what follows every edit.  Returns what
 * substitute returns; res->nul is set if NUL bytes were removed (res may
 * be NULL). */
static int
edit(rules_matcher *m, const rule *r, const char *s, size_t n, size_t max,
    buf *out, rules_result *res)
{
	int rc;

	buf_clear(out);
	if ((rc = substitute(m, r, s, n, max, out)) <= 0)
		return rc;
	/* A NUL byte is never text, and under -z it would end the document.
	 * Lines hold none and rules.c refuses a replacement that makes one,
	 * but for the branches of "${n:+...:...}" it could not expand. */
	if ((r->flags & RULE_ESCAPES) && memchr(out->data, '\0', out->len) != NULL) {
		out->len = utf8_strip_nul(out->data, out->len);
		if (res != NULL)
			res->nul = 1;
	}
	/* Part of what an edit does (unboil-rules.5), not of the
	 * normalisation: the rules after it are written for single spaces,
	 * and would miss a line with a gap or a leading space the edit left.
	 * Which runs the edit made is not known, so under --no-normalize the
	 * line's own runs are folded too (unboil.1 says so). */
	out->len = norm_fold_spaces(out->data, out->len);
	return rc;
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
		if ((rc = edit(m, r, s, n, max, out, res)) <= 0) {
			if (rc < 0)
				note_limit(m, r, res);
			continue;	/* or a plain edit's strings are not there */
		}
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
	return edit(m, r, s, n, EDIT_MAX(n), &m->a, NULL) < 0 ? -1 : 1;
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
