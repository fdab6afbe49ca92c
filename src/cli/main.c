/*
 * main.c - the unboil command: options, rule loading, the input loop,
 * diagnostics and the exit status.  This is the only file that prints or
 * exits; the cleaning itself lives in the library (clean.c and below).
 *
 * Exit status: 0 when all input was cleaned; 1 when the run finished but
 * some lines could not be fully processed (over-long lines written through,
 * rules that hit a match limit); 2 for usage errors, bad rule files,
 * unreadable input files and write errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clean.h"
#include "cli/rulepath.h"
#include "formats/jsonl.h"
#include "layout/layout.h"
#include "layout/model.h"
#include "rules/rules.h"
#include "stream.h"
#include "text/decode.h"
#include "text/norm.h"
#include "text/repair.h"

#ifndef UNBOIL_VERSION
#define UNBOIL_VERSION "0.1.0"
#endif
#ifndef UNBOIL_DATADIR
#define UNBOIL_DATADIR "/usr/local/share/unboil"
#endif


enum { EXIT_PARTIAL = 1, EXIT_TROUBLE = 2 };
typedef struct options options;
struct options {
	const char **rule_files;
	size_t nrule_files;
	const char *langs;
	int default_rules;
	int check_rules;
	int explain;
	int null_data;
	int stats;		/* 0 none, 1 text, 2 JSON */
	int valve_warn;		/* --valve=warn or off: say so on stderr */
	const char *from_code;	/* -f: the input encoding */
	int in_place;		/* -i */
	const char *suffix;	/* -iSUFFIX: keep the original under this */
	size_t read_size;
	int jobs;		/* -j; 0 until chosen */
	int jsonl;		/* --jsonl: records, one per line */
	const char *field;	/* --field: the member cleaned */
	int bad_records;	/* --bad-records: STREAM_BAD_* */
	const char *rejects;	/* --rejects: the audit trail's file */
	int list_rules;		/* --list-rules */
	const char *model;	/* --model: the structural model's file */
	int features;		/* --features: print the model's inputs */
	int progress;		/* --progress 1, --no-progress 0, -1 auto */
	clean_opts co;
};

static const char *progname = "unboil";

static void oom(void);

static void
warnx_(const char *fmt, ...)
{
	va_list ap;

	flockfile(stderr);	/* one whole line, even from workers */
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: unboil [-hVz] [-f ENC] [-i[SUFFIX]] [-j N] [--check-rules] [--explain]\n"
	    "              [--list-rules]"
	    " [-l LANGS] [-r FILE]... [--no-mojibake] [--no-entities]\n"
	    "              [--no-default-rules] [--quotes=ascii|keep] [--no-nfc]\n"
	    "              [--no-normalize] [--no-heuristics] [--model=FILE] [--features]\n"
	    "              [--max-line-length=BYTES]\n"
	    "              [--stats[=text|json]] [--valve=keep|warn|off]\n"
	    "              [--buffer-size=BYTES] [--jsonl [--field=NAME]]\n"
	    "              [--bad-records=pass|skip|stop] [--rejects=FILE]\n"
	    "              [--progress | --no-progress] [FILE...]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs("\nRemove boilerplate from news text and normalise it.\n\n"
	    "  -r, --rules=FILE         add the rules in FILE (repeatable)\n"
	    "  -l, --lang=LANGS         bundled rule sets to load (default: de,en)\n"
	    "      --no-default-rules   load no bundled rule set\n"
	    "      --check-rules        compile the rules, check their examples, exit\n"
	    "      --list-rules         print the rule files in force and their rule\n"
	    "                           counts, in order, and exit\n"
	    "      --explain            print every line with its verdict and rule\n"
	    "      --rejects=FILE       write every removed or edited line to FILE, as\n"
	    "                           JSON Lines with its document, line and rule\n"
	    "  -z, --null-data          documents are separated by NUL bytes\n"
	    "  -j, --jobs=N             clean N documents at once (default: all cores\n"
	    "                           for several files or -z, else 1)\n"
	    "      --jsonl              input is JSON Lines: clean one field per record\n"
	    "      --field=NAME         the field to clean (default: text; a.b for nested)\n"
	    "      --bad-records=pass|skip|stop  a line that is not a JSON object with\n"
	    "                           the field: pass it through (default), skip it,\n"
	    "                           or stop with status 2\n"
	    "  -f, --from-code=ENC      input is in encoding ENC (any iconv knows)\n"
	    "  -i, --in-place[=SUFFIX]  clean the files in place (keep originals as\n"
	    "                           FILE+SUFFIX)\n"
	    "      --no-mojibake        do not repair UTF-8 read as Windows-1252\n"
	    "      --no-entities        do not decode HTML entities\n"
	    "      --quotes=ascii|keep  map typographic quotes to ASCII (default: ascii)\n"
	    "      --no-nfc             do not compose to Unicode NFC\n"
	    "      --no-normalize       no character normalisation at all\n"
	    "      --no-heuristics      rules only: no structural layer\n"
	    "      --model=FILE         the structural layer's model (default: the\n"
	    "                           bundled layout.model)\n"
	    "      --features           print each line's model features, not text\n"
	    "      --valve=keep|warn|off  a document with no body text: keep what the\n"
	    "                           rules kept (default), the same with a warning, or\n"
	    "                           drop it as head (and warn)\n"
	    "      --stats[=text|json]  counts per document, line, byte and rule on stderr\n"
	    "      --progress           show progress on stderr (default: when stderr is\n"
	    "                           a terminal and the input files are large)\n"
	    "      --no-progress        never show progress\n"
	    "      --max-line-length=N  write longer lines through unchanged (default: 1M)\n"
	    "      --buffer-size=N      read input N bytes at a time\n"
	    "  -h, --help               print this help and exit\n"
	    "  -V, --version            print the version and exit\n"
	    "\nExit status: 0 success, 1 some lines not fully processed, 2 trouble.\n"
	    "See unboil(1) and unboil-rules(5).\n", stdout);
}

/* Parses a size with an optional K, M or G suffix, within [lo, hi]. */
static int
parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* ---- rules ---- */

static void
rule_diag(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	(void)ctx;
	if (line == 0)
		fprintf(stderr, "%s: %s: %s\n", progname, file, msg);
	else if (col == 0)
		fprintf(stderr, "%s:%u: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s:%u:%u: %s\n", file, line, col, msg);
}

/* The directory holding the bundled rule sets: next to an installed binary
 * (../share/unboil), in a build tree (patterns/), or where make install put
 * them. */
static const char *
data_dir(void)
{
	static char dir[PATH_MAX + 64];
	char exe[PATH_MAX], probe[PATH_MAX + 64], *slash;
	const char *rel[] = { "/../share/unboil", "/patterns" };
	ssize_t n;
	size_t i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(probe, sizeof(probe), "%s%s/neutral.rules", exe, rel[i]);
			if (access(probe, R_OK) == 0) {
				snprintf(dir, sizeof(dir), "%s%s", exe, rel[i]);
				return dir;
			}
		}
	}
	return UNBOIL_DATADIR;
}

static void
path_diag(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	warnx_("%s: %s", path, msg);
}

/*
 * The rule files in force, in the order they are loaded: the directories
 * of $UNBOIL_RULES_PATH (colon-separated), ${XDG_CONFIG_HOME:-~/.config}/
 * unboil/rules.d, SYSCONFDIR/unboil/rules.d, then the bundled sets (neutral
 * and the --lang ones); a file name found earlier hides the same name
 * later.  -r files come last.  Returns the number of problems reported.
 */
static int
find_rules(rulepath *rp, const options *opt)
{
	char langs[256], *tok, *save, dir[PATH_MAX], path[PATH_MAX + 160], name[64];
	const char *env = getenv("UNBOIL_RULES_PATH"), *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *data = data_dir(), *p, *colon;
	int errors = 0, rc;
	size_t i;

	for (p = env; opt->default_rules && p != NULL && *p != '\0'; p = colon + 1) {
		colon = strchr(p, ':');
		if (colon == NULL)
			colon = p + strlen(p);
		snprintf(dir, sizeof(dir), "%.*s", (int)(colon - p), p);
		if (*dir != '\0' && (rc = rulepath_add_dir(rp, dir, 0, path_diag, NULL)) < 0)
			oom();
		errors += *dir != '\0' ? rc : 0;
		if (*colon == '\0')
			break;
	}
	if (opt->default_rules) {
		if (xdg != NULL && *xdg == '/')
			snprintf(dir, sizeof(dir), "%s/unboil/rules.d", xdg);
		else
			snprintf(dir, sizeof(dir), "%s/.config/unboil/rules.d", home ? home : "");
		if ((xdg != NULL && *xdg == '/') || (home != NULL && *home == '/'))
			if (rulepath_add_dir(rp, dir, 1, path_diag, NULL) < 0)
				oom();
		if (rulepath_add_dir(rp, UNBOIL_SYSCONFDIR "/unboil/rules.d", 1,
		    path_diag, NULL) < 0)
			oom();
		snprintf(langs, sizeof(langs), "neutral,%s", opt->langs);
		for (tok = strtok_r(langs, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			snprintf(name, sizeof(name), "%s.rules", tok);
			snprintf(path, sizeof(path), "%s/%s", data, name);
			if (access(path, F_OK) != 0 && strcmp(tok, "neutral") != 0) {
				warnx_("no bundled rule set for language '%s' in %s", tok, data);
				errors++;
			} else if (rulepath_add_file(rp, path, name) != 0)
				oom();
		}
	}
	for (i = 0; i < opt->nrule_files; i++)
		if (rulepath_add_file(rp, opt->rule_files[i], opt->rule_files[i]) != 0)
			oom();
	return errors;
}

/* Loads the rules in force; with list, prints each file's rule count. */
static int
load_rules(rules *rs, const options *opt, FILE *list)
{
	rulepath rp = { NULL, 0, 0 };
	const char *data = data_dir();
	size_t i, before, dlen = strlen(data);
	int errors = find_rules(&rp, opt);

	for (i = 0; i < rp.n; i++) {
		const char *path = rp.v[i].path;
		/* Bundled rules are named by their file name alone. */
		int bundled = strncmp(path, data, dlen) == 0 && path[dlen] == '/' &&
		    strchr(path + dlen + 1, '/') == NULL;
		before = rules_count(rs);
		errors += rules_load_file(rs, path, bundled ? rp.v[i].name : path,
		    rule_diag, NULL);
		if (list != NULL)
			fprintf(list, "%6zu  %s\n", rules_count(rs) - before, path);
	}
	if (list != NULL)
		fprintf(list, "%6zu  total\n", rules_count(rs));
	rulepath_free(&rp);
	return errors;
}

typedef struct model_file {
	char path[PATH_MAX + 64];
	model *m;
} model_file;

/* Loads the structural model: --model's file, or the bundled one. */
static const model *
load_model(const options *opt, model_file *mf)
{
	int errors;

	if (opt->model != NULL)
		snprintf(mf->path, sizeof(mf->path), "%s", opt->model);
	else
		snprintf(mf->path, sizeof(mf->path), "%s/layout.model", data_dir());
	mf->m = model_load_file(mf->path, mf->path, rule_diag, NULL, &errors);
	if (mf->m == NULL && errors == 0)
		oom();
	return mf->m;
}

static int
example_norm(void *ctx, const char *in, size_t n, const char **out, size_t *outn)
{
	return norm_line(ctx, in, n, 0, out, outn);
}

static int
check_rules(const rules *rs, const options *opt)
{
	norm_ctx *nc = norm_new(opt->co.norm);
	int fails;

	if (nc == NULL) {
		warnx_("out of memory");
		return EXIT_TROUBLE;
	}
	fails = rules_check_examples(rs, example_norm, nc, rule_diag, NULL);
	norm_free(nc);
	if (fails > 0) {
		warnx_("%d rule example%s failed", fails, fails == 1 ? "" : "s");
		return EXIT_TROUBLE;
	}
	printf("%zu rules ok\n", rules_count(rs));
	return 0;
}

/* ---- what the stream reports ---- */

/* The command's side of a run: what the stream's callbacks need. */
typedef struct cli {
	const options *opt;
	FILE *rej_f;		/* --rejects */
	int progress;		/* draw the progress line */
	uint64_t bytes_read, docs, total;	/* total: 0 if unknown */
	double t0, drawn;	/* start, last drawing (seconds) */
} cli;

static void
oom(void)
{
	warnx_("out of memory");
	exit(EXIT_TROUBLE);
}

static const char *const ev_names[] = {
	"keep", "edit", "drop", "cut", "blank", "long", "limit", "valve", "empty",
	"features"
};

/* The audit trail: one JSON object per line removed or edited, with its
 * document, line and the rule or structural decision that did it. */
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
	if (ev->kind == EV_EDIT) {
		str[5] = ev->before, len[5] = ev->before_len;
		str[6] = ev->text, len[6] = ev->len;
		n = 7;
	} else
		str[5] = ev->text, len[5] = ev->len;
	if (jsonl_object(d->aux, n, key, str, len, num) != 0)
		oom();
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
		oom();
	for (i = 0; i < ev->nx; i++) {
		k = snprintf(num, sizeof(num), "\t%.6g", ev->x[i]);
		if (buf_append(out, num, (size_t)k) != 0)
			oom();
	}
	if (buf_putc(out, '\n') != 0)
		oom();
}

/* Every cleaner event, from whichever thread cleans document d: warnings
 * on stderr, the audit trail and --explain into d's own outputs. */
static void
on_event(void *ctx, stream_doc *d, const clean_event *ev)
{
	const options *opt = ((const cli *)ctx)->opt;
	buf *out = d->out;
	char head[96];
	int k;

	if (ev->kind == EV_LIMIT) {
		warnx_("%s:%llu: rule %s hit the match limit; judged without it",
		    d->fname, (unsigned long long)ev->line, ev->rule);
		if (d->status < EXIT_PARTIAL)
			d->status = EXIT_PARTIAL;
		return;
	}
	if (ev->kind == EV_VALVE || ev->kind == EV_EMPTY) {
		if (opt->valve_warn)
			warnx_(ev->kind == EV_VALVE ?
			    "%s: document %llu has no body text; kept what the rules kept" :
			    "%s: document %llu came out empty", d->fname,
			    (unsigned long long)ev->doc);
		return;
	}
	if (ev->kind == EV_LONG) {
		warnx_("%s:%llu: line longer than %zu bytes, written through unchanged",
		    d->fname, (unsigned long long)ev->line, opt->co.max_line);
		if (d->status < EXIT_PARTIAL)
			d->status = EXIT_PARTIAL;
	}
	if (d->aux != NULL && (ev->kind == EV_DROP || ev->kind == EV_CUT ||
	    ev->kind == EV_EDIT))
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
		oom();
	/* What the structural model made of the line: its body probability. */
	if (ev->p >= 0) {
		k = snprintf(head, sizeof(head), " p=%.2f", ev->p);
		if (buf_append(out, head, (size_t)k) != 0)
			oom();
	}
	if (buf_putc(out, '\t') != 0 ||
	    buf_append(out, ev->text, ev->len) != 0 ||
	    buf_putc(out, '\n') != 0)
		oom();
}

/* A JSON Lines record that could not be cleaned; the stream then applies
 * --bad-records. */
static void
on_bad_record(void *ctx, const stream_doc *d, const char *why)
{
	int policy = ((const cli *)ctx)->opt->bad_records;

	warnx_("%s:%llu: %s; record %s", d->fname, (unsigned long long)d->line, why,
	    policy == STREAM_BAD_PASS ? "passed through unchanged" :
	    policy == STREAM_BAD_SKIP ? "skipped" : "stops the run");
}

/* The audit trail's lines, in input order. */
static int
on_aux(void *ctx, const char *p, size_t n)
{
	FILE *f = ((cli *)ctx)->rej_f;

	return fwrite(p, 1, n, f) != n || fflush(f) != 0 ? -1 : 0;
}

/* ---- statistics ---- */

/* Writes s as a JSON string (the escaping of --rejects). */
static void
json_str(FILE *f, const char *s)
{
	buf b = { 0 };

	if (jsonl_quote(&b, s, strlen(s)) != 0)
		oom();
	fwrite(b.data, 1, b.len, f);
	buf_free(&b);
}

static void
print_stats(const rules *rs, const clean_stats *st, const uint64_t *hits,
    uint64_t undecodable, int json)
{
	/* The structural layer's removals, by what decided them (layout.h). */
	static const struct { int v; const char *id; } layer[] = {
		{ LV_BOILER, "body:model" }, { LV_LONE, "body:smooth" },
		{ LV_CUT, "body:after-cut" }
	};
	const size_t nlayer = sizeof(layer) / sizeof(layer[0]);
	unsigned long long v[] = { st->docs, st->lines_in, st->lines_out, st->bytes_in,
		st->bytes_out, st->dropped, st->edited, st->repaired_lines,
		st->long_lines, st->limit_hits, st->valve_lines, st->after_cut,
		st->kept_after_cut, st->layer[LV_SMOOTHED],
		st->docs_valve, st->docs_empty, st->nul_lines, st->fffd,
		undecodable, st->mojibake_lines, st->entity_lines };
	static const char *const names[] = { "documents", "lines_in", "lines_out",
		"bytes_in", "bytes_out", "lines_dropped", "lines_edited",
		"lines_repaired", "lines_too_long", "match_limit_hits", "lines_kept_by_valve",
		"lines_after_cut", "lines_kept_after_cut", "lines_kept_by_smoother",
		"documents_kept_by_valve", "documents_empty",
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
progress(cli *c, int final)
{
	double t = now(), secs = t - c->t0, rate;
	char bar[24];
	int i, w;

	if (!c->progress || (!final && t - c->drawn < 0.25))
		return;
	c->drawn = t;
	rate = secs > 0 ? (double)c->bytes_read / secs : 0;
	fprintf(stderr, "\r%s: %.1f MB, %llu docs, %.1f MB/s", progname,
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

static void
on_progress(void *ctx, uint64_t bytes, uint64_t docs)
{
	cli *c = ctx;

	c->bytes_read = bytes;
	c->docs = docs;
	progress(c, 0);
}

/* Turns the progress line on for --progress, or by itself when standard
 * error is a terminal and the input is large files. */
static void
progress_start(cli *c, char **files, int nfiles)
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

/* ---- inputs ---- */

/* Says what ended the run and exits: the stream cannot go on. */
static void
stream_died(const cli *c, const stream *s, int rc)
{
	if (rc == STREAM_ENOMEM)
		warnx_("out of memory");
	else if (rc == STREAM_EWRITE)
		warnx_("write error: %s", strerror(stream_errno(s)));
	else if (rc == STREAM_EAUX)
		warnx_("%s: write error: %s", c->opt->rejects, strerror(stream_errno(s)));
	/* STREAM_ESTOP: the bad record's message said so. */
	exit(EXIT_TROUBLE);
}

/* Opens an input; returns its descriptor, or -1 after saying why. */
static int
open_input(const char *f, const char **name)
{
	int fd;

	if (strcmp(f, "-") == 0) {
		*name = "(standard input)";
		return STDIN_FILENO;
	}
	*name = f;
	if ((fd = open(f, O_RDONLY)) < 0)
		warnx_("%s: %s", f, strerror(errno));
	return fd;
}

/* Cleans one input to the stream's output; 0, or -1 after saying why. */
static int
clean_file(const cli *c, stream *s, const char *f)
{
	const char *name;
	int fd, rc;

	if ((fd = open_input(f, &name)) < 0)
		return -1;
	rc = stream_input(s, fd, name);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc == STREAM_EREAD) {
		warnx_("%s: %s", name, strerror(stream_errno(s)));
		return -1;
	}
	if (rc != STREAM_OK)
		stream_died(c, s, rc);
	return 0;
}

/*
 * Cleans the file at path in place: into a temporary file in the same
 * directory, which then replaces the original by an atomic rename.  The
 * temporary file gets the original's mode (and owner, where permitted)
 * and is synced before the rename; with a suffix the original is kept
 * under path+suffix.  Whatever fails, or if the process is killed, the
 * original is left as it was.  Returns 0, or -1 after saying why.
 */
static int
clean_in_place(const cli *c, stream *s, const char *path)
{
	char tmp[PATH_MAX], backup[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name;
	int in, out, rc, werr = 0;
	struct stat st;

	memset(&st, 0, sizeof(st));
	if ((in = open_input(path, &name)) < 0)
		return -1;
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		warnx_("%s: %s", path, S_ISREG(st.st_mode) ? strerror(errno) :
		    "not a regular file; left unchanged");
		close(in);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%.*s.unboil.XXXXXX",
	    slash ? (int)(slash - path + 1) : 0, path);
	if ((out = mkstemp(tmp)) < 0) {
		warnx_("%s: cannot create a temporary file: %s", path, strerror(errno));
		close(in);
		return -1;
	}
	(void)fchmod(out, st.st_mode & 07777);
	if (fchown(out, st.st_uid, st.st_gid) != 0)
		(void)0;	/* not permitted for others' files: keep ours */
	if ((rc = stream_output(s, out)) != STREAM_OK)
		stream_died(c, s, rc);	/* standard output's, from before */
	rc = stream_input(s, in, name);
	close(in);
	if (rc == STREAM_EREAD)
		warnx_("%s: %s", name, strerror(stream_errno(s)));
	else if (rc != STREAM_OK && rc != STREAM_EWRITE) {
		unlink(tmp);
		stream_died(c, s, rc);
	}
	/* What is left goes to the file; a failed write fails it alone. */
	if (stream_output(s, STDOUT_FILENO) == STREAM_EWRITE || rc == STREAM_EWRITE)
		werr = stream_errno(s);
	if (rc != STREAM_EREAD && werr == 0 && (fsync(out) != 0 || close(out) != 0))
		werr = errno;
	else if (rc == STREAM_EREAD || werr != 0)
		close(out);
	if (rc != STREAM_EREAD && werr == 0 && c->opt->suffix != NULL) {
		snprintf(backup, sizeof(backup), "%s%s", path, c->opt->suffix);
		if ((unlink(backup) != 0 && errno != ENOENT) || link(path, backup) != 0)
			werr = errno;
	}
	if (rc != STREAM_EREAD && werr == 0 && rename(tmp, path) != 0)
		werr = errno;
	if (rc != STREAM_EREAD && werr == 0)
		return 0;
	if (werr != 0)
		warnx_("%s: %s; file left unchanged", path, strerror(werr));
	unlink(tmp);
	return -1;
}

/* The stream's options, from the command's. */
static void
stream_opts_of(const options *opt, stream_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->co = opt->co;
	so->fmt = opt->jsonl ? &format_jsonl : NULL;
	so->fmt_arg = opt->field;
	so->nul = opt->null_data;
	so->jobs = opt->jobs;
	so->read_size = opt->read_size;
	so->bad = opt->bad_records;
	so->from_code = opt->from_code;
	/* The events of every line: for --explain and the audit trail, not
	 * for the warnings on_event also gives. */
	so->line_events = opt->explain || opt->rejects != NULL;
}

/* Cleans every input (standard input if none); returns the exit status. */
static int
clean_inputs(const options *opt, const rules *rs, char **files, int nfiles)
{
	cli c = { 0 };
	stream_cb cb = { &c, on_event, on_bad_record, NULL, on_progress };
	stream_opts so;
	stream *s;
	clean_stats sum;
	uint64_t *hits = calloc(rules_count(rs) + 1, sizeof(*hits)), undecodable;
	int i, rc, status = 0;

	c.opt = opt;
	if (hits == NULL)
		oom();
	if (opt->rejects != NULL) {
		if ((c.rej_f = fopen(opt->rejects, "w")) == NULL) {
			warnx_("%s: %s; no input read", opt->rejects, strerror(errno));
			exit(EXIT_TROUBLE);
		}
		cb.aux = on_aux;
	}
	stream_opts_of(opt, &so);
	if ((s = stream_new(rs, &so, &cb, STDOUT_FILENO, &rc)) == NULL)
		oom();	/* the encoding was checked before */
	progress_start(&c, files, nfiles);
	for (i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
		const char *f = nfiles > 0 ? files[i] : "-";
		if ((opt->in_place ? clean_in_place(&c, s, f) : clean_file(&c, s, f)) != 0)
			status = EXIT_TROUBLE;
	}
	if ((rc = stream_finish(s)) != STREAM_OK)
		stream_died(&c, s, rc);
	progress(&c, 1);
	if (stream_status(s) > status)
		status = stream_status(s);
	if (opt->stats) {
		memset(&sum, 0, sizeof(sum));
		stream_stats(s, &sum, hits, &undecodable);
		print_stats(rs, &sum, hits, undecodable, opt->stats == 2);
	}
	if (c.rej_f != NULL && fclose(c.rej_f) != 0) {
		warnx_("%s: write error: %s", opt->rejects, strerror(errno));
		status = EXIT_TROUBLE;
	}
	stream_free(s);
	free(hits);
	return status;
}

/* ---- options ---- */

enum {
	OPT_CHECK = 256, OPT_EXPLAIN, OPT_NO_DEFAULT, OPT_QUOTES, OPT_NO_NFC,
	OPT_NO_NORM, OPT_MAX_LINE, OPT_BUFSIZE, OPT_NO_HEUR, OPT_STATS, OPT_VALVE, OPT_NO_MOJIBAKE, OPT_NO_ENTITIES,
	OPT_JSONL, OPT_FIELD, OPT_BAD_RECORDS, OPT_REJECTS, OPT_LIST_RULES,
	OPT_PROGRESS, OPT_NO_PROGRESS, OPT_MODEL, OPT_FEATURES
};

static const struct option longopts[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "from-code", required_argument, NULL, 'f' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "in-place", optional_argument, NULL, 'i' },
	{ "no-mojibake", no_argument, NULL, OPT_NO_MOJIBAKE },
	{ "no-entities", no_argument, NULL, OPT_NO_ENTITIES },
	{ "lang", required_argument, NULL, 'l' },
	{ "null-data", no_argument, NULL, 'z' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "check-rules", no_argument, NULL, OPT_CHECK },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "no-default-rules", no_argument, NULL, OPT_NO_DEFAULT },
	{ "quotes", required_argument, NULL, OPT_QUOTES },
	{ "no-nfc", no_argument, NULL, OPT_NO_NFC },
	{ "no-normalize", no_argument, NULL, OPT_NO_NORM },
	{ "no-heuristics", no_argument, NULL, OPT_NO_HEUR },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "features", no_argument, NULL, OPT_FEATURES },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "valve", required_argument, NULL, OPT_VALVE },
	{ "max-line-length", required_argument, NULL, OPT_MAX_LINE },
	{ "buffer-size", required_argument, NULL, OPT_BUFSIZE },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "field", required_argument, NULL, OPT_FIELD },
	{ "bad-records", required_argument, NULL, OPT_BAD_RECORDS },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ NULL, 0, NULL, 0 }
};

static void
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	exit(EXIT_TROUBLE);
}

static int
parse_options(int argc, char **argv, options *opt)
{
	int ch;

	memset(opt, 0, sizeof(*opt));
	opt->langs = "de,en";
	opt->default_rules = 1;
	opt->read_size = STREAM_READ_SIZE;
	opt->co.norm = NORM_ALL;
	opt->co.max_line = CLEAN_MAX_LINE_DEFAULT;
	opt->co.text = 1;
	opt->co.layout = 1;
	opt->co.valve = 1;
	opt->co.repair = REPAIR_ALL;
	opt->progress = -1;
	opt->rule_files = calloc((size_t)argc, sizeof(char *));
	if (opt->rule_files == NULL)
		oom();
	opterr = 0;	/* our own messages, without argv[0]'s path */
	while ((ch = getopt_long(argc, argv, ":r:l:f:i::j:zhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			opt->rule_files[opt->nrule_files++] = optarg;
			break;
		case 'l':
			if (strlen(optarg) >= 200 || strspn(optarg,
			    "abcdefghijklmnopqrstuvwxyz,") != strlen(optarg))
				bad_usage("invalid language list '%s'", optarg);
			opt->langs = optarg;
			break;
		case 'z': opt->null_data = 1; break;
		case 'f': opt->from_code = optarg; break;
		case 'j': {
			size_t j;
			if (parse_size(optarg, 1, 256, &j) != 0)
				bad_usage("-j takes 1 to 256 threads, not '%s'", optarg);
			opt->jobs = (int)j;
			break;
		}
		case 'i':
			opt->in_place = 1;
			opt->suffix = optarg != NULL && *optarg != '\0' ? optarg : NULL;
			if (opt->suffix != NULL && strchr(opt->suffix, '/') != NULL)
				bad_usage("the --in-place suffix may not contain '/': '%s'", optarg);
			break;
		case OPT_NO_MOJIBAKE: opt->co.repair &= ~(unsigned)REPAIR_MOJIBAKE; break;
		case OPT_NO_ENTITIES: opt->co.repair &= ~(unsigned)REPAIR_ENTITIES; break;
		case 'h': help(); exit(0);
		case 'V': printf("unboil %s\n", UNBOIL_VERSION); exit(0);
		case OPT_CHECK: opt->check_rules = 1; break;
		case OPT_EXPLAIN: opt->explain = 1; opt->co.text = 0; break;
		case OPT_NO_DEFAULT: opt->default_rules = 0; break;
		case OPT_QUOTES:
			if (strcmp(optarg, "ascii") == 0)
				opt->co.norm |= NORM_QUOTES;
			else if (strcmp(optarg, "keep") == 0)
				opt->co.norm &= ~(unsigned)NORM_QUOTES;
			else
				bad_usage("--quotes takes ascii or keep, not '%s'", optarg);
			break;
		case OPT_NO_NFC: opt->co.norm &= ~(unsigned)NORM_NFC; break;
		case OPT_NO_NORM: opt->co.norm = 0; break;
		case OPT_NO_HEUR: opt->co.layout = 0; break;
		case OPT_MODEL: opt->model = optarg; break;
		case OPT_FEATURES:
			/* --explain's path, with vectors instead of verdicts. */
			opt->features = opt->co.features = opt->explain = 1;
			opt->co.text = 0;
			break;
		case OPT_VALVE:
			if (strcmp(optarg, "keep") == 0)
				opt->co.valve = 1, opt->valve_warn = 0;
			else if (strcmp(optarg, "warn") == 0)
				opt->co.valve = 1, opt->valve_warn = 1;
			else if (strcmp(optarg, "off") == 0)
				opt->co.valve = 0, opt->valve_warn = 1;
			else
				bad_usage("--valve takes keep, warn or off, not '%s'", optarg);
			break;
		case OPT_STATS:
			if (optarg == NULL || strcmp(optarg, "text") == 0)
				opt->stats = 1;
			else if (strcmp(optarg, "json") == 0)
				opt->stats = 2;
			else
				bad_usage("--stats takes text or json, not '%s'", optarg);
			break;
		case OPT_JSONL: opt->jsonl = 1; break;
		case OPT_REJECTS: opt->rejects = optarg; break;
		case OPT_LIST_RULES: opt->list_rules = 1; break;
		case OPT_PROGRESS: opt->progress = 1; break;
		case OPT_NO_PROGRESS: opt->progress = 0; break;
		case OPT_FIELD:
			if (!jsonl_field_ok(optarg))
				bad_usage("--field takes a member name or a dotted path, not '%s'", optarg);
			opt->field = optarg;
			break;
		case OPT_BAD_RECORDS:
			if (strcmp(optarg, "pass") == 0)
				opt->bad_records = STREAM_BAD_PASS;
			else if (strcmp(optarg, "skip") == 0)
				opt->bad_records = STREAM_BAD_SKIP;
			else if (strcmp(optarg, "stop") == 0)
				opt->bad_records = STREAM_BAD_STOP;
			else
				bad_usage("--bad-records takes pass, skip or stop, not '%s'", optarg);
			break;
		case OPT_MAX_LINE:
			if (parse_size(optarg, 1, (size_t)1 << 30, &opt->co.max_line) != 0)
				bad_usage("--max-line-length takes 1 to 1G bytes, not '%s'", optarg);
			break;
		case OPT_BUFSIZE:
			if (parse_size(optarg, 1, (size_t)1 << 30, &opt->read_size) != 0)
				bad_usage("--buffer-size takes 1 to 1G bytes, not '%s'", optarg);
			break;
		case ':':
			bad_usage("option '%s' needs an argument", argv[optind - 1]);
			break;
		default:
			if (optopt != 0) {
				char o[3] = { '-', (char)optopt, '\0' };
				bad_usage("unknown option '%s'", o);
			}
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (opt->jsonl && opt->null_data)
		bad_usage("%s", "--jsonl and -z do not go together");
	if (opt->field != NULL && !opt->jsonl)
		bad_usage("%s", "--field needs --jsonl");
	if (opt->field == NULL)
		opt->field = "text";
	/* Threads pay off when there are several documents to share out. */
	if (opt->jobs == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		opt->jobs = (opt->null_data || opt->jsonl || argc - optind > 1) && ncpu > 1 ?
		    (int)(ncpu > 256 ? 256 : ncpu) : 1;
	}
	if (opt->in_place)
		opt->jobs = 1;	/* each file is written on its own */
	if (opt->in_place && opt->explain)
		bad_usage("%s", "--in-place and --explain do not go together");
	if (opt->in_place && optind >= argc)
		bad_usage("%s", "--in-place needs files to clean");
	for (ch = optind; ch < argc && opt->in_place; ch++)
		if (strcmp(argv[ch], "-") == 0)
			bad_usage("%s", "--in-place cannot clean standard input");
	return optind;
}

int
main(int argc, char **argv)
{
	options opt;
	rules *rs;
	decoder *from = NULL;
	int first, status;
	model_file m = { { 0 }, NULL };

	first = parse_options(argc, argv, &opt);
	if ((rs = rules_new()) == NULL)
		oom();
	if (opt.from_code != NULL && (from = decoder_new(opt.from_code)) == NULL) {
		warnx_("unknown encoding '%s' (see iconv -l); no input read", opt.from_code);
		status = EXIT_TROUBLE;
	} else if (load_rules(rs, &opt, opt.list_rules ? stdout : NULL) != 0) {
		warnx_("bad rules; no input read");
		status = EXIT_TROUBLE;
	} else if (opt.co.layout && (opt.co.model = load_model(&opt, &m)) == NULL) {
		warnx_("bad model; no input read");
		status = EXIT_TROUBLE;
	} else if (opt.list_rules) {
		if (opt.co.layout)
			printf("model   %s\n", m.path);
		status = 0;
	} else if (opt.check_rules) {
		status = check_rules(rs, &opt);
	} else
		status = clean_inputs(&opt, rs, argv + first, argc - first);
	decoder_free(from);
	rules_free(rs);
	model_free(m.m);
	free(opt.rule_files);
	/* Without this check, unboil >/dev/full would "succeed". */
	if (fflush(stdout) != 0 || ferror(stdout) ||
	    (close(STDOUT_FILENO) != 0 && errno != EBADF)) {
		warnx_("write error: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	return status;
}
