/*
 * pool.c - parallel cleaning of whole documents; see pool.h.  One mutex
 * guards the slots between submitting and collecting; workers wait on one
 * condition variable for submitted slots, the caller on another for
 * finished ones, and each is signalled only when someone waits.  Documents
 * are often a few kilobytes, cleaned in less time than a thread takes to
 * wake, so the caller cleans documents too rather than wait (pool_help),
 * and when it does wait, it waits for half the slots to be done.
 */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum { S_FREE, S_TAKEN, S_READY, S_BUSY, S_DONE };

#define POOL_KEEP ((size_t)64 * 1024)	/* buffer bytes a free slot may keep */

typedef struct worker {
	pool *p;
	void *st;		/* the job's state */
	pthread_t t;
	int started;
} worker;

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pool_slot *slots;
	int nslots;
	/* Ring positions, increasing.  take_at is the caller's alone: slots
	 * before submit_at are all the workers ever look at, so taking and
	 * giving back need no lock. */
	size_t take_at, collect_at, work_at;
	/* Waking a thread is a system call and a context switch, which on
	 * small documents cost more than cleaning them: a condition is only
	 * signalled when somebody waits on it. */
	int idle;		/* workers waiting for work */
	int collecting;		/* the caller waits for finished slots */
	size_t submit_at;	/* slots submitted or skipped so far */
	worker *w;
	int nw;
	int quit;
	pool_job_fn job;
	pool_unmake_fn unmake;
};

/*
 * Whether the caller, waiting to collect, should wake: when the oldest
 * half of the slots handed in is done (or all of them are), so that it
 * writes and refills many at each wake-up instead of one.
 */
static int
worth_collecting(const pool *p)
{
	size_t in = p->submit_at - p->collect_at, want = (size_t)p->nslots / 2, k;

	if (want > in)
		want = in;
	for (k = 0; k < want; k++)
		if (p->slots[(p->collect_at + k) % (size_t)p->nslots].state != S_DONE)
			return 0;
	return in > 0 && p->collect_at < p->work_at;
}

/* Moves the workers' next slot past those the caller cleaned itself. */
static void
skip_done(pool *p)
{
	while (p->work_at < p->submit_at &&
	    p->slots[p->work_at % (size_t)p->nslots].state == S_DONE)
		p->work_at++;
}

const char *
pool_doc(const pool_slot *s, size_t *n)
{
	*n = s->text != NULL ? s->len : s->in.len;
	return s->text != NULL ? s->text : s->in.data ? s->in.data : "";
}

/* Marks s, cleaned, done; with the lock held. */
static void
finish(pool *p, pool_slot *s)
{
	s->state = S_DONE;
	skip_done(p);
	if (p->collecting && worth_collecting(p))
		pthread_cond_signal(&p->done);
}

static void *
work(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	pool_slot *s;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		/* The next slot in order: wait until it is submitted. */
		while (skip_done(p), !p->quit && p->work_at == p->submit_at) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->mu);
			p->idle--;
		}
		if (p->quit)
			break;
		s = &p->slots[p->work_at++ % (size_t)p->nslots];
		s->state = S_BUSY;
		pthread_mutex_unlock(&p->mu);
		s->failed = p->job(w->st, s) != 0;
		pthread_mutex_lock(&p->mu);
		finish(p, s);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
pool_help(pool *p, void *st)
{
	pool_slot *s = NULL;

	pthread_mutex_lock(&p->mu);
	skip_done(p);
	if (p->work_at < p->submit_at) {
		s = &p->slots[p->work_at++ % (size_t)p->nslots];
		s->state = S_BUSY;
	}
	pthread_mutex_unlock(&p->mu);
	if (s == NULL)
		return 0;
	s->failed = p->job(st, s) != 0;
	pthread_mutex_lock(&p->mu);
	finish(p, s);
	pthread_mutex_unlock(&p->mu);
	return 1;
}

pool *
pool_new(int nthreads, int nslots, pool_job_fn job, pool_make_fn make,
    pool_unmake_fn unmake, void *arg)
{
	pool *p = calloc(1, sizeof(*p));
	int i;

	if (p == NULL)
		return NULL;
	if (nslots < nthreads)
		nslots = nthreads;
	p->nslots = nslots;
	p->job = job;
	p->unmake = unmake;
	p->slots = calloc((size_t)nslots, sizeof(*p->slots));
	p->w = calloc((size_t)nthreads, sizeof(*p->w));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	if (p->slots == NULL || p->w == NULL) {
		pool_free(p);
		return NULL;
	}
	for (i = 0; i < nthreads; i++) {
		p->w[i].p = p;
		if ((p->w[i].st = make(arg)) == NULL)
			break;
		if (pthread_create(&p->w[i].t, NULL, work, &p->w[i]) != 0) {
			unmake(p->w[i].st);
			break;
		}
		p->w[i].started = 1;
		p->nw++;
	}
	if (p->nw < nthreads) {
		pool_free(p);
		return NULL;
	}
	return p;
}

void
pool_free(pool *p)
{
	int i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; p->w != NULL && i < p->nw; i++) {
		pthread_join(p->w[i].t, NULL);
		p->unmake(p->w[i].st);
	}
	for (i = 0; p->slots != NULL && i < p->nslots; i++) {
		buf_free(&p->slots[i].in);
		buf_free(&p->slots[i].out);
		buf_free(&p->slots[i].aux);
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p->slots);
	free(p->w);
	free(p);
}

pool_slot *
pool_take(pool *p)
{
	pool_slot *s;

	s = &p->slots[p->take_at++ % (size_t)p->nslots];
	s->state = S_TAKEN;
	buf_clear(&s->in);
	s->text = NULL;
	s->len = 0;
	s->hold = NULL;
	buf_clear(&s->out);
	s->failed = 0;
	return s;
}

void
pool_submit(pool *p, pool_slot *s)
{
	pthread_mutex_lock(&p->mu);
	s->state = S_READY;
	p->submit_at++;
	if (p->idle > 0)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

pool_slot *
pool_collect(pool *p, int wait)
{
	pool_slot *s = NULL;

	/* Most calls that would not wait find the oldest slot still being
	 * cleaned: they need not take the lock (a worker holds it once a
	 * document) to learn that.  collect_at and take_at are only ever
	 * changed on this thread. */
	if (!wait && (p->collect_at == p->take_at || atomic_load_explicit(
	    &p->slots[p->collect_at % (size_t)p->nslots].state, memory_order_acquire) != S_DONE))
		return NULL;
	pthread_mutex_lock(&p->mu);
	while (p->collect_at < p->take_at) {
		pool_slot *t = &p->slots[p->collect_at % (size_t)p->nslots];
		/* Not before the workers are past it: the caller may reuse it. */
		if (t->state == S_DONE && p->collect_at < p->work_at) {
			p->collect_at++;
			s = t;
			break;
		}
		if (!wait)
			break;
		p->collecting = 1;
		do
			pthread_cond_wait(&p->done, &p->mu);
		while (!worth_collecting(p) && (t->state != S_DONE || p->collect_at >= p->work_at));
		p->collecting = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return s;
}

void
pool_skip(pool *p, pool_slot *s)
{
	pthread_mutex_lock(&p->mu);
	p->submit_at++;
	finish(p, s);
	pthread_mutex_unlock(&p->mu);
}

/* A slot keeps its buffers for the next document, but not one a big
 * document grew: memory stays bounded however many slots there are. */
void
pool_drop_input(pool_slot *s)
{
	if (s->in.cap > POOL_KEEP)
		buf_free(&s->in);
	buf_clear(&s->in);
	s->text = NULL;
	s->len = 0;
}

void
pool_give(pool *p, pool_slot *s)
{
	(void)p;	/* the workers are past a collected slot */
	pool_drop_input(s);
	if (s->out.cap > POOL_KEEP)
		buf_free(&s->out);
	if (s->aux.cap > POOL_KEEP)
		buf_free(&s->aux);
	s->state = S_FREE;
}

int
pool_workers(const pool *p)
{
	return p->nw;
}

void *
pool_state(const pool *p, int i)
{
	return p->w[i].st;
}
