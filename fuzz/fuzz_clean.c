/*
 * fuzz_clean.c - libFuzzer target for the cleaner.
 *
 * The first two bytes choose the options (normalisation flags, structural
 * layer, valve, a small line cap, NUL-separated documents) and a piece size;
 * the rest is the input, cleaned with the bundled rule sets.  Oracles: no
 * crash or sanitizer report, output that is well-formed UTF-8, and the same
 * output whether the input is fed at once or in pieces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "layout/model.h"
#include "text/norm.h"
#include "rules/rules.h"
#include "text/utf8.h"

#ifndef FUZZ_PATTERNS
#define FUZZ_PATTERNS "patterns"
#endif

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static rules *rs;
static model *mod;

static void
load_rules(void)
{
	static const char *const sets[] = { "neutral", "de", "en" };
	char path[512];
	size_t i;
	int errors;

	rs = rules_new();
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s.rules", FUZZ_PATTERNS, sets[i]);
		if (rules_load_file(rs, path, sets[i], NULL, NULL) != 0)
			abort();	/* the bundled rules must load */
	}
	snprintf(path, sizeof(path), "%s/layout.model", FUZZ_PATTERNS);
	if ((mod = model_load_file(path, "layout.model", NULL, NULL, &errors)) == NULL)
		abort();	/* and the bundled model */
}

/* Cleans in[0..n) in pieces of step bytes; with -z splits on NUL. */
static void
run(const clean_opts *o, int nul, const unsigned char *in, size_t n,
    size_t step, buf *out)
{
	cleaner *c = cleaner_new(rs, o);
	size_t i = 0, k;
	uint64_t doc = 1;

	if (c == NULL)
		abort();
	cleaner_begin(c, doc);
	while (i < n) {
		k = n - i < step ? n - i : step;
		const unsigned char *z = nul ? memchr(in + i, 0, k) : NULL;
		if (z != NULL)
			k = (size_t)(z - (in + i));
		if (cleaner_feed(c, (const char *)in + i, k, out) != 0)
			abort();
		i += k;
		if (z != NULL) {
			cleaner_end(c, out);
			buf_putc(out, '\0');
			cleaner_begin(c, ++doc);
			i++;
		}
	}
	cleaner_end(c, out);
	cleaner_free(c);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	clean_opts o;
	buf a = { 0 }, b = { 0 };
	size_t step, i;
	int nul;

	if (rs == NULL)
		load_rules();
	if (size < 2)
		return 0;
	memset(&o, 0, sizeof(o));
	o.norm = data[0] & NORM_ALL;
	o.layout = (data[0] >> 4) & 1;
	o.model = mod;
	o.valve = (data[0] >> 5) & 1;
	o.max_line = (data[0] >> 6) & 1 ? 64 : 0;
	o.text = 1;
	nul = (data[1] >> 7) & 1;
	step = (size_t)(data[1] & 0x7F) + 1;
	run(&o, nul, data + 2, size - 2, size, &a);
	run(&o, nul, data + 2, size - 2, step, &b);
	if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		abort();	/* output depends on how input was cut */
	for (i = 0; i < a.len; i++)
		if (a.data[i] == '\0' && !nul)
			abort();	/* a NUL byte got through */
	if (utf8_valid_prefix(a.data, a.len) != a.len)
		abort();	/* output is not UTF-8 */
	buf_free(&a);
	buf_free(&b);
	return 0;
}
