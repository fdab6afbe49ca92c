/*
 * prefilter.h - which rules can match a line, told before any regex runs;
 * internal to src/rules.
 *
 * Most rules match few lines, and most of a pattern's cost is in finding
 * out that it does not match.  What a pattern requires (literals, first
 * and last bytes, a length, bytes it cannot hold) is learnt once per rule;
 * per line, one pass of two automata and a few mask operations leave the
 * rules worth running, and a cheap look at the line clears or rules out
 * each of them before PCRE2 runs.  The prefilter only ever rules out a
 * rule that cannot match: where it cannot tell, the rule is a candidate.
 * rules_set_prefilter (rules.h) turns it off, for tests.
 */
#ifndef UNBOIL_PREFILTER_H
#define UNBOIL_PREFILTER_H

#include <stddef.h>

#include "rules/rules_impl.h"

/* Learns from r's compiled pattern (r->re, r->flags) and its text
 * pat[0..plen) what every line it matches must be like, and sets r's
 * prefilter fields (see struct rule).  r owns what it gets, freed by
 * literal_free in rule_clear.  Returns 0, or -1 if out of memory. */
int prefilter_study(rule *r, const char *pat, size_t plen);

/* Puts the literals of every rule in rs into the automata and makes the
 * rule masks, after freeing those of an earlier build; what cannot be
 * built (an automaton too large) is left out, and its rules are then
 * always candidates.  Called once loading is done, before any matcher
 * runs; rs must not be in use.  Returns 0, or -1 if out of memory; rs
 * may then be built again or freed. */
int prefilter_build(rules *rs);

/* Frees what prefilter_build made, leaving rs's rules alone, and sets
 * the pointers to NULL, so that a second call does nothing. */
void prefilter_free(rules *rs);

/* Sets m->cand to the rules worth running on the line s[0..n) (all, if
 * the prefilter is off).  The scan for literals is kept for the text
 * s[0..n) and not redone for it; the caller sets m->scanned_of to NULL
 * for a new line, which may be at the same address. */
void prefilter_candidates(rules_matcher *m, const char *s, size_t n);

/* The first rule in m->cand at index from or after it, or the number of
 * rules if there is none. */
size_t prefilter_next(const rules_matcher *m, size_t from);

/* After an edit turned the line old[0..oldn), the one last scanned, into
 * s[0..n): updates the literals found for s, looking again only where
 * the two differ; if old was not the text last scanned, only forgets the
 * scan.  The next prefilter_candidates on s then costs no full scan. */
void prefilter_rescan(rules_matcher *m, const char *old, size_t oldn, const char *s,
    size_t n);

/* Can s[0..n) be a line that r's pattern matches, as far as r's span
 * (struct rule) tells?  0 means it cannot; 1 only that PCRE2 must say.
 * The line's character count is kept in m for the text s[0..n); the
 * caller sets m->chars_of to NULL when a text at the same address
 * changed. */
int prefilter_span_fits(rules_matcher *m, const rule *r, const char *s, size_t n);

#endif
