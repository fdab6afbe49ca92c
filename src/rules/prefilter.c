/*
 * prefilter.c - which rules can match a line, told before any regex
 * runs; the contract is in prefilter.h.
 *
 * What each rule requires is learnt when it is compiled (with literal.h);
 * when the first matcher is made, the literals of all rules go into two
 * automata (aho.h, the prefixes of anchored rules in their own) and the
 * first and last bytes into masks over the rules, so that per line one
 * scan and a few word operations give the candidates.
 *
 * Bad input: none is possible here.  Lines are well-formed UTF-8 (the
 * contract of rules_apply), and any bytes are safe to scan.  When the
 * automata cannot be built, every rule is a candidate and only speed is
 * lost.
 */
#include "rules/prefilter.h"

#include <stdlib.h>
#include <string.h>

#include "rules/aho.h"
#include "rules/literal.h"
#include "swar.h"

/* The tag, one past the rules', of the characters that fold to ASCII
 * letters (see struct rules). */
#define EXOTIC(rs) ((rs)->n)
/* Literals are searched for by their first bytes at most: a prefix of a
 * required literal is as required, hardly less rare, and a short one
 * keeps the automaton small and the rescan after an edit short. */
#define SCAN_LIT_MAX 16

void
prefilter_free(rules *rs)
{
	aho_free(rs->ac);
	aho_free(rs->pre);
	free(rs->always);
	free(rs->folding);
	free(rs->keeps);
	free(rs->first);
	free(rs->last);
	/* prefilter_build starts here: if it then runs out of memory, rs
	 * must still be safe to free or to build again. */
	rs->ac = rs->pre = NULL;
	rs->always = rs->folding = rs->keeps = rs->first = rs->last = NULL;
}

/* Sets up r->span, where the pattern pat[0..n) tells something of the
 * lines it can match. */
static void
span_of(rule *r, const char *pat, size_t n)
{
	literal_shape sh;
	unsigned c;

	r->maxchars = LITERAL_UNBOUNDED;
	if (!literal_span(pat, n, (r->flags & RULE_FOLDS) != 0, &sh))
		return;
	r->maxchars = sh.max;
	for (c = 0; c < 128; c++)
		if (!(sh.ascii[c >> 3] >> (c & 7) & 1) && c != '\n') {
			r->deny[c & 15] |= (uint8_t)(1u << (c >> 4));
			r->has_deny = 1;
		}
	/* Fewer than three full stops or commas are in most lines anyway. */
	if (!literal_common_byte(sh.need) || sh.times >= 3) {
		r->need = sh.need;
		r->times = sh.times;
	}
	r->lead = sh.lead;
	r->span = r->has_deny || r->maxchars != LITERAL_UNBOUNDED || r->times > 0 ||
	    r->lead > 0;
}

/*
 * Does pat[0..n) hold a "(*" item?  Most are backtracking control verbs:
 * (*ACCEPT) ends a match before the rest of the pattern, so that in
 * "(?:x|(*ACCEPT))e$" neither the "e" nor the "$" must match, and
 * (*COMMIT), (*PRUNE), (*SKIP), (*THEN) and (*FAIL) change where
 * matching goes on.  The rest ((*UCP), (*atomic:...)) are rare.  A "("
 * after an odd number of backslashes is text; one in a class or a
 * comment is taken for an item, which only costs speed.
 */
static int
has_star_item(const char *pat, size_t n)
{
	const char *p = pat, *end = pat + n, *q;

	while ((p = memchr(p, '(', (size_t)(end - p))) != NULL && ++p < end) {
		for (q = p - 1; q > pat && q[-1] == '\\'; q--)
			;
		if (*p == '*' && (p - 1 - q) % 2 == 0)
			return 1;
	}
	return 0;
}

/* Before a pattern runs, the line must pass what is cheap to check:
 * its length, for an anchored pattern its first byte, and the
 * pattern's required literals (found for all rules at once, see
 * prefilter_build). */
int
prefilter_study(rule *r, const char *pat, size_t plen)
{
	uint32_t all, type, unit;
	const uint8_t *map = NULL;

	r->first = -1;
	/* What the pattern's text and PCRE2 tell of it assumes that a
	 * match runs through the pattern; where that may not be so, PCRE2
	 * alone decides, on every line (RULE_OPAQUE: no plain edit either). */
	if (has_star_item(pat, plen)) {
		r->flags |= RULE_OPAQUE;
		return 0;
	}
	pcre2_pattern_info(r->re, PCRE2_INFO_ALLOPTIONS, &all);
	pcre2_pattern_info(r->re, PCRE2_INFO_MINLENGTH, &r->minlen);
	r->anchored = (all & PCRE2_ANCHORED) != 0;
	pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODETYPE, &type);
	if (type == 1) {
		pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		/* Caseless: only ASCII letters have a case we can compare. */
		if (!(r->flags & RULE_FOLDS) || unit < 0x80)
			r->first = (int)unit;
	} else if (type == 0 && pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTBITMAP, &map) == 0 &&
	    map != NULL) {
		memcpy(r->map, map, sizeof(r->map));
		r->has_map = 1;
	}
	/* PCRE2 gives up on \d and \p in UCP mode; an anchored pattern's
	 * first byte can still often be told from its text. */
	if (r->anchored && r->first < 0 && !r->has_map)
		r->has_map = literal_first(pat, plen, (r->flags & RULE_FOLDS) != 0, r->map);
	r->has_last = literal_last(pat, plen, (r->flags & RULE_FOLDS) != 0, r->last);
	span_of(r, pat, plen);
	if (literal_extract(pat, plen, (r->flags & RULE_FOLDS) != 0, &r->lits) != 0 ||
	    (r->anchored && literal_prefix(pat, plen, (r->flags & RULE_FOLDS) != 0,
	    &r->pre) != 0))
		return -1;
	return 0;
}

/* The bytes an unanchored match of r can start with, as one-byte literals,
 * if the pattern has no literal of its own and they are all uncommon.
 * Returns how many were added, or -1 if out of memory. */
static int
add_first_bytes(aho *ac, const rule *r, uint32_t tag)
{
	unsigned c;
	int k = 0;
	char b;

	if (r->anchored || r->lits.n > 0 || (r->first < 0 && !r->has_map))
		return 0;
	/* Caseless letters could also be KELVIN SIGN or LONG S, which start
	 * with other bytes; letters are common bytes anyway. */
	for (c = 0; c < 256; c++)
		if ((r->first >= 0 ? (int)c == r->first : r->map[c >> 3] >> (c & 7) & 1) &&
		    literal_common_byte(c))
			return 0;
	for (c = 0; c < 256; c++)
		if (r->first >= 0 ? (int)c == r->first : r->map[c >> 3] >> (c & 7) & 1) {
			b = (char)c;
			if (aho_add(ac, &b, 1, tag) != 0)
				return -1;
			k++;
		}
	return k;
}

static void
bit_set(uint64_t *v, size_t i)
{
	v[i >> 6] |= (uint64_t)1 << (i & 63);
}

static int
bit_test(const uint64_t *v, size_t i)
{
	return v[i >> 6] >> (i & 63) & 1;
}

/* Can an anchored r match a line that starts with byte c? */
static int
first_fits(const rule *r, unsigned c)
{
	if (r->first >= 0) {
		if (r->flags & RULE_FOLDS) {
			unsigned a = c >= 'A' && c <= 'Z' ? c + 32 : c;
			int b = r->first >= 'A' && r->first <= 'Z' ? r->first + 32 : r->first;
			return (int)a == b;
		}
		return (int)c == r->first;
	}
	return !r->has_map || (r->map[c >> 3] >> (c & 7) & 1);
}

/* Puts every rule's literals into the automata, which are left out where
 * they cannot be built, and makes the rule masks; all anew after each
 * file.  Returns 0, or -1 if out of memory. */
int
prefilter_build(rules *rs)
{
	size_t i, j, nw = (rs->n + 1) / 64 + 1;
	unsigned c;
	int ok, k;

	prefilter_free(rs);
	rs->nw = nw;
	rs->always = calloc(nw, sizeof(uint64_t));
	rs->folding = calloc(nw, sizeof(uint64_t));
	rs->keeps = calloc(nw, sizeof(uint64_t));
	rs->first = calloc(257 * nw, sizeof(uint64_t));
	rs->last = calloc(257 * nw, sizeof(uint64_t));
	if (rs->always == NULL || rs->folding == NULL || rs->keeps == NULL ||
	    rs->first == NULL || rs->last == NULL)
		return -1;
	ok = (rs->ac = aho_new(AHO_CASELESS)) != NULL &&
	    (rs->pre = aho_new(AHO_CASELESS | AHO_ANCHORED)) != NULL;
	for (i = 0; ok && i < rs->n; i++) {
		rule *r = &rs->v[i];
		const literal_set *ls = r->pre.n > 0 ? &r->pre : &r->lits;
		for (j = 0; ok && j < ls->n; j++)
			ok = aho_add(r->pre.n > 0 ? rs->pre : rs->ac, ls->v[j],
			    ls->len[j] < SCAN_LIT_MAX ? ls->len[j] : SCAN_LIT_MAX,
			    (uint32_t)i) == 0;
		k = ok ? add_first_bytes(rs->ac, r, (uint32_t)i) : -1;
		ok = k >= 0;
		r->scanned = ls->n > 0 || k > 0;
	}
	ok = ok && aho_add(rs->ac, "\xE2\x84\xAA", 3, (uint32_t)EXOTIC(rs)) == 0 &&
	    aho_add(rs->ac, "\xC5\xBF", 2, (uint32_t)EXOTIC(rs)) == 0;
	if (!ok || aho_build(rs->ac) != 0 || aho_build(rs->pre) != 0) {
		aho_free(rs->ac);
		aho_free(rs->pre);
		rs->ac = rs->pre = NULL;
	}
	for (i = 0; i < rs->n; i++) {
		const rule *r = &rs->v[i];
		if (rs->ac == NULL || !r->scanned)
			bit_set(rs->always, i);
		else if (r->flags & RULE_FOLDS)
			bit_set(rs->folding, i);
		if (r->action == ACT_KEEP)
			bit_set(rs->keeps, i);
		for (c = 0; c < 257; c++) {
			if (c == 256 || !r->anchored || first_fits(r, c))
				bit_set(rs->first + c * nw, i);
			if (c == 256 || !r->has_last || (r->last[c >> 3] >> (c & 7) & 1))
				bit_set(rs->last + c * nw, i);
		}
	}
	return 0;
}

void
rules_set_prefilter(rules *rs, int on)
{
	rs->no_prefilter = !on;
}

/* Scans s[0..n) for every rule's literals, once per text. */
static void
scan(rules_matcher *m, const char *s, size_t n)
{
	const rules *rs = m->rs;

	if (m->scanned_of == s && m->scanned_n == n)
		return;
	memset(m->found, 0, m->rs->nw * sizeof(*m->found));
	aho_scan(rs->ac, s, n, m->found);
	aho_scan(rs->pre, s, n, m->found);
	m->scanned_of = s;
	m->scanned_n = n;
}

/* The length of the longest common prefix of a[0..n) and b[0..n); with
 * SSE2, sixteen bytes at a time. */
static size_t
same_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(a + i)),
		    _mm_loadu_si128((const __m128i *)(b + i)))) ^ 0xFFFF;
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The length of the longest common suffix of a[0..an) and b[0..bn). */
static size_t
same_suffix(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, n = an < bn ? an : bn;

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(a + an - i - 16)),
		    _mm_loadu_si128((const __m128i *)(b + bn - i - 16)))) ^ 0xFFFF;
		if (m != 0)	/* the last differing byte ends the suffix */
			return i + 15 - (size_t)(31 - __builtin_clz(m));
	}
#endif
	while (i < n && a[an - 1 - i] == b[bn - 1 - i])
		i++;
	return i;
}

/* After an edit turned old[0..oldn) into s[0..n): the literals found in
 * old are kept (one that the edit removed only costs a needless match
 * later), and those the edit may have made are looked for where the two
 * texts differ, widened by the longest literal on each side. */
void
prefilter_rescan(rules_matcher *m, const char *old, size_t oldn, const char *s,
    size_t n)
{
	size_t pre = 0, suf = 0, w, lo, hi;

	if (m->scanned_of != old || m->scanned_n != oldn || m->rs->ac == NULL) {
		m->scanned_of = NULL;
		return;
	}
	pre = same_prefix(s, old, n < oldn ? n : oldn);
	suf = same_suffix(s + pre, n - pre, old + pre, oldn - pre);
	w = aho_maxlen(m->rs->ac);
	lo = pre > w ? pre - w : 0;
	hi = n - suf + w < n ? n - suf + w : n;
	aho_scan(m->rs->ac, s + lo, hi - lo, m->found);
	if (pre < aho_maxlen(m->rs->pre))
		aho_scan(m->rs->pre, s, n, m->found);
	m->scanned_of = s;
	m->scanned_n = n;
}

/* Fills m->cand with the rules worth running on s[0..n): those whose
 * literals are in it (or that have none) and whose first byte fits. */
void
prefilter_candidates(rules_matcher *m, const char *s, size_t n)
{
	const rules *rs = m->rs;
	const uint64_t *first = rs->first + (n > 0 ? (unsigned char)s[0] : 256) * rs->nw;
	/* "$" also matches before a final newline, which lines do not have. */
	const uint64_t *last = rs->last + (n > 0 && s[n - 1] != '\n' ?
	    (unsigned char)s[n - 1] : 256) * rs->nw;
	size_t w;

	if (rs->no_prefilter) {
		memset(m->cand, 0xFF, rs->nw * sizeof(*m->cand));
		return;
	}
	if (rs->ac != NULL)
		scan(m, s, n);
	for (w = 0; w < rs->nw; w++)
		m->cand[w] = (rs->always[w] | (rs->ac != NULL ? m->found[w] : 0)) &
		    first[w] & last[w];
	/* KELVIN SIGN and LONG S match k and s caselessly in PCRE2's UCP. */
	if (rs->ac != NULL && bit_test(m->found, EXOTIC(rs)))
		for (w = 0; w < rs->nw; w++)
			m->cand[w] |= rs->folding[w] & first[w] & last[w];
}

/* The first candidate rule at index from or after it, or rs->n if none. */
size_t
prefilter_next(const rules_matcher *m, size_t from)
{
	size_t w = from >> 6;
	uint64_t x;

	if (from >= m->rs->n)
		return m->rs->n;
	x = m->cand[w] & (~(uint64_t)0 << (from & 63));
	while (x == 0) {
		if (++w >= m->rs->nw)
			return m->rs->n;
		x = m->cand[w];
	}
	w = w * 64 + (size_t)__builtin_ctzll(x);
	return w < m->rs->n ? w : m->rs->n;
}

/* Does s[0..n) hold an ASCII byte c with bit c >> 4 set in t[c & 15]?  A
 * byte's low half picks its entry, its high half the bit: with SSSE3,
 * sixteen bytes at a time, both halves looked up with pshufb; a byte
 * beyond ASCII picks no bit. */
#if defined(SWAR_SSSE3)
__attribute__((target("ssse3"))) static int
deny_any16(const uint8_t t[16], const unsigned char *u, size_t n)
{
	const __m128i tab = sse_load(t),
	    bits = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
	unsigned char tail[16];
	size_t i;

	for (i = 0;; i += 16) {
		__m128i x;
		if (i + 16 > n) {
			if (i == n)
				return 0;
			memset(tail, 0x80, sizeof(tail));	/* denied by none */
			memcpy(tail, u + i, n - i);
			u = tail;
			i = 0;
			n = 16;
		}
		x = sse_nibbles(sse_load(u + i), tab, bits);
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) != 0xFFFF)
			return 1;
	}
}
#endif

#if defined(SWAR_SSSE3)
/* The same 32 bytes at a time with AVX2, while 32 are left; *done gets
 * how far it looked. */
__attribute__((target("avx2"))) static int
deny_any32(const uint8_t t[16], const unsigned char *u, size_t n, size_t *done)
{
	const __m256i tab = _mm256_broadcastsi128_si256(sse_load(t)),
	    bits = _mm256_broadcastsi128_si256(_mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128,
	    0, 0, 0, 0, 0, 0, 0, 0));
	size_t i;

	for (i = 0; i + 32 <= n; i += 32)
		if (avx_mask(_mm256_cmpeq_epi8(avx_nibbles(avx_load(u + i), tab, bits),
		    _mm256_setzero_si256())) != 0xFFFFFFFFu)
			return 1;
	*done = i;
	return 0;
}
#endif

static int
deny_any(const rules *rs, const uint8_t t[16], const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

#if defined(SWAR_SSSE3)
	if (rs->avx2 && n >= 32) {
		if (deny_any32(t, u, n, &i))
			return 1;
		u += i;
		n -= i;
	}
	if (rs->ssse3)
		return deny_any16(t, u, n);
#endif
	(void)rs;
	for (i = 0; i < n; i++)
		if (u[i] < 0x80 && (t[u[i] & 15] >> (u[i] >> 4) & 1))
			return 1;
	return 0;
}

/* Can s[0..n) be a line r's pattern matches, as far as its span tells?
 * A line is at least a quarter as many characters as bytes. */
int
prefilter_span_fits(rules_matcher *m, const rule *r, const char *s, size_t n)
{
	size_t i;

	if (n > r->maxchars) {
		if (n / 4 > r->maxchars)
			return 0;
		if (m->chars_of != s || m->chars_n != n) {
			m->chars = n - count_in((const unsigned char *)s, n, 0x80, 0xBF);
			m->chars_of = s;
			m->chars_n = n;
		}
		if (m->chars > r->maxchars)
			return 0;
	}
	/* The cheapest first: a few bytes, then the line's bytes as a set,
	 * then a count of one of them. */
	if (n < r->lead)
		return 0;
	for (i = 0; i < r->lead; i++)
		if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
			return 0;
	if (r->has_deny && deny_any(m->rs, r->deny, s, n))
		return 0;
	return r->times == 0 || (n >= r->times &&
	    count_in((const unsigned char *)s, n, r->need, r->need) >= r->times);
}
