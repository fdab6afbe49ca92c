/*
 * model.c - the structural model file; see model.h and unboil-model(5).
 * The format is line by line: "#" comments and blank lines, the header
 * "unboil-model 1" first, then settings ("lag N", "change X",
 * "cut-keep P", optionally "island S") and one "weight NAME VALUE" per
 * feature.
 */
#include "layout/model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "layout/layout.h"

typedef struct loader {
	model *m;
	const char *name;
	rules_diag_fn diag;
	void *ctx;
	unsigned line;
	int errors;
	unsigned char *seen;	/* per feature: named already */
	int header, has_lag, has_change, has_cut;
} loader;

static void
problem(loader *ld, unsigned col, const char *fmt, const char *arg)
{
	char msg[256];

	ld->errors++;
	if (ld->diag == NULL)
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	ld->diag(ld->ctx, ld->name, ld->line, col, msg);
}

/* The next space-separated word of s[*i..n): *w, its length returned;
 * *col is its 1-based column. */
static size_t
word(const char *s, size_t n, size_t *i, const char **w, unsigned *col)
{
	size_t a;

	while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
	a = *i;
	while (*i < n && s[*i] != ' ' && s[*i] != '\t')
		(*i)++;
	*w = s + a;
	*col = (unsigned)a + 1;
	return *i - a;
}

/* A finite number in w[0..n), or a problem reported and 0 returned. */
static int
number(loader *ld, const char *w, size_t n, unsigned col, double lo, double hi, double *v)
{
	char tmp[64], *end;

	if (n == 0 || n >= sizeof(tmp)) {
		problem(ld, col, "%s", n == 0 ? "a number is missing" : "number too long");
		return 0;
	}
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	errno = 0;
	*v = strtod(tmp, &end);
	if (*end != '\0' || errno != 0 || !isfinite(*v)) {
		problem(ld, col, "'%s' is not a number", tmp);
		return 0;
	}
	if (*v < lo || *v > hi) {
		problem(ld, col, "'%s' is out of range", tmp);
		return 0;
	}
	return 1;
}

static void
weight_line(loader *ld, const char *s, size_t n, size_t i)
{
	const char *w;
	unsigned col;
	size_t k = word(s, n, &i, &w, &col);
	char name[64];
	int f;
	double v;

	if (k == 0 || k >= sizeof(name)) {
		problem(ld, col, "%s", k == 0 ? "weight: a feature name is missing" :
		    "weight: feature name too long");
		return;
	}
	memcpy(name, w, k);
	name[k] = '\0';
	if ((f = layout_feature(name)) < 0) {
		problem(ld, col, "unknown feature '%s'", name);
		return;
	}
	if (ld->seen[f]) {
		problem(ld, col, "feature '%s' given twice", name);
		return;
	}
	ld->seen[f] = 1;
	k = word(s, n, &i, &w, &col);
	if (number(ld, w, k, col, -1e6, 1e6, &v))
		ld->m->w[f] = v;
}

/* One line of the file, s[0..n) without its newline. */
static void
parse_line(loader *ld, const char *s, size_t n)
{
	const char *w;
	unsigned col;
	size_t i = 0, k = word(s, n, &i, &w, &col), rest;
	double v;

	if (k == 0 || w[0] == '#')
		return;
	if (!ld->header) {
		ld->header = 1;
		if (k != 12 || memcmp(w, "unboil-model", 12) != 0) {
			problem(ld, col, "%s", "the first line must be 'unboil-model 1'");
			return;
		}
		k = word(s, n, &i, &w, &col);
		(void)number(ld, w, k, col, MODEL_VERSION, MODEL_VERSION, &v);
	} else if (k == 6 && memcmp(w, "weight", 6) == 0) {
		weight_line(ld, s, n, i);
		i = n;
	} else if (k == 3 && memcmp(w, "lag", 3) == 0) {
		k = word(s, n, &i, &w, &col);
		if (number(ld, w, k, col, 0, MODEL_LAG_MAX, &v)) {
			if (v != floor(v))
				problem(ld, col, "%s", "lag: a whole number of lines is needed");
			ld->m->lag = (unsigned)v;
		}
		ld->has_lag = 1;
	} else if (k == 6 && memcmp(w, "change", 6) == 0) {
		k = word(s, n, &i, &w, &col);
		if (number(ld, w, k, col, 0, 1e3, &v))
			ld->m->change = v;
		ld->has_change = 1;
	} else if (k == 8 && memcmp(w, "cut-keep", 8) == 0) {
		k = word(s, n, &i, &w, &col);
		if (number(ld, w, k, col, 0, 1, &v))
			ld->m->cut_keep = v;
		ld->has_cut = 1;
	} else if (k == 6 && memcmp(w, "island", 6) == 0) {
		k = word(s, n, &i, &w, &col);
		if (number(ld, w, k, col, 0, 1, &v))
			ld->m->island = v;
	} else {
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)(k < 24 ? k : 24), w);
		problem(ld, col, "unknown setting '%s'", name);
		return;
	}
	rest = word(s, n, &i, &w, &col);
	if (rest > 0)
		problem(ld, col, "%s", "unexpected text after the value");
}

model *
model_load_text(const char *text, size_t n, const char *name,
    rules_diag_fn diag, void *ctx, int *errors)
{
	loader ld = { 0 };
	size_t a = 0, b;

	ld.name = name;
	ld.diag = diag;
	ld.ctx = ctx;
	*errors = 0;
	if ((ld.m = calloc(1, sizeof(*ld.m))) == NULL ||
	    (ld.m->w = calloc(layout_nfeat(), sizeof(double))) == NULL ||
	    (ld.seen = calloc(layout_nfeat(), 1)) == NULL) {
		model_free(ld.m);
		free(ld.seen);
		return NULL;
	}
	ld.m->nw = layout_nfeat();
	while (a < n) {
		const char *nl = memchr(text + a, '\n', n - a);
		b = nl != NULL ? (size_t)(nl - text) : n;
		ld.line++;
		parse_line(&ld, text + a, b - a - (b > a && text[b - 1] == '\r'));
		a = b + 1;
	}
	ld.line = 0;
	if (!ld.header)
		problem(&ld, 0, "%s", "empty model file: 'unboil-model 1' is missing");
	else if (!ld.has_lag || !ld.has_change || !ld.has_cut)
		problem(&ld, 0, "%s", "'lag', 'change' and 'cut-keep' must all be given");
	free(ld.seen);
	if (ld.errors > 0) {
		model_free(ld.m);
		*errors = ld.errors;
		return NULL;
	}
	return ld.m;
}

model *
model_load_file(const char *path, const char *name, rules_diag_fn diag, void *ctx,
    int *errors)
{
	buf b = { 0 };
	model *m;
	int err;

	if ((err = buf_read_file(&b, path)) != 0) {
		buf_free(&b);
		*errors = 1;
		if (diag != NULL)
			diag(ctx, name, 0, 0, strerror(err));
		return NULL;
	}
	m = model_load_text(b.data ? b.data : "", b.len, name, diag, ctx, errors);
	buf_free(&b);
	return m;
}

void
model_free(model *m)
{
	if (m == NULL)
		return;
	free(m->w);
	free(m);
}
