/*
 * Unit tests for stream.c, driven without the command: framing (a whole
 * input, NUL-ended documents, JSON Lines records), the same output on one
 * thread and on several at any read size, the callbacks (events, bad
 * records, the aux output in order, progress) and the error codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream.h"
#include "text/norm.h"
#include "unit.h"

static rules *rs;

/* What the callbacks saw.  The event callback runs on every thread that
 * cleans (stream.h): what it shares, it guards. */
static char seen[4096];
static uint64_t last_bytes;
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;

static void
note(const char *fmt, const char *s, unsigned long long n)
{
	size_t k;

	pthread_mutex_lock(&seen_mu);
	k = strlen(seen);
	snprintf(seen + k, sizeof(seen) - k, fmt, s, n);
	pthread_mutex_unlock(&seen_mu);
}

static void
on_event(void *ctx, stream_doc *d, const clean_event *ev)
{
	(void)ctx;
	if (ev->kind == EV_DROP) {
		note("drop %s:%llu ", d->fname, (unsigned long long)ev->line);
		if (d->aux != NULL && (buf_append(d->aux, "A", 1) != 0 ||
		    buf_append(d->aux, ev->text, ev->len) != 0 || buf_putc(d->aux, '\n') != 0))
			abort();
	}
}

static void
on_bad(void *ctx, const stream_doc *d, const char *why)
{
	(void)ctx;
	(void)why;
	note("bad %s:%llu ", d->fname, (unsigned long long)d->line);
}

static buf aux_out;

static int
on_aux(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	return buf_append(&aux_out, p, n);
}

static void
on_progress(void *ctx, uint64_t bytes, uint64_t docs)
{
	(void)ctx;
	(void)docs;
	last_bytes = bytes;
}

static stream_cb cb = { NULL, on_event, on_bad, on_aux, on_progress };

static void
opts(stream_opts *o, int jobs, size_t read_size)
{
	memset(o, 0, sizeof(*o));
	o->co.norm = NORM_ALL;
	o->co.text = 1;
	o->co.valve = 1;
	o->jobs = jobs;
	o->read_size = read_size;
	o->line_events = 1;
}

/* A descriptor reading in[0..n): a temporary file. */
static int
input(const char *in, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	if (f == NULL || fwrite(in, 1, n, f) != n || fflush(f) != 0)
		abort();
	fd = dup(fileno(f));
	fclose(f);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* Runs in[0..n) through a stream of options o; the output into out, the
 * return of stream_input into *rc.  Returns stream_finish's. */
static int
run(const stream_opts *o, const char *in, size_t n, buf *out, int *rc)
{
	FILE *f = tmpfile();
	char chunk[4096];
	stream *s;
	ssize_t k;
	int err, fd = input(in, n), fin;

	seen[0] = '\0';
	buf_clear(&aux_out);
	buf_clear(out);
	if (f == NULL || (s = stream_new(rs, o, &cb, fileno(f), &err)) == NULL)
		abort();
	*rc = stream_input(s, fd, "in");
	fin = stream_finish(s);
	stream_free(s);
	close(fd);
	if (lseek(fileno(f), 0, SEEK_SET) != 0)
		abort();
	while ((k = read(fileno(f), chunk, sizeof(chunk))) > 0)
		if (buf_append(out, chunk, (size_t)k) != 0)
			abort();
	fclose(f);
	return fin;
}

static void
test_framing(void)
{
	static const char in[] = "Anzeige\nErster Satz.\0Anzeige\0Zweiter Satz.\n";
	stream_opts o;
	buf out = { 0 }, first = { 0 };
	size_t rs_sizes[] = { 1, 2, 3, 7, 4096 };
	int rc, j, same = 1;
	size_t i;

	opts(&o, 1, 0);
	CHECK(run(&o, "Anzeige\nErster Satz.\n", 21, &out, &rc) == STREAM_OK && rc == STREAM_OK &&
	    SAME(out.data, out.len, "Erster Satz.\n"), "a whole input is one document");
	CHECK(strcmp(seen, "drop in:1 ") == 0 && SAME(aux_out.data, aux_out.len, "AAnzeige\n"),
	    "events name the input and line; the aux output reaches its callback");
	CHECK(last_bytes == 21, "progress counts the bytes read");
	o.split = 1;
	run(&o, in, sizeof(in) - 1, &first, &rc);
	CHECK(rc == STREAM_OK && first.len == 30 &&
	    memcmp(first.data, "Erster Satz.\n\0\0Zweiter Satz.\n\0", 30) == 0,
	    "-z: NUL-ended documents, each output ended by one NUL");
	for (j = 1; j <= 3; j++)
		for (i = 0; i < sizeof(rs_sizes) / sizeof(rs_sizes[0]); i++) {
			opts(&o, j, rs_sizes[i]);
			o.split = 1;
			run(&o, in, sizeof(in) - 1, &out, &rc);
			same &= rc == STREAM_OK && out.len == first.len &&
			    memcmp(out.data, first.data, out.len) == 0 &&
			    SAME(aux_out.data, aux_out.len, "AAnzeige\nAAnzeige\n");
		}
	CHECK(same, "-z: the same output and audit trail on 1 to 3 threads, any read size");
	buf_free(&out);
	buf_free(&first);
}

static void
test_records(void)
{
	static const char in[] = "{\"text\":\"Anzeige\\nSatz.\"}\nnot json\n\n{\"id\":1}\n";
	stream_opts o;
	buf out = { 0 };
	int rc, j;

	for (j = 1; j <= 2; j++) {
		opts(&o, j, 5);
		o.fmt = &format_jsonl;
		o.fmt_arg = "text";
		o.bad = STREAM_BAD_PASS;
		CHECK(run(&o, in, sizeof(in) - 1, &out, &rc) == STREAM_OK && rc == STREAM_OK &&
		    SAME(out.data, out.len, "{\"text\":\"Satz.\"}\nnot json\n{\"id\":1}\n"),
		    j == 1 ? "records: cleaned, a bad one passed, a blank line dropped" :
		    "records on two threads: the same");
		CHECK(strstr(seen, "bad in:2 ") && strstr(seen, "bad in:4 "),
		    "bad records are told with their line");
	}
	opts(&o, 2, 0);
	o.fmt = &format_jsonl;
	o.fmt_arg = "text";
	o.bad = STREAM_BAD_STOP;
	CHECK(run(&o, in, sizeof(in) - 1, &out, &rc) == STREAM_ESTOP &&
	    SAME(out.data, out.len, "{\"text\":\"Satz.\"}\n") && strcmp(seen, "drop in:1 bad in:2 ") == 0,
	    "stop: what came before is written, nothing after, and only the first is told");
	buf_free(&out);
}

static void
test_errors(void)
{
	stream_opts o;
	stream *s;
	int err, p[2], fd;

	opts(&o, 1, 0);
	o.from_code = "NO-SUCH-ENCODING";
	CHECK(stream_new(rs, &o, &cb, 1, &err) == NULL && err == STREAM_EENCODING,
	    "an unknown encoding is told apart from memory");
	opts(&o, 1, 0);
	if ((s = stream_new(rs, &o, &cb, 1, &err)) == NULL)
		abort();
	fd = open(".", O_RDONLY);
	CHECK(stream_input(s, fd, "dir") == STREAM_EREAD && stream_errno(s) == EISDIR,
	    "a read error comes back with its errno");
	close(fd);
	if (pipe(p) != 0)
		abort();
	close(p[0]);
	CHECK(stream_output(s, p[1]) == STREAM_OK, "the output can change");
	fd = input("Ein Satz.\n", 10);
	CHECK(stream_input(s, fd, "in") == STREAM_EWRITE && stream_errno(s) == EPIPE &&
	    stream_finish(s) == STREAM_EWRITE,
	    "a failed write comes back as STREAM_EWRITE with its errno, and stays");
	CHECK(stream_output(s, open("/dev/null", O_WRONLY)) == STREAM_EWRITE &&
	    stream_finish(s) == STREAM_OK, "a new output clears the write error");
	close(fd);
	close(p[1]);
	stream_free(s);
	stream_free(NULL);
}

int
main(void)
{
	const char *text = "drop ^Anzeige$\n";

	signal(SIGPIPE, SIG_IGN);
	rs = rules_new();
	if (rs == NULL || rules_load_text(rs, text, strlen(text), "t", NULL, NULL) != 0)
		abort();
	test_framing();
	test_records();
	test_errors();
	rules_free(rs);
	buf_free(&aux_out);
	return unit_done();
}
