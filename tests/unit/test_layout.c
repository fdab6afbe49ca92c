/* Unit tests for model.c and layout.c: the model file's errors, and the
 * layer's decisions with hand-set weights (the smoother, the look-ahead,
 * the valve, a cut, a keep rule, a full window, islands), and the look-ahead's
 * features. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Pushes the lines (P: prose, s: short, L: a list item, short but not
 * a menu word, d: rule-dropped, k: protected, c: prose after a cut,
 * x: short after a cut), decides after each, and writes one verdict letter per
 * line into v: B body, S smoothed in, V valve, K protected, b boiler,
 * l smoothed out, c cut, i island, - not a candidate. */
static void
run(const model *m, const char *lines, int valve, char *v)
{
	static const char letter[] = "?BSKVblci";
	layout *l = layout_new(m, valve, 4096);
	size_t i, n = strlen(lines), done = 0, k;
	double p;

	layout_begin(l);
	for (i = 0; i < n; i++) {
		const char *t = lines[i] == 'P' || lines[i] == 'c' ?
		    "Der Minister sagte am Dienstag in Berlin, dass die Regierung das Gesetz nicht mehr ändern will." :
		    lines[i] == 'L' ? "Sport, Kultur, Wirtschaft und Politik im Überblick" :
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

/* Twelve prose lines (1140 characters) make a run long enough to measure
 * later runs by (ISLAND_FLOOR); six short lines end it. */
#define LONG "PPPPPPPPPPPPssssss"
#define LONG_V "BBBBBBBBBBBBbbbbbb"

static void
test_islands(void)
{
	int e;
	char v[256];
	model *m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\nisland 0.5\n"
	    "weight bias -2\nweight prose 4\n", &e), *off;
	layout *l;
	size_t i, k;
	double p;

	CHECK(m != NULL && m->island == 0.5, "the island share is read");
	run(m, LONG "PPPPssss", 1, v);
	CHECK(strcmp(v, LONG_V "iiiibbbb") == 0, "a short run after a long one goes");
	run(m, LONG "PPPP", 1, v);
	CHECK(strcmp(v, LONG_V "iiii") == 0, "and so at the document's end");
	run(m, LONG "PPPPPPPPssss", 1, v);
	CHECK(strcmp(v, LONG_V "BBBBBBBBbbbb") == 0, "a run that reaches the share stays");
	run(m, LONG "PPPPssssPPPPPPPPPPPPssss", 1, v);
	CHECK(strcmp(v, LONG_V "BBBBbbbbBBBBBBBBBBBBbbbb") == 0,
	    "a short run with a long one soon after it is inside the article");
	run(m, LONG "PPPPsssssssssssPPPPPPPPPPPPssss", 1, v);
	CHECK(strcmp(v, LONG_V "iiiibbbbbbbbbbbBBBBBBBBBBBBbbbb") == 0,
	    "one further on does not save it");
	run(m, "PPPPssssssPPPPssss", 1, v);
	CHECK(strcmp(v, "BBBBbbbbbbBBBBbbbb") == 0, "a short first run measures nothing");
	run(m, LONG "PPPkPPssss", 1, v);
	CHECK(strcmp(v, LONG_V "iiiKiibbbb") == 0, "a keep rule's line in an island stays");
	off = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\n"
	    "weight bias -2\nweight prose 4\n", &e);
	CHECK(off != NULL && off->island == 0, "without the setting, no island gate");
	run(off, LONG "PPPPssss", 1, v);
	CHECK(strcmp(v, LONG_V "BBBBbbbb") == 0, "and the short run stays");
	model_free(off);
	model_free(m);
	/* A model that keeps list items too: a long list measures nothing. */
	m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\nisland 0.5\n"
	    "weight bias -2\nweight prose 4\nweight content 4\n", &e);
	run(m, "LLLLLLLLLLLLLLLLLLLLLLLLLssssssPPPPssss", 1, v);
	CHECK(strcmp(v, "BBBBBBBBBBBBBBBBBBBBBBBBBbbbbbbBBBBbbbb") == 0,
	    "a short article after a long list is no island");
	run(m, LONG "LLLLLLLLLLLLLLLLLLLLLLLLLssss", 1, v);
	CHECK(strcmp(v, LONG_V "BBBBBBBBBBBBBBBBBBBBBBBBBbbbb") == 0,
	    "a list after the article weighs what it holds");
	model_free(m);
	m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\nisland 2\n", &e);
	CHECK(m == NULL && strstr(diags, "m:5:8: '2' is out of range") != NULL,
	    "a share over 1 is an error");

	/* A held run waits for its end; a full window lets it out whole. */
	m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\nisland 0.9\n"
	    "weight bias -2\nweight prose 4\n", &e);
	l = layout_new(m, 1, 64);
	layout_begin(l);
	for (i = 0; i < 18 + 17; i++) {
		/* after the long run, 17 shorter sentences: 986 characters */
		const char *t = i < 12 ?
		    "Der Minister sagte am Dienstag in Berlin, dass die Regierung das Gesetz nicht mehr ändern will." :
		    i < 18 ? "Startseite" : "Er sagte, dass die Regierung das Gesetz nicht ändern will.";
		layout_push(l, LK_CAND, 0, t, strlen(t));
	}
	k = layout_decide(l, 0, 0);
	CHECK(k == 18, "lines of a run that may be an island wait");
	k = layout_decide(l, 0, 1);
	CHECK(k == 35 && layout_verdict_of(l, 18, &p) == LV_BODY, "a full window keeps them");
	layout_free(l);
	model_free(m);
}

/* The features of each candidate, by window index, as judge() sees them. */
static double seen_x[16][128];

static void
keep_x(void *ctx, size_t i, const double *x, size_t nx)
{
	(void)ctx;
	if (i < 16 && nx <= 128)
		memcpy(seen_x[i], x, nx * sizeof(*x));
}

static double
feat(size_t i, const char *name)
{
	return seen_x[i][layout_feature(name)];
}

/* Whether feature name of candidate i is v: the layer takes logarithms
 * from a table, which may differ from a constant the compiler folded in
 * the last bit. */
static int
is(size_t i, const char *name, double v)
{
	return fabs(feat(i, name) - v) < 1e-12;
}

/* What the look-ahead reads of the lines after a candidate: dropped lines
 * between the candidates and after the last one, blank lines that count
 * for nothing, the next prose line, a repeat further on. */
static void
test_ahead(void)
{
	static const struct { unsigned kind; const char *t; } doc[] = {
		{ LK_CAND, "Startseite" },	/* 0: nb 0 */
		{ LK_BLANK, "" },
		{ LK_DROP, "Anzeige" },		/* nb 1 */
		{ LK_CAND, "Der Minister sagte am Dienstag in Berlin, dass die Regierung das Gesetz nicht mehr ändern will." },	/* 3: nb 2 */
		{ LK_CAND, "Startseite" },	/* 4: nb 3 */
		{ LK_DROP, "Anzeige" },		/* nb 4 */
		{ LK_BLANK, "" },
		{ LK_CAND, "Die Opposition nannte das am Abend einen Fehler, der das Land noch lange beschäftigen werde." },	/* 7: nb 5 */
		{ LK_DROP, "Mehr zum Thema" },	/* nb 6 */
	};
	int e;
	model *m = load("unboil-model 1\nlag 4\nchange 3\ncut-keep 0.9\n", &e);
	layout *l = layout_new(m, 0, 64);
	size_t i;

	memset(seen_x, 0, sizeof(seen_x));
	layout_set_dump(l, keep_x, NULL);
	layout_begin(l);
	for (i = 0; i < sizeof(doc) / sizeof(doc[0]); i++)
		layout_push(l, doc[i].kind, 0, doc[i].t, strlen(doc[i].t));
	layout_decide(l, 1, 0);
	CHECK(is(0, "next_drop", 1) && is(0, "drop_next_dist", log1p(1)) &&
	    is(0, "no_drop_next", 0), "a dropped line after a blank is the next line");
	CHECK(is(0, "prose_next_dist", log1p(2)) && is(0, "dup_after", 1) &&
	    is(0, "prose_ahead", 2.0 / LAYOUT_AHEAD) && is(0, "end_near", 1),
	    "the next prose line, a repeat, the prose ahead");
	CHECK(is(0, "short_run", log1p(1)) && is(0, "n1_prose", 1) && is(0, "n2_prose", 0),
	    "the run of short lines, the next two candidates");
	CHECK(is(3, "next_drop", 0) && is(3, "drop_next_dist", log1p(2)) &&
	    is(3, "prose_next_dist", log1p(3)), "a dropped line between later candidates");
	CHECK(is(4, "next_drop", 1) && is(4, "drop_next_dist", log1p(1)) &&
	    is(4, "prose_next_dist", log1p(2)) && is(4, "dup_after", 0),
	    "a dropped line, then a blank one, then prose");
	CHECK(is(7, "next_drop", 1) && is(7, "drop_next_dist", log1p(1)) &&
	    is(7, "no_prose_next", 1) && is(7, "n1_len", 0),
	    "a dropped line after the last candidate");
	layout_free(l);
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
	test_islands();
	test_ahead();
	test_window();
	CHECK(layout_feature("bias") == 0 && layout_feature_name(0) != NULL &&
	    layout_feature("nosuch") == -1, "features by name");
	return unit_done();
}
