/*
 * layout.h - the structural layer: which of the lines the rules kept are
 * the article body.  This is the seam between the cleaner and the model:
 * the cleaner pushes every line of a document as it comes (blank,
 * dropped by a rule, or a candidate the rules kept), asks after each line
 * how many leading lines are decided, reads their verdicts and shifts them
 * out.  Another model replaces this one behind the same five calls.
 *
 * The model is a logistic regression over features of a line and of the
 * lines around it (LAYOUT_AHEAD candidates ahead at most, and running
 * counts of what came before), followed by a two-state smoother (body or
 * not) that decides each line by the best path through the next lag
 * lines (a Viterbi decoder with a fixed lag), so that the body's start and
 * end are decided as spans and a lone short line inside the body stays.
 * After a cut rule, a line stays only if the model is sure it is body
 * (model.h, cut_keep).  A run of body far shorter than a longer one before
 * it goes whole as an island (model.h, island), unless a long run follows
 * soon after it; its lines wait until that is known.  A document in which
 * no line comes out as body keeps every candidate (the safety valve), so
 * that a page of short lines or an article the model cannot read never
 * comes out empty.
 *
 * Memory: one record per line in the window, which the cleaner bounds;
 * lines decided as not body before the first body line wait in the window
 * for the valve until it fills, and the lines of runs that may be islands
 * until they are known or it fills.  Nothing here fails but allocation.
 */
#ifndef UNBOIL_LAYOUT_H
#define UNBOIL_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "layout/model.h"

#define LAYOUT_AHEAD 8	/* candidates ahead that features look at */

/* What a pushed line is. */
enum { LK_BLANK, LK_DROP, LK_CAND };
/* Flags of a candidate. */
enum { LF_EDITED = 1, LF_PROTECTED = 2, LF_AFTER_CUT = 4 };

typedef enum layout_verdict {
	LV_PENDING,
	LV_BODY,	/* kept: the model and the smoother agree */
	LV_SMOOTHED,	/* kept by the smoother, though the line alone is not */
	LV_PROTECTED,	/* kept: a keep rule protects it */
	LV_VALVE,	/* kept: the document has no body line */
	LV_BOILER,	/* dropped: the model and the smoother agree */
	LV_LONE,	/* dropped by the smoother, though the line alone is body */
	LV_CUT,		/* dropped: after a cut rule, and not sure to be body */
	LV_ISLAND	/* dropped: a short run of body after a much longer one */
} layout_verdict;

#define LAYOUT_KEPT(v) ((v) >= LV_BODY && (v) <= LV_VALVE)

typedef struct layout layout;

/* NULL if out of memory.  valve: apply the safety valve.  cap: the most
 * lines the caller's window holds. */
layout *layout_new(const model *m, int valve, size_t cap);
void layout_free(layout *l);
void layout_begin(layout *l);

/* Adds the next line of the document: kind LK_*, flags LF_* (candidates),
 * the text as the rules left it.  0, or -1 if out of memory. */
int layout_push(layout *l, unsigned kind, unsigned flags, const char *t, size_t n);
/* Whether the candidate pushed last reads as running text (what head and
 * cut rules count as body). */
int layout_last_prose(const layout *l);
/* Decides what it can.  final: the document ends here; force: the window
 * is full, decide every line.  Returns how many leading lines are
 * decided and may leave the window. */
size_t layout_decide(layout *l, int final, int force);
/* The verdict of line i of the window and, unless p is NULL, the model's
 * body probability (negative for lines the model did not judge); NULL
 * saves an exp() a line when nothing reports it. */
layout_verdict layout_verdict_of(const layout *l, size_t i, double *p);
/* The first n lines have left the window. */
void layout_shift(layout *l, size_t n);
/* A line was written past the layer (an over-long line): the document
 * has body, so the valve is not needed. */
void layout_note_body(layout *l);

/* Feature vectors of the candidates, as the model sees them, for training:
 * fn gets the window index of each candidate and its layout_nfeat()
 * features when they are computed. */
typedef void (*layout_feat_fn)(void *ctx, size_t i, const double *x, size_t nx);
void layout_set_dump(layout *l, layout_feat_fn fn, void *ctx);

/* The number of features; a feature's index by name, or -1 if unknown;
 * and the name of index i. */
size_t layout_nfeat(void);
int layout_feature(const char *name);
const char *layout_feature_name(size_t i);

#endif
