/*
 * fuzz_rules.c - libFuzzer target for rule files.
 *
 * The input is split at its first NUL byte: before it a rule file, after it
 * text whose lines are judged by the rules that loaded.  Oracles: no crash
 * or sanitizer report, an edited line that stays well-formed UTF-8 and
 * holds no NUL byte unless the line did (the cleaner removes them before
 * the rules), and the same verdicts with the literal prefilter as without
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "text/norm.h"
#include "rules/rules.h"
#include "text/utf8.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *p = (const char *)data, *z = memchr(p, 0, size);
	size_t nrules = z ? (size_t)(z - p) : size;
	const char *text = z ? z + 1 : "", *end = p + size, *nl;
	rules *rs = rules_new();
	rules_matcher *m;
	rules_result res;
	unsigned body = 0;

	rules *plain = rules_new();
	rules_matcher *pm;
	rules_result pres;

	rules_load_text(rs, p, nrules, "fuzz", NULL, NULL);
	rules_load_text(plain, p, nrules, "fuzz", NULL, NULL);
	rules_set_prefilter(plain, 0);
	rules_check_examples(rs, NULL, NULL, NULL, NULL);
	if ((m = rules_matcher_new(rs)) == NULL || (pm = rules_matcher_new(plain)) == NULL)
		abort();
	while (z != NULL && text < end) {
		nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
		if (utf8_valid_prefix(text, n) == n) {
			if (rules_apply(m, text, n, body % 5, &res) != 0 ||
			    rules_apply(pm, text, n, body++ % 5, &pres) != 0)
				abort();
			/* The prefilter must never change a verdict or an edit
			 * (match limits aside, which it can only avoid). */
			if (res.limit == NULL && pres.limit == NULL &&
			    (res.verdict != pres.verdict || res.len != pres.len ||
			    (res.len > 0 && memcmp(res.text, pres.text, res.len) != 0)))
				abort();
			if (res.verdict == RV_KEEP || res.verdict == RV_EDIT)
				if (utf8_valid_prefix(res.text, res.len) != res.len ||
				    (memchr(res.text, '\0', res.len) != NULL &&
				    memchr(text, '\0', n) == NULL))
					abort();
		}
		text += n + 1;
	}
	rules_matcher_free(m);
	rules_matcher_free(pm);
	rules_free(rs);
	rules_free(plain);
	return 0;
}
