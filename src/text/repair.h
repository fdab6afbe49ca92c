/*
 * repair.h - repairs of text damaged before it reached us.
 *
 * REPAIR_MOJIBAKE: UTF-8 that was decoded as Windows-1252 (or Latin-1) and
 * encoded again ("GesprÃ¤ch", "â€žZitatâ€œ"), up to three times over, is
 * turned back into the intended characters, one layer per pass.  A repair
 * starts at a lead (Â to ô) followed by the right number of
 * continuations (U+0080 to U+00BF, or the Windows-1252 characters at 0x80
 * to 0x9F), and the bytes they stand for must spell well-formed UTF-8, or
 * CESU-8 (an emoji as two surrogates, the way Java writes it).
 * Three stand-ins are read too: U+FFFD (or "?" after "â€") where the last
 * byte was lost, which gives U+FFFD ("SlovenÄ�ina" is "Sloven�ina": a
 * capital inside a word is no letter of its own); a plain space for a
 * lost no-break space after "Ã" before a space or a lower-case letter
 * (the space stays: "Ã nos" is "à nos", but for the Portuguese "àquele"
 * and "às"), before more mojibake ("Ð Ñƒ"), or anywhere in a line that
 * has other mojibake ("Å veices baÅ†Ä·ieri" is Latvian "Šveices
 * baņķieri").  The result may be in any script, but
 * it must read better than what stands there (likely() in repair.c): no
 * lone Hebrew, Cyrillic, CJK or IPA letter among other text ("×”",
 * "É…"), no lower-case letter out of a capital and a symbol in capitals
 * ("AHÅ™"), no capital and no-break space ("SELKÄ EDELLÄ") unless the
 * repair is "à" or the line has other mojibake, no isolated letter of
 * Latin Extended ("10 Å—").  Then the
 * C1 controls left (U+0080 to U+009F: Windows-1252 read as Latin-1) are
 * mapped through Windows-1252 ("It\u0092s" is "It’s"), since they carry
 * text and normalisation would delete them; the five bytes Windows-1252
 * leaves undefined stay controls.  A line that the passes only nibbled
 * at, leaving more that looks like mojibake (a letter from U+00C0 to U+00FF
 * before a continuation) than they repaired, is a garble and left whole.
 * A line in which Windows-1252 found nothing may be UTF-8 read with
 * another code page: Windows-1251 ("РґРѕ"), Windows-1250 ("GesprĂ¤ch",
 * Arabic as "Ř±Ř˘"), MacRoman ("wei√ü", Hebrew as "◊ë◊î") or code page
 * 437 ("╨┐╤Ç"), the first that repairs anything, one layer, and only
 * where Windows-1252 cannot spell the same sequence; the repair must also
 * be a letter inside a word or General Punctuation, and a letter of
 * another script than Latin needs a neighbour of its script or the next
 * sequence to spell one.  A line in which Windows-1252 found something
 * but left what another page spells (a lead before a character
 * Windows-1252 does not have: "×‘×”×•×“×˘×”", Hebrew as Windows-1250;
 * Romanian's "Ă®nceĹŁoĹźatÄ\u0083", which mixes the two) gets that page
 * once, and Windows-1252 again after it.
 * Measured on ftfy's test cases (tests/tools/ftfy_cases.py: 141 of 161
 * as ftfy fixes them, 1 of 48 negatives changed), what still fails:
 * ISO-8859-2 (read as Windows-1250, which it nearly is: "Mám" comes out
 * "Måm"), Windows-1257 and code page 437 for Latin text; several layers
 * of one code page other than Windows-1252 and two others in one line;
 * bytes lost where the repair guesses the character (ftfy writes U+FFFD
 * where this writes "África"), or is not sure enough of a lone one; and
 * "DrÃ¥ber" (after a real "–"), which ftfy leaves alone and this repairs.
 * REPAIR_ENTITIES: HTML character references (&amp; &nbsp; &#8222; &#x201E;
 * &auml; ...) are decoded as entities.h says, with its ENTITIES_TEXT
 * exceptions; an unknown name is left as it is.  They are decoded before
 * the mojibake passes, so that mojibake written as references
 * ("Gespr&Atilde;&curren;ch") is repaired too.
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

/* What repair_line() looks at first, exposed for the tests: the signs of
 * damage in s[0..n), as bits, the same from both (the first uses AVX2
 * where the machine has it, the second never). */
unsigned repair_signs(const char *s, size_t n);
unsigned repair_signs_narrow(const char *s, size_t n);
/* Whether s[0..n) shows a sign of mojibake (rows 1 to 3), by the scan
 * that stops at the first, as the passes after a repair ask. */
int repair_signs_more(const char *s, size_t n);

#endif
