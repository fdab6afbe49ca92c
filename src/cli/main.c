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
#include "text/decode.h"
#include "formats/jsonl.h"
#include "layout/layout.h"
#include "layout/model.h"
#include "pool.h"
#include "text/norm.h"
#include "text/repair.h"
#include "cli/rulepath.h"
#include "rules/rules.h"

#ifndef UNBOIL_VERSION
#define UNBOIL_VERSION "0.1.0"
#endif
#ifndef UNBOIL_DATADIR
#define UNBOIL_DATADIR "/usr/local/share/unboil"
#endif

#define FLUSH_AT (64 * 1024)
#define READ_SIZE_DEFAULT (128 * 1024)
/* -j: a document bigger than this is cleaned streaming, not in a slot. */
#define SLOT_MAX ((size_t)1 << 20)
#define CHUNK_BYTES ((size_t)4 << 20)	/* -j: most bytes of input chunks */
#define PEND_MAX 16	/* -j: documents written from their slots at once */
/* -j: documents per worker that may wait in slots, and the input bytes all
 * slots may hold together.  Many small slots let a worker go on while the
 * reader sleeps, and the reader wake for many finished documents at once;
 * the byte bound keeps memory small when documents are big. */
#define SLOTS_PER_JOB 8
#define INFLIGHT_MAX ((size_t)2 << 20)

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
	int bad_records;	/* --bad-records: BAD_* */
	const char *rejects;	/* --rejects: the audit trail's file */
	int list_rules;		/* --list-rules */
	const char *model;	/* --model: the structural model's file */
	int features;		/* --features: print the model's inputs */
	int progress;		/* --progress 1, --no-progress 0, -1 auto */
	clean_opts co;
};

enum { BAD_PASS, BAD_SKIP, BAD_STOP };

/* State of one run, shared with the event callback. */
/* Where a document's events go: its output buffer (for --explain), its
 * input's name (for messages) and its exit status. */
typedef struct sink {
	const struct options *opt;
	buf *out;
	buf *rej;		/* --rejects: the document's removed lines */
	const char *fname;
	int status;
	int streamed;		/* -j: cleaned on the main thread instead */
	uint64_t line;		/* --jsonl: the record's line in its input */
} sink;

typedef struct run {
	const options *opt;
	const char *fname;	/* the input being read, for messages */
	buf out;		/* output waiting to be written */
	buf conv;		/* input converted to UTF-8 */
	int status;
	uint64_t doc;
	int out_fd;		/* standard output, or an in-place temporary */
	int out_err;		/* in place: the errno of a failed write */
	int open_doc;		/* a document has begun and not ended */
	decoder *from;		/* -f: the decoder for every input */
	decoder *utf16[2];	/* little and big endian, made on first use */
	decoder *dec;		/* the decoder for this input, or NULL */
	sink main_sink;		/* events of documents cleaned on this thread */
	pool *pool;		/* -j: the workers, or NULL */
	pool_slot *slot;	/* -j: the document being read */
	sink *sinks;		/* -j: one per slot */
	cleaner *c;		/* this thread's cleaner */
	int streaming;		/* -j: a document too big for a slot streams here */
	int nslots;
	uint64_t ntaken, ncollected;	/* -j: slots so far */
	size_t inflight;	/* -j: input bytes in submitted slots */
	jsonl *j;		/* --jsonl: this thread's record reader */
	buf rec;		/* --jsonl: the record being read on this thread */
	FILE *rej_f;		/* --rejects */
	buf rej;		/* --rejects: lines waiting to be written there */
	uint64_t recno;		/* --jsonl: line number in this input */
	int progress;		/* draw the progress line */
	uint64_t bytes_read, total;	/* total: 0 if unknown */
	double t0, drawn;	/* start, last drawing (seconds) */
	/* Input is read into chunks.  With -j, a document that lies whole in
	 * one is cleaned from there instead of being copied into its slot,
	 * and the chunk is not read into again until every such document has
	 * been written. */
	struct chunk {
		char *data;
		int refs;	/* documents in flight that point into it */
	} *chunks;
	int nchunks, maxchunks;
	struct chunk *feeding;	/* the chunk being fed, or NULL */
	/* -j: collected documents whose output is written from their slots,
	 * with one writev, ahead of what out holds (out is empty whenever
	 * one is added): these slots are given back once written. */
	pool_slot *pend[PEND_MAX];
	int npend;
	size_t pend_bytes;
} run;

typedef struct chunk chunk;

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

/* ---- output ---- */

/* Writes the waiting output: the pending documents, then out.  A failed
 * write to standard output ends the run; one to an in-place temporary
 * fails that file only. */
static void
write_all(run *r)
{
	static char nul[1];
	struct iovec iov[2 * PEND_MAX + 1];
	int n = 0, i;
	ssize_t k;

	for (i = 0; i < r->npend; i++) {
		pool_slot *sl = r->pend[i];
		if (sl->out.len > 0)
			iov[n++] = (struct iovec){ .iov_base = sl->out.data, .iov_len = sl->out.len };
		if (r->opt->null_data && !r->opt->explain)
			iov[n++] = (struct iovec){ .iov_base = nul, .iov_len = 1 };
	}
	if (r->out.len > 0)
		iov[n++] = (struct iovec){ .iov_base = r->out.data, .iov_len = r->out.len };
	for (i = 0; i < n && r->out_err == 0;) {
		k = writev(r->out_fd, iov + i, n - i);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (r->out_fd != STDOUT_FILENO) {
				r->out_err = errno;
				break;
			}
			warnx_("write error: %s", strerror(errno));
			exit(EXIT_TROUBLE);
		}
		for (; i < n && (size_t)k >= iov[i].iov_len; i++)
			k -= (ssize_t)iov[i].iov_len;
		if (i < n) {
			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= (size_t)k;
		}
	}
	for (i = 0; i < r->npend; i++)
		pool_give(r->pool, r->pend[i]);
	r->npend = 0;
	r->pend_bytes = 0;
	buf_clear(&r->out);
	if (r->rej_f != NULL && r->rej.len > 0) {
		if (fwrite(r->rej.data, 1, r->rej.len, r->rej_f) != r->rej.len ||
		    fflush(r->rej_f) != 0) {
			warnx_("%s: write error: %s", r->opt->rejects, strerror(errno));
			exit(EXIT_TROUBLE);
		}
		buf_clear(&r->rej);
	}
}

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
reject(sink *k, const clean_event *ev)
{
	static const char *const key[] = {
		"file", "doc", "line", "action", "rule", "text", "result"
	};
	const char *act = ev_names[ev->kind], *id = ev->rule ? ev->rule : "-";
	const char *str[7];
	size_t len[7] = { 0 }, n = 6;
	uint64_t num[7] = { 0 };

	str[0] = k->fname, len[0] = strlen(k->fname);
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
	if (jsonl_object(k->rej, n, key, str, len, num) != 0)
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

static void
on_event(void *ctx, const clean_event *ev)
{
	sink *r = ctx;
	buf *out = r->out;
	char head[96];
	int k;

	if (ev->kind == EV_LIMIT) {
		warnx_("%s:%llu: rule %s hit the match limit; judged without it",
		    r->fname, (unsigned long long)ev->line, ev->rule);
		if (r->status < EXIT_PARTIAL)
			r->status = EXIT_PARTIAL;
		return;
	}
	if (ev->kind == EV_VALVE || ev->kind == EV_EMPTY) {
		if (r->opt->valve_warn)
			warnx_(ev->kind == EV_VALVE ?
			    "%s: document %llu has no body text; kept what the rules kept" :
			    "%s: document %llu came out empty", r->fname,
			    (unsigned long long)ev->doc);
		return;
	}
	if (ev->kind == EV_LONG) {
		warnx_("%s:%llu: line longer than %zu bytes, written through unchanged",
		    r->fname, (unsigned long long)ev->line, r->opt->co.max_line);
		if (r->status < EXIT_PARTIAL)
			r->status = EXIT_PARTIAL;
	}
	if (r->rej != NULL && (ev->kind == EV_DROP || ev->kind == EV_CUT ||
	    ev->kind == EV_EDIT))
		reject(r, ev);
	if (!r->opt->explain)
		return;
	if (ev->kind == EV_FEATURES) {
		print_features(out, ev);
		return;
	}
	if (r->opt->features)
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

/* ---- statistics ---- */

/* Writes s as a JSON string. */
/* Writes s as a JSON string (json-c's escaping, as in --rejects). */
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
print_stats(const run *r, const rules *rs, const clean_stats *st,
    const uint64_t *hits, int json)
{
	uint64_t undecodable = (r->from ? decoder_bad(r->from) : 0) +
	    (r->utf16[0] ? decoder_bad(r->utf16[0]) : 0) +
	    (r->utf16[1] ? decoder_bad(r->utf16[1]) : 0);
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
progress(run *r, int final)
{
	double t = now(), secs = t - r->t0, rate;
	char bar[24];
	int i, w;

	if (!r->progress || (!final && t - r->drawn < 0.25))
		return;
	r->drawn = t;
	rate = secs > 0 ? (double)r->bytes_read / secs : 0;
	fprintf(stderr, "\r%s: %.1f MB, %llu docs, %.1f MB/s", progname,
	    (double)r->bytes_read / 1e6, (unsigned long long)r->doc, rate / 1e6);
	if (r->total > 0 && r->bytes_read <= r->total) {
		double f = (double)r->bytes_read / (double)r->total;
		double left = rate > 0 ? (double)(r->total - r->bytes_read) / rate : 0;
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

/* Turns the progress line on for --progress, or by itself when standard
 * error is a terminal and the input is large files. */
static void
progress_start(run *r, char **files, int nfiles)
{
	struct stat st;
	int i, known = nfiles > 0;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 && S_ISREG(st.st_mode))
			r->total += (uint64_t)st.st_size;
		else
			known = 0;
	if (!known)
		r->total = 0;
	r->progress = r->opt->progress > 0 || (r->opt->progress < 0 &&
	    isatty(STDERR_FILENO) && r->total >= PROGRESS_AUTO_MIN);
	r->t0 = now();
}

/* ---- input ---- */

/*
 * A JSON Lines record that could not be cleaned: said on stderr with its
 * line, then passed through unchanged, skipped, or the end of the run
 * (after everything before it was written), as --bad-records says.
 */
static void
bad_record(run *r, sink *k, const char *rec, size_t n, const char *why)
{
	int policy = r->opt->bad_records;

	warnx_("%s:%llu: %s; record %s", k->fname, (unsigned long long)k->line, why,
	    policy == BAD_PASS ? "passed through unchanged" :
	    policy == BAD_SKIP ? "skipped" : "stops the run");
	if (policy == BAD_STOP) {
		write_all(r);
		exit(EXIT_TROUBLE);
	}
	if (k->status < EXIT_PARTIAL)
		k->status = EXIT_PARTIAL;
	if (policy == BAD_PASS && r->opt->co.text &&
	    (buf_append(&r->out, rec ? rec : "", n) != 0 || buf_putc(&r->out, '\n') != 0))
		oom();
}

/* Writes a collected slot's document, or puts it among the pending ones
 * (and the slot is given back once it is written). */
static void
write_slot(run *r, pool_slot *sl)
{
	sink *k = sl->ctx;
	size_t n;
	const char *doc = pool_doc(sl, &n);
	int pend = 0;

	if (sl->failed)
		oom();
	if (!k->streamed && r->opt->jsonl && sl->status != JSONL_OK && sl->status != JSONL_BLANK)
		bad_record(r, k, doc, n, sl->why);
	else
		pend = !k->streamed;
	if (r->rej_f != NULL && buf_append(&r->rej, sl->aux.data ? sl->aux.data : "",
	    sl->aux.len) != 0)
		oom();
	buf_clear(&sl->aux);
	r->inflight -= k->streamed ? 0 : n;
	if (sl->hold != NULL)
		((chunk *)sl->hold)->refs--;
	sl->hold = NULL;
	if (k->status > r->status)
		r->status = k->status;
	r->ncollected++;
	if (!pend) {
		/* The pending documents go first, so that they are always the
		 * last ones collected: begin_doc counts on it. */
		pool_give(r->pool, sl);
		if (r->npend > 0 || r->out.len >= FLUSH_AT)
			write_all(r);
		return;
	}
	/* Its output goes out from the slot, after what is waiting. */
	if (r->out.len > 0)
		write_all(r);
	r->pend[r->npend++] = sl;
	r->pend_bytes += sl->out.len + 1;
	if (r->npend == PEND_MAX || r->pend_bytes >= FLUSH_AT)
		write_all(r);
}

/* Does on_event need the events of every line: for --explain and the
 * audit trail, not for the warnings it also gives? */
static int
line_events(const run *r)
{
	return r->opt->explain || r->rej_f != NULL;
}

/* Cleans a waiting document on this thread rather than wait for the
 * workers; returns 1, or 0 if none was waiting. */
static int
help_clean(run *r)
{
	int did = pool_help(r->pool, r->c, r->j);

	cleaner_set_events(r->c, on_event, &r->main_sink, line_events(r));
	return did;
}

/* Writes the oldest document in flight, once it is done, cleaning those
 * that wait on this thread meanwhile. */
static void
collect_one(run *r)
{
	pool_slot *sl = pool_collect(r->pool, 0);

	if (sl == NULL && !help_clean(r))
		sl = pool_collect(r->pool, 1);
	if (sl != NULL)
		write_slot(r, sl);
}

/* Writes finished documents in order: those done already, or with all
 * set, every one up to (not including) the slot being filled. */
static void
collect(run *r, int all)
{
	pool_slot *sl;

	while (r->ncollected + (r->slot != NULL) < r->ntaken) {
		if ((sl = pool_collect(r->pool, 0)) == NULL && all && !help_clean(r))
			sl = pool_collect(r->pool, 1);
		if (sl == NULL && !all)
			break;
		if (sl != NULL)
			write_slot(r, sl);
	}
}

static void
begin_doc(run *r)
{
	sink *k;

	r->doc++;
	r->recno++;
	r->open_doc = 1;
	r->streaming = 0;
	if (r->pool == NULL) {
		r->main_sink.line = r->recno;
		if (r->opt->jsonl)
			buf_clear(&r->rec);
		else
			cleaner_begin(r->c, r->doc);
		return;
	}
	/* PEND_MAX slots are kept for the pending documents (written when
	 * there are as many): the next slot in the ring is then free. */
	while (r->ntaken - r->ncollected >= (uint64_t)(r->nslots - PEND_MAX) ||
	    r->inflight >= INFLIGHT_MAX)
		collect_one(r);
	r->slot = pool_take(r->pool);
	k = &r->sinks[r->ntaken++ % (uint64_t)r->nslots];
	k->opt = r->opt;
	k->out = &r->slot->out;
	k->rej = r->rej_f != NULL ? &r->slot->aux : NULL;
	k->fname = r->fname;
	k->status = 0;
	k->streamed = 0;
	k->line = r->recno;
	r->slot->ctx = k;
	r->slot->doc = r->doc;
}

/*
 * A document too big for a slot is cleaned on this thread, streaming:
 * first everything before it is written, then what it has of it so far
 * goes to this thread's cleaner, and the rest follows as it is read.
 */
static void
go_streaming(run *r)
{
	sink *k = r->slot->ctx;

	collect(r, 1);
	write_all(r);
	r->streaming = 1;
	k->streamed = 1;
	r->main_sink.fname = r->fname;
	r->main_sink.line = r->recno;
	if (r->opt->jsonl) {
		/* A record is parsed whole: it is read on here instead. */
		buf_clear(&r->rec);
		if (buf_append(&r->rec, r->slot->in.data, r->slot->in.len) != 0)
			oom();
	} else {
		cleaner_begin(r->c, r->doc);
		if (cleaner_feed(r->c, r->slot->in.data, r->slot->in.len, &r->out) != 0)
			oom();
	}
	buf_clear(&r->slot->in);
}

static void
end_doc(run *r)
{
	r->open_doc = 0;
	if (r->pool != NULL && !r->streaming) {
		size_t n;
		(void)pool_doc(r->slot, &n);
		r->inflight += n;
		pool_submit(r->pool, r->slot);
		r->slot = NULL;
		collect(r, 0);
		return;
	}
	r->main_sink.fname = r->fname;
	if (r->opt->jsonl) {
		const char *why;
		int rc = jsonl_clean(r->j, r->c, r->doc, r->rec.data ? r->rec.data : "",
		    r->rec.len, r->opt->co.text ? &r->out : NULL, &why);
		if (rc < 0)
			oom();
		if (rc == JSONL_BAD || rc == JSONL_NOFIELD)
			bad_record(r, &r->main_sink, r->rec.data, r->rec.len, why);
	} else if (cleaner_end(r->c, &r->out) != 0)
		oom();
	if (r->opt->null_data && !r->opt->explain && buf_putc(&r->out, '\0') != 0)
		oom();
	if (r->main_sink.status > r->status)
		r->status = r->main_sink.status;
	if (r->streaming) {
		pool_skip(r->pool, r->slot);
		r->slot = NULL;
		r->streaming = 0;
		collect(r, 0);
	}
}

/* Feeds UTF-8 text to the cleaner; with -z a NUL byte ends a document,
 * with --jsonl a newline ends a record.  The text is in chunk from, or
 * (NULL) in memory that is used again. */
static void
feed_docs(run *r, const char *p, size_t n, chunk *from)
{
	const char *nul;
	size_t seg;

	while (n > 0) {
		if (!r->open_doc)
			begin_doc(r);
		nul = r->opt->null_data ? memchr(p, '\0', n) :
		    r->opt->jsonl ? memchr(p, '\n', n) : NULL;
		seg = nul ? (size_t)(nul - p) : n;
		if (r->pool != NULL && !r->streaming && r->slot->in.len + seg > SLOT_MAX)
			go_streaming(r);
		if (r->pool != NULL && !r->streaming) {
			if (nul != NULL && from != NULL && r->slot->in.len == 0 && seg > 0) {
				/* The whole document is in the chunk. */
				r->slot->text = p;
				r->slot->len = seg;
				r->slot->hold = from;
				from->refs++;
			} else if (buf_append(&r->slot->in, p, seg) != 0)
				oom();
		} else if (r->opt->jsonl) {
			if (buf_append(&r->rec, p, seg) != 0)
				oom();
		} else {
			r->main_sink.fname = r->fname;
			if (cleaner_feed(r->c, p, seg, &r->out) != 0)
				oom();
			if (r->out.len >= FLUSH_AT)
				write_all(r);
		}
		if (nul == NULL)
			return;
		end_doc(r);
		n -= seg + 1;
		p = nul + 1;
	}
}

/* Feeds input bytes, converting them first if the input is not UTF-8. */
static void
feed(run *r, const char *p, size_t n, int last)
{
	if (r->dec == NULL) {
		feed_docs(r, p, n, r->feeding);
		return;
	}
	buf_clear(&r->conv);
	if (decoder_feed(r->dec, p, n, last, &r->conv) != 0)
		oom();
	feed_docs(r, r->conv.data, r->conv.len, NULL);
}

/*
 * Looks at the first two bytes of an input read without -f: a UTF-16 byte
 * order mark chooses a UTF-16 decoder (and is dropped); anything else is
 * read as UTF-8.
 */
static void
sniff(run *r, const unsigned char *head, size_t n)
{
	int be = n == 2 && head[0] == 0xFE && head[1] == 0xFF;

	if (n == 2 && ((head[0] == 0xFF && head[1] == 0xFE) || be)) {
		if (r->utf16[be] == NULL &&
		    (r->utf16[be] = decoder_new(be ? "UTF-16BE" : "UTF-16LE")) == NULL)
			oom();
		r->dec = r->utf16[be];
		decoder_reset(r->dec);
		return;
	}
	feed(r, (const char *)head, n, 0);
}

/* A chunk to read into: one no document in flight points into, after
 * writing the oldest ones if need be. */
static chunk *
free_chunk(run *r)
{
	int i;

	for (;;) {
		for (i = 0; i < r->nchunks; i++)
			if (r->chunks[i].refs == 0)
				return &r->chunks[i];
		/* Only documents in flight hold chunks, and those are older
		 * than the one being read: they can be collected. */
		if (r->nchunks == r->maxchunks && r->pool != NULL &&
		    r->ncollected + (r->slot != NULL) < r->ntaken) {
			collect_one(r);
			continue;
		}
		if (r->nchunks == r->maxchunks ||
		    (r->chunks[r->nchunks].data = malloc(r->opt->read_size)) == NULL)
			oom();
		r->chunks[r->nchunks].refs = 0;
		return &r->chunks[r->nchunks++];
	}
}

/* Cleans one input (fd); each input is one document, or with -z a stream
 * of NUL-ended documents.  Returns 0, or -1 on a read error. */
static int
clean_fd(run *r, int fd)
{
	const options *opt = r->opt;
	unsigned char head[2];
	size_t nhead = 0, n;
	int sniffing = r->from == NULL, rc = 0;
	ssize_t k;
	char *p;

	r->dec = r->from;
	r->recno = 0;
	if (r->dec != NULL)
		decoder_reset(r->dec);
	if (!opt->null_data && !opt->jsonl)
		begin_doc(r);
	for (;;) {
		chunk *ch = free_chunk(r);
		k = read(fd, ch->data, opt->read_size);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			warnx_("%s: %s", r->fname, strerror(errno));
			rc = -1;
			break;
		}
		if (k == 0)
			break;
		r->bytes_read += (uint64_t)k;
		progress(r, 0);
		p = ch->data;
		n = (size_t)k;
		while (sniffing && n > 0 && nhead < 2) {
			head[nhead++] = (unsigned char)*p++;
			n--;
		}
		if (sniffing && nhead == 2) {
			sniffing = 0;
			sniff(r, head, nhead);
		}
		r->feeding = r->maxchunks > 1 ? ch : NULL;
		feed(r, p, n, 0);
		r->feeding = NULL;
		/* A short read means the writer upstream paused: pass on what
		 * is ready, so that the filter streams in interactive pipes. */
		if (r->out.len >= FLUSH_AT || (size_t)k < opt->read_size)
			write_all(r);
	}
	if (sniffing && nhead > 0)
		sniff(r, head, nhead);
	if (r->dec != NULL)
		feed(r, "", 0, 1);
	if (r->open_doc)
		end_doc(r);
	return rc;
}

/* Opens an input; returns its descriptor, or -1 after saying why. */
static int
open_input(run *r, const char *f)
{
	int fd;

	if (strcmp(f, "-") == 0) {
		r->fname = "(standard input)";
		return STDIN_FILENO;
	}
	r->fname = f;
	if ((fd = open(f, O_RDONLY)) < 0)
		warnx_("%s: %s", f, strerror(errno));
	return fd;
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
clean_in_place(run *r, const char *path)
{
	char tmp[PATH_MAX], backup[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int in, out, rc;
	struct stat st;

	memset(&st, 0, sizeof(st));
	if ((in = open_input(r, path)) < 0)
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
	r->out_fd = out;
	r->out_err = 0;
	rc = clean_fd(r, in);
	write_all(r);
	close(in);
	if (rc == 0 && r->out_err == 0 && (fsync(out) != 0 || close(out) != 0))
		r->out_err = errno;
	else if (rc != 0 || r->out_err != 0)
		close(out);
	r->out_fd = STDOUT_FILENO;
	if (rc == 0 && r->out_err == 0 && r->opt->suffix != NULL) {
		snprintf(backup, sizeof(backup), "%s%s", path, r->opt->suffix);
		if ((unlink(backup) != 0 && errno != ENOENT) || link(path, backup) != 0)
			r->out_err = errno;
	}
	if (rc == 0 && r->out_err == 0 && rename(tmp, path) != 0)
		r->out_err = errno;
	if (rc == 0 && r->out_err == 0)
		return 0;
	if (r->out_err != 0)
		warnx_("%s: %s; file left unchanged", path, strerror(r->out_err));
	unlink(tmp);
	return -1;
}

static void
clean_inputs(run *r, const rules *rs, char **files, int nfiles)
{
	const options *opt = r->opt;
	clean_stats sum;
	uint64_t *hits = calloc(rules_count(rs) + 1, sizeof(*hits));
	size_t k;
	int i, fd;

	r->c = cleaner_new(rs, &opt->co);
	if (r->c == NULL || hits == NULL)
		oom();
	if (opt->jsonl && (r->j = jsonl_new(opt->field)) == NULL)
		oom();
	r->main_sink.opt = opt;
	r->main_sink.out = &r->out;
	if (opt->rejects != NULL) {
		if ((r->rej_f = fopen(opt->rejects, "w")) == NULL) {
			warnx_("%s: %s; no input read", opt->rejects, strerror(errno));
			exit(EXIT_TROUBLE);
		}
		r->main_sink.rej = &r->rej;
	}
	cleaner_set_events(r->c, on_event, &r->main_sink, line_events(r));
	if (opt->jobs > 1) {
		r->nslots = SLOTS_PER_JOB * opt->jobs + PEND_MAX;
		r->sinks = calloc((size_t)r->nslots, sizeof(*r->sinks));
		/* This thread reads, writes and cleans too, when it would
		 * otherwise wait: one worker fewer than jobs. */
		r->pool = pool_new(rs, &opt->co, opt->jobs - 1, r->nslots, on_event,
		    line_events(r), opt->jsonl ? opt->field : NULL);
		if (r->sinks == NULL || r->pool == NULL)
			oom();
	}
	/* Chunks a document may stay in (one per slot, and one to read
	 * into) when they are small; one, and documents copied, when not. */
	r->maxchunks = 1;
	if (r->pool != NULL && opt->read_size <= SLOT_MAX) {
		r->maxchunks = (int)(CHUNK_BYTES / opt->read_size);
		if (r->maxchunks > r->nslots + 1)
			r->maxchunks = r->nslots + 1;
		if (r->maxchunks < 2)
			r->maxchunks = 2;
	}
	if ((r->chunks = calloc((size_t)r->maxchunks, sizeof(*r->chunks))) == NULL)
		oom();
	progress_start(r, files, nfiles);
	for (i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
		const char *f = nfiles > 0 ? files[i] : "-";
		if (opt->in_place) {
			if (clean_in_place(r, f) != 0)
				r->status = EXIT_TROUBLE;
			continue;
		}
		if ((fd = open_input(r, f)) < 0) {
			r->status = EXIT_TROUBLE;
			continue;
		}
		if (clean_fd(r, fd) != 0)
			r->status = EXIT_TROUBLE;
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (r->pool != NULL)
		collect(r, 1);
	write_all(r);
	progress(r, 1);
	if (r->main_sink.status > r->status)
		r->status = r->main_sink.status;
	if (opt->stats) {
		memset(&sum, 0, sizeof(sum));
		clean_stats_add(&sum, cleaner_stats(r->c));
		for (k = 0; k < rules_count(rs); k++)
			hits[k] = rules_matcher_hits(cleaner_matcher(r->c), k);
		if (r->pool != NULL)
			pool_stats(r->pool, &sum, hits, rules_count(rs));
		print_stats(r, rs, &sum, hits, opt->stats == 2);
	}
	if (r->rej_f != NULL && fclose(r->rej_f) != 0) {
		warnx_("%s: write error: %s", opt->rejects, strerror(errno));
		r->status = EXIT_TROUBLE;
	}
	buf_free(&r->rej);
	pool_free(r->pool);
	jsonl_free(r->j);
	buf_free(&r->rec);
	free(r->sinks);
	free(hits);
	for (i = 0; i < r->nchunks; i++)
		free(r->chunks[i].data);
	free(r->chunks);
	cleaner_free(r->c);
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
	opt->read_size = READ_SIZE_DEFAULT;
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
				opt->bad_records = BAD_PASS;
			else if (strcmp(optarg, "skip") == 0)
				opt->bad_records = BAD_SKIP;
			else if (strcmp(optarg, "stop") == 0)
				opt->bad_records = BAD_STOP;
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
	run r;
	rules *rs;
	int first, status;
	model_file m = { { 0 }, NULL };

	first = parse_options(argc, argv, &opt);
	memset(&r, 0, sizeof(r));
	r.opt = &opt;
	r.out_fd = STDOUT_FILENO;
	if ((rs = rules_new()) == NULL)
		oom();
	if (opt.from_code != NULL && (r.from = decoder_new(opt.from_code)) == NULL) {
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
	} else {
		clean_inputs(&r, rs, argv + first, argc - first);
		status = r.status;
	}
	buf_free(&r.out);
	buf_free(&r.conv);
	decoder_free(r.from);
	decoder_free(r.utf16[0]);
	decoder_free(r.utf16[1]);
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
