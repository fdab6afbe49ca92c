/*
 * entities.h - HTML character references, decoded as the HTML standard
 * decodes them in text.
 *
 * The rules are those of Python's html.unescape, which follows the
 * standard: every one of the 2,231 HTML5 names (entity_table.c, written by
 * gen-entities.py), the 106 legacy ones also without ';' and, where no
 * name matches whole, the longest legacy name the text starts with
 * ("&copy-right" is "(c)-right"); numeric references in decimal or
 * hexadecimal, with or without ';'; 0x80 to 0x9F as Windows-1252 (its five
 * holes as the C1 controls), 0 and what is not a Unicode scalar value as
 * U+FFFD, and the other C0 controls but tab, line feed, form feed and
 * carriage return, DEL and the noncharacters as nothing.  ENTITIES_TEXT
 * adds the two reasoned exceptions of a line filter; see there.  Any
 * bytes are accepted: what is not a reference is copied as it is, and a
 * reference yields well-formed UTF-8, so well-formed input stays so.
 */
#ifndef UNBOIL_ENTITIES_H
#define UNBOIL_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum {
	/*
	 * The two differences from html.unescape that text read line by line
	 * wants.  A legacy name without ';' followed by '=' or an ASCII letter
	 * or digit is left alone ("&copy=2", "&region=de", "&notit;"), as the
	 * standard itself does in attribute values: such text is a URL's
	 * query far more often than a reference whose ';' was forgotten.
	 * And a reference to a line feed, vertical tab, form feed or carriage
	 * return (&#10; &#11; &#12; &#13; &NewLine;) becomes a space: a line
	 * cannot hold a line break, and normalisation would remove the
	 * control and glue the words on either side together.
	 */
	ENTITIES_TEXT = 1 << 0
};

/* Non-zero if s[0..n) holds an '&' followed by '#' or an ASCII letter, the
 * only places where entities_decode() can change anything: a line without
 * one need not be copied.  Costs one memchr() on a line without '&'. */
int entities_maybe(const char *s, size_t n);

/* Appends s[0..n), with its character references decoded, to out; flags
 * are ENTITIES_* or 0 (exactly html.unescape).  Text that is not a
 * reference is copied as it is.  Returns the number of references
 * decoded, or -1 if out of memory (out then holds part of the result). */
int entities_decode(const char *s, size_t n, unsigned flags, buf *out);

/* The generated table, sorted by name (memcmp, then the shorter first):
 * the name as the text spells it after '&', with its ';' if it has one,
 * and one or two code points (cp[1] 0 if one). */
typedef struct entity_ref {
	const char *name;
	uint8_t len;
	uint32_t cp[2];
} entity_ref;

extern const entity_ref entity_table[];
extern const size_t entity_count, entity_name_max, entity_legacy_max;

#endif
