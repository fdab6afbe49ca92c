/*
 * decode.h - streaming conversion of input bytes to UTF-8 with iconv.
 *
 * For input in another encoding (-f ENC, or UTF-16 recognised by its byte
 * order mark).  Bytes may arrive in pieces of any size: a multi-byte
 * sequence cut by a piece boundary is held back until the next piece
 * completes it.  Bad input never stops the conversion: a sequence the
 * encoding does not allow, or one left incomplete at the end, becomes one
 * U+FFFD and is counted.
 */
#ifndef UNBOIL_DECODE_H
#define UNBOIL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct decoder decoder;

/* A decoder from the encoding named enc (any name iconv knows), or NULL
 * if iconv does not know it (errno EINVAL) or memory ran out. */
decoder *decoder_new(const char *enc);
void decoder_free(decoder *d);

/* Converts in[0..n) and appends the UTF-8 to out.  last: no more input
 * follows, so an incomplete tail is bad input.  Returns 0, or -1 if out
 * of memory. */
int decoder_feed(decoder *d, const char *in, size_t n, int last, buf *out);

/* Starts afresh (a new file); the count of bad sequences is kept. */
void decoder_reset(decoder *d);

/* Sequences replaced by U+FFFD so far. */
uint64_t decoder_bad(const decoder *d);

#endif
