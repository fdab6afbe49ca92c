/*
 * plain.h - the quick look that lets most lines skip repair and
 * normalisation.
 *
 * A line is plain if every step before the rules would leave it as it is:
 * it is well-formed UTF-8 of printable ASCII other than "&", single spaces
 * between other characters, and two-byte characters from U+00A1 to U+02FF
 * that are neither quotes (U+00AB, U+00BB), a soft hyphen (U+00AD), the
 * "Ă" and "Ĺ" that start Windows-1250 mojibake nor a ligature that
 * normalisation splits ("ĳ", "ŉ", "ǉ", "ǌ", "ǳ"), and
 * it holds no "C3 xx" that could start mojibake (nor "Ã" before a space
 * or at the end, which may be "à" that lost its no-break space).  That is
 * what German and English prose mostly is, and one pass over sixteen
 * bytes at a time (SSE2; 32 with AVX2) tells, where the steps would take
 * one pass each.
 */
#ifndef UNBOIL_PLAIN_H
#define UNBOIL_PLAIN_H

#include <stddef.h>

/* The length of the longest prefix of p[0..n) made of plain characters,
 * where a space is plain unless it starts the line, ends it or is followed
 * by another space: n if the whole line is plain.  The prefix ends at a
 * character boundary and is well-formed UTF-8. */
size_t plain_prefix(const char *p, size_t n);

/* The same without the 32-byte blocks that plain_prefix takes where the
 * machine has AVX2: for tests, which check both. */
size_t plain_prefix_narrow(const char *p, size_t n);

#endif
