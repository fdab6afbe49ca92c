/*
 * buf.h - growable byte buffers for the cleaning pipeline.
 *
 * A buffer owns its storage.  It grows geometrically and never shrinks
 * until buf_free(), so a buffer that is reused line after line stops
 * allocating once it has seen the longest line.  Growth fails cleanly
 * (returns -1) past BUF_MAX instead of asking the allocator for absurd sizes.
 */
#ifndef UNBOIL_BUF_H
#define UNBOIL_BUF_H

#include <stddef.h>

#define BUF_MAX ((size_t)1 << 40)

typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
} buf;

/* Makes room for at least need more bytes; returns 0, or -1 if out of memory. */
int buf_reserve(buf *b, size_t need);
/* Appends n bytes; returns 0, or -1 if out of memory (b is unchanged then). */
int buf_append(buf *b, const void *p, size_t n);
int buf_putc(buf *b, char c);
/* Empties b but keeps its storage for reuse. */
static inline void buf_clear(buf *b) { b->len = 0; }
/* Appends the whole file at path; returns 0, or an errno value (b then
 * holds what was read). */
int buf_read_file(buf *b, const char *path);
/* Releases the storage; b is then an empty buffer again.  NULL is a no-op. */
void buf_free(buf *b);

#endif
