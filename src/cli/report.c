/*
 * report.c - what the stream reports, presented: warnings on stderr,
 * --explain and --features lines into each document's output, the audit
 * trail (--rejects) as JSON Lines, bad records, --stats and the progress
 * line.  The event callback runs on the threads that clean: it touches
 * only its document and writes whole lines to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli/cli.h"
#include "formats/jsonl.h"
#include "layout/layout.h"

static const char *const ev_names[] = {
	"keep", "edit", "drop", "cut", "blank", "long", "limit", "valve", "empty",
	"features", "loss"
};

/* The audit trail: one JSON object per line that is not in the output as
 * it was read (removed, edited or blank), with its document, line and the
 * rule or structural decision that did it. */
static void
reject(stream_doc *d, const clean_event *ev)
{
	static const char *const key[] = {
		"file", "doc", "line", "action", "rule", "text", "result"
	};
	const char *act = ev_names[ev->kind], *id = ev->rule ? ev->rule : "-";
	const char *str[7];
	size_t len[7] = { 0 }, n = 6;
	uint64_t num[7] = { 0 };

	str[0] = d->fname, len[0] = strlen(d->fname);
	str[1] = NULL, num[1] = ev->doc;
	str[2] = NULL, num[2] = ev->line;
	str[3] = act, len[3] = strlen(act);
	str[4] = id, len[4] = strlen(id);
	/* text is the line as it was read, also when a rule edited it before
	 * the structural layer removed it. */
	if (ev->before != NULL)
		str[5] = ev->before, len[5] = ev->before_len;
	else
		str[5] = ev->text, len[5] = ev->len;
	if (ev->kind == EV_EDIT) {
		str[6] = ev->text, len[6] = ev->len;
		n = 7;
	}
	if (jsonl_object(d->aux, n, key, str, len, num) != 0)
		cli_oom();
}

/* --features: doc:line, then the vector, tab-separated. */
static void
print_features(buf *out, const clean_event *ev)
{
	char num[48];
	size_t i;
	int k;

	k = snprintf(num, sizeof(num), "%llu:%llu", (unsigned long long)ev->doc,
	    (unsigned long long)ev->line);
	if (buf_append(out, num, (size_t)k) != 0)
		cli_oom();
	for (i = 0; i < ev->nx; i++) {
		k = snprintf(num, sizeof(num), "\t%.6g", ev->x[i]);
		if (buf_append(out, num, (size_t)k) != 0)
			cli_oom();
	}
	if (buf_putc(out, '\n') != 0)
		cli_oom();
}

/* Every cleaner event, from whichever thread cleans document d: warnings
 * on stderr, the audit trail and --explain into d's own outputs. */
void
report_event(void *ctx, stream_doc *d, const clean_event *ev)
{
	const options *opt = ((const report *)ctx)->opt;
	buf *out = d->out;
	char head[96];
	int k;

	if (ev->kind == EV_LIMIT) {
		cli_warn("%s:%llu: rule %s hit the match limit; judged without it",
		    d->fname, (unsigned long long)ev->line, ev->rule);
		if (d->status < EXIT_PARTIAL)
			d->status = EXIT_PARTIAL;
		return;
	}
	if (ev->kind == EV_VALVE || ev->kind == EV_EMPTY) {
		if (opt->valve_warn)
			cli_warn(ev->kind == EV_VALVE ?
			    "%s: document %llu has no body text; kept what the rules kept" :
			    "%s: document %llu came out empty", d->fname,
			    (unsigned long long)ev->doc);
		return;
	}
	if (ev->kind == EV_LOSS) {
		/* Most often many articles read as one document: the first
		 * footer's cut rule ends them all.  Say how to keep them. */
		char cut[192] = "";
		if (ev->rule != NULL)
			snprintf(cut, sizeof(cut), " and dropped %llu%% after the cut rule %s at line %llu",
			    (unsigned long long)(ev->cut * 100 / ev->in), ev->rule,
			    (unsigned long long)ev->line);
		cli_warn("%s: document %llu kept %llu%% of its %llu bytes%s; if it holds "
		    "several articles, end each with a NUL byte (-z) or a form feed "
		    "(--doc-sep=ff)", d->fname, (unsigned long long)ev->doc,
		    (unsigned long long)(ev->out * 100 / ev->in),
		    (unsigned long long)ev->in, cut);
		return;	/* cleaned as asked: the status stays 0 */
	}
	if (ev->kind == EV_LONG) {
		cli_warn("%s:%llu: line longer than %zu bytes, written through unchanged",
		    d->fname, (unsigned long long)ev->line, opt->co.max_line);
		if (d->status < EXIT_PARTIAL)
			d->status = EXIT_PARTIAL;
	}
	/* Every blank line is listed, since which one of a run the output's
	 * one blank line stands for is known only when a later line is kept:
	 * the output's blank lines then stand for no line of the input, and
	 * the trail lists the input's lines in order. */
	if (d->aux != NULL && (ev->kind == EV_DROP || ev->kind == EV_CUT ||
	    ev->kind == EV_EDIT || ev->kind == EV_BLANK))
		reject(d, ev);
	if (!opt->explain)
		return;
	if (ev->kind == EV_FEATURES) {
		print_features(out, ev);
		return;
	}
	if (opt->features)
		return;
	k = snprintf(head, sizeof(head), "%llu:%llu\t%s\t",
	    (unsigned long long)ev->doc, (unsigned long long)ev->line,
	    ev_names[ev->kind]);
	if (buf_append(out, head, (size_t)k) != 0 ||
	    buf_append(out, ev->rule ? ev->rule : "-", strlen(ev->rule ? ev->rule : "-")) != 0)
		cli_oom();
	/* What the structural model made of the line: its body probability. */
	if (ev->p >= 0) {
		k = snprintf(head, sizeof(head), " p=%.2f", ev->p);
		if (buf_append(out, head, (size_t)k) != 0)
			cli_oom();
	}
	if (buf_putc(out, '\t') != 0 ||
	    buf_append(out, ev->text, ev->len) != 0 ||
	    buf_putc(out, '\n') != 0)
		cli_oom();
}

/* A JSON Lines record that could not be cleaned; the stream then applies
 * --bad-records. */
void
report_bad_record(void *ctx, const stream_doc *d, const char *why)
{
	int policy = ((const report *)ctx)->opt->bad_records;

	cli_warn("%s:%llu: %s; record %s", d->fname, (unsigned long long)d->line, why,
	    policy == STREAM_BAD_PASS ? "passed through unchanged" :
	    policy == STREAM_BAD_SKIP ? "skipped" : "stops the run");
}

/* The audit trail's lines, in input order. */
int
report_aux(void *ctx, const char *p, size_t n)
{
	FILE *f = ((report *)ctx)->rej_f;

	return fwrite(p, 1, n, f) != n || fflush(f) != 0 ? -1 : 0;
}

/* ---- statistics ---- */

/* Writes s as a JSON string (the escaping of --rejects). */
static void
json_str(FILE *f, const char *s)
{
	buf b = { 0 };

	if (jsonl_quote(&b, s, strlen(s)) != 0)
		cli_oom();
	fwrite(b.data, 1, b.len, f);
	buf_free(&b);
}

void
report_stats(const rules *rs, const clean_stats *st, const uint64_t *hits,
    uint64_t undecodable, int json)
{
	/* The structural layer's removals, by what decided them (layout.h). */
	static const struct { int v; const char *id; } layer[] = {
		{ LV_BOILER, "body:model" }, { LV_LONE, "body:smooth" },
		{ LV_CUT, "body:after-cut" }, { LV_ISLAND, "body:island" }
	};
	const size_t nlayer = sizeof(layer) / sizeof(layer[0]);
	unsigned long long v[] = { st->docs, st->lines_in, st->lines_out, st->bytes_in,
		st->bytes_out, st->dropped, st->edited, st->repaired_lines,
		st->long_lines, st->limit_hits, st->valve_lines, st->after_cut,
		st->kept_after_cut, st->layer[LV_SMOOTHED],
		st->docs_valve, st->docs_empty, st->docs_lossy, st->nul_lines, st->fffd,
		undecodable, st->mojibake_lines, st->entity_lines };
	static const char *const names[] = { "documents", "lines_in", "lines_out",
		"bytes_in", "bytes_out", "lines_dropped", "lines_edited",
		"lines_repaired", "lines_too_long", "match_limit_hits", "lines_kept_by_valve",
		"lines_after_cut", "lines_kept_after_cut", "lines_kept_by_smoother",
		"documents_kept_by_valve", "documents_empty", "documents_mostly_lost",
		"lines_with_nul", "bytes_undefined_cp1252", "sequences_undecodable",
		"lines_mojibake_fixed", "lines_entities_decoded" };
	size_t i, n = sizeof(v) / sizeof(v[0]);

	if (json) {
		fputs("{", stderr);
		for (i = 0; i < n; i++)
			fprintf(stderr, "\"%s\":%llu,", names[i], v[i]);
		fputs("\"rules\":[", stderr);
		for (i = 0; i < rules_count(rs); i++) {
			fputs(i ? ",{\"id\":" : "{\"id\":", stderr);
			json_str(stderr, rule_id(rules_at(rs, i)));
			fprintf(stderr, ",\"action\":\"%s\",\"lines\":%llu}",
			    rule_action_name(rule_act(rules_at(rs, i))),
			    (unsigned long long)hits[i]);
		}
		fputs("],\"layer\":{", stderr);
		for (i = 0; i < nlayer; i++)
			fprintf(stderr, "%s\"%s\":%llu", i > 0 ? "," : "", layer[i].id,
			    (unsigned long long)st->layer[layer[i].v]);
		fputs("}}\n", stderr);
		return;
	}
	for (i = 0; i < n; i++)
		fprintf(stderr, "%-22s %12llu\n", names[i], v[i]);
	fprintf(stderr, "%-22s %12s  %s\n", "lines decided by", "lines", "action");
	for (i = 0; i < rules_count(rs); i++)
		fprintf(stderr, "%-22s %12llu  %s\n", rule_id(rules_at(rs, i)),
		    (unsigned long long)hits[i],
		    rule_action_name(rule_act(rules_at(rs, i))));
	for (i = 0; i < nlayer; i++)
		fprintf(stderr, "%-22s %12llu  drop\n", layer[i].id,
		    (unsigned long long)st->layer[layer[i].v]);
}

/* ---- progress ---- */

#define PROGRESS_AUTO_MIN ((uint64_t)64 << 20)	/* a large file */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Redraws the progress line on stderr, at most four times a second
 * (always when final): bytes and documents done, throughput, and where the
 * input size is known a bar and the time left. */
static void
progress(report *c, int final)
{
	double t = now(), secs = t - c->t0, rate;
	char bar[24];
	int i, w;

	if (!c->progress || (!final && t - c->drawn < 0.25))
		return;
	c->drawn = t;
	rate = secs > 0 ? (double)c->bytes_read / secs : 0;
	fprintf(stderr, "\r%s: %.1f MB, %llu docs, %.1f MB/s", PROGNAME,
	    (double)c->bytes_read / 1e6, (unsigned long long)c->docs, rate / 1e6);
	if (c->total > 0 && c->bytes_read <= c->total) {
		double f = (double)c->bytes_read / (double)c->total;
		double left = rate > 0 ? (double)(c->total - c->bytes_read) / rate : 0;
		w = (int)(f * 20);
		for (i = 0; i < 20; i++)
			bar[i] = i < w ? '#' : '.';
		bar[20] = '\0';
		fprintf(stderr, " [%s] %3d%% %d:%02d left", bar, (int)(f * 100),
		    (int)left / 60, (int)left % 60);
	}
	fputs(final ? "\033[K\n" : "\033[K", stderr);
	fflush(stderr);
}

void
report_progress(void *ctx, uint64_t bytes, uint64_t docs)
{
	report *c = ctx;

	c->bytes_read = bytes;
	c->docs = docs;
	progress(c, 0);
}

/* Turns the progress line on for --progress, or by itself when standard
 * error is a terminal and the input is large files. */
void
report_progress_start(report *c, char **files, int nfiles)
{
	struct stat st;
	int i, known = nfiles > 0;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 && S_ISREG(st.st_mode))
			c->total += (uint64_t)st.st_size;
		else
			known = 0;
	if (!known)
		c->total = 0;
	c->progress = c->opt->progress > 0 || (c->opt->progress < 0 &&
	    isatty(STDERR_FILENO) && c->total >= PROGRESS_AUTO_MIN);
	c->t0 = now();
}

void
report_progress_end(report *c)
{
	progress(c, 1);
}
