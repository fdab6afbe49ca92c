/*
 * literal.h - required literals of a regular expression, for a cheap
 * prefilter: if none of a pattern's literals occurs in a line, the pattern
 * cannot match it and PCRE2 need not run.
 *
 * The analysis is conservative: it understands the common constructs
 * (literal characters and escapes, classes, groups, alternation,
 * quantifiers, assertions, case options) and gives up, saying "no
 * literal", on anything else (other inline options, \Q...\E, extended
 * mode).  A literal set is only returned when every way the pattern can
 * match contains one of the literals.  It takes every match to run
 * through the whole pattern, which a backtracking verb can prevent:
 * no pattern with a "(*" item is passed to these functions (see
 * prefilter_study).
 */
#ifndef UNBOIL_LITERAL_H
#define UNBOIL_LITERAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct literal_set {
	char **v;	/* the literals, NUL-terminated (lower case if caseless) */
	size_t *len;	/* their lengths */
	size_t n;	/* 0: no prefilter possible */
} literal_set;

/* Finds the required literals of pat[0..n).  With caseless, ASCII letters
 * are in lower case, and a Latin letter beyond ASCII that has one other
 * case stands for both (a string with "\xC3\xBC" comes with its "\xC3\x9C"
 * twin).  Returns 0, or -1 if out of memory. */
int literal_extract(const char *pat, size_t n, int caseless, literal_set *out);
void literal_free(literal_set *s);

/* For a pattern that is a few plain strings and nothing else (text,
 * alternatives, small classes; no anchor, assertion or optional part:
 * "«|»", "&(?:quot|amp);", "x[yz]"), sets out to those strings, as
 * written (no case folding); out->n is 0 otherwise.  Returns 0, or -1 if
 * out of memory. */
int literal_exact(const char *pat, size_t n, literal_set *out);

/* For a pattern that ends in "$" after a character, escape or simple class
 * that must match once at least ("[ \t]+$", "\.$"), sets in map the bytes
 * a line it matches can end with, and returns 1; otherwise returns 0.
 * Lines never end in a newline, so "$" means the end of the line. */
int literal_last(const char *pat, size_t n, int caseless, uint8_t map[32]);

#define LITERAL_UNBOUNDED ((size_t)-1)

/* What the lines a pattern matches are like. */
typedef struct literal_shape {
	int whole;		/* it can only match a whole line: every way
				   through it passes "^" and "$" */
	size_t max;		/* whole: characters at most (LITERAL_UNBOUNDED) */
	uint8_t ascii[16];	/* whole: the ASCII characters they can hold,
				   bit c & 7 of ascii[c >> 3]; else all */
	unsigned char need;	/* an ASCII punctuation character each of
				   them holds, uncommon ones first */
	size_t times;		/* at least this many times (0: none known) */
	size_t lead;		/* anchored at the start: they start with at
				   least this many characters that are not
				   ASCII white space; else 0 */
} literal_shape;

/*
 * Fills in *out for pat and returns 1, or returns 0 when the pattern is
 * not understood.  A line longer than out->max, with any ASCII character
 * not in out->ascii ("^(?:Foto|Bild): [^,]{1,40}$" holds no comma), with
 * fewer than out->times of out->need ("^(?:\\w+\\. ){4}$": four full
 * stops), or with white space in its first out->lead bytes
 * ("^(?=(?:\\S*\\p{Lu}){3})": three) cannot match.
 */
int literal_span(const char *pat, size_t n, int caseless, literal_shape *out);

/* Is byte c in most lines of text (space, '.', ',', ASCII letters and
 * digits)?  As a rule's only clue it would filter next to nothing, and
 * aho.c's skip scan would stop at nearly every byte for it. */
int literal_common_byte(unsigned c);

/* For a pattern anchored at the start, sets in map the bytes a line it
 * matches can start with, and returns 1; returns 0 when that is not known
 * or could be any byte (a pattern that can match the empty string). */
int literal_first(const char *pat, size_t n, int caseless, uint8_t map[32]);

/* For a pattern anchored at the start, finds strings one of which every
 * match starts with ("^(?:Foto|Bild)s?:" gives "Foto" and "Bild"; with
 * caseless, in the cases literal_extract gives), none of them the start
 * of another.  out->n is 0 when that is not known, or a match may start
 * with anything or just one byte.  Returns 0, or -1 if out of memory. */
int literal_prefix(const char *pat, size_t n, int caseless, literal_set *out);

#endif
