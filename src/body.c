/*
 * body.c - the structural layer; the rules are in body.h.  Pure logic over
 * arrays: no allocation, no failure.
 */
#include "body.h"

static void
set(unsigned char *v, size_t from, size_t to, body_verdict x)
{
	while (from < to)
		v[from++] = (unsigned char)x;
}

/* Like set(), but content-like short lines inside the body stay. */
static void
set_gap(const unsigned char *cls, unsigned char *v, size_t from, size_t to)
{
	for (; from < to; from++)
		v[from] = cls[from] == BODY_CONTENT ? BODY_KEEP : BODY_GAP;
}

size_t
body_decide(const unsigned char *cls, size_t n, int started, int final,
    int force, int valve, unsigned char *v)
{
	size_t k, j, h, any = 0;

#define prose(k) (cls[k] == BODY_PROSE)
	for (k = 0; k < n; k++) {
		v[k] = prose(k) ? BODY_KEEP : BODY_PENDING;
		any |= prose(k);
	}
	if (valve && !started && !any && (final || force)) {
		set(v, 0, n, BODY_VALVE);
		return n;
	}
	for (k = 0; k < n; k = j) {
		if (prose(k)) {
			j = k + 1;
			continue;
		}
		for (j = k; j < n && !prose(j); j++)
			;
		int before = k > 0 || started, after = j < n;
		h = j - k > BODY_HEADINGS ? j - BODY_HEADINGS : k;
		if (after && before && j - k <= BODY_MAX_GAP)
			set(v, k, j, BODY_KEEP);
		else if (after && before) {
			set_gap(cls, v, k, h);
			set(v, h, j, BODY_KEEP);
		} else if (after) {
			set(v, k, h, BODY_HEAD);
			set(v, h, j, BODY_KEEP);
		} else if (final)
			set(v, k, j, before ? BODY_TAIL : BODY_HEAD);
		else if (force && before)
			set_gap(cls, v, k, h);
		else if (force)
			set(v, k, h, BODY_HEAD);
	}
#undef prose
	for (k = 0; k < n && v[k] != BODY_PENDING; k++)
		;
	return k;
}
