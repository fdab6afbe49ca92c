/*
 * utf8.h - UTF-8 validation, decoding and the repair of invalid bytes.
 *
 * Policy for invalid input, applied by utf8_repair(): every byte that is not
 * part of a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) is read as a Windows-1252 character,
 * because Latin-1 and Windows-1252 text is by far the most common reason for
 * such bytes in web text.  The five byte values Windows-1252 leaves
 * undefined become U+FFFD.  Well-formed sequences around them are kept as
 * they are, so a UTF-8 line with one stray Latin-1 byte keeps its umlauts.
 */
#ifndef UNBOIL_UTF8_H
#define UNBOIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length of the longest well-formed prefix of p[0..n). */
size_t utf8_valid_prefix(const char *p, size_t n);

/* Length (1 to 4) of the well-formed sequence at p, or 0 if the bytes at p
 * (of which n are available) do not start one. */
size_t utf8_seq_len(const unsigned char *p, size_t n);

/* Decodes the well-formed sequence at p into *cp; returns its length. */
size_t utf8_decode(const unsigned char *p, uint32_t *cp);

/* Encodes cp (at most U+10FFFF, no surrogate) into out; returns 1 to 4. */
size_t utf8_encode(uint32_t cp, char *out);

/* The character a byte stands for in Windows-1252 (U+FFFD for the five
 * undefined values). */
uint32_t utf8_cp1252(unsigned char c);

/* Removes every NUL byte from p[0..n) in place (well-formed, but never
 * text: unboil's output holds none inside a document); returns the new
 * length. */
size_t utf8_strip_nul(char *p, size_t n);

/* Appends p[0..n) to out with every invalid byte replaced as the policy
 * above says.  Returns the number of bytes replaced, or -1 if out of
 * memory; *bad_fffd, if not NULL, is increased by the number that became
 * U+FFFD. */
long utf8_repair(const char *p, size_t n, buf *out, uint64_t *bad_fffd);

#endif
