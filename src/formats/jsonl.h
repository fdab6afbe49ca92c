/*
 * jsonl.h - JSON Lines records: one JSON object per line, one text field
 * in it cleaned as a document, every other member written back as it was.
 *
 * Parsing and writing are json-c's.  json-c keeps the members of an object
 * in their order and writes a number back as it was spelt (0.1 stays 0.1,
 * 1e5 stays 1e5); strings are written back with the same value, though
 * perhaps other escapes ("\u00e9" comes back as "é").  An integer beyond
 * 64 bits would silently come back as the largest one json-c has, so a
 * record with one is refused as bad rather than changed.
 *
 * Bad records (not JSON, not an object, the field missing or not a string,
 * invalid UTF-8) are reported to the caller, which decides what to do with
 * them; nothing here prints.  One jsonl serves one thread.
 */
#ifndef UNBOIL_JSONL_H
#define UNBOIL_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clean.h"

typedef struct jsonl jsonl;

/* field is a member name, or a dotted path to a nested one ("meta.text").
 * NULL if out of memory or field has an empty part. */
jsonl *jsonl_new(const char *field);
void jsonl_free(jsonl *j);

/* Whether field is a usable path (no empty part), without making one. */
int jsonl_field_ok(const char *field);

typedef enum jsonl_status {
	JSONL_OK,	/* cleaned and written */
	JSONL_BLANK,	/* an empty or blank line: not a record, nothing written */
	JSONL_BAD,	/* not a JSON object (why says what is wrong) */
	JSONL_NOFIELD	/* a JSON object without the field as a string */
} jsonl_status;

/*
 * Cleans the record rec[0..n) (without its newline): the field's text goes
 * through c as document doc, the record with the cleaned text in the field
 * is appended to out with a newline (unless out is NULL: the events are
 * all the caller wants).  On JSONL_BAD and JSONL_NOFIELD out is
 * unchanged and *why is a short message, valid until the next call.
 * Returns a jsonl_status, or -1 if out of memory.
 */
int jsonl_clean(jsonl *j, cleaner *c, uint64_t doc, const char *rec, size_t n,
    buf *out, const char **why);

/* Appends one JSON object and a newline to out: n members named key[i],
 * each a string (str[i], of len[i] bytes) or, where str[i] is NULL, the
 * number num[i].  For the audit trail.  0, or -1 if out of memory. */
int jsonl_object(buf *out, size_t n, const char *const *key,
    const char *const *str, const size_t *len, const uint64_t *num);

/* Appends s[0..n) as a JSON string, quoted and escaped.  0, or -1 if out
 * of memory. */
int jsonl_quote(buf *out, const char *s, size_t n);

#endif
