/*
 * pool.c - parallel cleaning of whole documents; see pool.h.  One mutex
 * guards the slot states; workers wait on one condition variable for
 * submitted slots, the caller on another for finished ones.
 */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "jsonl.h"

enum { S_FREE, S_TAKEN, S_READY, S_BUSY, S_DONE };

typedef struct worker {
	pool *p;
	cleaner *c;
	jsonl *j;		/* JSON Lines, or NULL */
	pthread_t t;
	int started;
} worker;

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pool_slot *slots;
	int nslots;
	size_t take_at, collect_at, work_at;	/* ring positions, increasing */
	worker *w;
	int nw;
	int quit;
	clean_event_fn fn;
	int text;		/* clean_opts.text: write the records */
};

static void *
work(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	pool_slot *s;
	int rc;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		/* The next slot in order: wait until it is submitted. */
		while (!p->quit && (p->work_at == p->take_at ||
		    p->slots[p->work_at % (size_t)p->nslots].state != S_READY))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		s = &p->slots[p->work_at++ % (size_t)p->nslots];
		s->state = S_BUSY;
		pthread_mutex_unlock(&p->mu);
		cleaner_set_events(w->c, p->fn, s->ctx);
		if (w->j != NULL) {
			const char *why;
			rc = jsonl_clean(w->j, w->c, s->doc, s->in.data ? s->in.data : "",
			    s->in.len, p->text ? &s->out : NULL, &why);
			s->status = rc;
			if (rc == JSONL_BAD || rc == JSONL_NOFIELD)
				snprintf(s->why, sizeof(s->why), "%s", why);
			rc = rc < 0 ? -1 : 0;
		} else {
			cleaner_begin(w->c, s->doc);
			rc = cleaner_feed(w->c, s->in.data ? s->in.data : "", s->in.len, &s->out);
			if (rc == 0)
				rc = cleaner_end(w->c, &s->out);
		}
		s->failed = rc != 0;
		pthread_mutex_lock(&p->mu);
		s->state = S_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

pool *
pool_new(const rules *rs, const clean_opts *o, int nthreads, int nslots,
    clean_event_fn fn, const char *field)
{
	pool *p = calloc(1, sizeof(*p));
	int i;

	if (p == NULL)
		return NULL;
	if (nslots < nthreads)
		nslots = nthreads;
	p->nslots = nslots;
	p->fn = fn;
	p->text = o->text;
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
		if ((p->w[i].c = cleaner_new(rs, o)) == NULL)
			break;
		if ((field != NULL && (p->w[i].j = jsonl_new(field)) == NULL) ||
		    pthread_create(&p->w[i].t, NULL, work, &p->w[i]) != 0) {
			cleaner_free(p->w[i].c);
			jsonl_free(p->w[i].j);
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
		cleaner_free(p->w[i].c);
		jsonl_free(p->w[i].j);
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

int
pool_full(const pool *p)
{
	return p->take_at - p->collect_at == (size_t)p->nslots;
}

pool_slot *
pool_take(pool *p)
{
	pool_slot *s;

	pthread_mutex_lock(&p->mu);
	s = &p->slots[p->take_at++ % (size_t)p->nslots];
	s->state = S_TAKEN;
	pthread_mutex_unlock(&p->mu);
	buf_clear(&s->in);
	buf_clear(&s->out);
	s->failed = 0;
	return s;
}

void
pool_submit(pool *p, pool_slot *s)
{
	pthread_mutex_lock(&p->mu);
	s->state = S_READY;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

pool_slot *
pool_collect(pool *p, int wait)
{
	pool_slot *s = NULL;

	pthread_mutex_lock(&p->mu);
	while (p->collect_at < p->take_at) {
		pool_slot *t = &p->slots[p->collect_at % (size_t)p->nslots];
		if (t->state == S_DONE) {
			p->collect_at++;
			s = t;
			break;
		}
		if (!wait)
			break;
		pthread_cond_wait(&p->done, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return s;
}

void
pool_skip(pool *p, pool_slot *s)
{
	pthread_mutex_lock(&p->mu);
	s->state = S_DONE;
	/* The workers' next slot moves past it here, not when one of them
	 * wakes: by then the slot may be in use again, a lap later. */
	if (p->work_at < p->take_at && &p->slots[p->work_at % (size_t)p->nslots] == s)
		p->work_at++;
	pthread_cond_broadcast(&p->work);
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
}

void
pool_give(pool *p, pool_slot *s)
{
	pthread_mutex_lock(&p->mu);
	s->state = S_FREE;
	pthread_mutex_unlock(&p->mu);
}

void
pool_stats(const pool *p, clean_stats *sum, uint64_t *hits, size_t nrules)
{
	int i;
	size_t k;

	for (i = 0; i < p->nw; i++) {
		clean_stats_add(sum, cleaner_stats(p->w[i].c));
		for (k = 0; k < nrules; k++)
			hits[k] += rules_matcher_hits(cleaner_matcher(p->w[i].c), k);
	}
}
