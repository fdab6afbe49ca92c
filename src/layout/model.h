/*
 * model.h - the structural model file: the weights of the line classifier
 * and the settings of its smoother, as man/unboil-model.5 describes them.
 *
 * A model is loaded once and then only read, so one model serves every
 * worker thread.  Feature names are the structural layer's (layout.h); a
 * feature the file does not name has weight 0, so a model trained on fewer
 * features still loads.
 *
 * Bad input: every problem (a line that is not a known setting, a number
 * that does not parse or is out of range, an unknown or repeated feature,
 * a missing header) is passed to the caller's diagnostic callback with the
 * file, line and column, and loading goes on so that all are reported at
 * once; a model with errors is never returned.
 */
#ifndef UNBOIL_MODEL_H
#define UNBOIL_MODEL_H

#include <stddef.h>

#include "rules/rules.h"

#define MODEL_VERSION 1
#define MODEL_LAG_MAX 64

typedef struct model {
	double *w;		/* one weight per layout feature */
	size_t nw;
	unsigned lag;		/* lines the smoother looks ahead */
	double change;		/* log-odds cost of a change of state */
	double cut_keep;	/* after a cut rule, a line stays only with a
				   body probability at least this */
	double island;		/* a run of body after a longer one goes if it
				   is shorter than this share of it; 0: off */
} model;

/* Loads the model at path (named name in diagnostics).  Returns the model,
 * or NULL with *errors set to the number of problems reported (0: out of
 * memory). */
model *model_load_file(const char *path, const char *name,
    rules_diag_fn diag, void *ctx, int *errors);
/* The same for a model held in memory. */
model *model_load_text(const char *text, size_t n, const char *name,
    rules_diag_fn diag, void *ctx, int *errors);
void model_free(model *m);

#endif
