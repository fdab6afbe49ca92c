/*
 * stream.h - one run of the filter: input bytes from read(2) to cleaned
 * text written in order with writev(2).
 *
 * A stream reads inputs one after another (stream_input), decompresses
 * them (gzip, zstd: text/unzip.h), decodes them (-f, or UTF-16 by its byte
 * order mark), frames them into documents (a
 * whole input, NUL-ended documents, or a format's records), cleans each
 * (on this thread, or with -j on a pool of workers, in input order) and
 * writes the results to its output descriptor.  Memory is bounded: a
 * document of more than STREAM_SLOT_MAX bytes is cleaned streaming on the
 * calling thread instead of held whole.
 *
 * It never prints and never exits.  What the user should hear of goes to
 * the callbacks: every cleaner event (for --explain, the audit trail and
 * warnings), records a format could not clean, progress.  Errors come back
 * as STREAM_E* codes with errno kept; the caller says what they mean.
 *
 * Ownership: the caller owns the rules, the options and the callbacks'
 * context, which must outlive the stream; the stream owns everything else
 * it makes and frees it in stream_free.
 */
#ifndef UNBOIL_STREAM_H
#define UNBOIL_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clean.h"
#include "formats/format.h"
#include "rules/rules.h"

/* A document bigger than this is cleaned streaming, not in a slot (-j). */
#define STREAM_SLOT_MAX ((size_t)1 << 20)
#define STREAM_READ_SIZE ((size_t)128 * 1024)

/* Errors; each keeps errno where there is one (stream_errno). */
enum {
	STREAM_OK = 0,
	STREAM_ENOMEM = -1,	/* out of memory; the stream is done */
	STREAM_EREAD = -2,	/* reading this input failed; the next may go */
	STREAM_EWRITE = -3,	/* writing the output failed; see stream_output */
	STREAM_EAUX = -4,	/* the aux callback failed; the stream is done */
	STREAM_ESTOP = -5,	/* a bad record, with bad = STREAM_BAD_STOP */
	STREAM_EENCODING = -6,	/* stream_new: iconv does not know from_code */
	STREAM_ECORRUPT = -7	/* this input's compressed data is corrupt or
				   cut short (stream_why); the next may go */
};

/* What to do with a record the format cannot clean. */
enum { STREAM_BAD_PASS, STREAM_BAD_SKIP, STREAM_BAD_STOP };

typedef struct stream_opts {
	clean_opts co;		/* the cleaner's (co.text off: no text out) */
	const format *fmt;	/* records of this format, or NULL: text */
	const char *fmt_arg;	/* the format's argument (--field) */
	int split;		/* text: a sep byte ends a document (-z,
				   --doc-sep), and ends its text too */
	unsigned char sep;	/* that byte: NUL, or a form feed */
	int jobs;		/* threads that clean, this one included */
	size_t read_size;	/* bytes per read(2); 0 for the default */
	int bad;		/* STREAM_BAD_*: records that cannot be cleaned */
	const char *from_code;	/* the inputs' encoding, or NULL: UTF-8, or
				   UTF-16 if it starts with a byte order mark */
	int line_events;	/* the events of every line, not just the
				   warnings (cleaner_set_events) */
} stream_opts;

/* A document, as the callbacks see it. */
typedef struct stream_doc {
	const char *fname;	/* its input's name */
	uint64_t doc;		/* its number in the run, from 1 */
	uint64_t line;		/* a record's line in its input, from 1 */
	buf *out;		/* its output: what the event callback appends
				   goes out in order with the text */
	buf *aux;		/* a second output in the same order, given to
				   the aux callback; NULL without one */
	int status;		/* the callback raises it to 1 for a document
				   not fully processed (exit status 1) */
	/* the stream's own */
	const struct stream_cb *cb;
	int streamed;
} stream_doc;

typedef struct stream_cb {
	void *ctx;
	/* Every cleaner event of document d; from any thread that cleans, so
	 * it may only touch d and what is its own to share. */
	void (*event)(void *ctx, stream_doc *d, const clean_event *ev);
	/* A record the format could not clean, before the policy is applied;
	 * on the calling thread. */
	void (*bad_record)(void *ctx, const stream_doc *d, const char *why);
	/* Documents' aux outputs in order, on the calling thread: 0, or -1
	 * (with errno) to end the run with STREAM_EAUX.  NULL: no aux. */
	int (*aux)(void *ctx, const char *p, size_t n);
	/* After each read: bytes read and documents begun so far. */
	void (*progress)(void *ctx, uint64_t bytes, uint64_t docs);
} stream_cb;

typedef struct stream stream;

/* A stream over rs writing to descriptor out_fd.  NULL with *err set to
 * STREAM_ENOMEM (or if threads cannot be made) or STREAM_EENCODING. */
stream *stream_new(const rules *rs, const stream_opts *o, const stream_cb *cb,
    int out_fd, int *err);
/* Frees the stream; documents still in flight are dropped (call
 * stream_finish first to write them).  stream_free(NULL) does nothing. */
void stream_free(stream *s);

/* Reads and cleans one input to its end; name is for the callbacks.  Each
 * input is one document, or a stream of NUL-ended documents or records;
 * with -j, its last documents may still be in flight on return.  Returns
 * STREAM_OK or an error. */
int stream_input(stream *s, int fd, const char *name);
/* Writes everything in flight to the output, then writes to fd from now
 * on; clears a STREAM_EWRITE of the old output.  STREAM_OK or an error. */
int stream_output(stream *s, int fd);
/* Cleans and writes everything in flight.  STREAM_OK or an error. */
int stream_finish(stream *s);

/* errno of the last error. */
int stream_errno(const stream *s);
/* What STREAM_ECORRUPT was, for a message. */
const char *stream_why(const stream *s);
/* 1 if some document was not fully processed (its status), else 0. */
int stream_status(const stream *s);

/* Statistics of every thread's cleaner, once finished: sums into st,
 * rule hits added to hits (one per rule of rs); *undecodable counts the
 * byte sequences the input encoding could not decode. */
void stream_stats(const stream *s, clean_stats *st, uint64_t *hits,
    uint64_t *undecodable);

#endif
