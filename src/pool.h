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
 *
 * The pool knows nothing of what a document is or how it is cleaned: the
 * job given to pool_new does that, with a state of its own per worker
 * (a cleaner, a record parser), on the worker threads or on the caller's.
 * It never prints.
 */
#ifndef UNBOIL_POOL_H
#define UNBOIL_POOL_H

#include <stdint.h>

#include "buf.h"

typedef struct pool pool;

typedef struct pool_slot {
	buf in;			/* the document, filled by the caller */
	/* or, if text is not NULL, the document is text[0..len), bytes the
	 * caller keeps as they are until it collects the slot */
	const char *text;
	size_t len;
	void *hold;		/* the caller's: what holds those bytes */
	buf out;		/* the cleaned text, filled by a worker */
	buf aux;		/* a second output of the job's, if any */
	uint64_t doc;		/* document number */
	void *ctx;		/* the caller's, for the job */
	int failed;		/* the job ran out of memory */
	int status;		/* what the job says of the document, in the
				   job's own terms */
	char why[160];		/* and, where that is trouble, what */
	/* the rest is the pool's */
	_Atomic int state;	/* written under the pool's lock */
} pool_slot;

/* A job: cleans slot s's document with a worker's state st, filling its
 * out (and aux, status, why as it likes).  0, or -1 if out of memory. */
typedef int (*pool_job_fn)(void *st, pool_slot *s);
/* Makes one worker's state from arg (NULL if out of memory); and frees
 * one. */
typedef void *(*pool_make_fn)(void *arg);
typedef void (*pool_unmake_fn)(void *st);

/* nthreads workers, each with a state make(arg) makes, running job on
 * nslots slots (at least nthreads).  NULL if out of memory or threads
 * cannot be made. */
pool *pool_new(int nthreads, int nslots, pool_job_fn job, pool_make_fn make,
    pool_unmake_fn unmake, void *arg);
/* Joins the workers, frees their states and everything else; slots still
 * in flight are dropped. */
void pool_free(pool *p);

/* The next slot in input order, which must have been given back: the
 * caller collects and gives back the oldest first when all are out. */
pool_slot *pool_take(pool *p);
void pool_submit(pool *p, pool_slot *s);
/* The oldest slot taken, once its document is clean; NULL if no slot is
 * in flight.  With wait 0, NULL also if the oldest is not done yet. */
pool_slot *pool_collect(pool *p, int wait);
void pool_give(pool *p, pool_slot *s);
/* Done with a collected slot's document, though not yet with its output:
 * a big input buffer goes now (as pool_give would), so that a slot whose
 * output waits to be written does not hold its input meanwhile. */
void pool_drop_input(pool_slot *s);
/* Runs the job on the oldest submitted slot no worker has begun, on the
 * calling thread with its own state st, so that the caller works instead
 * of waiting.  Returns 1, or 0 if there was no such slot. */
int pool_help(pool *p, void *st);
/* A slot's document, in text or in in, and its length in *n. */
const char *pool_doc(const pool_slot *s, size_t *n);
/* Marks a taken slot done without cleaning it (the caller cleaned that
 * document itself); it is collected in its turn with empty output.  Every
 * slot taken before it must have been collected. */
void pool_skip(pool *p, pool_slot *s);

/* The number of workers, and worker i's state (for its statistics, once
 * every slot is collected). */
int pool_workers(const pool *p);
void *pool_state(const pool *p, int i);

#endif
