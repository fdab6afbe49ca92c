/*
 * jsonl.c - JSON Lines records; see jsonl.h.  A strict scanner (RFC 8259)
 * reads each record once: it checks the whole record and notes where the
 * field's string lies, and nothing but that string is decoded or written
 * anew; every other byte goes out as it came in.  Bad-input policy: a
 * record that is not exactly one JSON object (syntax, invalid UTF-8
 * anywhere, a raw control character in a string) is reported, never
 * altered.  In the field's own text, a \u escape of half a surrogate pair
 * becomes U+FFFD, as invalid UTF-8 does elsewhere in unboil.
 */
#include "formats/jsonl.h"
#include "formats/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swar.h"
#include "text/utf8.h"

struct jsonl {
	char *field;
	char **path;		/* the field's parts */
	size_t npath;
	buf open;		/* the open containers, '{' or '[' each */
	buf key;		/* a key with escapes, decoded to compare */
	buf text;		/* the field's text, escapes decoded */
	buf clean;		/* the field's text, cleaned */
	char why[160];
};

int
jsonl_field_ok(const char *field)
{
	const char *p;

	if (field == NULL || *field == '\0')
		return 0;
	for (p = field; *p; p++)
		if (*p == '.' && (p == field || p[1] == '\0' || p[1] == '.'))
			return 0;
	return 1;
}

jsonl *
jsonl_new(const char *field)
{
	jsonl *j;
	const char *p, *dot;
	size_t k;

	if (!jsonl_field_ok(field) || (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	for (p = field, j->npath = 1; *p; p++)
		j->npath += *p == '.';
	j->field = strdup(field);
	j->path = calloc(j->npath, sizeof(*j->path));
	if (j->field == NULL || j->path == NULL) {
		jsonl_free(j);
		return NULL;
	}
	for (p = field, k = 0; k < j->npath; k++, p = dot + 1) {
		dot = strchr(p, '.');
		if (dot == NULL)
			dot = p + strlen(p);
		if ((j->path[k] = strndup(p, (size_t)(dot - p))) == NULL) {
			jsonl_free(j);
			return NULL;
		}
	}
	return j;
}

void
jsonl_free(jsonl *j)
{
	size_t k;

	if (j == NULL)
		return;
	for (k = 0; j->path != NULL && k < j->npath; k++)
		free(j->path[k]);
	free(j->path);
	free(j->field);
	buf_free(&j->open);
	buf_free(&j->key);
	buf_free(&j->text);
	buf_free(&j->clean);
	free(j);
}

/* The number of bytes at the start of p[0..n) that a JSON string holds as
 * they are: up to the first quote, backslash or control character.  Eight
 * bytes at a time, as most text needs no escape for dozens of bytes. */
static size_t
plain_run(const char *p, size_t n)
{
	size_t i;
	uint64_t w, m;

	for (i = 0; i + 8 <= n; i += 8) {
		w = swar_load(p + i);
		m = swar_eq(w, '"') | swar_eq(w, '\\') | swar_below(w, 0x20);
		if (m != 0)
			return i + swar_first(m);
	}
	for (; i < n; i++)
		if (p[i] == '"' || p[i] == '\\' || (unsigned char)p[i] < 0x20)
			break;
	return i;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The four hex digits at p (checked by the scanner). */
static uint32_t
hex4(const char *p)
{
	return (uint32_t)(hex_digit(p[0]) << 12 | hex_digit(p[1]) << 8 |
	    hex_digit(p[2]) << 4 | hex_digit(p[3]));
}

/*
 * Appends the text of a string the scanner has checked, s[0..n) between
 * its quotes, with its escapes decoded.  A surrogate pair becomes its
 * character; half of one alone has no UTF-8 form and becomes U+FFFD, as
 * an invalid byte does in the cleaner.  The text is never longer than its
 * escaped form, so one reserve serves.  0, or -1 if out of memory.
 */
static int
unescape(const char *s, size_t n, buf *out)
{
	static const char simple[128] = {
		['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
		['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'
	};
	const char *bs, *end = s + n;
	char *o;
	uint32_t cp, lo;

	if (buf_reserve(out, n) != 0)
		return -1;
	o = out->data + out->len;
	while ((bs = memchr(s, '\\', (size_t)(end - s))) != NULL) {
		memcpy(o, s, (size_t)(bs - s));
		o += bs - s;
		if (bs[1] != 'u') {
			*o++ = simple[(unsigned char)bs[1]];
			s = bs + 2;
			continue;
		}
		cp = hex4(bs + 2);
		s = bs + 6;
		if (cp >= 0xD800 && cp <= 0xDBFF && end - s >= 6 && s[0] == '\\' &&
		    s[1] == 'u' && (lo = hex4(s + 2)) >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			s += 6;
		} else if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = 0xFFFD;
		o += utf8_encode(cp, o);
	}
	memcpy(o, s, (size_t)(end - s));
	out->len = (size_t)(o + (end - s) - out->data);
	return 0;
}

/* ---- the scanner ---- */

/* What the scanner expects next; S_DONE, S_BAD and -1 (out of memory)
 * end the scan. */
enum { S_BAD = -2, S_VALUE = 1, S_KEY, S_NEXT, S_DONE };

/* What the next value is to the field's path. */
enum { W_NONE, W_OBJECT, W_STRING };

typedef struct scan {
	jsonl *j;
	const char *p;
	size_t n, i;		/* the record, and where the scanner is */
	size_t on;		/* open objects on the field's path: the
				   first on of j->open */
	int want;		/* W_*: what the next value is to the path */
	size_t fs, fe;		/* the field's string, quotes and all; fe 0
				   while there is none */
	int esc;		/* whether it holds escapes */
} scan;

/* Says what is wrong at s->i; returns S_BAD.  Positions count from 1, as
 * json-c's did, and the messages are json-c's where it had one. */
static int
bad(scan *s, const char *what)
{
	if (s->i >= s->n)
		what = "unexpected end of line";
	snprintf(s->j->why, sizeof(s->j->why), "not valid JSON (%s at byte %zu)",
	    what, s->i + 1);
	return S_BAD;
}

static void
skip_space(scan *s)
{
	while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' ||
	    s->p[s->i] == '\r' || s->p[s->i] == '\n'))
		s->i++;
}

/* Checks the string at s->i and steps past it; *esc tells whether it
 * holds escapes.  0 or S_BAD.  Its UTF-8 was checked with the record's. */
static int
string(scan *s, int *esc)
{
	const char *p = s->p;
	size_t n = s->n, k;

	*esc = 0;
	s->i++;
	for (;;) {
		s->i += plain_run(p + s->i, n - s->i);
		if (s->i >= n)
			return bad(s, "unexpected end of line");
		if (p[s->i] == '"') {
			s->i++;
			return 0;
		}
		if (p[s->i] != '\\')
			return bad(s, "unescaped control character in a string");
		*esc = 1;
		if (++s->i < n && p[s->i] == 'u') {
			for (k = 0; k < 4; k++)
				if (++s->i >= n || hex_digit(p[s->i]) < 0)
					return bad(s, "invalid string sequence");
		} else if (s->i >= n || p[s->i] == '\0' || strchr("\"\\/bfnrt", p[s->i]) == NULL)
			return bad(s, "invalid string sequence");
		s->i++;
	}
}

/* true, false or null, spelt out in full. */
static int
literal(scan *s, const char *word, const char *what)
{
	for (; *word != '\0'; word++, s->i++)
		if (s->i >= s->n || s->p[s->i] != *word)
			return bad(s, what);
	return S_NEXT;
}

static void
digits(scan *s)
{
	while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
		s->i++;
}

/* A number as RFC 8259 spells it, of any size: it is only ever copied. */
static int
number(scan *s)
{
	const char *p = s->p;
	size_t at;

	if (p[s->i] == '-')
		s->i++;
	at = s->i;
	if (s->i < s->n && p[s->i] == '0')
		s->i++;
	else
		digits(s);
	if (s->i == at)
		return bad(s, "number expected");
	if (s->i < s->n && p[s->i] == '.') {
		at = ++s->i;
		digits(s);
		if (s->i == at)
			return bad(s, "number expected");
	}
	if (s->i < s->n && (p[s->i] == 'e' || p[s->i] == 'E')) {
		if (++s->i < s->n && (p[s->i] == '+' || p[s->i] == '-'))
			s->i++;
		at = s->i;
		digits(s);
		if (s->i == at)
			return bad(s, "number expected");
	}
	/* Only a leading zero stops before a digit ("01"). */
	if (s->i < s->n && p[s->i] >= '0' && p[s->i] <= '9')
		return bad(s, "number expected");
	return S_NEXT;
}

/* Closes the container whose end is at s->i. */
static int
end_container(scan *s)
{
	if (s->j->open.len == s->on)
		s->on--;
	s->j->open.len--;
	s->i++;
	return S_NEXT;
}

/* A value, or the start of one: what comes next. */
static int
value(scan *s)
{
	int want = s->want, esc;
	size_t at = s->i;
	char c;

	s->want = W_NONE;
	if (s->i >= s->n)
		return bad(s, "unexpected end of line");
	switch (c = s->p[s->i]) {
	case '{':
	case '[':
		if (buf_putc(&s->j->open, c) != 0)
			return -1;
		if (c == '{' && want == W_OBJECT)
			s->on = s->j->open.len;
		s->i++;
		skip_space(s);
		if (s->i < s->n && s->p[s->i] == c + 2)	/* '}' or ']' */
			return end_container(s);
		return c == '{' ? S_KEY : S_VALUE;
	case '"':
		if (string(s, &esc) != 0)
			return S_BAD;
		if (want == W_STRING) {
			s->fs = at;
			s->fe = s->i;
			s->esc = esc;
		}
		return S_NEXT;
	case 't':
		return literal(s, "true", "boolean expected");
	case 'f':
		return literal(s, "false", "boolean expected");
	case 'n':
		return literal(s, "null", "null expected");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return number(s);
		return bad(s, "unexpected character");
	}
}

/* Whether the key k[0..n) (between its quotes; with escapes if esc) is
 * name.  0, 1, or -1 if out of memory. */
static int
key_is(jsonl *j, const char *k, size_t n, int esc, const char *name)
{
	if (esc) {
		buf_clear(&j->key);
		if (unescape(k, n, &j->key) != 0)
			return -1;
		k = j->key.data;
		n = j->key.len;
	}
	return n == strlen(name) && memcmp(k, name, n) == 0;
}

/*
 * A member's key and its colon.  In an object on the field's path, the
 * key that names the path's next part makes the value after it the next
 * object of the path, or the field; as a JSON parser keeps the last of
 * two members of one name, a later one replaces an earlier one's field.
 */
static int
key(scan *s)
{
	jsonl *j = s->j;
	size_t at = s->i;
	int esc, is;

	if (s->i >= s->n || s->p[s->i] != '"')
		return bad(s, "quoted object property name expected");
	if (string(s, &esc) != 0)
		return S_BAD;
	if (j->open.len == s->on) {
		is = key_is(j, s->p + at + 1, s->i - at - 2, esc, j->path[s->on - 1]);
		if (is < 0)
			return -1;
		if (is) {
			s->fe = 0;
			s->want = s->on == j->npath ? W_STRING : W_OBJECT;
		}
	}
	skip_space(s);
	if (s->i >= s->n || s->p[s->i] != ':')
		return bad(s, "object property name separator ':' expected");
	s->i++;
	return S_VALUE;
}

/* After a value: a comma, the end of its container, or of the record. */
static int
next(scan *s)
{
	buf *open = &s->j->open;
	char top;

	if (open->len == 0)
		return s->i < s->n ? bad(s, "unexpected character") : S_DONE;
	top = open->data[open->len - 1];
	if (s->i < s->n && s->p[s->i] == ',') {
		s->i++;
		return top == '{' ? S_KEY : S_VALUE;
	}
	if (s->i < s->n && s->p[s->i] == top + 2)
		return end_container(s);
	return bad(s, top == '{' ? "object value separator ',' expected" :
	    "array value separator ',' expected");
}

/*
 * Scans the record s->p[0..n): JSONL_OK with the field's string at
 * s->fs..fe, JSONL_BAD or JSONL_NOFIELD with j->why set, or -1.  The open
 * containers are a stack in j->open, not the C stack, so any depth the
 * record's length allows is read.
 */
static int
scan_record(scan *s)
{
	jsonl *j = s->j;
	size_t good = utf8_valid_prefix(s->p, s->n);
	int state = S_VALUE;

	if (good < s->n) {
		s->i = good;
		bad(s, "invalid utf-8 string");
		return JSONL_BAD;
	}
	buf_clear(&j->open);
	s->want = W_OBJECT;	/* the record is the first object of the path */
	while (state > 0 && state != S_DONE) {
		skip_space(s);
		state = state == S_VALUE ? value(s) : state == S_KEY ? key(s) : next(s);
	}
	if (state < 0)
		return state == S_BAD ? JSONL_BAD : -1;
	s->i = 0;
	skip_space(s);
	if (s->p[s->i] != '{') {
		snprintf(j->why, sizeof(j->why), "not a JSON object");
		return JSONL_BAD;
	}
	if (s->fe == 0) {
		snprintf(j->why, sizeof(j->why), "no string member \"%.100s\"", j->field);
		return JSONL_NOFIELD;
	}
	return JSONL_OK;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/*
 * The field's text goes to the cleaner from the record itself, or, if it
 * has escapes, decoded once into j->text; the cleaned text is quoted
 * straight from the cleaner's output into out, between the record's bytes
 * before and after the field's string.
 */
int
jsonl_clean(jsonl *j, cleaner *c, uint64_t doc, const char *rec, size_t n,
    buf *out, const char **why)
{
	scan s = { .j = j, .p = rec, .n = n };
	const char *t;
	size_t tn, keep;
	int rc;

	*why = j->why;
	if (blank(rec, n))
		return JSONL_BLANK;
	if ((rc = scan_record(&s)) != JSONL_OK)
		return rc;
	t = rec + s.fs + 1;
	tn = s.fe - s.fs - 2;
	if (s.esc) {
		buf_clear(&j->text);
		if (unescape(t, tn, &j->text) != 0)
			return -1;
		t = j->text.data;
		tn = j->text.len;
	}
	buf_clear(&j->clean);
	cleaner_begin(c, doc);
	if (cleaner_feed(c, t, tn, &j->clean) != 0 || cleaner_end(c, &j->clean) != 0)
		return -1;
	/* The cleaner ends every line; the field keeps its own ending. */
	if (j->clean.len > 0 && (tn == 0 || t[tn - 1] != '\n'))
		j->clean.len--;
	if (out == NULL)
		return JSONL_OK;
	keep = out->len;
	if (buf_append(out, rec, s.fs) != 0 ||
	    jsonl_quote(out, j->clean.data, j->clean.len) != 0 ||
	    buf_append(out, rec + s.fe, n - s.fe) != 0 || buf_putc(out, '\n') != 0) {
		out->len = keep;
		return -1;
	}
	return JSONL_OK;
}

/* json-c's escaping, which --rejects has always written: the two-letter
 * escapes where JSON has one, \u00XX (lower case) for the other control
 * characters, and every other byte as it is ('/' and non-ASCII too). */
int
jsonl_quote(buf *out, const char *s, size_t n)
{
	static const char two[32] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r'
	};
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', '0', '0' };
	size_t i = 0, k, keep = out->len;
	unsigned char c;

	if (buf_reserve(out, n + 2) != 0 || buf_putc(out, '"') != 0)
		return -1;
	while (i < n) {
		k = plain_run(s + i, n - i);
		if (buf_append(out, s + i, k) != 0)
			goto fail;
		if ((i += k) == n)
			break;
		c = (unsigned char)s[i++];
		if (c >= 0x20 || two[c] != 0) {
			e[1] = c >= 0x20 ? (char)c : two[c];
			k = 2;
		} else {
			e[1] = 'u';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			k = 6;
		}
		if (buf_append(out, e, k) != 0)
			goto fail;
	}
	if (buf_putc(out, '"') == 0)
		return 0;
fail:
	out->len = keep;
	return -1;
}

int
jsonl_object(buf *out, size_t n, const char *const *key,
    const char *const *str, const size_t *len, const uint64_t *num)
{
	char d[24];
	size_t i, keep = out->len;
	int rc = buf_putc(out, '{');

	for (i = 0; i < n && rc == 0; i++) {
		if ((i > 0 && buf_putc(out, ',') != 0) ||
		    jsonl_quote(out, key[i], strlen(key[i])) != 0 ||
		    buf_putc(out, ':') != 0)
			rc = -1;
		else if (str[i] != NULL)
			rc = jsonl_quote(out, str[i], len[i]);
		else
			rc = buf_append(out, d, (size_t)snprintf(d, sizeof(d), "%llu",
			    (unsigned long long)num[i]));
	}
	if (rc == 0 && buf_putc(out, '}') == 0 && buf_putc(out, '\n') == 0)
		return 0;
	out->len = keep;
	return -1;
}

/* ---- the format the stream sees (format.h) ---- */

static void *
format_open(const char *field)
{
	return jsonl_new(field);
}

static void
format_close(void *st)
{
	jsonl_free(st);
}

static int
format_clean(void *st, cleaner *c, uint64_t doc, const char *rec, size_t n,
    buf *out, const char **why)
{
	int rc = jsonl_clean(st, c, doc, rec, n, out, why);

	if (rc < 0)
		return -1;
	return rc == JSONL_OK ? FORMAT_OK : rc == JSONL_BLANK ? FORMAT_BLANK : FORMAT_BAD;
}

const format format_jsonl = { "jsonl", '\n', format_open, format_close, format_clean };
