/*
 * clean.h - the cleaner: bytes of one document in, cleaned text out.
 *
 * A cleaner takes a document's bytes in pieces of any size, splits them
 * into lines, repairs, normalises and judges each line by the rule set, and
 * appends what survives to a caller-owned buffer.  It holds no more than the
 * current line (up to the line cap), so memory does not grow with the
 * document.  It never prints: every decision is passed to an optional event
 * callback, which the command line uses for --explain and statistics.
 *
 * One cleaner serves one thread; the rule set may be shared.  Life cycle:
 * cleaner_new, then for each document cleaner_begin, cleaner_feed any
 * number of times, cleaner_end; finally cleaner_free.
 *
 * Bad input: invalid UTF-8 is repaired (see utf8.h) and counted; CR LF and
 * lone CR end lines as LF does; a line longer than the cap is written
 * through without normalisation or rules (its invalid bytes still
 * repaired, its NUL bytes removed), reported by an event and counted.
 */
#ifndef UNBOIL_CLEAN_H
#define UNBOIL_CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "layout/model.h"
#include "rules/rules.h"

#define CLEAN_MAX_LINE_DEFAULT ((size_t)1 << 20)
/* A document of at least this many bytes that keeps less than a fifth of
 * them, or loses half of them after a cut rule, gets an EV_LOSS: no single
 * web page's text is this long, so it is most likely many articles read
 * as one, all but the first cut after the first footer. */
#define CLEAN_LOSS_MIN ((uint64_t)128 << 10)

typedef struct clean_opts {
	unsigned norm;		/* NORM_* flags */
	size_t max_line;	/* line cap in bytes; 0 for the default */
	int text;		/* write the cleaned text (off for --explain) */
	int layout;		/* run the structural layer (layout.h) */
	const model *model;	/* its model; needed with layout */
	int valve;		/* apply its safety valve */
	int features;		/* pass every candidate's feature vector to
				   the event callback (EV_FEATURES) */
	unsigned repair;	/* REPAIR_* flags (repair.h) */
} clean_opts;

typedef enum clean_ev {
	EV_KEEP,	/* line kept unchanged (rule: a protecting keep rule) */
	EV_EDIT,	/* line kept, edited by a rule */
	EV_DROP,	/* line dropped by a rule */
	EV_CUT,		/* line dropped by a cut rule or after one */
	EV_BLANK,	/* blank line (kept as a separator, or folded away) */
	EV_LONG,	/* line over the cap, written through as it is */
	EV_LIMIT,	/* a rule hit a match limit; the line is judged without it */
	EV_VALVE,	/* the document has no prose: the valve keeps it (once) */
	EV_EMPTY,	/* the document had text and comes out empty (line: 0) */
	EV_FEATURES,	/* a candidate's feature vector (x, nx), for training */
	EV_LOSS		/* a large document lost most of its bytes (in, out;
			   rule: the first cut rule, line: its line, or NULL
			   and 0 where no cut rule fired) */
} clean_ev;

typedef struct clean_event {
	clean_ev kind;
	uint64_t doc, line;	/* 1-based */
	const char *rule;	/* id of the deciding rule, or NULL */
	const char *text;	/* the line as judged or as written */
	size_t len;
	const char *before;	/* a line a rule edited (EV_EDIT, or EV_DROP or
				   EV_CUT by the structural layer): the line
				   before the edit; else NULL */
	size_t before_len;
	double p;		/* the structural model's body probability
				   of a line it judged, else negative */
	const double *x;	/* EV_FEATURES: the vector */
	size_t nx;
	uint64_t in, out, cut;	/* EV_LOSS: the document's bytes in and out,
				   and those dropped after its cut */
} clean_event;

typedef void (*clean_event_fn)(void *ctx, const clean_event *ev);

typedef struct clean_stats {
	uint64_t docs, lines_in, lines_out, bytes_in, bytes_out;
	uint64_t dropped, edited, repaired_lines, long_lines, limit_hits;
	uint64_t layer[9];		/* lines per layout_verdict */
	uint64_t valve_lines;		/* kept by the safety valve */
	uint64_t kept_after_cut;	/* kept by the model after a cut rule */
	uint64_t after_cut;		/* lines dropped after a cut rule */
	uint64_t docs_valve;		/* documents the valve kept */
	uint64_t docs_empty;		/* documents with text that came out empty */
	uint64_t docs_lossy;		/* large documents that lost most bytes */
	uint64_t nul_lines;		/* lines NUL bytes were removed from */
	uint64_t fffd;			/* bytes Windows-1252 leaves undefined */
	uint64_t mojibake_lines;	/* lines with mojibake repaired */
	uint64_t entity_lines;		/* lines with HTML entities decoded */
} clean_stats;

typedef struct cleaner cleaner;

/* NULL if out of memory. */
cleaner *cleaner_new(const rules *rs, const clean_opts *o);
void cleaner_free(cleaner *c);
/* Events go to fn (NULL: none).  EV_LONG, EV_LIMIT, EV_VALVE, EV_EMPTY
 * EV_LOSS and (with the features option) EV_FEATURES always do; the events of every line (EV_KEEP, EV_EDIT, EV_DROP, EV_CUT,
 * EV_BLANK) only with lines set, as keeping their text until the document
 * is judged costs a copy of every line. */
void cleaner_set_events(cleaner *c, clean_event_fn fn, void *ctx, int lines);

void cleaner_begin(cleaner *c, uint64_t doc);
/* Consumes all of p[0..n) and appends output to out.  0, or -1 if out of
 * memory. */
int cleaner_feed(cleaner *c, const char *p, size_t n, buf *out);
/* Finishes the document (an unterminated last line counts as a line). */
int cleaner_end(cleaner *c, buf *out);

const clean_stats *cleaner_stats(const cleaner *c);
/* Adds every counter of src to dst. */
void clean_stats_add(clean_stats *dst, const clean_stats *src);
const rules_matcher *cleaner_matcher(const cleaner *c);

#endif
