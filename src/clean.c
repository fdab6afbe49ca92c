/*
 * clean.c - the cleaner; see clean.h for the contract and the bad-input
 * policy.  Bytes travel: cleaner_feed (line splitting) -> process_line
 * (prepare: repair and normalise, unless the line is plain; then judge by
 * the rules) -> the window, where lines wait until the structural layer
 * (layout.c) can judge them -> flush -> emit.
 * Over-long lines take the side path long_piece, which streams them
 * through after the window has been flushed.
 *
 * The window holds at most WINDOW_LINES lines and WINDOW_BYTES bytes of
 * text; when it is full, the lines that can be judged are judged as if the
 * document went on, so memory stays bounded whatever the input.
 */
#include "clean.h"

#include <stdlib.h>
#include <string.h>

#include "layout/layout.h"
#include "text/norm.h"
#include "text/plain.h"
#include "layout/prose.h"
#include "text/repair.h"
#include "text/utf8.h"

#define WINDOW_LINES 2048
#define WINDOW_BYTES ((size_t)1 << 20)
/* Decided lines leave the window in batches of this many, so that the
 * lines still waiting move once a batch, not once a line. */
#define FLUSH_BATCH 32

/* What a waiting line is. */
enum { W_BLANK, W_DROP, W_CUT, W_CAND };

typedef struct wline {
	unsigned char what;	/* W_* */
	unsigned char edited;	/* W_CAND: a rule edited it */
	unsigned char after_cut;	/* W_CAND: a cut rule came before it */
	const rule *by;		/* deciding rule, or NULL */
	uint64_t lineno;
	size_t off, len;	/* text in the window's arena */
	size_t blen;		/* edited, with events: the text before the
				   edit, after the text in the arena */
} wline;

/* What --explain names the structural layer's verdicts by (layout.h);
 * NULL: the deciding rule's id. */
static const char *const layer_ids[] = {
	NULL, "body:model", "body:smooth", NULL, "body:valve", "body:model",
	"body:smooth", NULL, "body:island"
};

struct cleaner {
	const rules *rs;
	clean_opts o;
	norm_ctx *nc;
	repair_ctx *rp;
	rules_matcher *m;
	clean_event_fn on_event;
	void *ev_ctx;
	int ev_lines;		/* on_event wants the events of every line */
	clean_stats st;
	buf line;		/* a line split across pieces */
	buf fix;		/* a repaired line */
	char held[4];		/* an over-long line's incomplete last sequence */
	size_t nheld;
	wline *win;		/* lines waiting for the structural layer */
	size_t nwin;
	buf arena;		/* their text */
	layout *ly;		/* the structural layer, or NULL */
	/* document state */
	uint64_t doc, lineno;
	const rule *cut;	/* the cut rule that ended the body */
	uint64_t cut_line;	/* and its line */
	uint64_t in0, out0;	/* st.bytes_in and _out when it began */
	uint64_t cut_bytes;	/* bytes dropped after the cut */
	int in_body;		/* a line has been written */
	int valve_used;		/* the valve kept lines of this document */
	uint64_t text_lines;	/* non-blank lines read in this document */
	unsigned prose_seen;	/* prose lines that have passed the rules */
	int blank;		/* a blank line waits to be written */
	int skip_lf;		/* the last piece ended in CR */
	int overlong;		/* inside an over-long line */
	int positional;		/* the rules have head or cut rules */
};

cleaner *
cleaner_new(const rules *rs, const clean_opts *o)
{
	cleaner *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->rs = rs;
	c->o = *o;
	c->positional = rules_positional(rs);
	if (c->o.max_line == 0)
		c->o.max_line = CLEAN_MAX_LINE_DEFAULT;
	c->nc = norm_new(o->norm);
	c->rp = repair_new(o->repair);
	c->m = rules_matcher_new(rs);
	c->win = malloc(WINDOW_LINES * sizeof(*c->win));
	if (o->layout && o->model != NULL)
		c->ly = layout_new(o->model, o->valve, WINDOW_LINES);
	if (c->nc == NULL || c->rp == NULL || c->m == NULL || c->win == NULL ||
	    (o->layout && c->ly == NULL)) {
		cleaner_free(c);
		return NULL;
	}
	return c;
}

void
cleaner_free(cleaner *c)
{
	if (c == NULL)
		return;
	norm_free(c->nc);
	repair_free(c->rp);
	rules_matcher_free(c->m);
	buf_free(&c->line);
	buf_free(&c->fix);
	buf_free(&c->arena);
	free(c->win);
	layout_free(c->ly);
	free(c);
}

static void on_features(void *ctx, size_t i, const double *x, size_t nx);

void
cleaner_set_events(cleaner *c, clean_event_fn fn, void *ctx, int lines)
{
	c->on_event = fn;
	c->ev_ctx = ctx;
	c->ev_lines = fn != NULL && lines;
	if (c->ly != NULL && c->o.features)
		layout_set_dump(c->ly, fn != NULL ? on_features : NULL, c);
}

const clean_stats *
cleaner_stats(const cleaner *c)
{
	return &c->st;
}

void
clean_stats_add(clean_stats *dst, const clean_stats *src)
{
	/* clean_stats holds nothing but uint64_t counters. */
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	size_t i;

	for (i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

const rules_matcher *
cleaner_matcher(const cleaner *c)
{
	return c->m;
}

static void
event_at(cleaner *c, uint64_t line, clean_ev kind, const char *id,
    const char *t, size_t n)
{
	clean_event ev = { 0 };

	if (c->on_event == NULL || (kind <= EV_BLANK && !c->ev_lines))
		return;
	ev.kind = kind;
	ev.doc = c->doc;
	ev.line = line;
	ev.rule = id;
	ev.text = t;
	ev.len = n;
	ev.p = -1;
	c->on_event(c->ev_ctx, &ev);
}

/* The layer's feature vector of window line i, passed on as an event. */
static void
on_features(void *ctx, size_t i, const double *x, size_t nx)
{
	cleaner *c = ctx;
	clean_event ev = { 0 };

	ev.kind = EV_FEATURES;
	ev.doc = c->doc;
	ev.line = c->win[i].lineno;
	ev.p = -1;
	ev.x = x;
	ev.nx = nx;
	c->on_event(c->ev_ctx, &ev);
}

static void
event(cleaner *c, clean_ev kind, const rule *r, const char *t, size_t n)
{
	event_at(c, c->lineno, kind, r != NULL ? rule_id(r) : NULL, t, n);
}

void
cleaner_begin(cleaner *c, uint64_t doc)
{
	c->doc = doc;
	c->lineno = 0;
	c->cut = NULL;
	c->cut_line = 0;
	c->cut_bytes = 0;
	c->in0 = c->st.bytes_in;
	c->out0 = c->st.bytes_out;
	c->in_body = c->blank = c->skip_lf = c->overlong = 0;
	c->prose_seen = 0;
	if (c->ly != NULL)
		layout_begin(c->ly);
	c->valve_used = 0;
	c->text_lines = 0;
	c->nheld = 0;
	c->nwin = 0;
	buf_clear(&c->arena);
	buf_clear(&c->line);
	c->st.docs++;
}

/* The event of candidate w, text t[0..w->len), with its text before[0..)
 * if a rule edited it: an edit if it is kept, and whatever else it comes
 * to, the trail can still tell what the line was. */
static void
event_cand(cleaner *c, const wline *w, clean_ev kind, const char *id,
    const char *t, const char *before, double p)
{
	clean_event ev = { kind, c->doc, w->lineno, id, t, w->len, NULL, 0, p,
		NULL, 0, 0, 0, 0 };

	if (!c->ev_lines)
		return;
	if (w->edited) {
		ev.before = before;
		ev.before_len = w->blen;
	}
	c->on_event(c->ev_ctx, &ev);
}

/* Writes a body line: the pending blank line first, if any. */
static int
emit(cleaner *c, const char *t, size_t n, buf *out)
{
	if (c->blank && c->in_body) {
		if (c->o.text && buf_putc(out, '\n') != 0)
			return -1;
		c->st.bytes_out++;
	}
	c->blank = 0;
	c->in_body = 1;
	c->st.lines_out++;
	c->st.bytes_out += n + 1;
	if (!c->o.text)
		return 0;
	if (buf_append(out, t, n) != 0 || buf_putc(out, '\n') != 0)
		return -1;
	return 0;
}

/* Writes out a candidate line the structural layer keeps (or every
 * candidate, without the layer): t[0..n), edited by rule by from
 * before[0..bn) if edited; v is the layer's verdict, p its probability. */
static int
keep_line(cleaner *c, const wline *w, layout_verdict v, double p, const char *t,
    const char *before, buf *out)
{
	const char *id = w->by != NULL ? rule_id(w->by) : NULL;

	if (v == LV_VALVE) {
		c->st.valve_lines++;
		if (!c->valve_used) {
			c->valve_used = 1;
			c->st.docs_valve++;
			event_at(c, w->lineno, EV_VALVE, NULL, "", 0);
		}
	}
	if (c->ly != NULL) {
		c->st.layer[v]++;
		c->st.kept_after_cut += w->after_cut;
		if (id == NULL || v == LV_VALVE)
			id = layer_ids[v];
	}
	event_cand(c, w, w->edited ? EV_EDIT : EV_KEEP, id, t, before, p);
	return emit(c, t, w->len, out);
}

/* Writes out the first n lines of the window, which are decided. */
static int
flush_lines(cleaner *c, size_t n, buf *out)
{
	size_t i;
	layout_verdict v = LV_BODY;
	double p = -1;

	for (i = 0; i < n; i++) {
		wline *w = &c->win[i];
		/* The arena has no storage until a line's text was kept. */
		const char *t = c->arena.data != NULL ? c->arena.data + w->off : "";
		const char *id = w->by != NULL ? rule_id(w->by) : NULL;

		switch (w->what) {
		case W_BLANK:
			c->blank = 1;
			event_at(c, w->lineno, EV_BLANK, NULL, t, 0);
			break;
		case W_DROP:
		case W_CUT:
			event_at(c, w->lineno, w->what == W_CUT ? EV_CUT : EV_DROP, id, t, w->len);
			break;
		case W_CAND:
			/* The probability is for the events of every line alone. */
			if (c->ly != NULL)
				v = layout_verdict_of(c->ly, i, c->ev_lines ? &p : NULL);
			if (LAYOUT_KEPT(v)) {
				if (keep_line(c, w, v, p, t, t + w->len, out) != 0)
					return -1;
			} else if (v == LV_CUT) {
				c->st.after_cut++;
				c->cut_bytes += w->len + 1;
				c->st.layer[v]++;
				event_cand(c, w, EV_CUT, rule_id(c->cut), t, t + w->len, p);
			} else {
				c->st.dropped++;
				c->st.layer[v]++;
				event_cand(c, w, EV_DROP, layer_ids[v], t, t + w->len, p);
			}
			break;
		}
	}
	return 0;
}

/*
 * Judges the window and writes out what is decided.  final: the document
 * ends here; force: the window is full.  Lines still pending stay at the
 * front of the window.
 */
static int
flush(cleaner *c, int final, int force, buf *out)
{
	size_t i, upto, base;

	upto = c->ly != NULL ? layout_decide(c->ly, final, force) : c->nwin;
	if (upto == 0 || (upto < FLUSH_BATCH && upto < c->nwin && !final && !force))
		return 0;
	if (flush_lines(c, upto, out) != 0)
		return -1;
	memmove(c->win, c->win + upto, (c->nwin - upto) * sizeof(*c->win));
	c->nwin -= upto;
	if (c->ly != NULL)
		layout_shift(c->ly, upto);
	/* Compact the arena: the remaining lines' text moves to the front. */
	base = c->nwin > 0 ? c->win[0].off : c->arena.len;
	if (base > 0) {
		memmove(c->arena.data, c->arena.data + base, c->arena.len - base);
		c->arena.len -= base;
	}
	for (i = 0; i < c->nwin; i++)
		c->win[i].off -= base;
	return 0;
}

/* Puts a line in the window and hands it to the structural layer, which
 * may then decide some lines; flushes when the window is full.  flags:
 * LF_* of a candidate. */
static int
wait_line(cleaner *c, unsigned what, unsigned flags, const rule *by, const char *t,
    size_t n, const char *before, size_t bn, buf *out)
{
	wline *w;
	int store = what == W_CAND || c->ev_lines;
	int edited = before != NULL;

	if (!c->ev_lines)
		bn = 0;
	/* Without the structural layer, a candidate is kept at once: what
	 * waits before it goes out, and it follows without being stored. */
	if (what == W_CAND && c->ly == NULL) {
		wline now = { W_CAND, (unsigned char)edited, 0, by, c->lineno, 0, n, bn };
		if (c->nwin > 0 && flush(c, 0, 0, out) != 0)
			return -1;
		return keep_line(c, &now, LV_BODY, -1, t, before, out);
	}
	if (c->nwin == WINDOW_LINES || c->arena.len + n + bn > WINDOW_BYTES) {
		if (flush(c, 0, 1, out) != 0)
			return -1;
	}
	w = &c->win[c->nwin++];
	w->what = (unsigned char)what;
	w->edited = (unsigned char)edited;
	w->after_cut = (flags & LF_AFTER_CUT) != 0;
	w->by = by;
	w->lineno = c->lineno;
	w->off = c->arena.len;
	w->len = store ? n : 0;
	w->blen = edited ? bn : 0;
	if (store && buf_append(&c->arena, t, n) != 0)
		return -1;
	if (w->blen > 0 && buf_append(&c->arena, before, bn) != 0)
		return -1;
	if (c->ly != NULL && layout_push(c->ly, what == W_CAND ? LK_CAND :
	    what == W_BLANK ? LK_BLANK : LK_DROP, flags, t, n) != 0)
		return -1;
	return flush(c, 0, 0, out);
}

/* Repairs and normalises the line p[0..n) for the rules: *t and *tn get
 * the result, which may be p itself. */
static int
prepare(cleaner *c, const char *p, size_t n, const char **t, size_t *tn)
{
	const char *in = p;
	size_t k;

	/* Most lines are plain: no step here would change them. */
	if ((k = plain_prefix(p, n)) == n) {
		*t = p;
		*tn = n;
		return 0;
	}
	if (k + utf8_valid_prefix(p + k, n - k) != n) {
		buf_clear(&c->fix);
		if (utf8_repair(p, n, &c->fix, &c->st.fffd) < 0)
			return -1;
		p = c->fix.data;
		n = c->fix.len;
		c->st.repaired_lines++;
	}
	/* What repair gave anew, or NUL bytes removed, is not known plain. */
	if (p != in)
		k = 0;
	/* NUL bytes are never text, whatever the normalisation: they go. */
	if (n > k && memchr(p + k, '\0', n - k) != NULL) {
		if (p != c->fix.data) {
			buf_clear(&c->fix);
			if (buf_append(&c->fix, p, n) != 0)
				return -1;
		}
		c->st.nul_lines++;
		n = c->fix.len = utf8_strip_nul(c->fix.data, c->fix.len);
		p = c->fix.data;
		k = 0;
	}
	if (c->o.repair) {
		unsigned did;
		if (repair_line(c->rp, p, n, k, &p, &n, &did) != 0)
			return -1;
		c->st.mojibake_lines += (did & REPAIR_MOJIBAKE) != 0;
		c->st.entity_lines += (did & REPAIR_ENTITIES) != 0;
	}
	/* Normalisation need not look at the plain prefix again, unless a
	 * repair made another text. */
	return norm_line(c->nc, p, n, p == in ? k : 0, t, tn);
}

static int
process_line(cleaner *c, const char *p, size_t n, buf *out)
{
	rules_result res;
	const char *t;
	size_t tn;
	unsigned flags;
	uint64_t nul_lines = c->st.nul_lines;

	c->lineno++;
	c->st.lines_in++;
	c->st.bytes_in += n + 1;
	if (prepare(c, p, n, &t, &tn) != 0)
		return -1;
	/* Without the structural layer, a cut ends the document; with it,
	 * what follows is judged by the model (layout.h). */
	if (c->cut != NULL && c->ly == NULL) {
		/* A blank line stays a blank line: what a cut removes is text. */
		if (tn == 0) {
			event(c, EV_BLANK, NULL, t, 0);
			return 0;
		}
		c->st.after_cut++;
		c->cut_bytes += n + 1;
		event(c, EV_CUT, c->cut, t, tn);
		return 0;
	}
	if (tn == 0)
		return wait_line(c, W_BLANK, 0, NULL, t, 0, NULL, 0, out);
	c->text_lines++;
	if (rules_apply(c->m, t, tn, c->prose_seen, &res) != 0)
		return -1;
	if (res.limit != NULL) {
		c->st.limit_hits++;
		event(c, EV_LIMIT, res.limit, t, tn);
	}
	/* NUL bytes an edit made are counted as those of the input, once a
	 * line. */
	c->st.nul_lines += res.nul && c->st.nul_lines == nul_lines;
	switch (res.verdict) {
	case RV_CUT:
		c->st.dropped++;
		if (c->cut == NULL) {
			c->cut = res.by;
			c->cut_line = c->lineno;
		}
		if (wait_line(c, W_CUT, 0, res.by, t, tn, NULL, 0, out) != 0)
			return -1;
		return c->ly == NULL ? flush(c, 1, 0, out) : 0;
	case RV_DROP:
		c->st.dropped++;
		return wait_line(c, W_DROP, 0, res.by, t, tn, NULL, 0, out);
	case RV_EDIT:
		c->st.edited++;
		/* FALLTHROUGH */
	case RV_KEEP:
		break;
	}
	flags = (res.verdict == RV_EDIT ? LF_EDITED : 0) |
	    (res.by != NULL && res.verdict == RV_KEEP ? LF_PROTECTED : 0) |
	    (c->cut != NULL ? LF_AFTER_CUT : 0);
	if (wait_line(c, W_CAND, flags, res.by, res.text, res.len,
	    res.verdict == RV_EDIT ? t : NULL, tn, out) != 0)
		return -1;
	/* Whether a line is prose matters to head and cut rules; the layer
	 * knows, and without it, it is not worth finding out unless such
	 * rules are there. */
	if (c->ly != NULL)
		c->prose_seen += layout_last_prose(c->ly);
	else if (c->positional)
		c->prose_seen += prose_kind(res.text, res.len) == PROSE_BODY;
	return 0;
}

/* Number of bytes at the end of p[0..n) that begin a sequence that the
 * next piece may complete. */
static size_t
incomplete_tail(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t k, need;

	for (k = 1; k <= 3 && k <= n; k++) {
		unsigned char b = u[n - k];
		if ((b & 0xC0) == 0x80)
			continue;
		need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 1;
		return need > k ? k : 0;
	}
	return 0;
}

/* Writes a piece of an over-long line through, repairing invalid bytes. */
static int
long_piece(cleaner *c, const char *p, size_t n, int last, buf *out)
{
	buf *dst = &c->fix;
	size_t keep, before;

	c->st.bytes_in += n;
	if (c->cut != NULL || !c->o.text) {
		c->st.bytes_out += c->cut != NULL ? 0 : n;
		return 0;
	}
	buf_clear(dst);
	if (buf_append(dst, c->held, c->nheld) != 0 || buf_append(dst, p, n) != 0)
		return -1;
	keep = last || dst->len == 0 ? 0 : incomplete_tail(dst->data, dst->len);
	if (keep > 0)
		memcpy(c->held, dst->data + dst->len - keep, keep);
	c->nheld = keep;
	before = out->len;
	if (dst->len > keep && utf8_repair(dst->data, dst->len - keep, out, NULL) < 0)
		return -1;
	/* Even unnormalised text carries no NUL bytes out: they would end a
	 * record downstream (-z) or a C string. */
	if (out->len > before)
		out->len = before + utf8_strip_nul(out->data + before, out->len - before);
	c->st.bytes_out += out->len - before;
	if (last) {
		c->st.bytes_out++;
		c->st.bytes_in++;
		return buf_putc(out, '\n');
	}
	return 0;
}

/* Starts writing an over-long line through: what has been buffered first. */
static int
long_begin(cleaner *c, const char *p, size_t n, int last, buf *out)
{
	/* The lines before it are judged as if the body went on: it does. */
	if (c->nwin > 0 && flush(c, 0, 1, out) != 0)
		return -1;
	if (c->ly != NULL)
		layout_note_body(c->ly);
	c->prose_seen += RULES_CUT_MIN_BODY;
	c->lineno++;
	c->st.lines_in++;
	c->st.long_lines++;
	c->overlong = !last;
	c->nheld = 0;
	if (c->cut != NULL) {
		event(c, EV_CUT, c->cut, "", 0);
	} else {
		event(c, EV_LONG, NULL, "", 0);
		c->st.lines_out++;
		if (c->blank && c->in_body && c->o.text && buf_putc(out, '\n') != 0)
			return -1;
		c->blank = 0;
		c->in_body = 1;
	}
	if (long_piece(c, c->line.data, c->line.len, 0, out) != 0)
		return -1;
	buf_clear(&c->line);
	return long_piece(c, p, n, last, out);
}

/* The first CR or LF in p[0..n), or NULL. */
static const char *
find_eol(const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);
	const char *cr = memchr(p, '\r', lf != NULL ? (size_t)(lf - p) : n);

	return cr != NULL ? cr : lf;
}

int
cleaner_feed(cleaner *c, const char *p, size_t n, buf *out)
{
	const char *eol;
	size_t seg;
	int rc;

	while (n > 0) {
		if (c->skip_lf) {
			c->skip_lf = 0;
			if (*p == '\n') {
				p++;
				n--;
				continue;
			}
		}
		eol = find_eol(p, n);
		seg = eol != NULL ? (size_t)(eol - p) : n;
		if (c->overlong) {
			c->overlong = eol == NULL;
			rc = long_piece(c, p, seg, eol != NULL, out);
		} else if (c->line.len + seg > c->o.max_line) {
			rc = long_begin(c, p, seg, eol != NULL, out);
		} else if (eol == NULL) {
			rc = buf_append(&c->line, p, seg);
		} else if (c->line.len > 0) {
			rc = buf_append(&c->line, p, seg);
			if (rc == 0)
				rc = process_line(c, c->line.data, c->line.len, out);
			buf_clear(&c->line);
		} else {
			rc = process_line(c, p, seg, out);
		}
		if (rc != 0)
			return -1;
		if (eol == NULL)
			return 0;
		c->skip_lf = *eol == '\r';
		p = eol + 1;
		n -= seg + 1;
	}
	return 0;
}

/* Tells of a large document that lost most of its bytes (CLEAN_LOSS_MIN):
 * silent, that loss would look like success. */
static void
check_loss(cleaner *c)
{
	clean_event ev = { 0 };
	uint64_t in = c->st.bytes_in - c->in0, out = c->st.bytes_out - c->out0;

	if (in < CLEAN_LOSS_MIN || (out >= in / 5 && c->cut_bytes < in / 2))
		return;
	c->st.docs_lossy++;
	if (c->on_event == NULL)
		return;
	ev.kind = EV_LOSS;
	ev.doc = c->doc;
	ev.line = c->cut != NULL ? c->cut_line : 0;
	ev.rule = c->cut != NULL ? rule_id(c->cut) : NULL;
	ev.text = "";
	ev.p = -1;
	ev.in = in;
	ev.out = out;
	ev.cut = c->cut_bytes;
	c->on_event(c->ev_ctx, &ev);
}

int
cleaner_end(cleaner *c, buf *out)
{
	int rc = 0;

	if (c->overlong)
		rc = long_piece(c, "", 0, 1, out);
	else if (c->line.len > 0)
		rc = process_line(c, c->line.data, c->line.len, out);
	if (rc == 0 && c->nwin > 0)
		rc = flush(c, 1, 0, out);
	if (rc == 0 && c->text_lines > 0 && !c->in_body) {
		c->st.docs_empty++;
		event_at(c, 0, EV_EMPTY, NULL, "", 0);
	}
	if (rc == 0)
		check_loss(c);
	buf_clear(&c->line);
	c->overlong = 0;
	return rc;
}
