/*
 * main.c - the unboil command: the inputs, cleaned by one stream
 * (stream.h) to standard output or each in place, and the exit status
 * (cli.h).  Options, loading and reporting are in the files beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "formats/format.h"
#include "text/decode.h"
#include "text/unzip.h"

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	flockfile(stderr);	/* one whole line, even from workers */
	fprintf(stderr, "%s: ", PROGNAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void
cli_oom(void)
{
	cli_warn("out of memory");
	exit(EXIT_TROUBLE);
}

/* Says what ended the run and exits: the stream cannot go on. */
static void
stream_died(const report *c, const stream *s, int rc)
{
	if (rc == STREAM_ENOMEM)
		cli_warn("out of memory");
	else if (rc == STREAM_EWRITE)
		cli_warn("write error: %s", strerror(stream_errno(s)));
	else if (rc == STREAM_EAUX)
		cli_warn("%s: write error: %s", c->opt->rejects, strerror(stream_errno(s)));
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
		cli_warn("%s: %s", f, strerror(errno));
	return fd;
}

/* Says why an input could not be read to its end; the run goes on. */
static void
input_failed(const stream *s, const char *name, int rc)
{
	cli_warn("%s: %s", name, rc == STREAM_ECORRUPT ? stream_why(s) :
	    strerror(stream_errno(s)));
}

/* Cleans one input to the stream's output; 0, or -1 after saying why. */
static int
clean_file(const report *c, stream *s, const char *f)
{
	const char *name;
	int fd, rc;

	if ((fd = open_input(f, &name)) < 0)
		return -1;
	rc = stream_input(s, fd, name);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc == STREAM_EREAD || rc == STREAM_ECORRUPT) {
		input_failed(s, name, rc);
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
/*
 * Why the file open as in cannot be cleaned in place, or NULL: not a
 * regular file; compressed (it would be written back decompressed); names
 * for the temporary file or the backup cut short, which would make the one
 * or remove the other somewhere else (GNU sed refuses them too).
 */
static const char *
in_place_refused(const options *opt, int in, const char *path, struct stat *st,
    char *tmp, char *backup)
{
	const char *slash = strrchr(path, '/');
	unsigned char head[UNZIP_MAGIC];
	ssize_t k;

	if (fstat(in, st) != 0)
		return strerror(errno);
	if (!S_ISREG(st->st_mode))
		return "not a regular file; left unchanged";
	if ((k = pread(in, head, sizeof(head), 0)) > 0 &&
	    unzip_kind(head, (size_t)k) != UNZIP_NONE)
		return "compressed; left unchanged (-i would write it back decompressed)";
	if ((size_t)snprintf(tmp, PATH_MAX, "%.*s.unboil.XXXXXX",
	    slash ? (int)(slash - path + 1) : 0, path) >= PATH_MAX ||
	    (opt->suffix != NULL && (size_t)snprintf(backup, PATH_MAX, "%s%s",
	    path, opt->suffix) >= PATH_MAX))
		return "File name too long; left unchanged";
	return NULL;
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
clean_in_place(const report *c, stream *s, const char *path)
{
	char tmp[PATH_MAX], backup[PATH_MAX];
	const char *name, *why;
	int in, out, rc, bad, werr = 0;
	struct stat st;

	if ((in = open_input(path, &name)) < 0)
		return -1;
	if ((why = in_place_refused(c->opt, in, path, &st, tmp, backup)) != NULL ||
	    (out = mkstemp(tmp)) < 0) {
		if (why != NULL)
			cli_warn("%s: %s", path, why);
		else
			cli_warn("%s: cannot create a temporary file: %s", path, strerror(errno));
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
	if ((bad = rc == STREAM_EREAD || rc == STREAM_ECORRUPT))
		input_failed(s, name, rc);
	else if (rc != STREAM_OK && rc != STREAM_EWRITE) {
		unlink(tmp);
		stream_died(c, s, rc);
	}
	/* What is left goes to the file; a failed write fails it alone. */
	if (stream_output(s, STDOUT_FILENO) == STREAM_EWRITE || rc == STREAM_EWRITE)
		werr = stream_errno(s);
	if (!bad && werr == 0 && (fsync(out) != 0 || close(out) != 0))
		werr = errno;
	else if (bad || werr != 0)
		close(out);
	if (!bad && werr == 0 && c->opt->suffix != NULL &&
	    ((unlink(backup) != 0 && errno != ENOENT) || link(path, backup) != 0))
		werr = errno;
	if (!bad && werr == 0 && rename(tmp, path) != 0)
		werr = errno;
	if (!bad && werr == 0)
		return 0;
	if (werr != 0)
		cli_warn("%s: %s; file left unchanged", path, strerror(werr));
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
	so->split = opt->doc_sep >= 0;
	so->sep = (unsigned char)(opt->doc_sep >= 0 ? opt->doc_sep : 0);
	so->jobs = opt->jobs;
	so->read_size = opt->read_size;
	so->bad = opt->bad_records;
	so->from_code = opt->from_code;
	/* The events of every line: for --explain and the audit trail, not
	 * for the warnings on_event also gives. */
	so->line_events = opt->explain || opt->rejects != NULL;
}

/*
 * Standard input, output and error are open from here on: a descriptor
 * the caller closed would be handed to the next file opened, and cleaned
 * text written to standard output would land in the audit trail.  A closed
 * standard output is taken by /dev/null opened for reading only, so that
 * writing to it still fails as it should.
 */
static void
guard_std_fds(void)
{
	static const int mode[3] = { O_RDONLY, O_RDONLY, O_WRONLY };
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", mode[fd]) != fd)
			exit(EXIT_TROUBLE);	/* nowhere to say it */
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Refuses, as grep does, to read a file that is also where the output or
 * the audit trail goes: the input would be emptied (--rejects=in in) or
 * grow without end (unboil f >> f).  Standard output counts when it is a
 * regular file.  Says which before any input is read; returns the number
 * of such inputs, which are then skipped (and the run fails).
 */
static int
check_outputs(const options *opt, char **files, int nfiles, char *skip)
{
	struct stat out, rej, in;
	int i, bad = 0, has_out = fstat(STDOUT_FILENO, &out) == 0 && S_ISREG(out.st_mode);
	int has_rej = opt->rejects != NULL && stat(opt->rejects, &rej) == 0;

	if (has_rej && has_out && same_file(&rej, &out)) {
		cli_warn("%s: the --rejects file is also the output; no input read", opt->rejects);
		exit(EXIT_TROUBLE);
	}
	for (i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
		const char *f = nfiles > 0 ? files[i] : "-";
		int r = strcmp(f, "-") == 0 ? fstat(STDIN_FILENO, &in) : stat(f, &in);
		if (r != 0 || !S_ISREG(in.st_mode))
			continue;	/* open_input says why, in its turn */
		if (has_rej && same_file(&in, &rej)) {
			cli_warn("%s: input file is also the --rejects file; no input read", f);
			exit(EXIT_TROUBLE);
		}
		if (has_out && !opt->in_place && same_file(&in, &out)) {
			cli_warn("%s: input file is also the output", f);
			skip[i] = 1;
			bad++;
		}
	}
	return bad;
}

/* Cleans every input (standard input if none); returns the exit status. */
static int
clean_inputs(const options *opt, const rules *rs, char **files, int nfiles)
{
	report c = { 0 };
	stream_cb cb = { &c, report_event, report_bad_record, NULL, report_progress };
	stream_opts so;
	stream *s;
	clean_stats sum;
	uint64_t *hits = calloc(rules_count(rs) + 1, sizeof(*hits)), undecodable;
	int i, rc, status = 0;

	char *skip = calloc((size_t)(nfiles > 0 ? nfiles : 1), 1);

	c.opt = opt;
	if (hits == NULL || skip == NULL)
		cli_oom();
	if (check_outputs(opt, files, nfiles, skip) > 0)
		status = EXIT_TROUBLE;
	if (opt->rejects != NULL) {
		if ((c.rej_f = fopen(opt->rejects, "w")) == NULL) {
			cli_warn("%s: %s; no input read", opt->rejects, strerror(errno));
			exit(EXIT_TROUBLE);
		}
		cb.aux = report_aux;
	}
	stream_opts_of(opt, &so);
	if ((s = stream_new(rs, &so, &cb, STDOUT_FILENO, &rc)) == NULL)
		cli_oom();	/* the encoding was checked before */
	report_progress_start(&c, files, nfiles);
	for (i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
		const char *f = nfiles > 0 ? files[i] : "-";
		if (!skip[i] && (opt->in_place ? clean_in_place(&c, s, f) :
		    clean_file(&c, s, f)) != 0)
			status = EXIT_TROUBLE;
	}
	if ((rc = stream_finish(s)) != STREAM_OK)
		stream_died(&c, s, rc);
	report_progress_end(&c);
	if (stream_status(s) > status)
		status = stream_status(s);
	if (opt->stats) {
		memset(&sum, 0, sizeof(sum));
		stream_stats(s, &sum, hits, &undecodable);
		report_stats(rs, &sum, hits, undecodable, opt->stats == 2);
	}
	if (c.rej_f != NULL && fclose(c.rej_f) != 0) {
		cli_warn("%s: write error: %s", opt->rejects, strerror(errno));
		status = EXIT_TROUBLE;
	}
	stream_free(s);
	free(hits);
	free(skip);
	return status;
}

int
main(int argc, char **argv)
{
	options opt;
	rules *rs;
	decoder *from = NULL;
	int first, status;
	model_file m = { { 0 }, NULL };

	guard_std_fds();
	first = cli_options(argc, argv, &opt);
	if ((rs = rules_new()) == NULL)
		cli_oom();
	if (opt.from_code != NULL && (from = decoder_new(opt.from_code)) == NULL) {
		cli_warn("unknown encoding '%s' (see iconv -l); no input read", opt.from_code);
		status = EXIT_TROUBLE;
	} else if (cli_load_rules(rs, &opt, opt.list_rules ? stdout : NULL) != 0) {
		cli_warn("bad rules; no input read");
		status = EXIT_TROUBLE;
	} else if (opt.co.layout && (opt.co.model = cli_load_model(&opt, &m)) == NULL) {
		cli_warn("bad model; no input read");
		status = EXIT_TROUBLE;
	} else if (opt.list_rules) {
		if (opt.co.layout)
			printf("model   %s\n", m.path);
		status = 0;
	} else if (opt.check_rules) {
		status = cli_check_rules(rs, &opt);
	} else
		status = clean_inputs(&opt, rs, argv + first, argc - first);
	decoder_free(from);
	rules_free(rs);
	model_free(m.m);
	free(opt.rule_files);
	/* Without this check, unboil >/dev/full would "succeed". */
	if (fflush(stdout) != 0 || ferror(stdout) ||
	    (close(STDOUT_FILENO) != 0 && errno != EBADF)) {
		cli_warn("write error: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	return status;
}
