/*
 * aho.h - find which of many literals occur in a text, in one pass.
 *
 * An Aho-Corasick automaton, compiled to a table-driven DFA over byte
 * classes, so that the scan costs one table load per byte however many
 * literals there are.  The rule prefilter uses it to learn, per line,
 * which rules have one of their required literals in the line, instead of
 * searching for each literal of each rule in turn.
 *
 * Each literal carries a tag (the caller's number, a rule's index); a scan
 * sets the bit of every tag whose literal occurs.  With caseless, ASCII
 * letters in both the literals and the text are compared in lower case.
 * With anchored, a scan finds only the literals the text starts with.
 * An automaton is built once, then only read, so one serves every thread.
 */
#ifndef UNBOIL_AHO_H
#define UNBOIL_AHO_H

#include <stddef.h>
#include <stdint.h>

typedef struct aho aho;

enum {
	AHO_CASELESS = 1,	/* ASCII letters match either case */
	AHO_ANCHORED = 2,	/* literals only count at the start of the text */
	AHO_NARROW = 4		/* tests: sixteen bytes at a time even with AVX2 */
};

/* A new, empty automaton with flags (AHO_*); NULL if out of memory. */
aho *aho_new(int flags);
void aho_free(aho *a);

/* Adds the literal s[0..n), n > 0, with tag.  The literal is copied.
 * Returns 0, or -1 if out of memory. */
int aho_add(aho *a, const char *s, size_t n, uint32_t tag);

/* Compiles the literals added so far; after this, aho_add is refused.
 * Returns 0, or -1 if out of memory. */
int aho_build(aho *a);

/* The number of literals added, and the length of the longest. */
size_t aho_count(const aho *a);
size_t aho_maxlen(const aho *a);

/* Sets bit tag of tags (an array of 64-bit words, large enough for the
 * largest tag) for every literal that occurs in s[0..n).  Bits already set
 * stay set.  aho_build must have succeeded. */
void aho_scan(const aho *a, const char *s, size_t n, uint64_t *tags);

#endif
