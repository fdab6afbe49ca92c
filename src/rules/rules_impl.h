/*
 * rules_impl.h - the structures that rules.c (loading and compiling),
 * prefilter.c (which rules can match a line) and apply.c (applying them)
 * share; for src/rules only, everything else uses rules.h.
 *
 * rules.c fills a rule set and each rule's pattern, examples and plain
 * edit; prefilter.c adds what each rule tells of the lines it can match
 * (prefilter_study) and the automata and masks over all rules
 * (prefilter_build).  From then on a rule set is only read, by the
 * matchers of every thread, but for a rule's JIT state (jit_ready in
 * apply.c).  A matcher belongs to one thread.
 */
#ifndef UNBOIL_RULES_IMPL_H
#define UNBOIL_RULES_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rules/aho.h"
#include "rules/literal.h"
#include "rules/rules.h"

#define PLAIN_MAX 16	/* strings of a plain edit rule */

/* RULE_CASELESS: the rule's /i flag.  RULE_FOLDS: the prefilter must
 * compare without regard to case, because of /i or because the pattern
 * turns caseless matching on itself ("(?i)", "(?i:...)").  RULE_ESCAPES:
 * the replacement holds escapes, and the check at load cannot see those
 * in a branch of "${n:+...:...}" it did not take: its edits are looked
 * at for NUL bytes.  RULE_OPAQUE: the prefilter can tell nothing of the
 * pattern (see prefilter_study), which PCRE2 runs on every line. */
enum { RULE_CASELESS = 1, RULE_FOLDS = 2, RULE_ESCAPES = 4, RULE_OPAQUE = 8 };

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
	 * prefilter is in force.  (deny_any and EXOTIC are in prefilter.c.) */
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

#endif
