/*
 * rulepath.c - the rule search path; see rulepath.h.  Bad input: an
 * unreadable directory is reported and skipped; entries that are not
 * regular files (or links to them) are passed over.
 */
#include "cli/rulepath.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
listed(const rulepath *rp, const char *name)
{
	size_t i;

	for (i = 0; i < rp->n; i++)
		if (strcmp(rp->v[i].name, name) == 0)
			return 1;
	return 0;
}

int
rulepath_add_file(rulepath *rp, const char *path, const char *name)
{
	rulefile *v;

	if (listed(rp, name))
		return 0;
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? 2 * rp->cap : 8;
		if ((v = realloc(rp->v, cap * sizeof(*v))) == NULL)
			return -1;
		rp->v = v;
		rp->cap = cap;
	}
	rp->v[rp->n].path = strdup(path);
	rp->v[rp->n].name = strdup(name);
	if (rp->v[rp->n].path == NULL || rp->v[rp->n].name == NULL) {
		free(rp->v[rp->n].path);
		free(rp->v[rp->n].name);
		return -1;
	}
	rp->n++;
	return 0;
}

static int
is_rules_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 6 && strcmp(name + n - 6, ".rules") == 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rulepath_add_dir(rulepath *rp, const char *dir, int missing_ok,
    rulepath_diag_fn diag, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char **names = NULL, **v, path[4096];
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (d == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		if (diag != NULL)
			diag(ctx, dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!is_rules_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((v = realloc(names, cap * sizeof(*v))) == NULL) {
				rc = -1;
				break;
			}
			names = v;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    rulepath_add_file(rp, path, names[i]) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

void
rulepath_free(rulepath *rp)
{
	size_t i;

	for (i = 0; i < rp->n; i++) {
		free(rp->v[i].path);
		free(rp->v[i].name);
	}
	free(rp->v);
	rp->v = NULL;
	rp->n = rp->cap = 0;
}
