/*
 * stream.c - one run from read(2) to an ordered writev(2); see stream.h.
 *
 * Input is read into chunks and framed into documents.  On one thread a
 * document flows through this thread's cleaner as it is read.  With -j it
 * goes into a pool slot: if it lies whole in one chunk the slot points
 * into the chunk (which is not read into again until the document is
 * written), else it is copied; a document that outgrows STREAM_SLOT_MAX is
 * cleaned here, streaming, once everything before it is written.  Slots
 * are collected in input order and written from where they are, many with
 * one writev.
 *
 * Errors are sticky: the first one is kept with its errno, and from then
 * on nothing more is written and the read loop stops.  The code in
 * between keeps its bookkeeping straight (slots are still given back), so
 * that the stream can always be freed, and after a failed write to an
 * in-place file, go on with the next output.
 */
#include "stream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pool.h"
#include "text/decode.h"
#include "text/unzip.h"

#define FLUSH_AT (64 * 1024)
#define CHUNK_BYTES ((size_t)4 << 20)	/* -j: most bytes of input chunks */
#define PEND_MAX 16	/* -j: documents written from their slots at once */
/* -j: documents per worker that may wait in slots, and the input bytes all
 * slots may hold together.  Many small slots let a worker go on while the
 * reader sleeps, and the reader wake for many finished documents at once;
 * the byte bound keeps memory small when documents are big. */
#define SLOTS_PER_JOB 8
#define INFLIGHT_MAX ((size_t)2 << 20)
/* Decompressed bytes passed on at a time, however much the data expands. */
#define UNZIP_ROOM ((size_t)256 << 10)

typedef struct chunk {
	char *data;
	int refs;	/* documents in flight that point into it */
} chunk;

/* What one thread cleans with. */
typedef struct worker {
	stream *s;
	cleaner *c;
	void *fst;	/* the format's state, or NULL */
} worker;

struct stream {
	stream_opts o;
	stream_cb cb;
	const rules *rs;
	int err, errnum;	/* the first error (sticky) */
	int sep_out;		/* end each document's text with o.sep */
	int out_fd;
	buf out;		/* output waiting to be written */
	buf aux;		/* aux output waiting for the callback */
	buf conv;		/* input converted to UTF-8 */
	int status;
	const char *fname;	/* the input being read */
	uint64_t doc;		/* documents begun */
	uint64_t recno;		/* records begun in this input */
	uint64_t bytes_read;
	int open_doc;		/* a document has begun and not ended */
	decoder *from;		/* -f: the decoder for every input */
	decoder *utf16[2];	/* little and big endian, made on first use */
	decoder *dec;		/* the decoder for this input, or NULL */
	int bom, nbom;		/* looking for a byte order mark; its bytes */
	unsigned char bom_head[2];
	int magic;		/* looking for a compression magic number */
	size_t nmagic;
	unsigned char magic_head[UNZIP_MAGIC];
	unzip *z;		/* this input's decompressor, or NULL */
	int zkind;
	char *zbuf;		/* UNZIP_ROOM bytes of its output */
	char why[192];		/* what STREAM_ECORRUPT was */
	worker self;		/* this thread's cleaner */
	stream_doc main_doc;	/* the document cleaned on this thread */
	buf rec;		/* a record being read on this thread */
	/* -j */
	pool *pool;
	pool_slot *slot;	/* the document being read */
	stream_doc *docs;	/* one per slot */
	int streaming;		/* the document is too big for a slot */
	int nslots;
	uint64_t ntaken, ncollected;
	size_t inflight;	/* input bytes in submitted slots */
	chunk *chunks;
	int nchunks, maxchunks;
	chunk *feeding;		/* the chunk being fed, or NULL */
	/* Collected documents whose output is written from their slots, with
	 * one writev, ahead of what out holds (out is empty whenever one is
	 * added): these slots are given back once written. */
	pool_slot *pend[PEND_MAX];
	int npend;
	size_t pend_bytes;
};

/* Keeps the first error and its errno. */
static void
fail(stream *s, int err)
{
	if (s->err == STREAM_OK) {
		s->err = err;
		s->errnum = err == STREAM_ENOMEM ? ENOMEM : errno;
	}
}

static void
append(stream *s, buf *b, const char *p, size_t n)
{
	if (buf_append(b, p, n) != 0)
		fail(s, STREAM_ENOMEM);
}

/* ---- cleaning ---- */

static void
pass_event(void *ctx, const clean_event *ev)
{
	stream_doc *d = ctx;

	d->cb->event(d->cb->ctx, d, ev);
}

/* Sends c's events to the callback, as document d's. */
static void
events_to(const stream *s, cleaner *c, stream_doc *d)
{
	cleaner_set_events(c, s->cb.event != NULL ? pass_event : NULL, d, s->o.line_events);
}

/* Ends a document's text: the one place a separator is appended. */
static int
end_text(const stream *s, buf *out)
{
	return s->sep_out ? buf_putc(out, (char)s->o.sep) : 0;
}

static int
worker_init(worker *w, stream *s)
{
	w->s = s;
	if ((w->c = cleaner_new(s->rs, &s->o.co)) == NULL)
		return -1;
	if (s->o.fmt != NULL && (w->fst = s->o.fmt->open(s->o.fmt_arg)) == NULL) {
		cleaner_free(w->c);
		w->c = NULL;
		return -1;
	}
	return 0;
}

static void
worker_fini(worker *w)
{
	if (w->fst != NULL)
		w->s->o.fmt->close(w->fst);
	cleaner_free(w->c);
}

static void *
worker_make(void *arg)
{
	worker *w = calloc(1, sizeof(*w));

	if (w != NULL && worker_init(w, arg) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

static void
worker_unmake(void *st)
{
	if (st != NULL)
		worker_fini(st);
	free(st);
}

/* The pool's job: a slot's document, cleaned by whichever thread runs it;
 * its status is a FORMAT_ value. */
static int
job(void *st, pool_slot *sl)
{
	worker *w = st;
	const stream *s = w->s;
	const char *why, *doc;
	size_t n;
	int rc;

	doc = pool_doc(sl, &n);
	events_to(s, w->c, sl->ctx);
	sl->status = FORMAT_OK;
	if (s->o.fmt != NULL) {
		rc = s->o.fmt->clean(w->fst, w->c, sl->doc, doc, n,
		    s->o.co.text ? &sl->out : NULL, &why);
		if (rc < 0)
			return -1;
		sl->status = rc;
		if (rc == FORMAT_BAD)
			snprintf(sl->why, sizeof(sl->why), "%s", why);
		return 0;
	}
	cleaner_begin(w->c, sl->doc);
	if (cleaner_feed(w->c, doc, n, &sl->out) != 0 || cleaner_end(w->c, &sl->out) != 0)
		return -1;
	return end_text(s, &sl->out);
}

/* ---- output ---- */

/* Writes the waiting output: the pending documents, then out, and hands
 * the aux output to its callback.  After an error nothing is written, but
 * the slots still go back. */
static void
write_all(stream *s)
{
	struct iovec iov[PEND_MAX + 1];
	int n = 0, i;
	ssize_t k;

	for (i = 0; i < s->npend; i++)
		if (s->pend[i]->out.len > 0)
			iov[n++] = (struct iovec){ .iov_base = s->pend[i]->out.data,
			    .iov_len = s->pend[i]->out.len };
	if (s->out.len > 0)
		iov[n++] = (struct iovec){ .iov_base = s->out.data, .iov_len = s->out.len };
	for (i = 0; i < n && s->err == STREAM_OK;) {
		k = writev(s->out_fd, iov + i, n - i);
		if (k < 0) {
			if (errno != EINTR)
				fail(s, STREAM_EWRITE);
			continue;
		}
		for (; i < n && (size_t)k >= iov[i].iov_len; i++)
			k -= (ssize_t)iov[i].iov_len;
		if (i < n) {
			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= (size_t)k;
		}
	}
	for (i = 0; i < s->npend; i++)
		pool_give(s->pool, s->pend[i]);
	s->npend = 0;
	s->pend_bytes = 0;
	buf_clear(&s->out);
	if (s->aux.len > 0 && s->err == STREAM_OK &&
	    s->cb.aux(s->cb.ctx, s->aux.data, s->aux.len) != 0)
		fail(s, STREAM_EAUX);
	buf_clear(&s->aux);
}

/*
 * A record the format could not clean: told to the callback, then passed
 * through unchanged, skipped, or the end of the run (after everything
 * before it is written), as the options say.
 */
static void
bad_record(stream *s, stream_doc *d, const char *rec, size_t n, const char *why)
{
	if (s->err != STREAM_OK)
		return;	/* the run has ended: what is still in flight is not */
	if (s->cb.bad_record != NULL)
		s->cb.bad_record(s->cb.ctx, d, why);
	if (s->o.bad == STREAM_BAD_STOP) {
		write_all(s);
		fail(s, STREAM_ESTOP);
		return;
	}
	if (d->status < 1)
		d->status = 1;
	if (s->o.bad == STREAM_BAD_PASS && s->o.co.text) {
		append(s, &s->out, rec ? rec : "", n);
		append(s, &s->out, &s->o.fmt->end, 1);
	}
}

/* Writes a collected slot's document, or puts it among the pending ones
 * (and the slot is given back once it is written). */
static void
write_slot(stream *s, pool_slot *sl)
{
	stream_doc *d = sl->ctx;
	size_t n;
	const char *doc = pool_doc(sl, &n);
	int pend = 0;

	if (sl->failed)
		fail(s, STREAM_ENOMEM);
	if (!d->streamed && sl->status == FORMAT_BAD)
		bad_record(s, d, doc, n, sl->why);
	else
		pend = !d->streamed;
	if (d->aux != NULL)
		append(s, &s->aux, sl->aux.data ? sl->aux.data : "", sl->aux.len);
	buf_clear(&sl->aux);
	s->inflight -= d->streamed ? 0 : n;
	if (sl->hold != NULL)
		((chunk *)sl->hold)->refs--;
	sl->hold = NULL;
	/* The input is counted out of flight: it goes, whether or not the
	 * output waits in the slot to be written with the next ones. */
	pool_drop_input(sl);
	if (d->status > s->status)
		s->status = d->status;
	s->ncollected++;
	if (!pend) {
		/* The pending documents go first, so that they are always the
		 * last ones collected: begin_doc counts on it. */
		pool_give(s->pool, sl);
		if (s->npend > 0 || s->out.len >= FLUSH_AT)
			write_all(s);
		return;
	}
	/* Its output goes out from the slot, after what is waiting. */
	if (s->out.len > 0)
		write_all(s);
	s->pend[s->npend++] = sl;
	s->pend_bytes += sl->out.len;
	if (s->npend == PEND_MAX || s->pend_bytes >= FLUSH_AT)
		write_all(s);
}

/* Cleans a waiting document on this thread rather than wait for the
 * workers; returns 1, or 0 if none was waiting. */
static int
help_clean(stream *s)
{
	int did = pool_help(s->pool, &s->self);

	events_to(s, s->self.c, &s->main_doc);
	return did;
}

/* Writes the oldest document in flight, once it is done, cleaning those
 * that wait on this thread meanwhile. */
static void
collect_one(stream *s)
{
	pool_slot *sl = pool_collect(s->pool, 0);

	if (sl == NULL && !help_clean(s))
		sl = pool_collect(s->pool, 1);
	if (sl != NULL)
		write_slot(s, sl);
}

/* Writes finished documents in order: those done already, or with all
 * set, every one up to (not including) the slot being filled. */
static void
collect(stream *s, int all)
{
	pool_slot *sl;

	while (s->ncollected + (s->slot != NULL) < s->ntaken) {
		if ((sl = pool_collect(s->pool, 0)) == NULL && all && !help_clean(s))
			sl = pool_collect(s->pool, 1);
		if (sl == NULL && !all)
			break;
		if (sl != NULL)
			write_slot(s, sl);
	}
}

/* ---- documents ---- */

static void
begin_doc(stream *s)
{
	stream_doc *d;

	s->doc++;
	s->recno++;
	s->open_doc = 1;
	s->streaming = 0;
	if (s->pool == NULL) {
		s->main_doc.fname = s->fname;
		s->main_doc.doc = s->doc;
		s->main_doc.line = s->recno;
		if (s->o.fmt != NULL)
			buf_clear(&s->rec);
		else
			cleaner_begin(s->self.c, s->doc);
		return;
	}
	/* PEND_MAX slots are kept for the pending documents (written when
	 * there are as many): the next slot in the ring is then free. */
	while (s->ntaken - s->ncollected >= (uint64_t)(s->nslots - PEND_MAX) ||
	    s->inflight >= INFLIGHT_MAX)
		collect_one(s);
	s->slot = pool_take(s->pool);
	d = &s->docs[s->ntaken++ % (uint64_t)s->nslots];
	*d = s->main_doc;
	d->out = &s->slot->out;
	d->aux = s->main_doc.aux != NULL ? &s->slot->aux : NULL;
	d->fname = s->fname;
	d->doc = s->doc;
	d->line = s->recno;
	d->status = 0;
	d->streamed = 0;
	s->slot->ctx = d;
	s->slot->doc = s->doc;
}

/*
 * A document too big for a slot is cleaned on this thread, streaming:
 * first everything before it is written, then what it has of it so far
 * goes to this thread's cleaner, and the rest follows as it is read.
 */
static void
go_streaming(stream *s)
{
	stream_doc *d = s->slot->ctx;

	collect(s, 1);
	write_all(s);
	s->streaming = 1;
	d->streamed = 1;
	s->main_doc.fname = s->fname;
	s->main_doc.doc = s->doc;
	s->main_doc.line = s->recno;
	if (s->o.fmt != NULL) {
		/* A record is parsed whole: it is read on here instead. */
		buf_clear(&s->rec);
		append(s, &s->rec, s->slot->in.data, s->slot->in.len);
	} else {
		cleaner_begin(s->self.c, s->doc);
		if (cleaner_feed(s->self.c, s->slot->in.data, s->slot->in.len, &s->out) != 0)
			fail(s, STREAM_ENOMEM);
	}
	buf_clear(&s->slot->in);
}

/* Cleans the record read on this thread. */
static void
end_record(stream *s)
{
	const char *why;
	int rc = s->o.fmt->clean(s->self.fst, s->self.c, s->doc,
	    s->rec.data ? s->rec.data : "", s->rec.len, s->o.co.text ? &s->out : NULL, &why);

	if (rc < 0)
		fail(s, STREAM_ENOMEM);
	else if (rc == FORMAT_BAD)
		bad_record(s, &s->main_doc, s->rec.data, s->rec.len, why);
}

static void
end_doc(stream *s)
{
	s->open_doc = 0;
	if (s->pool != NULL && !s->streaming) {
		size_t n;
		(void)pool_doc(s->slot, &n);
		s->inflight += n;
		pool_submit(s->pool, s->slot);
		s->slot = NULL;
		collect(s, 0);
		return;
	}
	if (s->o.fmt != NULL)
		end_record(s);
	else if (cleaner_end(s->self.c, &s->out) != 0 || end_text(s, &s->out) != 0)
		fail(s, STREAM_ENOMEM);
	if (s->main_doc.status > s->status)
		s->status = s->main_doc.status;
	if (s->streaming) {
		pool_skip(s->pool, s->slot);
		s->slot = NULL;
		s->streaming = 0;
		collect(s, 0);
	}
}

/* Feeds UTF-8 text to the documents; with -z a NUL byte ends one, with a
 * format its end byte ends a record.  The text is in chunk from, or (NULL)
 * in memory that is used again. */
static void
feed_docs(stream *s, const char *p, size_t n, chunk *from)
{
	const char *end;
	size_t seg;

	while (n > 0 && s->err == STREAM_OK) {
		if (!s->open_doc)
			begin_doc(s);
		end = s->o.split ? memchr(p, s->o.sep, n) :
		    s->o.fmt != NULL ? memchr(p, s->o.fmt->end, n) : NULL;
		seg = end ? (size_t)(end - p) : n;
		if (s->pool != NULL && !s->streaming && s->slot->in.len + seg > STREAM_SLOT_MAX)
			go_streaming(s);
		if (s->pool != NULL && !s->streaming) {
			if (end != NULL && from != NULL && s->slot->in.len == 0 && seg > 0) {
				/* The whole document is in the chunk. */
				s->slot->text = p;
				s->slot->len = seg;
				s->slot->hold = from;
				from->refs++;
			} else
				append(s, &s->slot->in, p, seg);
		} else if (s->o.fmt != NULL)
			append(s, &s->rec, p, seg);
		else {
			if (cleaner_feed(s->self.c, p, seg, &s->out) != 0)
				fail(s, STREAM_ENOMEM);
			if (s->out.len >= FLUSH_AT)
				write_all(s);
		}
		if (end == NULL)
			return;
		end_doc(s);
		n -= seg + 1;
		p = end + 1;
	}
}

/* Feeds input bytes, converting them first if the input is not UTF-8. */
static void
feed(stream *s, const char *p, size_t n, int last)
{
	if (s->dec == NULL) {
		feed_docs(s, p, n, s->feeding);
		return;
	}
	buf_clear(&s->conv);
	if (decoder_feed(s->dec, p, n, last, &s->conv) != 0)
		fail(s, STREAM_ENOMEM);
	feed_docs(s, s->conv.data, s->conv.len, NULL);
}

/* ---- input ---- */

/*
 * Whether the two bytes an input starts with are a UTF-16 byte order mark
 * (read without -f): if so, chooses a UTF-16 decoder for the input and
 * returns 1 (the mark is dropped).  Anything else is read as UTF-8.
 */
static int
sniff(stream *s, const unsigned char *head)
{
	int be = head[0] == 0xFE && head[1] == 0xFF;

	if (!be && !(head[0] == 0xFF && head[1] == 0xFE))
		return 0;
	if (s->utf16[be] == NULL &&
	    (s->utf16[be] = decoder_new(be ? "UTF-16BE" : "UTF-16LE")) == NULL) {
		fail(s, STREAM_ENOMEM);
		return 0;
	}
	s->dec = s->utf16[be];
	decoder_reset(s->dec);
	return 1;
}

/* A chunk to read into: one no document in flight points into, after
 * writing the oldest ones if need be. */
static chunk *
free_chunk(stream *s)
{
	int i;

	for (;;) {
		for (i = 0; i < s->nchunks; i++)
			if (s->chunks[i].refs == 0)
				return &s->chunks[i];
		/* Only documents in flight hold chunks, and those are older
		 * than the one being read: they can be collected. */
		if (s->nchunks == s->maxchunks && s->pool != NULL &&
		    s->ncollected + (s->slot != NULL) < s->ntaken) {
			collect_one(s);
			continue;
		}
		if (s->nchunks == s->maxchunks ||
		    (s->chunks[s->nchunks].data = malloc(s->o.read_size)) == NULL)
			return NULL;
		s->chunks[s->nchunks].refs = 0;
		return &s->chunks[s->nchunks++];
	}
}

static void drain(stream *s);

/*
 * Whether documents are done or in flight while the input has nothing to
 * read: then they go out before the read waits, so that a program that
 * sends a document and waits for the answer gets it (tail -f, a
 * coprocess).  A regular file is always ready; for a pipe, this costs one
 * poll(2) a read.
 */
static int
idle(const stream *s, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (s->out.len == 0 && s->npend == 0 &&
	    (s->pool == NULL || s->ncollected + (s->slot != NULL) == s->ntaken))
		return 0;
	return poll(&p, 1, 0) == 0;
}

/*
 * Passes an input's bytes on: the first two are looked at for a UTF-16
 * byte order mark where they are (only an input whose first bytes come
 * one at a time keeps one aside), then everything is fed to the documents.
 * from is the chunk the bytes lie in, or NULL.
 */
static void
take(stream *s, const char *p, size_t n, chunk *from)
{
	if (n == 0)
		return;
	if (s->bom && s->nbom + n >= 2) {
		s->bom = 0;
		if (s->nbom == 1) {
			s->bom_head[1] = (unsigned char)*p;
			if (sniff(s, s->bom_head))
				p++, n--;
			else
				feed(s, (const char *)s->bom_head, 1, 0);
		} else if (sniff(s, (const unsigned char *)p))
			p += 2, n -= 2;
	} else if (s->bom) {
		s->bom_head[s->nbom++] = (unsigned char)*p;
		return;
	}
	s->feeding = from;
	feed(s, p, n, 0);
	s->feeding = NULL;
}

/* Decompresses p[0..n) and passes the result on, a bounded piece at a
 * time however much it expands.  STREAM_OK or STREAM_ECORRUPT. */
static int
take_unzipped(stream *s, const char *p, size_t n)
{
	size_t got;
	int rc;

	do {
		/* What came before an error is passed on first. */
		rc = unzip_step(s->z, &p, &n, s->zbuf, UNZIP_ROOM, &got);
		take(s, s->zbuf, got, NULL);
		if (s->out.len >= FLUSH_AT)
			write_all(s);
	} while (rc == UNZIP_OK && s->err == STREAM_OK && (n > 0 || got == UNZIP_ROOM));
	if (rc == UNZIP_ENOMEM)
		fail(s, STREAM_ENOMEM);
	else if (rc == UNZIP_ECORRUPT) {
		snprintf(s->why, sizeof(s->why), "corrupt %s data (%s)",
		    unzip_name(s->zkind), unzip_why(s->z));
		return STREAM_ECORRUPT;
	}
	return STREAM_OK;
}

/* Whether the input is compressed, from its first bytes p[0..n):
 * decompression starts if so.  STREAM_OK, or an error. */
static void
start_unzip(stream *s, const unsigned char *p, size_t n)
{
	s->magic = 0;
	s->zkind = unzip_kind(p, n);
	if (s->zkind == UNZIP_NONE)
		return;
	if ((s->zbuf == NULL && (s->zbuf = malloc(UNZIP_ROOM)) == NULL) ||
	    (s->z = unzip_new(s->zkind)) == NULL)
		fail(s, STREAM_ENOMEM);
}

/* The bytes of one read: compressed or not, as its first bytes say. */
static int
take_read(stream *s, const char *p, size_t n, chunk *ch)
{
	size_t k;

	if (s->magic && s->nmagic == 0 && n >= UNZIP_MAGIC)
		start_unzip(s, (const unsigned char *)p, n);
	else if (s->magic) {
		/* The magic number came in pieces: gather it first. */
		k = UNZIP_MAGIC - s->nmagic < n ? UNZIP_MAGIC - s->nmagic : n;
		memcpy(s->magic_head + s->nmagic, p, k);
		s->nmagic += k;
		p += k;
		n -= k;
		if (s->nmagic < UNZIP_MAGIC)
			return STREAM_OK;
		start_unzip(s, s->magic_head, s->nmagic);
		if (s->z != NULL && take_unzipped(s, (const char *)s->magic_head,
		    s->nmagic) != STREAM_OK)
			return STREAM_ECORRUPT;
		if (s->z == NULL)
			take(s, (const char *)s->magic_head, s->nmagic, NULL);
		ch = NULL;
	}
	if (s->err != STREAM_OK)
		return s->err;
	if (s->z != NULL)
		return take_unzipped(s, p, n);
	take(s, p, n, s->maxchunks > 1 ? ch : NULL);
	return STREAM_OK;
}

/* The end of an input: what was kept aside, the decoder's last bytes, a
 * compressed stream that must end where a member or frame ends. */
static int
take_end(stream *s)
{
	int rc = STREAM_OK;

	if (s->magic && s->nmagic > 0) {
		start_unzip(s, s->magic_head, s->nmagic);
		if (s->z != NULL)
			rc = take_unzipped(s, (const char *)s->magic_head, s->nmagic);
		else
			take(s, (const char *)s->magic_head, s->nmagic, NULL);
	}
	if (rc == STREAM_OK && s->z != NULL && unzip_end(s->z) != UNZIP_OK) {
		snprintf(s->why, sizeof(s->why), "%s data cut short",
		    unzip_name(s->zkind));
		rc = STREAM_ECORRUPT;
	}
	if (s->bom && s->nbom > 0)
		feed(s, (const char *)s->bom_head, s->nbom, 0);
	if (s->dec != NULL)
		feed(s, "", 0, 1);
	return rc;
}

int
stream_input(stream *s, int fd, const char *name)
{
	int rc = STREAM_OK;
	ssize_t k;
	chunk *ch;

	if (s->err != STREAM_OK)
		return s->err;
	s->fname = name;
	s->dec = s->from;
	s->recno = 0;
	s->bom = s->from == NULL;
	s->nbom = 0;
	s->magic = 1;
	s->nmagic = 0;
	unzip_free(s->z);
	s->z = NULL;
	if (s->dec != NULL)
		decoder_reset(s->dec);
	if (!s->o.split && s->o.fmt == NULL)
		begin_doc(s);
	while (s->err == STREAM_OK && rc == STREAM_OK) {
		if (idle(s, fd))
			drain(s);
		if ((ch = free_chunk(s)) == NULL) {
			fail(s, STREAM_ENOMEM);
			break;
		}
		k = read(fd, ch->data, s->o.read_size);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = STREAM_EREAD;
			s->errnum = errno;
			break;
		}
		if (k == 0)
			break;
		s->bytes_read += (uint64_t)k;
		if (s->cb.progress != NULL)
			s->cb.progress(s->cb.ctx, s->bytes_read, s->doc);
		rc = take_read(s, ch->data, (size_t)k, ch);
		/* A short read means the writer upstream paused: pass on what
		 * is ready, so that the filter streams in interactive pipes. */
		if (s->out.len >= FLUSH_AT || (size_t)k < s->o.read_size)
			write_all(s);
	}
	if (rc == STREAM_OK && s->err == STREAM_OK)
		rc = take_end(s);
	if (s->open_doc)
		end_doc(s);
	return s->err != STREAM_OK ? s->err : rc;
}

const char *
stream_why(const stream *s)
{
	return s->why;
}

/* ---- the run ---- */

stream *
stream_new(const rules *rs, const stream_opts *o, const stream_cb *cb, int out_fd,
    int *err)
{
	stream *s = calloc(1, sizeof(*s));

	*err = STREAM_ENOMEM;
	if (s == NULL)
		return NULL;
	s->o = *o;
	s->cb = *cb;
	s->rs = rs;
	s->out_fd = out_fd;
	if (s->o.read_size == 0)
		s->o.read_size = STREAM_READ_SIZE;
	s->sep_out = o->split && o->co.text;
	s->main_doc.cb = &s->cb;
	s->main_doc.out = &s->out;
	s->main_doc.aux = cb->aux != NULL ? &s->aux : NULL;
	if (o->from_code != NULL && (s->from = decoder_new(o->from_code)) == NULL) {
		*err = STREAM_EENCODING;
		stream_free(s);
		return NULL;
	}
	if (worker_init(&s->self, s) != 0)
		goto oom;
	events_to(s, s->self.c, &s->main_doc);
	if (o->jobs > 1) {
		s->nslots = SLOTS_PER_JOB * o->jobs + PEND_MAX;
		s->docs = calloc((size_t)s->nslots, sizeof(*s->docs));
		/* This thread reads, writes and cleans too, when it would
		 * otherwise wait: one worker fewer than jobs. */
		s->pool = pool_new(o->jobs - 1, s->nslots, job, worker_make, worker_unmake, s);
		if (s->docs == NULL || s->pool == NULL)
			goto oom;
	}
	/* Chunks a document may stay in (one per slot, and one to read
	 * into) when they are small; one, and documents copied, when not. */
	s->maxchunks = 1;
	if (s->pool != NULL && s->o.read_size <= STREAM_SLOT_MAX) {
		s->maxchunks = (int)(CHUNK_BYTES / s->o.read_size);
		if (s->maxchunks > s->nslots + 1)
			s->maxchunks = s->nslots + 1;
		if (s->maxchunks < 2)
			s->maxchunks = 2;
	}
	if ((s->chunks = calloc((size_t)s->maxchunks, sizeof(*s->chunks))) == NULL)
		goto oom;
	*err = STREAM_OK;
	return s;
oom:
	stream_free(s);
	return NULL;
}

/* Collects and writes everything in flight. */
static void
drain(stream *s)
{
	if (s->pool != NULL)
		collect(s, 1);
	write_all(s);
}

int
stream_output(stream *s, int fd)
{
	int rc;

	drain(s);
	rc = s->err;
	if (s->err == STREAM_EWRITE)
		s->err = STREAM_OK;
	s->out_fd = fd;
	return rc;
}

int
stream_finish(stream *s)
{
	drain(s);
	if (s->main_doc.status > s->status)
		s->status = s->main_doc.status;
	return s->err;
}

int
stream_errno(const stream *s)
{
	return s->errnum;
}

int
stream_status(const stream *s)
{
	return s->status;
}

static void
add_stats(const cleaner *c, clean_stats *st, uint64_t *hits, size_t nrules)
{
	size_t k;

	clean_stats_add(st, cleaner_stats(c));
	for (k = 0; k < nrules; k++)
		hits[k] += rules_matcher_hits(cleaner_matcher(c), k);
}

void
stream_stats(const stream *s, clean_stats *st, uint64_t *hits, uint64_t *undecodable)
{
	size_t nrules = rules_count(s->rs);
	int i;

	add_stats(s->self.c, st, hits, nrules);
	for (i = 0; s->pool != NULL && i < pool_workers(s->pool); i++)
		add_stats(((const worker *)pool_state(s->pool, i))->c, st, hits, nrules);
	*undecodable = (s->from ? decoder_bad(s->from) : 0) +
	    (s->utf16[0] ? decoder_bad(s->utf16[0]) : 0) +
	    (s->utf16[1] ? decoder_bad(s->utf16[1]) : 0);
}

void
stream_free(stream *s)
{
	int i;

	if (s == NULL)
		return;
	pool_free(s->pool);
	free(s->docs);
	if (s->self.c != NULL)
		worker_fini(&s->self);
	for (i = 0; i < s->nchunks; i++)
		free(s->chunks[i].data);
	free(s->chunks);
	unzip_free(s->z);
	free(s->zbuf);
	decoder_free(s->from);
	decoder_free(s->utf16[0]);
	decoder_free(s->utf16[1]);
	buf_free(&s->out);
	buf_free(&s->aux);
	buf_free(&s->conv);
	buf_free(&s->rec);
	free(s);
}
