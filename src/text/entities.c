/*
 * entities.c - HTML character references; see entities.h for the rules.
 * Every byte string is acceptable input: text that is not a reference is
 * copied unchanged, and nothing fails but allocation.
 */
#include "text/entities.h"

#include <string.h>

#include "text/utf8.h"

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Can c continue a name in html.unescape's reading?  A run of such
 * characters that is no name as a whole can still start with a legacy
 * one ("&copy-right"), so the run matters, not only its letters. */
static int
name_char(unsigned char c)
{
	return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' &&
	    c != '&' && c != '#' && c != ';';
}

/* The table's entry named exactly s[0..n), or NULL. */
static const entity_ref *
lookup(const char *s, size_t n)
{
	size_t lo = 0, hi = entity_count, mid;
	const entity_ref *e;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		e = &entity_table[mid];
		c = memcmp(s, e->name, n < e->len ? n : e->len);
		if (c == 0)
			c = n < e->len ? -1 : n > e->len;
		if (c == 0)
			return e;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* What the number v stands for, into cp; returns how many code points
 * (0 or 1).  The order of the tests is html.unescape's. */
static int
number(unsigned long v, unsigned flags, uint32_t *cp)
{
	uint32_t w;

	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	/* Windows-1252, as HTML reads them; its five holes stay C1 controls. */
	if (v >= 0x80 && v <= 0x9F) {
		w = utf8_cp1252((unsigned char)v);
		*cp = w == 0xFFFD ? (uint32_t)v : w;
		return 1;
	}
	if ((flags & ENTITIES_TEXT) && v >= 0x0A && v <= 0x0D) {
		*cp = ' ';
		return 1;
	}
	if ((v < 0x20 && v != '\t' && v != '\n' && v != '\f' && v != '\r') ||
	    v == 0x7F || (v >= 0xFDD0 && v <= 0xFDEF) || (v & 0xFFFE) == 0xFFFE)
		return 0;
	*cp = (uint32_t)v;
	return 1;
}

/* The numeric reference at s ('#', n bytes available): its length in
 * *len and what it stands for in cp, as number() counts; -1 if there is
 * none.  Digits past U+10FFFF are read but no longer counted. */
static int
numeric(const char *s, size_t n, unsigned flags, size_t *len, uint32_t *cp)
{
	int hex = n > 1 && (s[1] == 'x' || s[1] == 'X'), d;
	size_t i = hex ? 2 : 1, start = i;
	unsigned long v = 0;

	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		d = c >= '0' && c <= '9' ? c - '0' : !hex ? -1 :
		    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		if (v <= 0x10FFFF)
			v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i == start)
		return -1;
	*len = i < n && s[i] == ';' ? i + 1 : i;
	return number(v, flags, cp);
}

/*
 * The named reference at s (just after '&', n bytes available), as
 * numeric() returns it.  The name as a whole, with its ';' or (a legacy
 * name) before a character that ends the run; else the longest legacy
 * name the run starts with.  Names are ASCII letters and digits, so only
 * the alphanumeric start of the run is ever looked up.
 */
static int
named(const char *s, size_t n, unsigned flags, size_t *len, uint32_t *cp)
{
	const entity_ref *e = NULL;
	size_t j = 0, x;

	while (j < n && j <= entity_name_max && is_alnum((unsigned char)s[j]))
		j++;
	if (j < n && s[j] == ';')
		e = lookup(s, j + 1);
	else if (j == n || !name_char((unsigned char)s[j]))
		e = lookup(s, j);
	for (x = j < entity_legacy_max ? j : entity_legacy_max; e == NULL && x >= 2; x--)
		e = lookup(s, x);
	if (e == NULL)
		return -1;
	/* The first exception of ENTITIES_TEXT (entities.h): "&copy=2". */
	if ((flags & ENTITIES_TEXT) && e->name[e->len - 1] != ';' && e->len < n &&
	    (s[e->len] == '=' || is_alnum((unsigned char)s[e->len])))
		return -1;
	*len = e->len;
	cp[0] = e->cp[0];
	cp[1] = e->cp[1];
	/* The second: &NewLine; is a space, as &#10; is. */
	if ((flags & ENTITIES_TEXT) && cp[0] == '\n')
		cp[0] = ' ';
	return cp[1] != 0 ? 2 : 1;
}

int
entities_maybe(const char *s, size_t n)
{
	const char *amp, *e = s + n;

	while ((amp = memchr(s, '&', (size_t)(e - s))) != NULL) {
		if (amp + 1 < e && (amp[1] == '#' || is_alpha((unsigned char)amp[1])))
			return 1;
		s = amp + 1;
	}
	return 0;
}

int
entities_decode(const char *s, size_t n, unsigned flags, buf *out)
{
	const char *amp, *e = s + n;
	char enc[8];
	uint32_t cp[2];
	size_t len, k;
	int done = 0, m, i;

	while ((amp = memchr(s, '&', (size_t)(e - s))) != NULL) {
		if (buf_append(out, s, (size_t)(amp - s)) != 0)
			return -1;
		s = amp + 1;
		m = s == e ? -1 : *s == '#' ? numeric(s, (size_t)(e - s), flags, &len, cp) :
		    named(s, (size_t)(e - s), flags, &len, cp);
		if (m < 0) {
			if (buf_putc(out, '&') != 0)
				return -1;
			continue;
		}
		for (i = 0, k = 0; i < m; i++)
			k += utf8_encode(cp[i], enc + k);
		if (buf_append(out, enc, k) != 0)
			return -1;
		done++;
		s += len;
	}
	return buf_append(out, s, (size_t)(e - s)) != 0 ? -1 : done;
}
