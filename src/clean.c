/*
 * clean.c - the cleaner; see clean.h for the contract and the bad-input
 * policy.  Bytes travel: cleaner_feed (line splitting) -> process_line
 * (repair, normalise, judge) -> emit.  Over-long lines take the side path
 * long_piece, which streams them through.
 */
#include "clean.h"

#include <stdlib.h>
#include <string.h>

#include "norm.h"
#include "utf8.h"

struct cleaner {
	const rules *rs;
	clean_opts o;
	norm_ctx *nc;
	rules_matcher *m;
	clean_event_fn on_event;
	void *ev_ctx;
	clean_stats st;
	buf line;		/* a line split across pieces */
	buf fix;		/* a repaired line */
	char held[4];		/* an over-long line's incomplete last sequence */
	size_t nheld;
	/* document state */
	uint64_t doc, lineno;
	const rule *cut;	/* the cut rule that ended the body */
	int in_body;		/* a line has been kept */
	int blank;		/* a blank line waits to be written */
	int skip_lf;		/* the last piece ended in CR */
	int overlong;		/* inside an over-long line */
};

cleaner *
cleaner_new(const rules *rs, const clean_opts *o)
{
	cleaner *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->rs = rs;
	c->o = *o;
	if (c->o.max_line == 0)
		c->o.max_line = CLEAN_MAX_LINE_DEFAULT;
	c->nc = norm_new(o->norm);
	c->m = rules_matcher_new(rs);
	if (c->nc == NULL || c->m == NULL) {
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
	rules_matcher_free(c->m);
	buf_free(&c->line);
	buf_free(&c->fix);
	free(c);
}

void
cleaner_set_events(cleaner *c, clean_event_fn fn, void *ctx)
{
	c->on_event = fn;
	c->ev_ctx = ctx;
}

const clean_stats *
cleaner_stats(const cleaner *c)
{
	return &c->st;
}

const rules_matcher *
cleaner_matcher(const cleaner *c)
{
	return c->m;
}

static void
event(cleaner *c, clean_ev kind, const rule *r, const char *t, size_t n)
{
	clean_event ev;

	if (c->on_event == NULL)
		return;
	ev.kind = kind;
	ev.doc = c->doc;
	ev.line = c->lineno;
	ev.rule = r != NULL ? rule_id(r) : NULL;
	ev.text = t;
	ev.len = n;
	c->on_event(c->ev_ctx, &ev);
}

void
cleaner_begin(cleaner *c, uint64_t doc)
{
	c->doc = doc;
	c->lineno = 0;
	c->cut = NULL;
	c->in_body = c->blank = c->skip_lf = c->overlong = 0;
	c->nheld = 0;
	buf_clear(&c->line);
	c->st.docs++;
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

static int
process_line(cleaner *c, const char *p, size_t n, buf *out)
{
	rules_result res;
	const char *t;
	size_t tn;

	c->lineno++;
	c->st.lines_in++;
	c->st.bytes_in += n + 1;
	if (utf8_valid_prefix(p, n) != n) {
		buf_clear(&c->fix);
		if (utf8_repair(p, n, &c->fix, NULL) < 0)
			return -1;
		p = c->fix.data;
		n = c->fix.len;
		c->st.repaired_lines++;
	}
	if (norm_line(c->nc, p, n, &t, &tn) != 0)
		return -1;
	if (c->cut != NULL) {
		event(c, EV_CUT, c->cut, t, tn);
		return 0;
	}
	if (tn == 0) {
		c->blank = 1;
		event(c, EV_BLANK, NULL, t, tn);
		return 0;
	}
	if (rules_apply(c->m, t, tn, c->in_body, &res) != 0)
		return -1;
	if (res.limit != NULL) {
		c->st.limit_hits++;
		event(c, EV_LIMIT, res.limit, t, tn);
	}
	switch (res.verdict) {
	case RV_CUT:
		c->cut = res.by;
		/* FALLTHROUGH */
	case RV_DROP:
		c->st.dropped++;
		event(c, res.verdict == RV_CUT ? EV_CUT : EV_DROP, res.by, t, tn);
		return 0;
	case RV_EDIT:
		c->st.edited++;
		event(c, EV_EDIT, res.by, res.text, res.len);
		break;
	case RV_KEEP:
		event(c, EV_KEEP, res.by, res.text, res.len);
		break;
	}
	return emit(c, res.text, res.len, out);
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
	keep = last ? 0 : incomplete_tail(dst->data, dst->len);
	memcpy(c->held, dst->data + dst->len - keep, keep);
	c->nheld = keep;
	before = out->len;
	if (utf8_repair(dst->data, dst->len - keep, out, NULL) < 0)
		return -1;
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

int
cleaner_end(cleaner *c, buf *out)
{
	int rc = 0;

	if (c->overlong)
		rc = long_piece(c, "", 0, 1, out);
	else if (c->line.len > 0)
		rc = process_line(c, c->line.data, c->line.len, out);
	buf_clear(&c->line);
	c->overlong = 0;
	return rc;
}
