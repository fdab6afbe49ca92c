/*
 * jsonl.c - JSON Lines records; see jsonl.h.  Bad-input policy: a record
 * json-c cannot read exactly (syntax, invalid UTF-8, nesting deeper than
 * JSONL_DEPTH, an integer beyond 64 bits) is reported, never altered.
 */
#include "formats/jsonl.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swar.h"

#define JSONL_DEPTH 256	/* json-c's default of 32 is too shallow for some */

struct jsonl {
	char *field;
	char **path;		/* the field's parts */
	size_t npath;
	json_tokener *tok;
	buf text;		/* the cleaned field */
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
	j->tok = json_tokener_new_ex(JSONL_DEPTH);
	if (j->field == NULL || j->path == NULL || j->tok == NULL) {
		jsonl_free(j);
		return NULL;
	}
	json_tokener_set_flags(j->tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
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
	if (j->tok != NULL)
		json_tokener_free(j->tok);
	buf_free(&j->text);
	free(j);
}

/* Appends v as compact JSON, '/' unescaped, with a newline if nl.  0, or
 * -1 if out of memory. */
static int
append(buf *out, json_object *v, int nl)
{
	size_t n;
	const char *t = json_object_to_json_string_length(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	if (t == NULL || buf_append(out, t, n) != 0 || (nl && buf_putc(out, '\n') != 0))
		return -1;
	return 0;
}

/* Whether v holds an integer json-c may have clamped: it reads one beyond
 * 64 bits as the largest it has, without a word. */
static int
clamped(json_object *v)
{
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_int:
		return json_object_get_int64(v) == INT64_MIN ||
		    json_object_get_uint64(v) == UINT64_MAX;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (clamped(json_object_array_get_idx(v, i)))
				return 1;
		return 0;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			(void)key;
			if (clamped(val))
				return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
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

/* Parses rec into *root; JSONL_OK or JSONL_BAD with j->why set. */
static int
parse(jsonl *j, const char *rec, size_t n, json_object **root)
{
	size_t end;

	json_tokener_reset(j->tok);
	/* json-c takes an int length. */
	if (n > (size_t)INT32_MAX) {
		snprintf(j->why, sizeof(j->why), "record too long for the JSON parser");
		return JSONL_BAD;
	}
	*root = json_tokener_parse_ex(j->tok, rec, (int)n);
	if (*root == NULL) {
		enum json_tokener_error e = json_tokener_get_error(j->tok);
		snprintf(j->why, sizeof(j->why), "not valid JSON (%s at byte %zu)",
		    e == json_tokener_continue ? "unexpected end of line" :
		    json_tokener_error_desc(e), json_tokener_get_parse_end(j->tok) + 1);
		return JSONL_BAD;
	}
	end = json_tokener_get_parse_end(j->tok);
	if (!blank(rec + end, n - end))
		snprintf(j->why, sizeof(j->why), "not valid JSON (text after the value at byte %zu)",
		    end + 1);
	else if (!json_object_is_type(*root, json_type_object))
		snprintf(j->why, sizeof(j->why), "not a JSON object");
	else if (clamped(*root))
		snprintf(j->why, sizeof(j->why), "an integer out of the 64-bit range");
	else
		return JSONL_OK;
	json_object_put(*root);
	*root = NULL;
	return JSONL_BAD;
}

/* The object holding the field (its last part's parent), or NULL. */
static json_object *
holder(const jsonl *j, json_object *root)
{
	json_object *o = root;
	size_t k;

	for (k = 0; k + 1 < j->npath; k++)
		if (!json_object_object_get_ex(o, j->path[k], &o) ||
		    !json_object_is_type(o, json_type_object))
			return NULL;
	return o;
}

int
jsonl_clean(jsonl *j, cleaner *c, uint64_t doc, const char *rec, size_t n,
    buf *out, const char **why)
{
	json_object *root, *o, *v;
	const char *t;
	size_t tn;
	int rc = -1;

	*why = j->why;
	if (blank(rec, n))
		return JSONL_BLANK;
	if (parse(j, rec, n, &root) != JSONL_OK)
		return JSONL_BAD;
	if ((o = holder(j, root)) == NULL ||
	    !json_object_object_get_ex(o, j->path[j->npath - 1], &v) ||
	    !json_object_is_type(v, json_type_string)) {
		snprintf(j->why, sizeof(j->why), "no string member \"%.100s\"", j->field);
		json_object_put(root);
		return JSONL_NOFIELD;
	}
	t = json_object_get_string(v);
	tn = (size_t)json_object_get_string_len(v);
	buf_clear(&j->text);
	cleaner_begin(c, doc);
	if (cleaner_feed(c, t, tn, &j->text) != 0 || cleaner_end(c, &j->text) != 0)
		goto out;
	/* The cleaner ends every line; the field keeps its own ending. */
	if (j->text.len > 0 && (tn == 0 || t[tn - 1] != '\n'))
		j->text.len--;
	v = json_object_new_string_len(j->text.data ? j->text.data : "", (int)j->text.len);
	if (v == NULL || json_object_object_add(o, j->path[j->npath - 1], v) != 0)
		goto out;
	if (out == NULL) {
		rc = JSONL_OK;
		goto out;
	}
	if (append(out, root, 1) == 0)
		rc = JSONL_OK;
out:
	json_object_put(root);
	return rc;
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
