/*
 * options.c - the command line: one table of the options (optdefs) makes
 * getopt's tables, the usage line and --help; cli_options checks every
 * value and the combinations, and exits with status 2 and the usage line
 * on a bad one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "formats/jsonl.h"
#include "text/norm.h"
#include "text/repair.h"

#ifndef UNBOIL_VERSION
#define UNBOIL_VERSION "0.1.0"
#endif

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

enum {
	OPT_CHECK = 256, OPT_EXPLAIN, OPT_NO_DEFAULT, OPT_QUOTES, OPT_NO_NFC,
	OPT_NO_NORM, OPT_MAX_LINE, OPT_BUFSIZE, OPT_NO_HEUR, OPT_STATS, OPT_VALVE,
	OPT_NO_MOJIBAKE, OPT_NO_ENTITIES, OPT_JSONL, OPT_FIELD, OPT_BAD_RECORDS,
	OPT_REJECTS, OPT_LIST_RULES, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_MODEL,
	OPT_FEATURES, OPT_DOC_SEP
};

/*
 * Every option, once: getopt's tables, the usage line and --help are all
 * made from this, in its order, so that they cannot disagree.  arg is the
 * argument's name (NULL: none; optional if has is optional_argument); use
 * is the option's part of the usage line where the plain form will not do
 * ("" leaves it out: another option's part shows it); help is its --help
 * text, lines apart by '\n'.  Short options without an argument share one
 * [-hVz] group in the usage line.
 */
static const struct optdef {
	const char *name;
	int has, key;
	const char *arg, *use, *help;
} optdefs[] = {
	{ "rules", required_argument, 'r', "FILE", "[-r FILE]...",
	    "add the rules in FILE (repeatable)" },
	{ "lang", required_argument, 'l', "LANGS", NULL,
	    "bundled rule sets to load (default: de,en,intl)" },
	{ "no-default-rules", no_argument, OPT_NO_DEFAULT, NULL, NULL,
	    "load no bundled rule set" },
	{ "check-rules", no_argument, OPT_CHECK, NULL, NULL,
	    "compile the rules, check their examples, exit" },
	{ "list-rules", no_argument, OPT_LIST_RULES, NULL, NULL,
	    "print the rule files in force and their rule\ncounts, in order, and exit" },
	{ "explain", no_argument, OPT_EXPLAIN, NULL, NULL,
	    "print every line with its verdict and rule" },
	{ "rejects", required_argument, OPT_REJECTS, "FILE", NULL,
	    "write every removed or edited line to FILE, as\n"
	    "JSON Lines with its document, line and rule" },
	{ "null-data", no_argument, 'z', NULL, NULL,
	    "documents end with a NUL byte (--doc-sep=nul)" },
	{ "doc-sep", required_argument, OPT_DOC_SEP, "nul|ff", NULL,
	    "the byte that ends each document, in and out:\n"
	    "NUL or form feed (default: each input is one)" },
	{ "jobs", required_argument, 'j', "N", NULL,
	    "clean N documents at once (default: all cores\nfor several files or -z, else 1)" },
	{ "jsonl", no_argument, OPT_JSONL, NULL, "[--jsonl [--field=NAME]]",
	    "input is JSON Lines: clean one field per record" },
	{ "field", required_argument, OPT_FIELD, "NAME", "",
	    "the field to clean (default: text; a.b for nested)" },
	{ "bad-records", required_argument, OPT_BAD_RECORDS, "pass|skip|stop", NULL,
	    "a line that is not a JSON object with the field:\n"
	    "pass it through (default), skip it, or stop with\nstatus 2" },
	{ "from-code", required_argument, 'f', "ENC", NULL,
	    "input is in encoding ENC (any iconv knows)" },
	{ "in-place", optional_argument, 'i', "SUFFIX", NULL,
	    "clean the files in place (keep originals as\nFILE+SUFFIX)" },
	{ "no-mojibake", no_argument, OPT_NO_MOJIBAKE, NULL, NULL,
	    "do not repair UTF-8 read as Windows-1252" },
	{ "no-entities", no_argument, OPT_NO_ENTITIES, NULL, NULL,
	    "do not decode HTML entities" },
	{ "quotes", required_argument, OPT_QUOTES, "ascii|keep", NULL,
	    "map typographic quotes to ASCII (default: ascii)" },
	{ "no-nfc", no_argument, OPT_NO_NFC, NULL, NULL,
	    "do not compose to Unicode NFC" },
	{ "no-normalize", no_argument, OPT_NO_NORM, NULL, NULL,
	    "no character normalisation at all" },
	{ "no-heuristics", no_argument, OPT_NO_HEUR, NULL, NULL,
	    "rules only: no structural layer" },
	{ "model", required_argument, OPT_MODEL, "FILE", NULL,
	    "the structural layer's model (default: the\nbundled layout.model)" },
	{ "features", no_argument, OPT_FEATURES, NULL, NULL,
	    "print each line's model features, not text" },
	{ "valve", required_argument, OPT_VALVE, "keep|warn|off", NULL,
	    "a document with no body text: keep what the\n"
	    "rules kept (default), the same with a warning, or\ndrop it as head (and warn)" },
	{ "stats", optional_argument, OPT_STATS, "text|json", NULL,
	    "counts per document, line, byte and rule on stderr" },
	{ "progress", no_argument, OPT_PROGRESS, NULL, "[--progress | --no-progress]",
	    "show progress on stderr (default: when stderr is\n"
	    "a terminal and the input files are large)" },
	{ "no-progress", no_argument, OPT_NO_PROGRESS, NULL, "",
	    "never show progress" },
	{ "max-line-length", required_argument, OPT_MAX_LINE, "BYTES", NULL,
	    "write longer lines through unchanged (default: 1M)" },
	{ "buffer-size", required_argument, OPT_BUFSIZE, "BYTES", NULL,
	    "read input BYTES at a time" },
	{ "help", no_argument, 'h', NULL, NULL, "print this help and exit" },
	{ "version", no_argument, 'V', NULL, NULL, "print the version and exit" },
};

#define NOPTS (sizeof(optdefs) / sizeof(optdefs[0]))
#define USAGE_WIDTH 79
#define HELP_COLUMN 27

/* One option's part of the usage line, into b (of size n). */
static void
usage_part(const struct optdef *o, char *b, size_t n)
{
	const char *eq = o->has == optional_argument ? "[=" : "=";
	const char *close = o->has == optional_argument ? "]" : "";

	if (o->use != NULL)
		snprintf(b, n, "%s", o->use);
	else if (o->key < 256 && o->arg == NULL)
		*b = '\0';	/* in the [-hVz] group */
	else if (o->key < 256 && o->has == optional_argument)
		snprintf(b, n, "[-%c[%s]]", o->key, o->arg);
	else if (o->key < 256)
		snprintf(b, n, "[-%c %s]", o->key, o->arg);
	else if (o->arg == NULL)
		snprintf(b, n, "[--%s]", o->name);
	else
		snprintf(b, n, "[--%s%s%s%s]", o->name, eq, o->arg, close);
}

static void
usage(FILE *f)
{
	char part[96], flags[32] = "[-";
	size_t i, col, len, k = 2;
	int c;

	/* The letters in alphabetical order, either case together. */
	for (c = 'a'; c <= 'z'; c++)
		for (i = 0; i < NOPTS; i++)
			if (optdefs[i].arg == NULL && (optdefs[i].key == c ||
			    optdefs[i].key == c - 'a' + 'A') && k < sizeof(flags) - 2)
				flags[k++] = (char)optdefs[i].key;
	flags[k++] = ']';
	flags[k] = '\0';
	col = (size_t)fprintf(f, "usage: %s %s", PROGNAME, flags);
	for (i = 0; i <= NOPTS; i++) {
		if (i < NOPTS)
			usage_part(&optdefs[i], part, sizeof(part));
		else
			snprintf(part, sizeof(part), "[FILE...]");
		if ((len = strlen(part)) == 0)
			continue;
		if (col + 1 + len > USAGE_WIDTH)
			col = (size_t)fprintf(f, "\n%*s", (int)strlen("usage: " PROGNAME), "");
		col += (size_t)fprintf(f, " %s", part);
	}
	fputc('\n', f);
}

/* --help: the usage line, then each option with its text beside it. */
static void
help(void)
{
	char left[96];
	const char *p, *nl;
	size_t i;
	int k;

	usage(stdout);
	fputs("\nRemove boilerplate from news text and normalise it.\n\n", stdout);
	for (i = 0; i < NOPTS; i++) {
		const struct optdef *o = &optdefs[i];
		k = snprintf(left, sizeof(left), o->key < 256 ? "  -%c, --%s" : "  %c   --%s",
		    o->key < 256 ? o->key : ' ', o->name);
		if (o->arg != NULL)
			snprintf(left + k, sizeof(left) - (size_t)k, o->has == optional_argument ?
			    "[=%s]" : "=%s", o->arg);
		/* Text beside a name too long for its column starts below it. */
		k = printf("%s", left);
		if (k >= HELP_COLUMN - 1)
			k = printf("\n") - 1;
		for (p = o->help; p != NULL; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			printf("%*s%.*s\n", HELP_COLUMN - k, "",
			    nl ? (int)(nl - p) : (int)strlen(p), p);
			k = 0;
		}
	}
	fputs("\nExit status: 0 success, 1 some lines not fully processed, 2 trouble.\n"
	    "See unboil(1), unboil-rules(5) and unboil-model(5).\n", stdout);
}

/* getopt_long's tables, from optdefs. */
static void
getopt_tables(struct option *longopts, char *shorts)
{
	size_t i, k = 0;

	shorts[k++] = ':';	/* a missing argument is told apart */
	for (i = 0; i < NOPTS; i++) {
		longopts[i] = (struct option){ optdefs[i].name, optdefs[i].has, NULL,
		    optdefs[i].key };
		if (optdefs[i].key >= 256)
			continue;
		shorts[k++] = (char)optdefs[i].key;
		if (optdefs[i].has != no_argument)
			shorts[k++] = ':';
		if (optdefs[i].has == optional_argument)
			shorts[k++] = ':';
	}
	longopts[NOPTS] = (struct option){ NULL, 0, NULL, 0 };
	shorts[k] = '\0';
}

static void
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", PROGNAME);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	exit(EXIT_TROUBLE);
}

int
cli_options(int argc, char **argv, options *opt)
{
	struct option longopts[NOPTS + 1];
	char shorts[3 * NOPTS + 2];
	int ch;

	memset(opt, 0, sizeof(*opt));
	opt->langs = "de,en,intl";
	opt->default_rules = 1;
	opt->read_size = STREAM_READ_SIZE;
	opt->co.norm = NORM_ALL;
	opt->co.max_line = CLEAN_MAX_LINE_DEFAULT;
	opt->co.text = 1;
	opt->co.layout = 1;
	opt->co.valve = 1;
	opt->co.repair = REPAIR_ALL;
	opt->progress = -1;
	opt->doc_sep = -1;
	opt->rule_files = calloc((size_t)argc, sizeof(char *));
	if (opt->rule_files == NULL)
		cli_oom();
	opterr = 0;	/* our own messages, without argv[0]'s path */
	getopt_tables(longopts, shorts);
	while ((ch = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
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
		case 'z': opt->doc_sep = '\0'; break;
		case OPT_DOC_SEP:
			if (strcmp(optarg, "nul") == 0)
				opt->doc_sep = '\0';
			else if (strcmp(optarg, "ff") == 0)
				opt->doc_sep = '\f';
			else
				bad_usage("--doc-sep takes nul or ff, not '%s'", optarg);
			break;
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
	if (opt->jsonl && opt->doc_sep >= 0)
		bad_usage("%s", "--jsonl and -z or --doc-sep do not go together");
	if (opt->field != NULL && !opt->jsonl)
		bad_usage("%s", "--field needs --jsonl");
	if (opt->field == NULL)
		opt->field = "text";
	/* Threads pay off when there are several documents to share out. */
	if (opt->jobs == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		opt->jobs = (opt->doc_sep >= 0 || opt->jsonl || argc - optind > 1) && ncpu > 1 ?
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

