/*
 * prose.h - line features that tell article prose from page furniture.
 *
 * A line's words are its space-separated tokens with at least one letter
 * or digit.  Stop words are the commonest function words (articles,
 * pronouns, prepositions, auxiliaries) of German and English and of some
 * twenty other languages that put spaces between words: prose is dense
 * with them, menus, headlines and tag lists are not.  A line ends a
 * sentence if its last character, after closing quotes and brackets, is
 * . ! ? or an ellipsis, or the sentence end of another script (danda,
 * ideographic full stop, Arabic question mark); German "..." and >>...<<
 * quotations are ASCII quotes by the time a line gets here, so they count
 * too.
 */
#ifndef UNBOIL_PROSE_H
#define UNBOIL_PROSE_H

#include <stddef.h>

typedef struct prose_feat {
	unsigned words;		/* tokens with a letter or digit */
	unsigned stops;		/* of which stop words */
	int terminal;		/* ends a sentence */
	int question;		/* ends in a question mark */
	int bullet;		/* starts with a list marker */
	int digits;		/* has a digit */
	int inner_punct;	/* has ", " or ": " inside, or ends in ":" */
	/* The rest only from prose_measure(): */
	unsigned chars;		/* characters (code points) */
	unsigned letters;	/* bytes of letters (a non-ASCII letter
				   counts each of its bytes) */
	unsigned upper;		/* words that start with a capital */
	unsigned lower;		/* words that start with a small letter */
	unsigned shorts;	/* words of at most three characters */
	unsigned digitc;	/* ASCII digits */
	unsigned punct;		/* ASCII punctuation */
	unsigned commas;
	unsigned seps;		/* | and the bullets, guillemets and middle
				   dots that menus and bylines string
				   together */
	int colon_end;		/* ends in ":" */
	int web;		/* holds @, http or www. */
	int copyright;		/* holds (c) or the copyright sign */
	unsigned cues;		/* words web-page furniture is made of */
	unsigned yous;		/* words that address the reader */
} prose_feat;

/* The words, stops and the flags above the line in the struct; the
 * counts below it stay 0. */
void prose_features(const char *s, size_t n, prose_feat *f);
/* Every field, for the structural model (layout.h). */
void prose_measure(const char *s, size_t n, prose_feat *f);

enum { PROSE_LINK, PROSE_CONTENT, PROSE_BODY };

/* PROSE_BODY if prose_is_body() holds for the line's features, else
 * PROSE_CONTENT if prose_is_content() does, else PROSE_LINK; the same as
 * computing them with prose_features(), but it stops reading words as soon
 * as the line is sure to be running text. */
int prose_kind(const char *s, size_t n);

/* Non-zero if w[0..n), well-formed UTF-8, is a stop word, in any ASCII
 * case (and of the other capitals, those of Latin-1, Greek Α to Ο and
 * Cyrillic А to П). */
int prose_is_stop(const char *w, size_t n);

/* Non-zero if the line reads as running text of an article body. */
int prose_is_body(const prose_feat *f);

/* Non-zero if a short line looks like content rather than a link: a list
 * item, a line with figures, a "key: value" line, an enumeration, or a
 * sentence that is not a question.  Menus and headlines of other articles
 * ("Kicker: Title", "Was steckt dahinter?") have none of these. */
int prose_is_content(const prose_feat *f);

#endif
