/*
 * repair.h - repairs of text damaged before it reached us.
 *
 * REPAIR_MOJIBAKE: UTF-8 that was decoded as Windows-1252 (or Latin-1) and
 * encoded again ("GesprÃ¤ch", "â€žZitatâ€œ"), once or twice, is turned back
 * into the intended characters.  Only a run of characters that spells a
 * well-formed UTF-8 sequence in Windows-1252 bytes - a lead (Â to ô) and
 * the right number of continuations (U+0080 to U+00BF, or the Windows-1252
 * characters at 0x80 to 0x9F) - and decodes to a character mojibake
 * plausibly hides (Latin letters, punctuation, currency, emoji) is changed, so text that merely contains
 * such letters ("São Paulo", "Ägypten") is left alone.
 * REPAIR_ENTITIES: HTML character references (&amp; &nbsp; &#8222; &#x201E;
 * &auml; ...) are decoded as entities.h says, with its ENTITIES_TEXT
 * exceptions; an unknown name is left as it is.
 */
#ifndef UNBOIL_REPAIR_H
#define UNBOIL_REPAIR_H

#include <stddef.h>

#include "buf.h"

enum {
	REPAIR_MOJIBAKE = 1 << 0,
	REPAIR_ENTITIES = 1 << 1,
	REPAIR_ALL = REPAIR_MOJIBAKE | REPAIR_ENTITIES
};

typedef struct repair_ctx repair_ctx;

repair_ctx *repair_new(unsigned flags);
void repair_free(repair_ctx *rc);

/* Repairs in[0..n), well-formed UTF-8, and points *out and *outn at the
 * result: in itself when nothing changed, else the context's buffer (valid
 * until the next call).  in[0..plain) is known to be plain (plain.h), or
 * plain is 0: no repair can start there, but for mojibake in its last
 * character, so the search starts near its end.  *did gets the REPAIR_*
 * flags of the repairs made.  Returns 0, or -1 if out of memory. */
int repair_line(repair_ctx *rc, const char *in, size_t n, size_t plain, const char **out,
    size_t *outn, unsigned *did);

#endif
