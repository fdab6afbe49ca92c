/*
 * rulepath.h - the rule files in force, from the search path.
 *
 * Directories are searched in the order given; in each, the files whose
 * names end in ".rules", in name order.  A name found in an earlier
 * directory hides the same name further on, so a user's "de.rules"
 * replaces the bundled one, and an empty file of that name switches it
 * off.  Nothing here prints: problems go to the caller's callback.
 */
#ifndef UNBOIL_RULEPATH_H
#define UNBOIL_RULEPATH_H

#include <stddef.h>

typedef struct rulefile {
	char *path;	/* to open */
	char *name;	/* the file name, which hides later ones */
} rulefile;

typedef struct rulepath {
	rulefile *v;
	size_t n, cap;
} rulepath;

typedef void (*rulepath_diag_fn)(void *ctx, const char *path, const char *msg);

/* Adds the *.rules files of dir whose names are not listed yet.  A missing
 * dir is reported only without missing_ok.  Returns the number of
 * problems reported, or -1 if out of memory. */
int rulepath_add_dir(rulepath *rp, const char *dir, int missing_ok,
    rulepath_diag_fn diag, void *ctx);
/* Adds the file path under name, unless name is listed.  0, or -1 if out
 * of memory. */
int rulepath_add_file(rulepath *rp, const char *path, const char *name);
void rulepath_free(rulepath *rp);

#endif
