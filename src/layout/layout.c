/*
 * layout.c - the structural layer; see layout.h for the contract and
 * unboil-model(5) for what each feature measures.  Pure arithmetic over
 * the window's records: nothing fails after layout_new.
 */
#include "layout/layout.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "layout/prose.h"
#include "swar.h"

/*
 * The features, in the order of the vector.  A line's own: length, words
 * and their kinds, punctuation, the flags of prose.h, the rules' verdict.
 * Its place: body lines before it, distances to the nearest prose line and
 * rule-dropped line on either side, the run of short lines it stands in,
 * repetition in the document, prose density around it.  Its neighbours:
 * the two candidates before and after it.
 */
#define FEATURES(X) \
	X(bias) X(len) X(words) X(stop_ratio) X(short_ratio) X(lower_ratio) \
	X(upper_ratio) X(digit_ratio) X(punct_ratio) X(word_len) X(terminal) \
	X(question) X(colon_end) X(bullet) X(inner_punct) X(commas) \
	X(separators) X(copyright) X(web) X(prose) X(content) X(edited) \
	X(protected) X(prose_before) X(cand_before) X(position) \
	X(prose_prev_dist) X(no_prose_prev) X(prose_next_dist) X(no_prose_next) \
	X(drop_prev_dist) X(no_drop_prev) X(drop_next_dist) X(no_drop_next) \
	X(short_run) X(dup_before) X(dup_after) X(prose_ahead) X(prose_behind) \
	X(prev_drop) X(next_drop) \
	X(p1_len) X(p1_prose) X(p1_terminal) X(p1_stop_ratio) X(p1_upper_ratio) \
	X(p2_len) X(p2_prose) X(p2_terminal) \
	X(n1_len) X(n1_prose) X(n1_terminal) X(n1_stop_ratio) X(n1_upper_ratio) \
	X(n2_len) X(n2_prose) X(n2_terminal) \
	X(len_x_stop) X(len_x_terminal) X(near_len) X(end_near) \
	X(prose_run) X(best_run) X(since_best) X(drops_behind) \
	X(cue_ratio) X(has_cue) X(you_ratio) X(n1_cue) X(p1_cue)

#define ENUM(n) F_##n,
#define NAME(n) #n,
enum { FEATURES(ENUM) NF };
static const char *const names[] = { FEATURES(NAME) };

#define DIST_CAP 64	/* distances past this many lines count as this */
/* Counts of lines before a line past this many count as this: the model
 * learnt their weights on pages of some hundred lines, and a count ten
 * times past those must not drive its verdict further one way (uniform
 * prose thousands of lines long otherwise fell below p 0.5 by line 240). */
#define COUNT_CAP 128
/* The island gate measures runs of body only against a run with at least
 * this many characters of prose: a few short lines are no article yet. */
#define ISLAND_FLOOR 1000
/* Short runs with a long run starting within this many dropped candidates
 * after them are inside the article (a paragraph between two pictures). */
#define ISLAND_NEAR 8
#define SEEN_SLOTS 4096	/* line hashes remembered per document */
#define SEEN_PROBES 8

/* What the features of a line need of its neighbours. */
typedef struct near {
	float len, prose, terminal, stop, upper, cue;
} near;

/* What ahead() reads of the lines after a candidate comes first: kind,
 * prose, nb, hash and me share the record's first cache line. */
typedef struct rec {
	unsigned char kind, flags, verdict, prose, content, state;
	unsigned char dup_before, blank_before, prev_drop;
	unsigned char bp[2];	/* best previous state, per state */
	uint32_t hash;
	uint32_t nb;		/* non-blank lines before it in the document */
	near me;		/* its own, for the candidates around it */
	prose_feat f;
	uint32_t prose_before, cand_before, run_before, behind;
	uint32_t prose_prev, drop_prev;	/* lines back to the last prose or
					   dropped line; 0: none */
	uint32_t run_prose;	/* prose candidates right before it */
	uint32_t best, since_best;	/* the longest run of prose before it,
					   and candidates since that run */
	uint32_t drops;		/* rule-dropped among the 16 lines before */
	near p1, p2;		/* of the two candidates before it */
	double z, d[2];		/* the body log-odds, the Viterbi scores */
} rec;

struct layout {
	const model *m;
	int valve;
	size_t cap;
	rec *r;			/* the window's lines */
	size_t n;
	size_t *cand;		/* window indices of its candidates */
	size_t nc;
	size_t judged;		/* candidates with a probability */
	size_t decided;		/* candidates with a verdict */
	size_t gated;		/* decided candidates the island gate saw */
	size_t hold;		/* the first candidate of a run it holds */
	size_t run_chars;	/* characters of the run of body being read */
	size_t run_prose_chars;	/* of its prose lines */
	size_t long_run;	/* prose characters of the longest run before it */
	int in_run, held;	/* a run is open; it may yet be an island */
	size_t isle, isle_end;	/* candidates of short runs that wait */
	size_t isle_gap;	/* dropped candidates since the last of them */
	int isled;		/* they wait: is the article going on? */
	double d[2];		/* Viterbi scores after the last judged one */
	int started;		/* a candidate of this document was judged */
	int kept;		/* a line of this document was kept */
	/* running counts of the document */
	uint32_t nb, prose, cands, run, last_prose, last_drop, behind_mask;
	uint32_t prun, best, best_end, drop_mask;
	uint32_t nbehind, ndrops;	/* the bits set in the two masks */
	int has_prose, has_drop, blank, prev_drop, last_is_prose;
	near p1, p2;
	/* hashes of the document's lines, each with the document it was
	 * seen in: side by side, one cache line to a probe */
	struct { uint32_t hash, stamp; } *seen;
	uint32_t gen;
	layout_feat_fn dump;
	void *dctx;
	double x[NF];
};

/* log(1 + k) for the counts features take it of: a table, built once for
 * all threads, since a line needs a dozen of them. */
#define LOG_TABLE 1024
static double log_table[LOG_TABLE];
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void
build_logs(void)
{
	size_t k;

	for (k = 0; k < LOG_TABLE; k++)
		log_table[k] = log1p((double)k);
}

static double
lg(uint32_t k)
{
	return k < LOG_TABLE ? log_table[k] : log1p((double)k);
}

size_t
layout_nfeat(void)
{
	return NF;
}

int
layout_feature(const char *name)
{
	size_t i;

	for (i = 0; i < NF; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
layout_feature_name(size_t i)
{
	return i < NF ? names[i] : NULL;
}

layout *
layout_new(const model *m, int valve, size_t cap)
{
	layout *l = calloc(1, sizeof(*l));

	pthread_once(&log_once, build_logs);
	if (l == NULL)
		return NULL;
	l->m = m;
	l->valve = valve;
	l->cap = cap;
	l->r = malloc(cap * sizeof(*l->r));
	l->cand = malloc(cap * sizeof(*l->cand));
	l->seen = calloc(SEEN_SLOTS, sizeof(*l->seen));
	if (l->r == NULL || l->cand == NULL || l->seen == NULL) {
		layout_free(l);
		return NULL;
	}
	return l;
}

void
layout_free(layout *l)
{
	if (l == NULL)
		return;
	free(l->r);
	free(l->cand);
	free(l->seen);
	free(l);
}

void
layout_set_dump(layout *l, layout_feat_fn fn, void *ctx)
{
	l->dump = fn;
	l->dctx = ctx;
}

void
layout_begin(layout *l)
{
	l->n = l->nc = l->judged = l->decided = l->gated = 0;
	l->run_chars = l->run_prose_chars = l->long_run = 0;
	l->in_run = l->held = l->isled = 0;
	l->started = l->kept = 0;
	l->nb = l->prose = l->cands = l->run = l->behind_mask = 0;
	l->prun = l->best = l->best_end = l->drop_mask = 0;
	l->nbehind = l->ndrops = 0;
	l->has_prose = l->has_drop = l->blank = l->prev_drop = l->last_is_prose = 0;
	memset(&l->p1, 0, sizeof(l->p1));
	memset(&l->p2, 0, sizeof(l->p2));
	/* A new stamp forgets the last document's lines without a memset. */
	if (++l->gen == 0) {
		memset(l->seen, 0, SEEN_SLOTS * sizeof(*l->seen));
		l->gen = 1;
	}
}

/* A hash of the line, never 0.  Four independent chains over 32-byte
 * blocks: one chain waits for each multiply before the next, and that
 * wait was most of the time a line spent in layout_push. */
static uint32_t
line_hash(const char *t, size_t n)
{
	const unsigned char *u = (const unsigned char *)t;
	const uint64_t k = 0xFF51AFD7ED558CCDULL;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, g0, g1, g2, g3;
	size_t i = 0;

	/* In variables, not an array: the compiler would keep an array in
	 * memory, a store and a load in every chain. */
	if (n >= 32) {
		g0 = h;
		g1 = h + 1;
		g2 = h + 2;
		g3 = h + 3;
		for (; i + 32 <= n; i += 32) {
			g0 = (g0 ^ swar_load(u + i)) * k;
			g1 = (g1 ^ swar_load(u + i + 8)) * k;
			g2 = (g2 ^ swar_load(u + i + 16)) * k;
			g3 = (g3 ^ swar_load(u + i + 24)) * k;
		}
		h = (((g0 * k ^ g1) * k ^ g2) * k ^ g3) * k;
	}
	for (; i + 8 <= n; i += 8)
		h = (h ^ swar_load(u + i)) * k;
	for (; i < n; i++)
		h = (h ^ u[i]) * 0x100000001B3ULL;
	h ^= h >> 29;
	return (uint32_t)(h >> 32) | 1;
}

/* Whether hash h was seen before in this document; remembers it.  A full
 * neighbourhood forgets: the table is bounded, not exact. */
static int
seen_before(layout *l, uint32_t h)
{
	size_t i, k = h & (SEEN_SLOTS - 1);

	for (i = 0; i < SEEN_PROBES; i++, k = (k + 1) & (SEEN_SLOTS - 1)) {
		if (l->seen[k].stamp != l->gen) {
			l->seen[k].stamp = l->gen;
			l->seen[k].hash = h;
			return 0;
		}
		if (l->seen[k].hash == h)
			return 1;
	}
	return 0;
}

static near
near_of(const rec *r)
{
	near x;
	double w = 1.0 / (r->f.words ? r->f.words : 1);

	x.len = (float)lg(r->f.chars);
	x.prose = r->prose;
	x.terminal = (float)r->f.terminal;
	x.stop = (float)(r->f.stops * w);
	x.upper = (float)(r->f.upper * w);
	x.cue = r->f.cues > 0;
	return x;
}

/* A new record.  Not cleared: a blank line's is read for its kind and
 * verdict alone, a dropped line's for its nb too, and layout_push sets
 * every field of a candidate's that is read before judge() and settle()
 * set the rest. */
static rec *
add(layout *l, unsigned kind)
{
	rec *r = &l->r[l->n++];

	r->kind = (unsigned char)kind;
	r->verdict = LV_PENDING;
	return r;
}

/* Shifts bit b into the low end of *mask, of width bits, and keeps *ones,
 * the bits set in it, up to date: no popcount on every line. */
static void
shift_in(uint32_t *mask, uint32_t *ones, unsigned b, unsigned width)
{
	*ones += b - (*mask >> (width - 1) & 1);
	*mask = ((*mask << 1) | b) & ((1u << width) - 1);
}

int
layout_push(layout *l, unsigned kind, unsigned flags, const char *t, size_t n)
{
	rec *r;

	if (l->n == l->cap)
		return -1;	/* the caller flushes before its window is full */
	if (kind == LK_BLANK) {
		add(l, kind);
		l->blank = 1;
		return 0;
	}
	r = add(l, kind);
	r->nb = l->nb++;
	r->drops = l->ndrops;
	shift_in(&l->drop_mask, &l->ndrops, kind == LK_DROP, 16);
	if (kind == LK_DROP) {
		l->last_drop = r->nb;
		l->has_drop = 1;
		l->prev_drop = 1;
		l->blank = 0;
		return 0;
	}
	r->flags = (unsigned char)flags;
	/* The hash first, and its slot asked for: the table does not stay
	 * in the nearest cache, and the words are counted meanwhile. */
	r->hash = line_hash(t, n);
	__builtin_prefetch(&l->seen[r->hash & (SEEN_SLOTS - 1)], 1);
	prose_measure(t, n, &r->f);
	r->prose = (unsigned char)prose_is_body(&r->f);
	r->content = !r->prose && prose_is_content(&r->f);
	r->dup_before = (unsigned char)seen_before(l, r->hash);
	r->blank_before = (unsigned char)l->blank;
	r->prev_drop = (unsigned char)l->prev_drop;
	r->prose_before = l->prose;
	r->cand_before = l->cands;
	r->run_before = l->run;
	r->behind = l->nbehind;
	r->prose_prev = l->has_prose ? r->nb - l->last_prose : 0;
	r->drop_prev = l->has_drop ? r->nb - l->last_drop : 0;
	r->p1 = l->p1;
	r->p2 = l->p2;
	r->run_prose = l->prun;
	r->best = l->best;
	r->since_best = l->best > 0 ? l->cands - l->best_end : 0;
	l->cands++;
	/* The article body is most often the longest run of prose: what
	 * comes long after it is furniture more often than not. */
	l->prun = r->prose ? l->prun + 1 : 0;
	if (r->prose && l->prun >= l->best) {
		l->best = l->prun;
		l->best_end = l->cands;
	}
	if (r->prose) {
		l->prose++;
		l->last_prose = r->nb;
		l->has_prose = 1;
		l->run = 0;
	} else
		l->run++;
	shift_in(&l->behind_mask, &l->nbehind, r->prose, LAYOUT_AHEAD);
	l->p2 = l->p1;
	l->p1 = r->me = near_of(r);
	l->blank = l->prev_drop = 0;
	l->last_is_prose = r->prose;
	l->cand[l->nc++] = l->n - 1;
	return 0;
}

int
layout_last_prose(const layout *l)
{
	return l->last_is_prose;
}

static double
dist(uint32_t d)
{
	return lg(d < DIST_CAP ? d : DIST_CAP);
}

static double
count(uint32_t k)
{
	return lg(k < COUNT_CAP ? k : COUNT_CAP);
}

static void
put_near(double *x, int len, const near *v, int full)
{
	x[len] = v->len;
	x[len + 1] = v->prose;
	x[len + 2] = v->terminal;
	if (full) {
		x[len + 3] = v->stop;
		x[len + 4] = v->upper;
	}
}

/*
 * What the candidates after candidate k show, up to LAYOUT_AHEAD of them:
 * the features that look ahead.  The lines between them are not walked:
 * a line's nb counts the non-blank lines before it, so a gap in nb from
 * one candidate to the next is rule-dropped lines, and l->nb tells of
 * those after the last.
 */
static void
ahead(const layout *l, size_t k, const rec *r, double *x)
{
	static const near none;
	uint32_t prose_next = 0, drop_next = 0, run = 0, nprose = 0, prun = 0;
	uint32_t prev = r->nb, next;
	unsigned open = !r->prose, popen = r->prose, dup = 0;
	size_t j, end = l->nc - k - 1 > LAYOUT_AHEAD ? k + 1 + LAYOUT_AHEAD : l->nc;
	int short_of = end - k - 1 < LAYOUT_AHEAD;	/* fewer candidates left */
	const near *n1 = &none, *n2 = &none;

	for (j = k + 1; j < end; j++) {
		const rec *q = &l->r[l->cand[j]];
		if (drop_next == 0 && q->nb > prev + 1)
			drop_next = prev + 1 - r->nb;
		prev = q->nb;
		if (prose_next == 0 && q->prose)
			prose_next = q->nb - r->nb;
		dup |= q->hash == r->hash;
		nprose += q->prose;
		open &= !q->prose;
		run += open;
		popen &= q->prose;
		prun += popen;
	}
	if (short_of && drop_next == 0 && l->nb > prev + 1)
		drop_next = prev + 1 - r->nb;
	next = k + 1 < l->nc ? l->r[l->cand[k + 1]].nb : l->nb;
	if (end > k + 1)
		n1 = &l->r[l->cand[k + 1]].me;
	if (end > k + 2)
		n2 = &l->r[l->cand[k + 2]].me;
	x[F_next_drop] = next > r->nb + 1;
	x[F_prose_next_dist] = prose_next ? dist(prose_next) : 0;
	x[F_no_prose_next] = prose_next == 0;
	x[F_drop_next_dist] = drop_next ? dist(drop_next) : 0;
	x[F_no_drop_next] = drop_next == 0;
	x[F_short_run] = r->prose ? 0 : lg(r->run_before + 1 + run);
	x[F_dup_after] = dup;
	x[F_prose_ahead] = (double)nprose / LAYOUT_AHEAD;
	x[F_end_near] = short_of;
	x[F_prose_run] = r->prose ? count(r->run_prose + 1 + prun) : 0;
	put_near(x, F_n1_len, n1, 1);
	x[F_n1_cue] = n1->cue;
	put_near(x, F_n2_len, n2, 0);
}

/* The feature vector of candidate k. */
static void
features(const layout *l, size_t k, double *x)
{
	const rec *r = &l->r[l->cand[k]];
	const prose_feat *f = &r->f;
	/* Ratios by one reciprocal each: a division costs as much as the
	 * rest of a feature. */
	double w = 1.0 / (f->words ? f->words : 1), c = 1.0 / (f->chars ? f->chars : 1);

	/* Every feature is set below: no memset first. */
	x[F_bias] = 1;
	x[F_len] = lg(f->chars);
	x[F_words] = lg(f->words);
	x[F_stop_ratio] = f->stops * w;
	x[F_short_ratio] = f->shorts * w;
	x[F_lower_ratio] = f->lower * w;
	x[F_upper_ratio] = f->upper * w;
	x[F_digit_ratio] = f->digitc * c;
	x[F_punct_ratio] = f->punct * c;
	x[F_word_len] = f->words ? f->letters * w / 10 : 0;
	x[F_terminal] = f->terminal;
	x[F_question] = f->question;
	x[F_colon_end] = f->colon_end;
	x[F_bullet] = f->bullet;
	x[F_inner_punct] = f->inner_punct;
	x[F_commas] = lg(f->commas);
	x[F_separators] = f->seps > 0;
	x[F_copyright] = f->copyright;
	x[F_cue_ratio] = f->cues * w;
	x[F_has_cue] = f->cues > 0;
	x[F_you_ratio] = f->yous * w;
	x[F_web] = f->web;
	x[F_prose] = r->prose;
	x[F_content] = r->content;
	x[F_edited] = (r->flags & LF_EDITED) != 0;
	x[F_protected] = (r->flags & LF_PROTECTED) != 0;
	x[F_prose_before] = count(r->prose_before);
	x[F_cand_before] = count(r->cand_before);
	x[F_position] = count(r->nb);
	x[F_prose_prev_dist] = r->prose_prev ? dist(r->prose_prev) : 0;
	x[F_no_prose_prev] = r->prose_prev == 0;
	x[F_drop_prev_dist] = r->drop_prev ? dist(r->drop_prev) : 0;
	x[F_no_drop_prev] = r->drop_prev == 0;
	x[F_dup_before] = r->dup_before;
	x[F_prose_behind] = (double)r->behind / LAYOUT_AHEAD;
	x[F_prev_drop] = r->prev_drop;
	x[F_best_run] = count(r->best);
	x[F_since_best] = lg(r->since_best < 255 ? r->since_best : 255);
	x[F_drops_behind] = r->drops / 16.0;
	put_near(x, F_p1_len, &r->p1, 1);
	x[F_p1_cue] = r->p1.cue;
	put_near(x, F_p2_len, &r->p2, 0);
	ahead(l, k, r, x);
	x[F_len_x_stop] = x[F_len] * x[F_stop_ratio];
	x[F_len_x_terminal] = x[F_len] * x[F_terminal];
	x[F_near_len] = (x[F_len] + x[F_p1_len] + x[F_n1_len]) / 3;
}

/* The body probability of candidate k and one forward step of the
 * smoother: for each state, the best score of a path ending in it. */
static void
judge(layout *l, size_t k)
{
	size_t i = l->cand[k];
	rec *r = &l->r[i];
	const double *w = l->m->w;
	double z, e[2], top, a[4] = { 0, 0, 0, 0 };
	size_t j;
	int s;

	features(l, k, l->x);
	/* Four sums that do not wait on each other, then theirs: one chain
	 * of NF additions was a quarter of the layer's time. */
	for (j = 0; j + 4 <= NF; j += 4) {
		a[0] += w[j] * l->x[j];
		a[1] += w[j + 1] * l->x[j + 1];
		a[2] += w[j + 2] * l->x[j + 2];
		a[3] += w[j + 3] * l->x[j + 3];
	}
	for (; j < NF; j++)
		a[j & 3] += w[j] * l->x[j];
	z = (a[0] + a[1]) + (a[2] + a[3]);
	r->z = z;
	if (l->dump != NULL)
		l->dump(l->dctx, i, l->x, NF);
	/* The states' scores log p and log(1 - p) less the same log(1 - p):
	 * paths compare the same, and no logarithm is taken. */
	e[1] = z;
	e[0] = 0;
	for (s = 0; s < 2; s++) {
		if (!l->started) {
			r->d[s] = e[s];
			r->bp[s] = (unsigned char)s;
			continue;
		}
		double stay = l->d[s], move = l->d[1 - s] - l->m->change;
		r->bp[s] = (unsigned char)(stay >= move ? s : 1 - s);
		r->d[s] = (stay >= move ? stay : move) + e[s];
	}
	/* Only the difference matters: keep the scores near 0. */
	top = r->d[0] > r->d[1] ? r->d[0] : r->d[1];
	l->d[0] = r->d[0] -= top;
	l->d[1] = r->d[1] -= top;
	l->started = 1;
}

/* The body probability of log-odds z. */
static double
prob(double z)
{
	return 1 / (1 + exp(-z));
}

static unsigned char
verdict(const layout *l, const rec *r)
{
	int alone = r->z >= 0;

	if (r->flags & LF_PROTECTED)
		return LV_PROTECTED;
	if ((r->flags & LF_AFTER_CUT) && prob(r->z) < l->m->cut_keep)
		return LV_CUT;
	if (r->state)
		return alone ? LV_BODY : LV_SMOOTHED;
	return alone ? LV_LONE : LV_BOILER;
}

/* Gives candidates decided..upto-1 their verdicts from the best path
 * that ends at the last judged candidate. */
static void
settle(layout *l, size_t upto)
{
	size_t k;
	int s = l->d[1] >= l->d[0];

	for (k = l->judged; k-- > l->decided;) {
		rec *r = &l->r[l->cand[k]];
		r->state = (unsigned char)s;
		s = r->bp[s];
	}
	for (k = l->decided; k < upto; k++) {
		rec *r = &l->r[l->cand[k]];
		r->verdict = verdict(l, r);
		l->kept |= LAYOUT_KEPT(r->verdict);
	}
	l->decided = upto;
}

/* The short runs that wait go: no long run came after them soon. */
static void
drop_isles(layout *l)
{
	size_t k;

	for (k = l->isle; k < l->isle_end; k++) {
		rec *r = &l->r[l->cand[k]];
		if (r->verdict != LV_PROTECTED && LAYOUT_KEPT(r->verdict))
			r->verdict = LV_ISLAND;
	}
	l->isled = 0;
}

/* Ends the run of body that candidate end closes.  A run still held is
 * short: it waits with the short runs before it, if any, for what comes
 * next. */
static void
close_run(layout *l, size_t end)
{
	if (l->held) {
		if (!l->isled)
			l->isle = l->hold;
		l->isle_end = end;
		l->isle_gap = 0;
		l->isled = 1;
	}
	if (l->run_prose_chars > l->long_run)
		l->long_run = l->run_prose_chars;
	l->in_run = l->held = 0;
}

/*
 * The island gate, over the candidates settle() decided since it last
 * ran.  A run of body lines (kept candidates with no dropped candidate
 * between them) that follows a longer run is held until it reaches the
 * model's island share of the longest run before it, that one measured
 * by its prose lines alone (a long list is no sign of the article).  A
 * run that ends short of that (teasers, an author box, a newsletter pitch
 * after the article) is dropped whole, unless a run that reaches the
 * share starts within ISLAND_NEAR dropped candidates after it: then the
 * article goes on, and the short run was a paragraph of it.  final: the
 * document ends, and so do the runs; force: the window is full, and what
 * waits stays.
 */
static void
gate(layout *l, int final, int force)
{
	size_t k;

	for (k = l->gated; k < l->decided; k++) {
		rec *r = &l->r[l->cand[k]];
		if (!LAYOUT_KEPT(r->verdict) || r->verdict == LV_VALVE) {
			if (l->in_run)
				close_run(l, k);
			else if (l->isled && ++l->isle_gap > ISLAND_NEAR)
				drop_isles(l);
			continue;
		}
		if (!l->in_run) {
			l->in_run = 1;
			l->run_chars = l->run_prose_chars = 0;
			l->held = l->long_run >= ISLAND_FLOOR;
			l->hold = k;
		}
		l->run_chars += r->f.chars;
		if (r->prose)
			l->run_prose_chars += r->f.chars;
		if (l->held && l->run_chars >= l->m->island * (double)l->long_run)
			l->held = l->isled = 0;	/* and the short runs stay */
	}
	l->gated = l->decided;
	if (final) {
		if (l->in_run)
			close_run(l, l->decided);
		if (l->isled)
			drop_isles(l);
	} else if (force)
		l->held = l->isled = 0;
}

size_t
layout_decide(layout *l, int final, int force)
{
	int all = final || force;
	size_t upto, k;

	while (l->judged < l->nc && (all || l->nc - l->judged > LAYOUT_AHEAD))
		judge(l, l->judged++);
	upto = all ? l->judged : l->judged > l->m->lag ? l->judged - l->m->lag : 0;
	if (upto > l->decided)
		settle(l, upto);
	if (l->m->island > 0)
		gate(l, final, force);
	if (l->valve && !l->kept && l->nc > 0) {
		if (final) {
			/* No body anywhere: keep what the rules kept. */
			for (k = 0; k < l->nc; k++) {
				rec *r = &l->r[l->cand[k]];
				if (r->verdict == LV_BOILER || r->verdict == LV_LONE)
					r->verdict = LV_VALVE;
			}
			l->kept = 1;
		} else if (!force)
			return l->cand[0];	/* wait: the valve may need them */
	}
	if (l->isled)
		return l->cand[l->isle];	/* wait: is the article going on? */
	if (l->held)
		return l->cand[l->hold];	/* wait: the run may be an island */
	return l->decided < l->nc ? l->cand[l->decided] : l->n;
}

layout_verdict
layout_verdict_of(const layout *l, size_t i, double *p)
{
	if (p != NULL)
		*p = l->r[i].kind == LK_CAND ? prob(l->r[i].z) : -1;
	return (layout_verdict)l->r[i].verdict;
}

void
layout_shift(layout *l, size_t n)
{
	size_t k = 0, j;

	while (k < l->nc && l->cand[k] < n)
		k++;
	memmove(l->r, l->r + n, (l->n - n) * sizeof(*l->r));
	l->n -= n;
	for (j = k; j < l->nc; j++)
		l->cand[j - k] = l->cand[j] - n;
	l->nc -= k;
	l->judged -= k;
	l->decided -= k;
	l->gated -= k;
	l->hold = l->hold > k ? l->hold - k : 0;
	l->isle = l->isle > k ? l->isle - k : 0;
	l->isle_end = l->isle_end > k ? l->isle_end - k : 0;
}

void
layout_note_body(layout *l)
{
	l->kept = 1;
}
