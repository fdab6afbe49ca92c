/*
 * rules.h - rule files: loading, compiling and applying them to a line.
 *
 * A rule set is built once (rules_new, rules_load_*), then only read, so one
 * set serves every worker thread; each thread matches through its own
 * rules_matcher, which owns the match data, the JIT stack and the scratch
 * buffers.  The file format is described in man/unboil-rules.5.
 *
 * Bad input: every syntax error and every pattern PCRE2 rejects is passed to
 * the caller's diagnostic callback with file, line and column; loading goes
 * on so that all errors are reported at once.  A pattern that exceeds the
 * match limits on some line is treated as not matching that line (the line
 * is kept) and reported to the caller once per rule and matcher.
 */
#ifndef UNBOIL_RULES_H
#define UNBOIL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum rule_action {
	ACT_KEEP,	/* protect the line from drop, head and cut */
	ACT_DROP,	/* drop the line */
	ACT_STRIP,	/* remove every matched span */
	ACT_REPLACE,	/* replace every matched span */
	ACT_CUT,	/* drop this line and the rest of the document */
	ACT_HEAD	/* drop the line while no body line has been kept */
} rule_action;

typedef struct rule rule;
typedef struct rules rules;
typedef struct rules_matcher rules_matcher;

/* Called for each problem found while loading or checking rules.  line and
 * col are 1-based; 0 means not applicable. */
typedef void (*rules_diag_fn)(void *ctx, const char *file, unsigned line,
    unsigned col, const char *msg);

rules *rules_new(void);
void rules_free(rules *rs);

/* Compiles every rule in the file at path, naming it name in rule ids and
 * diagnostics.  Returns the number of errors reported through diag (an
 * unreadable file is one error, reported with line 0). */
int rules_load_file(rules *rs, const char *path, const char *name,
    rules_diag_fn diag, void *ctx);
/* The same for rules held in memory. */
int rules_load_text(rules *rs, const char *text, size_t n, const char *name,
    rules_diag_fn diag, void *ctx);

size_t rules_count(const rules *rs);
/* Whether any rule's effect depends on the position in the document
 * (head and cut rules). */
int rules_positional(const rules *rs);
const rule *rules_at(const rules *rs, size_t i);
const char *rule_id(const rule *r);
rule_action rule_act(const rule *r);
const char *rule_action_name(rule_action a);

/* A verdict on one line. */
typedef enum rules_verdict { RV_KEEP, RV_EDIT, RV_DROP, RV_CUT } rules_verdict;

typedef struct rules_result {
	rules_verdict verdict;
	const rule *by;		/* deciding rule: first edit, drop, cut or the
				   keep rule that protected the line; or NULL */
	const char *text;	/* the line after edits (RV_KEEP: the input) */
	size_t len;
	const rule *limit;	/* a rule that hit a match limit on this line
				   and was not reported before, or NULL */
	int nul;		/* an edit put NUL bytes in the line, and
				   they were removed from text */
} rules_result;

/* A matcher for rs, which it only reads, so that matchers on other
 * threads can share rs; NULL if out of memory.  The first one made after
 * rules were loaded finishes rs (builds its prefilter), so it must not be
 * made while another thread makes or uses one. */
rules_matcher *rules_matcher_new(const rules *rs);
void rules_matcher_free(rules_matcher *m);

/* A cut rule ends the document only after this many lines of body text;
 * earlier, its heading belongs to a sidebar and only its line is dropped. */
#define RULES_CUT_MIN_BODY 3

/* Applies the rule set to s[0..n), well-formed UTF-8.  body is the number
 * of body (prose) lines the document has had so far: head rules act only
 * while it is 0, cut rules only from RULES_CUT_MIN_BODY on.  The edited
 * text lives in the matcher until the next call; it is well-formed UTF-8
 * too, and holds no NUL byte that s did not.  Returns 0, or -1 if out of
 * memory. */
int rules_apply(rules_matcher *m, const char *s, size_t n, unsigned body,
    rules_result *res);

/* Turns the literal prefilter off (on is the default): for tests that
 * check it never changes a verdict. */
void rules_set_prefilter(rules *rs, int on);

/* Lines each rule decided (dropped, cut, edited or protected) so far. */
uint64_t rules_matcher_hits(const rules_matcher *m, size_t i);

/* Signature of a normaliser used to prepare example lines. */
typedef int (*rules_norm_fn)(void *ctx, const char *in, size_t n,
    const char **out, size_t *outn);

/* Checks every rule's example lines: "+" lines must match (and, for edit
 * rules, give the "=" line that follows), "-" lines must not.  Examples are
 * first passed through norm (if not NULL), as input lines would be.
 * Returns the number of failures reported through diag. */
int rules_check_examples(const rules *rs, rules_norm_fn norm, void *nctx,
    rules_diag_fn diag, void *ctx);

#endif
