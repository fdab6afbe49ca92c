/*
 * pool.h - documents cleaned in parallel, handed back in input order.
 *
 * The caller takes a free slot (pool_take, in input order), fills its input
 * with one whole document and submits it; worker threads, each with its own
 * cleaner, clean submitted slots, and so may the caller itself instead of
 * waiting (pool_help); the caller collects finished slots in the
 * order it took them (pool_collect), writes their output and gives them
 * back (pool_give).  At most nslots documents are in flight, so memory is
 * bounded by nslots times the largest document the caller puts in a slot.
 * The pool never prints: events go to the callback given to pool_new, with
 * the slot's ctx, from the worker threads.
 */
#ifndef UNBOIL_POOL_H
#define UNBOIL_POOL_H

#include <stdint.h>

#include "buf.h"
#include "clean.h"
#include "formats/jsonl.h"

typedef struct pool pool;

typedef struct pool_slot {
	buf in;			/* the document, filled by the caller */
	/* or, if text is not NULL, the document is text[0..len), bytes the
	 * caller keeps as they are until it collects the slot */
	const char *text;
	size_t len;
	void *hold;		/* the caller's: what holds those bytes */
	buf out;		/* the cleaned text, filled by a worker */
	buf aux;		/* more output of the event callback's, if any */
	uint64_t doc;		/* document number */
	void *ctx;		/* passed to the event callback */
	int failed;		/* out of memory while cleaning */
	int status;		/* JSON Lines: a jsonl_status */
	char why[160];		/* and for a bad record, what is wrong */
	/* the rest is the pool's */
	_Atomic int state;	/* written under the pool's lock */
} pool_slot;

/* nthreads workers sharing rs, nslots slots (at least nthreads); lines
 * is passed to cleaner_set_events() for each worker's cleaner.  With a
 * field (not NULL), a slot holds one JSON Lines record whose field is
 * cleaned (jsonl.h); a bad record leaves the output empty and says why.
 * NULL if out of memory or threads cannot be made. */
pool *pool_new(const rules *rs, const clean_opts *o, int nthreads, int nslots,
    clean_event_fn fn, int lines, const char *field);
/* Joins the workers and frees everything; all slots must be given back. */
void pool_free(pool *p);

/* The next slot in input order, which must have been given back: the
 * caller collects and gives back the oldest first when all are out. */
pool_slot *pool_take(pool *p);
void pool_submit(pool *p, pool_slot *s);
/* The oldest slot taken, once its document is clean; NULL if no slot is
 * in flight.  With wait 0, NULL also if the oldest is not done yet. */
pool_slot *pool_collect(pool *p, int wait);
void pool_give(pool *p, pool_slot *s);
/* Cleans the oldest submitted slot no worker has begun on the calling
 * thread, with its cleaner c (and j for JSON Lines; c's event callback is
 * left set to the slot's), so that the caller works instead of waiting.
 * Returns 1, or 0 if there was no such slot. */
int pool_help(pool *p, cleaner *c, jsonl *j);
/* A slot's document, in text or in in, and its length in *n. */
const char *pool_doc(const pool_slot *s, size_t *n);
/* Marks a taken slot done without cleaning it (the caller cleaned that
 * document itself); it is collected in its turn with empty output.  Every
 * slot taken before it must have been collected. */
void pool_skip(pool *p, pool_slot *s);

/* Sums of all workers' statistics and rule hits (hits has one entry per
 * rule, added to). */
void pool_stats(const pool *p, clean_stats *sum, uint64_t *hits, size_t nrules);

#endif
