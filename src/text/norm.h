/*
 * norm.h - normalisation of one line of text.
 *
 * Input is one line, already well-formed UTF-8 without its line end.  What
 * the steps do, each selected by a NORM_* flag:
 *   NORM_INVISIBLE  removes zero-width and bidi format characters, soft
 *                   hyphens, the BOM and control characters; a tab becomes
 *                   a space;
 *   NORM_SPACES     turns no-break and other Unicode spaces into a space,
 *                   folds runs of spaces into one and trims the line;
 *   NORM_QUOTES     turns typographic double quotes into " and single
 *                   quotes into ';
 *   NORM_NFC        composes the line to Unicode NFC, and before that
 *                   splits Latin ligatures ("ﬁ", "ǌ", "ŉ") and maps
 *                   fullwidth ASCII forms ("，") to ASCII, as NFKC would.
 *                   Each form is no longer than what it replaces.
 * The character mappings run first and NFC last, so that a removed
 * zero-width character cannot leave a base letter and its accent apart.
 * Lines that need no change are detected cheaply and not copied; NFC runs
 * only on lines holding a character that a quick check cannot clear.
 */
#ifndef UNBOIL_NORM_H
#define UNBOIL_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum {
	NORM_INVISIBLE = 1 << 0,
	NORM_SPACES = 1 << 1,
	NORM_QUOTES = 1 << 2,
	NORM_NFC = 1 << 3,
	NORM_ALL = NORM_INVISIBLE | NORM_SPACES | NORM_QUOTES | NORM_NFC
};

typedef struct norm_ctx norm_ctx;

/* A per-thread context holding scratch space; NULL if out of memory. */
norm_ctx *norm_new(unsigned flags);
void norm_free(norm_ctx *nc);

/* Normalises in[0..n) and points *outp and *outn at the result, which lives in
 * in itself when nothing had to change and in the context's buffer
 * otherwise (valid until the next call).  plain is the length of the
 * prefix the caller found plain_prefix() to give, so that it is not looked
 * at again, or 0 if it does not know.  Returns 0, or -1 if out of memory. */
int norm_line(norm_ctx *nc, const char *in, size_t n, size_t plain, const char **outp,
    size_t *outn);

/* Folds runs of ASCII spaces in s[0..n) into one and trims both ends, in
 * place; returns the new length.  Used again after a rule edited a line. */
size_t norm_fold_spaces(char *s, size_t n);

/* Non-zero if cp is, in any context, left alone by NFC. */
int norm_nfc_safe(uint32_t cp);

#endif
