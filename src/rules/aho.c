/*
 * aho.c - Aho-Corasick over byte classes; the contract is in aho.h.
 *
 * The trie is laid out as a full transition table from the start: one row
 * per state, one column per byte class (the bytes that occur in some
 * literal, each with its own class, and class 0 for every other byte).
 * Building it breadth first turns the trie into the DFA in place.  In the
 * finished table the states that end some literal are numbered last, from
 * a power of two on, and an entry holds the target state's row offset, so
 * the scan does one add and one load per byte, one compare for several
 * walks at once, and looks at the output lists only on a hit.
 *
 * A table larger than AHO_MAX_CELLS is refused: the caller then does
 * without this prefilter rather than spend the memory.
 *
 * Where the literals start with few and uncommon bytes ("<", "&", the lead
 * byte of a typographic quote; or a common byte with a given next one, as
 * in "p>"), the table walk over every byte is not needed: the places where
 * a literal can start are found 32 bytes at a time with AVX2, sixteen
 * with SSSE3 (as in Hyperscan's Teddy: each byte's two halves look up
 * which of eight buckets of first bytes or byte pairs it can belong to),
 * and only from there is the table, then built as a trie without fail
 * edges, walked.
 */
#include "rules/aho.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_SKIP 1
#endif

#include "rules/literal.h"
#include "swar.h"

#define BUCKETS 8	/* the bits of a byte */
#define WALK4_MIN 32	/* shorter texts take one walk */

#define AHO_MAX_CELLS ((size_t)1 << 22)	/* 16 MiB of transitions (32 with the gap) */

/* The skip scan's tables.  A literal can only start at a byte c followed
 * by d where, for some bucket k, bit k is set in lo[0][c & 15],
 * hi[0][c >> 4], lo[1][d & 15] and hi[1][d >> 4].  A bucket holds either
 * the uncommon first bytes with one high half (and any next byte), or one
 * common first byte with its next byte; key tells which. */
typedef struct skip_tab {
	int n;
	unsigned key[BUCKETS];
	uint8_t lo[2][16], hi[2][16];
} skip_tab;

typedef struct lit {
	char *s;
	size_t n;
	uint32_t tag;
} lit;

struct aho {
	int caseless;
	int anchored;	/* literals count at the start of the text only */
	int trie;	/* anchored or skipping: built without fail edges */
	lit *lits;
	size_t nlits, cap;
	size_t maxlen;
	int built;
	uint8_t cls[256];
	size_t nclass;
	uint32_t *delta;	/* states * nclass entries: target row offsets */
	uint32_t hits;		/* entries from here on end some literal */
	uint32_t *old;		/* a state's number in the output lists */
	uint32_t *depth;	/* how many bytes a state's prefix has */
	uint64_t recip;		/* an entry times this, >> 32: its state */
	uint32_t *outoff;	/* a state's tags: outtag[outoff[s]..outoff[s+1]) */
	uint32_t *outtag;
	/* With the skip scan (skip.n > 0), the literals are a trie walked
	 * from each place the skip tables allow. */
	skip_tab skip;
	int narrow;	/* AHO_NARROW */
	int wide;	/* the skip scan takes 32 bytes at a time (AVX2) */
};

static unsigned char
fold(const aho *a, unsigned char c)
{
	return a->caseless && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

aho *
aho_new(int flags)
{
	aho *a = calloc(1, sizeof(*a));

	if (a != NULL) {
		a->caseless = (flags & AHO_CASELESS) != 0;
		a->anchored = (flags & AHO_ANCHORED) != 0;
		a->narrow = (flags & AHO_NARROW) != 0;
	}
	return a;
}

void
aho_free(aho *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nlits; i++)
		free(a->lits[i].s);
	free(a->lits);
	free(a->delta);
	free(a->old);
	free(a->depth);
	free(a->outoff);
	free(a->outtag);
	free(a);
}

size_t
aho_count(const aho *a)
{
	return a->nlits;
}

size_t
aho_maxlen(const aho *a)
{
	return a->maxlen;
}

int
aho_add(aho *a, const char *s, size_t n, uint32_t tag)
{
	lit *v;

	if (a->built || n == 0)
		return -1;
	if (a->nlits == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		if ((v = realloc(a->lits, cap * sizeof(*v))) == NULL)
			return -1;
		a->lits = v;
		a->cap = cap;
	}
	if ((a->lits[a->nlits].s = malloc(n)) == NULL)
		return -1;
	memcpy(a->lits[a->nlits].s, s, n);
	a->lits[a->nlits].n = n;
	a->lits[a->nlits].tag = tag;
	a->nlits++;
	if (n > a->maxlen)
		a->maxlen = n;
	return 0;
}

/* Gives every byte that occurs in a literal a class of its own. */
static void
make_classes(aho *a)
{
	size_t i, j;

	memset(a->cls, 0, sizeof(a->cls));
	a->nclass = 1;
	for (i = 0; i < a->nlits; i++)
		for (j = 0; j < a->lits[i].n; j++) {
			unsigned char c = fold(a, (unsigned char)a->lits[i].s[j]);
			if (a->cls[c] == 0)
				a->cls[c] = (uint8_t)a->nclass++;
		}
	if (a->caseless)
		for (i = 'A'; i <= 'Z'; i++)
			a->cls[i] = a->cls[i + 32];
}

/* Lays the literals out as a trie in a->delta (0: no edge; no edge leads
 * back to the root), records which literal ends where and how deep each
 * state is.  Returns the number of states. */
static size_t
make_trie(aho *a, uint32_t *end_of)
{
	size_t i, j, nstates = 1;

	a->depth[0] = 0;
	for (i = 0; i < a->nlits; i++) {
		uint32_t s = 0;
		for (j = 0; j < a->lits[i].n; j++) {
			uint32_t *e = &a->delta[s * a->nclass +
			    a->cls[(unsigned char)a->lits[i].s[j]]];
			if (*e == 0) {
				a->depth[nstates] = a->depth[s] + 1;
				*e = (uint32_t)nstates++;
			}
			s = *e;
		}
		end_of[i] = s;
	}
	return nstates;
}

/* Output lists: a state's own literals, then (unless a trie) those of its
 * fail state, which is shallower and so was finished first in breadth-first
 * order. */
static int
make_outputs(aho *a, const uint32_t *end_of, const uint32_t *order,
    const uint32_t *fail, size_t nstates)
{
	uint32_t *own = calloc(nstates + 1, sizeof(*own));
	size_t i, total = 0, k;

	if (own == NULL)
		return -1;
	for (i = 0; i < a->nlits; i++)
		own[end_of[i]]++;
	a->outoff = calloc(nstates + 1, sizeof(*a->outoff));
	/* Sizes first: own count plus the fail state's full count. */
	for (i = 0; a->outoff != NULL && i < nstates; i++) {
		uint32_t s = order[i];
		uint32_t f = s == 0 ? 0 : fail[s];
		uint32_t nf = s == 0 || a->trie ? 0 : a->outoff[f + 1];	/* size, for now */
		a->outoff[s + 1] = own[s] + nf;
	}
	for (i = 0; a->outoff != NULL && i < nstates; i++) {
		total += a->outoff[i + 1];
		a->outoff[i + 1] = (uint32_t)total;
	}
	a->outtag = malloc((total + 1) * sizeof(*a->outtag));
	if (a->outoff == NULL || a->outtag == NULL) {
		free(own);
		return -1;
	}
	memset(own, 0, (nstates + 1) * sizeof(*own));	/* now: filled so far */
	for (i = 0; i < a->nlits; i++) {
		uint32_t s = end_of[i];
		a->outtag[a->outoff[s] + own[s]++] = a->lits[i].tag;
	}
	for (i = 1; i < nstates && !a->trie; i++) {
		uint32_t s = order[i], f = fail[s];
		for (k = a->outoff[f]; k < a->outoff[f + 1]; k++)
			a->outtag[a->outoff[s] + own[s]++] = a->outtag[k];
	}
	free(own);
	return 0;
}

/* Turns the trie into the DFA: missing edges take the fail state's.  A
 * trie keeps them missing: they lead to the root, where its walk stops. */
static void
make_dfa(aho *a, uint32_t *order, uint32_t *fail)
{
	size_t head = 0, tail = 1, c, nc = a->nclass;

	order[0] = 0;
	while (head < tail) {
		uint32_t s = order[head++];
		uint32_t *row = &a->delta[s * nc];
		for (c = 0; c < nc; c++) {
			if (row[c] != 0) {
				uint32_t t = row[c];
				fail[t] = s == 0 ? 0 : a->delta[fail[s] * nc + c];
				order[tail++] = t;
			} else if (s != 0 && !a->trie)
				row[c] = a->delta[fail[s] * nc + c];
		}
	}
}

/*
 * Numbers the states anew, those that end no literal first, and turns each
 * entry into its target's row offset: then an entry needs no masking
 * before the next load.  The rows of the states that end some literal
 * start at or past a power of two, a->hits, after unused rows if need be:
 * "some literal ends here" is entry >= a->hits, and for several walks at
 * once, (v0 | v1 | ...) >= a->hits.  order (the breadth-first order) is
 * reused for the new numbers.
 */
static int
renumber(aho *a, size_t nstates, uint32_t *order)
{
	size_t nc = a->nclass, i, c, k = 0, quiet = 0, gap, hits = 1, rows;
	uint32_t *d, *old, *depth;

	for (i = 0; i < nstates; i++)
		quiet += a->outoff[i + 1] == a->outoff[i];
	while (hits < quiet * nc)
		hits <<= 1;
	gap = (hits + nc - 1) / nc - quiet;	/* unused rows */
	rows = nstates + gap;
	d = calloc(rows * nc, sizeof(*d));
	old = calloc(rows, sizeof(*old));
	depth = calloc(rows, sizeof(*depth));
	if (d == NULL || old == NULL || depth == NULL) {
		free(d);
		free(old);
		free(depth);
		return -1;
	}
	for (int hit = 0; hit < 2; hit++)
		for (i = 0, k += hit ? gap : 0; i < nstates; i++)
			if ((a->outoff[i + 1] > a->outoff[i]) == hit)
				old[k++] = (uint32_t)i;
	for (i = 0; i < rows; i++)
		if (i < quiet || i >= quiet + gap)
			order[old[i]] = (uint32_t)i;	/* old number -> new */
	for (i = 0; i < rows; i++)
		for (c = 0; c < nc && (i < quiet || i >= quiet + gap); c++)
			d[i * nc + c] = (uint32_t)(order[a->delta[old[i] * nc + c]] * nc);
	for (i = 0; i < rows; i++)
		depth[i] = i < quiet || i >= quiet + gap ? a->depth[old[i]] : 0;
	a->hits = (uint32_t)hits;
	/* Entries are multiples of nc below 2^22 * nc: the product is exact. */
	a->recip = (((uint64_t)1 << 32) + nc - 1) / nc;
	free(a->delta);
	free(a->depth);
	a->delta = d;
	a->old = old;
	a->depth = depth;
	return 0;
}

/* Can this machine run the skip scan? */
static int
skip_ok(void)
{
#if defined(HAVE_SKIP)
	return __builtin_cpu_supports("ssse3");
#else
	return 0;
#endif
}

/* Sets bucket k's bit for byte c as the first (i = 0) or next (i = 1) byte
 * of a literal, with its capital too when caseless. */
static void
bucket_byte(skip_tab *t, int caseless, int i, int k, unsigned c)
{
	t->lo[i][c & 15] |= (uint8_t)(1u << k);
	t->hi[i][c >> 4] |= (uint8_t)(1u << k);
	if (caseless && c >= 'a' && c <= 'z')
		t->hi[i][(c - 32) >> 4] |= (uint8_t)(1u << k);
}

/* The bucket of literals starting with c (and d, unless d < 0), both
 * folded: an existing one or a new one; -1 when all are taken. */
static int
bucket_of(skip_tab *t, int caseless, unsigned c, int d)
{
	/* Uncommon bytes share a bucket by their high half. */
	unsigned key = d < 0 ? 0x10000 | (c & 0xF0) : c << 8 | (unsigned)d;
	int k;

	for (k = 0; k < t->n; k++)
		if (t->key[k] == key)
			return k;
	if (t->n == BUCKETS)
		return -1;
	t->key[k = t->n++] = key;
	if (d < 0) {
		for (d = 0; d < 16; d++) {
			t->lo[1][d] |= (uint8_t)(1u << k);	/* any next byte */
			t->hi[1][d] |= (uint8_t)(1u << k);
		}
	} else
		bucket_byte(t, caseless, 1, k, (unsigned)d);
	return k;
}

/*
 * Sets up the skip scan if the machine can run it and every literal starts
 * with an uncommon byte, or with a common one (literal_common_byte: a
 * letter, digit, space, full stop or comma) and a second byte, and they
 * fit in the buckets.  Returns whether it did.
 */
static int
make_skip(aho *a)
{
	skip_tab t;
	size_t i;
	int k = 0;

	if (!skip_ok())
		return 0;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < a->nlits && k >= 0; i++) {
		const unsigned char *s = (const unsigned char *)a->lits[i].s;
		unsigned c = fold(a, s[0]);
		int single = !literal_common_byte(c);
		k = !single && a->lits[i].n < 2 ? -1 :
		    bucket_of(&t, a->caseless, c, single ? -1 : fold(a, s[1]));
		if (k >= 0)
			bucket_byte(&t, a->caseless, 0, k, c);
	}
	if (k < 0)
		return 0;
	a->skip = t;
#if defined(HAVE_SKIP)
	a->wide = !a->narrow && __builtin_cpu_supports("avx2");
#endif
	return 1;
}

int
aho_build(aho *a)
{
	size_t i, maxstates = 1, nstates;
	uint32_t *end_of, *order, *fail;
	int rc = -1;

	if (a->built)
		return 0;
	for (i = 0; i < a->nlits; i++)
		maxstates += a->lits[i].n;
	make_classes(a);
	if (maxstates > AHO_MAX_CELLS / a->nclass)
		return -1;
	a->trie = a->anchored || make_skip(a);
	a->delta = calloc(maxstates * a->nclass, sizeof(*a->delta));
	a->depth = malloc(maxstates * sizeof(*a->depth));
	end_of = malloc((a->nlits + 1) * sizeof(*end_of));
	order = malloc(maxstates * sizeof(*order));
	fail = calloc(maxstates, sizeof(*fail));
	if (a->delta != NULL && a->depth != NULL && end_of != NULL && order != NULL &&
	    fail != NULL) {
		nstates = make_trie(a, end_of);
		make_dfa(a, order, fail);
		if (make_outputs(a, end_of, order, fail, nstates) == 0 &&
		    renumber(a, nstates, order) == 0) {
			a->built = 1;
			rc = 0;
		}
	}
	free(end_of);
	free(order);
	free(fail);
	return rc;
}

/* The state an entry leads to, by its row: the entry over the number of
 * byte classes, by the reciprocal. */
static size_t
state_of(const aho *a, size_t v)
{
	return (size_t)(v * a->recip >> 32);
}

/* Sets the tags of the literals that end in the state an entry leads to. */
static void
emit(const aho *a, size_t v, uint64_t *tags)
{
	uint32_t st = a->old[state_of(a, v)], k;

	for (k = a->outoff[st]; k < a->outoff[st + 1]; k++)
		tags[a->outtag[k] >> 6] |= (uint64_t)1 << (a->outtag[k] & 63);
}

/* Runs the automaton over u[0..n) from state v; returns the state reached. */
static size_t
run(const aho *a, const unsigned char *u, size_t n, size_t v, uint64_t *tags)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v = a->delta[v + a->cls[u[i]]];
		if (v >= a->hits)
			emit(a, v, tags);
	}
	return v;
}

/*
 * Runs the automaton on from the end of a piece, u[0..n) being what
 * follows it, from state v, for as long as a literal that began inside
 * the piece may still be under way: while the state's prefix is longer
 * than what has been read past the end.  Literals that begin later are
 * the next piece's.
 */
static void
run_out(const aho *a, const unsigned char *u, size_t n, size_t v, uint64_t *tags)
{
	size_t i;

	/* The first two bytes are walked whatever the state: most pieces end
	 * inside a word, so the test would nearly always say go on, and when
	 * it would not, a step too many only finds again what the next piece
	 * finds.  The test after them mostly says stop, predictably. */
	i = n < 2 ? n : 2;
	v = run(a, u, i, v, tags);
	for (; i < n && a->depth[state_of(a, v)] > i; i++) {
		v = a->delta[v + a->cls[u[i]]];
		if (v >= a->hits)
			emit(a, v, tags);
	}
}

/*
 * A table walk waits for each load before it can start the next, so one
 * walk leaves the core mostly idle.  A text is cut into four pieces
 * walked side by side, each from the start state; each but the last runs
 * on past its end until no literal that began in it can still be under
 * way (run_out), which is rarely more than a byte or two.  The states
 * live in variables of their own (in an array, the compiler would store
 * and reload them at every step).
 */
#define STEP(v, p) v = d[v + cls[*(p)++]]
#define EMIT(v)                                     \
	do {                                        \
		if (v >= hits)                      \
			emit(a, v, tags);           \
	} while (0)

static void
walk4(const aho *a, const unsigned char *u, size_t n, uint64_t *tags)
{
	const uint32_t *d = a->delta;
	const uint8_t *cls = a->cls;
	const size_t hits = a->hits, chunk = n / 4;
	const unsigned char *p0 = u, *p1 = u + chunk, *p2 = u + 2 * chunk,
	    *p3 = u + 3 * chunk, *end = u + chunk;
	size_t v0 = 0, v1 = 0, v2 = 0, v3 = 0;

	while (p0 < end) {
		STEP(v0, p0);
		STEP(v1, p1);
		STEP(v2, p2);
		STEP(v3, p3);
		if ((v0 | v1 | v2 | v3) >= hits) {
			EMIT(v0);
			EMIT(v1);
			EMIT(v2);
			EMIT(v3);
		}
	}
	run_out(a, p0, (size_t)(u + n - p0), v0, tags);
	run_out(a, p1, (size_t)(u + n - p1), v1, tags);
	run_out(a, p2, (size_t)(u + n - p2), v2, tags);
	run(a, p3, (size_t)(u + n - p3), v3, tags);
}

/* The anchored walk: down the trie from the root until an edge is missing
 * (the root has number 0, as it ends no literal). */
static void
walk_start(const aho *a, const unsigned char *u, size_t n, uint64_t *tags)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((v = a->delta[v + a->cls[u[i]]]) == 0)
			break;
		if (v >= a->hits)
			emit(a, v, tags);
	}
}

#if defined(HAVE_SKIP)
/* Walks from u[i + k] for each bit k set in bits. */
static inline void
walk_bits(const aho *a, const unsigned char *u, size_t i, size_t n, uint32_t bits,
    uint64_t *tags)
{
	for (; bits != 0; bits &= bits - 1) {
		size_t at = i + (size_t)__builtin_ctz(bits);
		walk_start(a, u + at, n - at, tags);
	}
}

/* The buckets bytes v can belong to: the lookups of their two halves. */
__attribute__((target("ssse3"))) static inline __m128i
buckets(__m128i v, const uint8_t lo[16], const uint8_t hi[16])
{
	return sse_nibbles(v, sse_load(lo), sse_load(hi));
}

/* Walks from each byte of u[i..i+16) that the buckets allow and keep
 * has a bit for; w is the sixteen bytes after u[i]. */
__attribute__((target("ssse3"))) static inline void
skip_block(const aho *a, const unsigned char *u, size_t i, size_t n, __m128i v, __m128i w,
    unsigned keep, uint64_t *tags)
{
	const skip_tab *t = &a->skip;
	__m128i m = _mm_and_si128(buckets(v, t->lo[0], t->hi[0]), buckets(w, t->lo[1], t->hi[1]));

	walk_bits(a, u, i, n, ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m,
	    _mm_setzero_si128())) ^ 0xFFFF) & keep, tags);
}

/* Sixteen bytes at a time; the last few are copied into zeroed bytes, and
 * no place beyond them is walked. */
__attribute__((target("ssse3"))) static void
skip_scan(const aho *a, const unsigned char *u, size_t n, uint64_t *tags)
{
	unsigned char tail[32] = { 0 };
	size_t i;

	for (i = 0; i + 17 <= n; i += 16)
		skip_block(a, u, i, n, sse_load(u + i), sse_load(u + i + 1), 0xFFFF, tags);
	if (i < n) {
		memcpy(tail, u + i, n - i);
		skip_block(a, u, i, n, sse_load(tail), sse_load(tail + 1),
		    (1u << (n - i)) - 1, tags);
	}
}

/* Thirty-two bytes at a time where the machine has AVX2; the rest as
 * above. */
__attribute__((target("avx2"))) static void
skip_scan32(const aho *a, const unsigned char *u, size_t n, uint64_t *tags)
{
	const skip_tab *t = &a->skip;
	__m256i lo0 = _mm256_broadcastsi128_si256(sse_load(t->lo[0])),
	    hi0 = _mm256_broadcastsi128_si256(sse_load(t->hi[0])),
	    lo1 = _mm256_broadcastsi128_si256(sse_load(t->lo[1])),
	    hi1 = _mm256_broadcastsi128_si256(sse_load(t->hi[1]));
	size_t i;

	for (i = 0; i + 33 <= n; i += 32) {
		__m256i v = avx_load(u + i), w = avx_load(u + i + 1);
		__m256i m = _mm256_and_si256(avx_nibbles(v, lo0, hi0), avx_nibbles(w, lo1, hi1));
		walk_bits(a, u, i, n, ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m,
		    _mm256_setzero_si256())), tags);
	}
	if (i < n)
		skip_scan(a, u + i, n - i, tags);
}
#endif

void
aho_scan(const aho *a, const char *s, size_t n, uint64_t *tags)
{
	const unsigned char *u = (const unsigned char *)s;

	if (a->anchored) {
		walk_start(a, u, n, tags);
		return;
	}
#if defined(HAVE_SKIP)
	if (a->skip.n > 0) {
		if (a->wide)
			skip_scan32(a, u, n, tags);
		else
			skip_scan(a, u, n, tags);
		return;
	}
#endif
	/* Pieces pay while each is long next to what run_out may add. */
	if (n >= WALK4_MIN)
		walk4(a, u, n, tags);
	else
		run(a, u, n, 0, tags);
}
