/*
 * unzip.c - gzip and Zstandard input; see unzip.h.  Bad-input policy:
 * corrupt data, a truncated member or frame, and bytes after the last
 * gzip member that are not another one are reported, never guessed at.
 */
#include "text/unzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

struct unzip {
	int kind;
	int ended;		/* the data so far ends a member or frame */
	z_stream gz;
	ZSTD_DStream *zs;
	const char *why;
};

int
unzip_kind(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B)
		return UNZIP_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD)
		return UNZIP_ZSTD;
	return UNZIP_NONE;
}

const char *
unzip_name(int kind)
{
	return kind == UNZIP_GZIP ? "gzip" : kind == UNZIP_ZSTD ? "zstd" : "plain";
}

unzip *
unzip_new(int kind)
{
	unzip *z = calloc(1, sizeof(*z));

	if (z == NULL)
		return NULL;
	z->kind = kind;
	if (kind == UNZIP_GZIP) {
		/* 15 + 16: gzip members only, with the largest window. */
		if (inflateInit2(&z->gz, 15 + 16) != Z_OK) {
			free(z);
			return NULL;
		}
	} else if ((z->zs = ZSTD_createDStream()) == NULL ||
	    ZSTD_isError(ZSTD_initDStream(z->zs))) {
		ZSTD_freeDStream(z->zs);
		free(z);
		return NULL;
	}
	return z;
}

void
unzip_free(unzip *z)
{
	if (z == NULL)
		return;
	if (z->kind == UNZIP_GZIP)
		inflateEnd(&z->gz);
	else
		ZSTD_freeDStream(z->zs);
	free(z);
}

/* One gzip step.  A member's end with input left over starts the next
 * member, as zcat reads concatenated files. */
static int
gz_step(unzip *z, const char **in, size_t *n, char *out, size_t cap, size_t *outn)
{
	z_stream *s = &z->gz;
	int rc;

	s->next_in = (Bytef *)(uintptr_t)*in;
	s->next_out = (Bytef *)out;
	s->avail_out = (uInt)cap;
	for (;;) {
		/* zlib counts in uInt: hand it the input a slice at a time. */
		s->avail_in = (uInt)(*n < UINT32_MAX ? *n : UINT32_MAX);
		if (z->ended && s->avail_in > 0) {
			inflateReset(s);
			z->ended = 0;
		}
		rc = inflate(s, Z_NO_FLUSH);
		*n -= (size_t)((const char *)s->next_in - *in);
		*in = (const char *)s->next_in;
		if (rc == Z_STREAM_END) {
			z->ended = 1;
			if (*n > 0 && s->avail_out > 0)
				continue;
			break;
		}
		break;
	}
	/* What came before an error is the caller's, as with zcat. */
	*outn = cap - s->avail_out;
	if (rc == Z_MEM_ERROR)
		return UNZIP_ENOMEM;
	if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
		z->why = s->msg != NULL ? s->msg : "corrupt data";
		return UNZIP_ECORRUPT;
	}
	return UNZIP_OK;	/* Z_BUF_ERROR: more input or room wanted */
}

static int
zstd_step(unzip *z, const char **in, size_t *n, char *out, size_t cap, size_t *outn)
{
	ZSTD_inBuffer ib = { *in, *n, 0 };
	ZSTD_outBuffer ob = { out, cap, 0 };
	size_t rc = ZSTD_decompressStream(z->zs, &ob, &ib);

	*in += ib.pos;
	*n -= ib.pos;
	*outn = ob.pos;
	if (ZSTD_isError(rc)) {
		z->why = ZSTD_getErrorName(rc);
		return ZSTD_getErrorCode(rc) == ZSTD_error_memory_allocation ?
		    UNZIP_ENOMEM : UNZIP_ECORRUPT;
	}
	/* 0: a frame is decoded and flushed whole. */
	z->ended = rc == 0;
	return UNZIP_OK;
}

int
unzip_step(unzip *z, const char **in, size_t *n, char *out, size_t cap, size_t *outn)
{
	*outn = 0;
	return z->kind == UNZIP_GZIP ? gz_step(z, in, n, out, cap, outn) :
	    zstd_step(z, in, n, out, cap, outn);
}

int
unzip_end(const unzip *z)
{
	return z->ended ? UNZIP_OK : UNZIP_ECORRUPT;
}

const char *
unzip_why(const unzip *z)
{
	return z->ended ? "" : z->why != NULL ? z->why : "the data ends in the middle";
}
