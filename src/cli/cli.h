/*
 * cli.h - the unboil command, the only code that parses options, prints
 * or exits; the cleaning is the library's (stream.h and below).
 *
 *   main.c     the inputs run through a stream, in place or to standard
 *              output, and the exit status
 *   options.c  the command line, from one table that also makes usage
 *              and --help
 *   load.c     finding and loading the rule files and the model,
 *              --check-rules
 *   report.c   what the stream reports: warnings, --explain, the audit
 *              trail, bad records, statistics, progress
 *   rulepath.c the rule files in force, in order
 *
 * Exit status: 0 when all input was cleaned; 1 when the run finished but
 * some lines could not be fully processed (over-long lines written through,
 * rules that hit a match limit, bad records passed or skipped); 2 for usage
 * errors, bad rule files or model, unreadable input files and write errors.
 */
#ifndef UNBOIL_CLI_H
#define UNBOIL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "clean.h"
#include "layout/model.h"
#include "rules/rules.h"
#include "stream.h"

#define PROGNAME "unboil"

enum { EXIT_PARTIAL = 1, EXIT_TROUBLE = 2 };

typedef struct options {
	const char **rule_files;
	size_t nrule_files;
	const char *langs;
	int default_rules;
	int check_rules;
	int explain;
	int doc_sep;		/* -z, --doc-sep: the byte that ends a
				   document, or -1: an input is one */
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
} options;

/* "unboil: " and the message on stderr, as one line even from workers. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Says "out of memory" and exits with status 2. */
_Noreturn void cli_oom(void);

/* options.c: parses the command line into opt (exits on a usage error,
 * after --help and --version); returns the index of the first operand. */
int cli_options(int argc, char **argv, options *opt);

/* load.c: loads the rule files in force into rs, reporting every error
 * as FILE:LINE:COL; with list, prints each file's rule count there.
 * Returns the number of errors. */
int cli_load_rules(rules *rs, const options *opt, FILE *list);
typedef struct model_file {
	char path[4160];
	model *m;
} model_file;
/* Loads the structural model (--model's, or the bundled one) into mf;
 * NULL after reporting its errors. */
const model *cli_load_model(const options *opt, model_file *mf);
/* --check-rules: every rule's examples; returns the exit status. */
int cli_check_rules(const rules *rs, const options *opt);

/* report.c: the stream's callbacks, with a report as their context. */
typedef struct report {
	const options *opt;
	FILE *rej_f;		/* --rejects */
	int progress;		/* draw the progress line */
	uint64_t bytes_read, docs, total;	/* total: 0 if unknown */
	double t0, drawn;	/* start, last drawing (seconds) */
} report;
void report_event(void *ctx, stream_doc *d, const clean_event *ev);
void report_bad_record(void *ctx, const stream_doc *d, const char *why);
int report_aux(void *ctx, const char *p, size_t n);
void report_progress(void *ctx, uint64_t bytes, uint64_t docs);
/* Turns the progress line on (--progress, or a terminal and large input
 * files), and draws it a last time when the run is done. */
void report_progress_start(report *r, char **files, int nfiles);
void report_progress_end(report *r);
/* --stats, on stderr as text or JSON. */
void report_stats(const rules *rs, const clean_stats *st, const uint64_t *hits,
    uint64_t undecodable, int json);

#endif
