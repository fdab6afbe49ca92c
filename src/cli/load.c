/*
 * load.c - the rule files in force and the structural model: where they
 * are found (the environment, the configuration directories, the bundled
 * sets, -r), loading them with every error reported as FILE:LINE:COL, and
 * --check-rules.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/rulepath.h"
#include "text/norm.h"

#ifndef UNBOIL_DATADIR
#define UNBOIL_DATADIR "/usr/local/share/unboil"
#endif
#ifndef UNBOIL_SYSCONFDIR
#define UNBOIL_SYSCONFDIR "/etc"
#endif

static void
rule_diag(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	(void)ctx;
	if (line == 0)
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, file, msg);
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
	cli_warn("%s: %s", path, msg);
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
			cli_oom();
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
				cli_oom();
		if (rulepath_add_dir(rp, UNBOIL_SYSCONFDIR "/unboil/rules.d", 1,
		    path_diag, NULL) < 0)
			cli_oom();
		snprintf(langs, sizeof(langs), "neutral,%s", opt->langs);
		for (tok = strtok_r(langs, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			snprintf(name, sizeof(name), "%s.rules", tok);
			snprintf(path, sizeof(path), "%s/%s", data, name);
			if (access(path, F_OK) != 0 && strcmp(tok, "neutral") != 0) {
				cli_warn("no bundled rule set for language '%s' in %s; "
				    "'intl' holds the rules for languages other than de and en",
				    tok, data);
				errors++;
			} else if (rulepath_add_file(rp, path, name) != 0)
				cli_oom();
		}
	}
	for (i = 0; i < opt->nrule_files; i++)
		if (rulepath_add_file(rp, opt->rule_files[i], opt->rule_files[i]) != 0)
			cli_oom();
	return errors;
}

/* Loads the rules in force; with list, prints each file's rule count. */
int
cli_load_rules(rules *rs, const options *opt, FILE *list)
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

/* Loads the structural model: --model's file, or the bundled one. */
const model *
cli_load_model(const options *opt, model_file *mf)
{
	int errors;

	if (opt->model != NULL)
		snprintf(mf->path, sizeof(mf->path), "%s", opt->model);
	else
		snprintf(mf->path, sizeof(mf->path), "%s/layout.model", data_dir());
	mf->m = model_load_file(mf->path, mf->path, rule_diag, NULL, &errors);
	if (mf->m == NULL && errors == 0)
		cli_oom();
	return mf->m;
}

static int
example_norm(void *ctx, const char *in, size_t n, const char **out, size_t *outn)
{
	return norm_line(ctx, in, n, 0, out, outn);
}

int
cli_check_rules(const rules *rs, const options *opt)
{
	norm_ctx *nc = norm_new(opt->co.norm);
	int fails;

	if (nc == NULL) {
		cli_warn("out of memory");
		return EXIT_TROUBLE;
	}
	fails = rules_check_examples(rs, example_norm, nc, rule_diag, NULL);
	norm_free(nc);
	if (fails > 0) {
		cli_warn("%d rule example%s failed", fails, fails == 1 ? "" : "s");
		return EXIT_TROUBLE;
	}
	printf("%zu rules ok\n", rules_count(rs));
	return 0;
}
