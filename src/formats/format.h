/*
 * format.h - an input format other than plain text: how the stream frames
 * an input into records and cleans one.
 *
 * Plain text is the stream's own: it flows through the cleaner as it is
 * read, a document ending at the end of the input or at a NUL byte.  A
 * format instead hands the stream whole records, each ended by one byte,
 * and cleans a record at a time: it finds the text to clean in it, runs
 * that through a cleaner and writes the record back around the result.
 * A new format (WARC, CSV, ...) is one file here with one of these, named
 * in stream.h's options; nothing else needs to know it.
 *
 * A format's state serves one thread; the stream makes one per thread
 * that cleans.  Nothing here prints: a record the format cannot clean is
 * reported to the stream, which applies the user's policy for bad records.
 */
#ifndef UNBOIL_FORMAT_H
#define UNBOIL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clean.h"

/* What clean says of a record. */
enum {
	FORMAT_OK,	/* cleaned and written */
	FORMAT_BLANK,	/* not a record (a blank line): nothing written */
	FORMAT_BAD	/* cannot be cleaned; out unchanged, why says why */
};

typedef struct format {
	const char *name;
	char end;	/* the byte that ends a record (not part of it) */
	/* A state for one thread, from the user's argument (e.g. the field
	 * to clean); NULL if out of memory. */
	void *(*open)(const char *arg);
	void (*close)(void *st);
	/* Cleans record rec[0..n) as document doc with c, appending what is
	 * written to out (unless out is NULL: the events are all the caller
	 * wants).  On FORMAT_BAD, *why is a short message valid until the
	 * next call.  Returns a FORMAT_ value, or -1 if out of memory. */
	int (*clean)(void *st, cleaner *c, uint64_t doc, const char *rec, size_t n,
	    buf *out, const char **why);
} format;

/* JSON Lines: one object per line, one string member cleaned (jsonl.h). */
extern const format format_jsonl;

#endif
