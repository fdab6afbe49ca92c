/* Unit tests for model.c and layout.c: the model file's errors, and the
 * layer's decisions with hand-set weights (the smoother, the look-ahead,
 * the valve, a cut, a keep rule, a full window). */
#include <stdlib.h>

#include "layout/layout.h"
#include "layout/model.h"
#include "unit.h"

static char diags[2048];

static void
diag(void *ctx, const char *file, unsigned line, unsigned col, const char *msg)
{
	size_t n = strlen(diags);

	(void)ctx;
	snprintf(diags + n, sizeof(diags) - n, "%s:%u:%u: %s\n", file, line, col, msg);
}

static model *
load(const char *text, int *errors)
{
	diags[0] = '\0';
	return model_load_text(text, strlen(text), "m", diag, NULL, errors);
}

static void
test_model_file(void)
{
	int e;
	model *m;

	m = load("# a comment\nunboil-model 1\nlag 4\nchange 1.5\ncut-keep 0.9\n"
	    "weight bias -1\nweight prose 3\n", &e);
	CHECK(m != NULL && e == 0, "a good model loads");
	CHECK(m != NULL && m->lag == 4 && m->change == 1.5 && m->cut_keep == 0.9,
	    "settings are read");
	CHECK(m != NULL && m->w[layout_feature("prose")] == 3 &&
	    m->w[layout_feature("len")] == 0, "named weights are set, the rest are 0");
	model_free(m);
	m = load("unboil-model 1\nlag 4\nchange x\ncut-keep 2\nweight nosuch 1\n"
	    "weight prose 1\nweight prose 2\nspeed 3\n", &e);
	CHECK(m == NULL && e == 5, "every error is counted");
	CHECK(strstr(diags, "m:3:8: 'x' is not a number") != NULL, "a bad number: file, line, column");
	CHECK(strstr(diags, "m:4:10: '2' is out of range") != NULL, "a probability over 1");
	CHECK(strstr(diags, "m:5:8: unknown feature 'nosuch'") != NULL, "an unknown feature");
	CHECK(strstr(diags, "m:7:8: feature 'prose' given twice") != NULL, "a repeated feature");
	CHECK(strstr(diags, "m:8:1: unknown setting 'speed'") != NULL, "an unknown setting");
	m = load("lag 4\n", &e);
	CHECK(m == NULL && strstr(diags, "m:1:1: the first line must be") != NULL,
	    "the header is required");
	m = load("unboil-model 1\nlag 4\n", &e);
	CHECK(m == NULL && strstr(diags, "must all be given") != NULL, "settings are required");
	m = load("", &e);
	CHECK(m == NULL && e == 1, "an empty file is an error");
	m = load("unboil-model 2\nlag 4\nchange 1\ncut-keep 0.5\n", &e);
	CHECK(m == NULL && e == 1, "another version is refused");
}

/* Pushes the lines (P: prose, s: short, d: rule-dropped, k: protected,
 * c: prose after a cut, x: short after a cut), decides after each, and writes one verdict letter per
 * line into v: B body, S smoothed in, V valve, K protected, b boiler,
 * l smoothed out, c cut, - not a candidate. */
static void
run(const model *m, const char *lines, int valve, char *v)
{
	static const char letter[] = "?BSKVblc";
	layout *l = layout_new(m, valve, 4096);
	size_t i, n = strlen(lines), done = 0, k;
	double p;

	layout_begin(l);
	for (i = 0; i < n; i++) {
		const char *t = lines[i] == 'P' || lines[i] == 'c' ?
		    "Der Minister sagte am Dienstag in Berlin, dass die Regierung das Gesetz nicht mehr ändern will." :
		    "Startseite";
		unsigned kind = lines[i] == 'd' ? LK_DROP : LK_CAND;
		unsigned flags = lines[i] == 'k' ? LF_PROTECTED :
		    lines[i] == 'c' || lines[i] == 'x' ? LF_AFTER_CUT : 0;
		layout_push(l, kind, flags, t, strlen(t));
		k = layout_decide(l, 0, 0);
		for (; done < k; done++)
			v[done] = lines[done] == 'd' ? '-' : letter[layout_verdict_of(l, done, &p)];
	}
	k = layout_decide(l, 1, 0);
	for (; done < k; done++)
		v[done] = lines[done] == 'd' ? '-' : letter[layout_verdict_of(l, done, &p)];
	v[done] = '\0';
	layout_free(l);
}

static void
test_decisions(void)
{
	int e;
	char v[256];
	model *m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\n"
	    "weight bias -2\nweight prose 4\n", &e);

	run(m, "ssssPPPPssss", 1, v);
	CHECK(strcmp(v, "bbbbBBBBbbbb") == 0, "head and tail go, the body stays");
	run(m, "PPPPsPPPP", 1, v);
	CHECK(strcmp(v, "BBBBSBBBB") == 0, "a short line inside the body is smoothed in");
	run(m, "PPPPssssssPPPP", 1, v);
	CHECK(strcmp(v, "BBBBbbbbbbBBBB") == 0, "a long run inside the body goes");
	run(m, "PsPdPsP", 1, v);
	CHECK(strcmp(v, "BSB-BSB") == 0, "rule-dropped lines are no candidates");
	run(m, "ssss", 1, v);
	CHECK(strcmp(v, "VVVV") == 0, "no body at all: the valve keeps every line");
	run(m, "ssss", 0, v);
	CHECK(strcmp(v, "bbbb") == 0, "without the valve, they go");
	run(m, "PPPPssksssPPPP", 1, v);
	CHECK(strcmp(v, "BBBBbbKbbbBBBB") == 0, "a keep rule's line stays");
	run(m, "PPPPdcxc", 1, v);
	CHECK(strcmp(v, "BBBB-ccc") == 0, "after a cut, only sure body stays");
	model_free(m);
	m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.5\n"
	    "weight bias -2\nweight prose 4\n", &e);
	run(m, "PPPPdcxc", 1, v);
	CHECK(strcmp(v, "BBBB-BcB") == 0, "after a cut, prose the model is sure of stays");
	model_free(m);
}

static void
test_window(void)
{
	int e;
	model *m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\nweight bias -2\n"
	    "weight prose 4\n", &e);
	layout *l = layout_new(m, 1, 8);
	size_t i, k;

	layout_begin(l);
	for (i = 0; i < 8; i++)
		layout_push(l, LK_CAND, 0, "Menü", 5);
	CHECK(layout_decide(l, 0, 0) == 0, "before any body, lines wait for the valve");
	CHECK(layout_push(l, LK_CAND, 0, "x", 1) == -1, "a full window refuses a line");
	k = layout_decide(l, 0, 1);
	CHECK(k == 8, "a full window is decided whole");
	layout_shift(l, k);
	CHECK(layout_push(l, LK_CAND, 0, "x", 1) == 0, "and takes lines again");
	layout_free(l);
	model_free(m);
}

int
main(void)
{
	test_model_file();
	test_decisions();
	test_window();
	CHECK(layout_feature("bias") == 0 && layout_feature_name(0) != NULL &&
	    layout_feature("nosuch") == -1, "features by name");
	return unit_done();
}
