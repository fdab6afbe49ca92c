/*
 * buf.c - growable byte buffers.  See buf.h for the contract.
 */
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
buf_reserve(buf *b, size_t need)
{
	size_t ncap;
	char *p;

	if (need <= b->cap - b->len)
		return 0;
	if (need > BUF_MAX - b->len)
		return -1;
	ncap = b->cap ? b->cap : 256;
	while (ncap - b->len < need)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_putc(buf *b, char c)
{
	if (b->len == b->cap && buf_reserve(b, 1) != 0)
		return -1;
	b->data[b->len++] = c;
	return 0;
}

void
buf_free(buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
buf_read_file(buf *b, const char *path)
{
	FILE *f;
	char chunk[65536];
	size_t k;
	int err = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return errno;
	while (err == 0 && (k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(b, chunk, k) != 0)
			err = ENOMEM;
	if (err == 0 && ferror(f))
		err = errno != 0 ? errno : EIO;
	fclose(f);
	return err;
}
