/*
 * jsonl.h - JSON Lines records: one JSON object per line, one text field
 * in it cleaned as a document, every other byte of the record written back
 * as it was.
 *
 * A record is checked whole against RFC 8259 (UTF-8, no raw control
 * characters in strings, numbers as the grammar spells them, of any size
 * and nesting as deep as the line allows) and then copied through as its
 * bytes: spacing, member order, duplicate members, escapes and numbers stay
 * as they were.  Only the field's string value is replaced, by the cleaned
 * text, quoted with only the escapes JSON needs ('"', '\' and the control
 * characters; '/' and non-ASCII as they are).  The field's escapes are
 * decoded for the cleaner; a \u escape of half a surrogate pair, which has
 * no UTF-8 form, becomes U+FFFD.  Where an object on the field's path has
 * two members of one name, the last counts, as in most JSON parsers; the
 * earlier one is copied untouched.
 *
 * Bad records (not JSON, not an object, text after the object, the field
 * missing or not a string, invalid UTF-8) are reported to the caller, which
 * decides what to do with them; nothing here prints.  One jsonl serves one
 * thread.
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
 * through c as document doc, and the record's bytes with the cleaned text
 * in place of the field's string are appended to out with a newline
 * (unless out is NULL: the events are all the caller wants).  rec is only
 * read, and needs to live only for the call.  On JSONL_BAD and
 * JSONL_NOFIELD out is unchanged and *why is a short message, valid until
 * the next call.  Returns a jsonl_status, or -1 if out of memory (out is
 * unchanged then too).
 */
int jsonl_clean(jsonl *j, cleaner *c, uint64_t doc, const char *rec, size_t n,
    buf *out, const char **why);

/* Appends one JSON object and a newline to out: n members named key[i]
 * (distinct C strings), each a string (str[i], of len[i] bytes) or, where
 * str[i] is NULL, the number num[i].  For the audit trail.  0, or -1 if
 * out of memory (out unchanged). */
int jsonl_object(buf *out, size_t n, const char *const *key,
    const char *const *str, const size_t *len, const uint64_t *num);

/* Appends s[0..n) as a JSON string, quoted, with the escapes above: the
 * two-letter ones JSON has, \u00XX (lower case) for the other control
 * characters, every other byte as it is (bytes are not checked for UTF-8).
 * 0, or -1 if out of memory (out unchanged). */
int jsonl_quote(buf *out, const char *s, size_t n);

#endif
