/*
 * fuzz_clean.c - libFuzzer target for the stream and the cleaner.
 *
 * The first two bytes choose the options (normalisation flags, structural
 * layer, valve, a small line cap, one or two threads, NUL-separated
 * documents) and a read size; the rest is the input, which a stream
 * (stream.h) cleans with the bundled rule sets, exactly as the command
 * does: framing, decoding, the pool and the writes are the stream's, not
 * a copy of them here.  Oracles: no crash or sanitizer report, output
 * that is well-formed UTF-8, and the same output and the same status
 * whether the input is read whole on one thread or a few bytes at a time
 * on the chosen ones.  Input that starts like gzip or zstd but is not
 * may end as corrupt (STREAM_ECORRUPT, what the command reports and exits
 * 2 for); any other error is a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean.h"
#include "layout/model.h"
#include "rules/rules.h"
#include "stream.h"
#include "text/norm.h"
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
	static const char *const sets[] = { "neutral", "de", "en", "intl" };
	char path[512];
	size_t i;
	int errors;

	rs = rules_new();
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.rules", FUZZ_PATTERNS, sets[i]);
		if (rules_load_file(rs, path, sets[i], NULL, NULL) != 0)
			abort();	/* the bundled rules must load */
	}
	snprintf(path, sizeof(path), "%s/layout.model", FUZZ_PATTERNS);
	if ((mod = model_load_file(path, "layout.model", NULL, NULL, &errors)) == NULL)
		abort();	/* and the bundled model */
}

/* Cleans in[0..n) with a stream of options so into out: the input and
 * the output are temporary files, as the stream reads and writes
 * descriptors.  Returns the status of the input: STREAM_OK or
 * STREAM_ECORRUPT. */
static int
run(const stream_opts *so, const unsigned char *in, size_t n, buf *out)
{
	FILE *fi = tmpfile(), *fo = tmpfile();
	stream_cb cb = { NULL, NULL, NULL, NULL, NULL };
	char chunk[4096];
	stream *s;
	ssize_t k;
	int err, st;

	if (fi == NULL || fo == NULL || fwrite(in, 1, n, fi) != n || fflush(fi) != 0 ||
	    lseek(fileno(fi), 0, SEEK_SET) != 0)
		abort();
	if ((s = stream_new(rs, so, &cb, fileno(fo), &err)) == NULL)
		abort();
	st = stream_input(s, fileno(fi), "fuzz");
	if ((st != STREAM_OK && st != STREAM_ECORRUPT) || stream_finish(s) != STREAM_OK)
		abort();
	stream_free(s);
	if (lseek(fileno(fo), 0, SEEK_SET) != 0)
		abort();
	while ((k = read(fileno(fo), chunk, sizeof(chunk))) > 0)
		if (buf_append(out, chunk, (size_t)k) != 0)
			abort();
	fclose(fi);
	fclose(fo);
	return st;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	stream_opts so;
	buf a = { 0 }, b = { 0 };
	size_t i;
	int sa, sb;

	if (rs == NULL)
		load_rules();
	if (size < 2)
		return 0;
	memset(&so, 0, sizeof(so));
	so.co.norm = data[0] & NORM_ALL;
	so.co.layout = (data[0] >> 4) & 1;
	so.co.model = mod;
	so.co.valve = (data[0] >> 5) & 1;
	so.co.max_line = (data[0] >> 6) & 1 ? 64 : 0;
	so.co.text = 1;
	so.split = (data[1] >> 7) & 1;
	so.jobs = 1;
	sa = run(&so, data + 2, size - 2, &a);
	so.jobs = 1 + ((data[0] >> 7) & 1);
	so.read_size = (size_t)(data[1] & 0x7F) + 1;
	sb = run(&so, data + 2, size - 2, &b);
	if (sa != sb || a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		abort();	/* output depends on how input was read */
	for (i = 0; i < a.len; i++)
		if (a.data[i] == '\0' && !so.split)
			abort();	/* a NUL byte got through */
	if (utf8_valid_prefix(a.data, a.len) != a.len)
		abort();	/* output is not UTF-8 */
	buf_free(&a);
	buf_free(&b);
	return 0;
}
