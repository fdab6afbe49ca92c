/*
 * body.h - the structural layer: where is the article body?
 *
 * Works on the lines the rules kept, each marked prose or not (prose.h).
 * Prose lines are body.  A run of other lines is judged by where it stands:
 *   - before the first prose line (the head): dropped, except the last
 *     BODY_HEADINGS lines, which are the headline and its kicker;
 *   - between prose lines: kept if it is at most max_gap lines long (a
 *     subheading, a short list, a quote); a longer run is a menu or a list
 *     of other articles and is dropped, except its content-like lines
 *     (prose.h: list items, figures, key-value lines, short sentences) and
 *     its last lines, which head the prose after them;
 *   - after the last prose line (the tail): dropped.
 * Safety valve: a document with no prose line at all keeps every line the
 * rules kept, so that a page of short lines never comes out empty.
 */
#ifndef UNBOIL_BODY_H
#define UNBOIL_BODY_H

#include <stddef.h>

#define BODY_HEADINGS 2
#define BODY_MAX_GAP 2

/* Classes of candidate lines (prose_class()). */
enum { BODY_LINK, BODY_CONTENT, BODY_PROSE };

typedef enum body_verdict {
	BODY_KEEP,	/* body */
	BODY_HEAD,	/* dropped: before the body */
	BODY_GAP,	/* dropped: a long run of furniture inside the body */
	BODY_TAIL,	/* dropped: after the body */
	BODY_VALVE,	/* kept by the safety valve */
	BODY_PENDING	/* needs lines that have not come yet */
} body_verdict;

/*
 * Judges candidate lines 0..n-1 of classes cls[] (BODY_LINK, _CONTENT,
 * _PROSE) into verdict[].  started: a prose line came before line 0 in this document.
 * final: no line follows.  force: the window is full, decide all that can
 * be decided.  valve: apply the safety valve (otherwise a document without
 * prose is all head).  Returns how many leading lines are decided; the rest are
 * BODY_PENDING and must be judged again with more lines.
 */
size_t body_decide(const unsigned char *cls, size_t n, int started,
    int final, int force, int valve, unsigned char *verdict);

#endif
