/*
 * unzip.h - compressed input: gzip (zlib) and Zstandard (libzstd), told
 * by their magic bytes and decompressed as they are read.
 *
 * NLP corpora are kept as .jsonl.gz and .jsonl.zst; read as text, their
 * bytes would be cleaned into mojibake.  An input that starts with a gzip
 * or zstd magic number is decompressed before anything else, so that
 * unboil x.gz reads what zcat x.gz writes: several gzip members or zstd
 * frames one after another are one stream, as with zcat.
 *
 * Memory is bounded whatever the input: a step writes at most the room the
 * caller gives it, however much the data expands.  Bad input: corrupt or
 * truncated data ends the input with UNZIP_ECORRUPT and a message; nothing
 * here prints.  One unzip serves one input at a time.
 */
#ifndef UNBOIL_UNZIP_H
#define UNBOIL_UNZIP_H

#include <stddef.h>

enum { UNZIP_NONE, UNZIP_GZIP, UNZIP_ZSTD };
enum { UNZIP_OK = 0, UNZIP_ENOMEM = -1, UNZIP_ECORRUPT = -2 };

/* Bytes unzip_kind wants to see to decide (fewer at the end of input). */
#define UNZIP_MAGIC 4

/* What the first n bytes of an input are: UNZIP_NONE, _GZIP or _ZSTD. */
int unzip_kind(const unsigned char *p, size_t n);
/* "gzip" or "zstd". */
const char *unzip_name(int kind);

typedef struct unzip unzip;

/* A decompressor of kind; NULL if out of memory. */
unzip *unzip_new(int kind);
void unzip_free(unzip *z);

/*
 * Decompresses from in[0..*n) into out[0..cap), at most cap bytes; on
 * return *n is what is left of the input and *outn what was written.  Call
 * again, with the rest, while *n > 0 or *outn == cap.  Returns UNZIP_OK or
 * an error (unzip_why says what).
 */
int unzip_step(unzip *z, const char **in, size_t *n, char *out, size_t cap,
    size_t *outn);
/* At the end of the input: UNZIP_OK if the data ended where a member or
 * frame ends, else UNZIP_ECORRUPT (truncated). */
int unzip_end(const unzip *z);
/* What went wrong, for a message; valid until the next call. */
const char *unzip_why(const unzip *z);

#endif
