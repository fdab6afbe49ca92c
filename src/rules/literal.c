/*
 * literal.c - required literals of a PCRE2 pattern; see literal.h.  The
 * parser walks the pattern once per group level.  Every failure to
 * understand a construct ends in "no literals", which only costs speed.
 */
#define _GNU_SOURCE	/* memmem: not in POSIX.1-2008, which the Makefile asks for */
#include "rules/literal.h"

#include <ctype.h>
#include <stddef.h>

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "text/utf8.h"

#define MIN_LITERAL 2	/* shorter: only an uncommon byte pays */
#define CLASS_MAX 8	/* a class of more characters is no clue */
#define CROSS_MAX 16	/* alternatives a run may grow to ("ab[cd]" has 2) */

typedef struct parser {
	const char *p, *end;
	int caseless;
	int fail;	/* met something not understood */
	int lead;	/* maps are of first bytes, not last ones */
} parser;

static void
set_free(literal_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->len);
	s->v = NULL;
	s->len = NULL;
	s->n = 0;
}

void
literal_free(literal_set *s)
{
	if (s != NULL)
		set_free(s);
}

/* Adds t[0..n) to s unless it is there already.  The arrays only ever
 * grow here, to the next power of two when they are full (n is one), so
 * their size need not be kept. */
static int
set_add(literal_set *s, const char *t, size_t n)
{
	char **v;
	size_t *l, i;

	for (i = 0; i < s->n; i++)
		if (s->len[i] == n && memcmp(s->v[i], t, n) == 0)
			return 0;
	if ((s->n & (s->n - 1)) == 0) {
		size_t cap = s->n ? 2 * s->n : 1;
		if ((v = realloc(s->v, cap * sizeof(*v))) == NULL)
			return -1;
		s->v = v;
		if ((l = realloc(s->len, cap * sizeof(*l))) == NULL)
			return -1;
		s->len = l;
	}
	v = s->v;
	s->len[s->n] = n;
	if ((v[s->n] = malloc(n + 1)) == NULL)
		return -1;
	memcpy(v[s->n], t, n);
	v[s->n][n] = '\0';
	s->n++;
	return 0;
}

/* Adds every string of from to into (unless skip), then frees from. */
static int
set_merge(literal_set *into, literal_set *from, int skip)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < from->n && !skip; i++)
		rc = set_add(into, from->v[i], from->len[i]);
	set_free(from);
	return rc;
}

int
literal_common_byte(unsigned c)
{
	return c == ' ' || c == '.' || c == ',' || (c >= '0' && c <= '9') ||
	    ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Is every literal of s long or uncommon enough to be worth a scan? */
static int
set_selective(const literal_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->len[i] < MIN_LITERAL && (s->len[i] == 0 ||
		    literal_common_byte((unsigned char)s->v[i][0])))
			return 0;
	return 1;
}

/*
 * How rare a set's literals are, as the weakest of them: letters, digits,
 * spaces and the commonest punctuation count one each, other bytes three,
 * so "(" is a better clue than "l." and "cc-by" better than either.
 */
static size_t
set_score(const literal_set *s)
{
	size_t i, j, m = (size_t)-1, w;

	for (i = 0; i < s->n; i++) {
		for (w = 0, j = 0; j < s->len[i]; j++)
			w += literal_common_byte((unsigned char)s->v[i][j]) ? 1 : 3;
		if (w < m)
			m = w;
	}
	return s->n ? m : 0;
}

/* Keeps the better of best and cand (the rarer weakest literal). */
static void
keep_better(literal_set *best, literal_set *cand)
{
	if (cand->n > 0 && set_selective(cand) &&
	    (best->n == 0 || set_score(cand) > set_score(best))) {
		set_free(best);
		*best = *cand;
		cand->v = NULL;
		cand->len = NULL;
		cand->n = 0;
	}
	set_free(cand);
}

/* Skips a quantifier at ps->p, setting *lo and *hi to the repeats it
 * allows (LITERAL_UNBOUNDED: no limit; 1 and 1 where there is none);
 * returns 0 if there is none, 1 if it allows zero repeats, 2 if it
 * repeats at least once. */
static int
quantifier_range(parser *ps, size_t *lo, size_t *hi)
{
	const char *p = ps->p;

	*lo = *hi = 1;
	if (p < ps->end && (*p == '?' || *p == '*')) {
		*lo = 0;
		*hi = *p == '?' ? 1 : LITERAL_UNBOUNDED;
		p++;
	} else if (p < ps->end && *p == '+') {
		*hi = LITERAL_UNBOUNDED;
		p++;
	} else if (p < ps->end && *p == '{' && p + 1 < ps->end &&
	    ((p[1] >= '0' && p[1] <= '9') || p[1] == ',')) {
		/* {n}, {n,} or {n,m}; anything else that starts like one is
		 * literal text to some PCRE2 versions and not to others. */
		const char *q = p + 1;
		int digits = 0, more = 0;
		*lo = 0;
		while (q < ps->end && *q >= '0' && *q <= '9' && digits < 6)
			*lo = *lo * 10 + (size_t)(*q++ - '0'), digits++;
		*hi = *lo;
		if (q < ps->end && *q == ',') {
			*hi = LITERAL_UNBOUNDED;
			for (q++; q < ps->end && *q >= '0' && *q <= '9' && more < 6; q++)
				*hi = (more++ ? *hi * 10 : 0) + (size_t)(*q - '0');
		}
		if (!digits || digits > 5 || more > 5 || q >= ps->end || *q != '}') {
			ps->fail = 1;
			return 0;
		}
		p = q + 1;
	} else
		return 0;
	if (p < ps->end && (*p == '?' || *p == '+'))
		p++;	/* lazy or possessive */
	ps->p = p;
	return *lo == 0 ? 1 : 2;
}

/* The same, for what it says only. */
static int
quantifier(parser *ps)
{
	size_t lo, hi;

	return quantifier_range(ps, &lo, &hi);
}

/* Skips a character class starting at '['. */
static void
skip_class(parser *ps)
{
	const char *p = ps->p + 1;

	if (p < ps->end && *p == '^')
		p++;
	if (p < ps->end && *p == ']')
		p++;
	while (p < ps->end && *p != ']') {
		if (*p == '\\' && p + 1 < ps->end)
			p++;
		else if (*p == '[' && p + 1 < ps->end && p[1] == ':') {
			/* [:alpha:] - the pattern is not NUL-terminated here */
			const char *q = memmem(p + 2, (size_t)(ps->end - p - 2), ":]", 2);
			if (q != NULL)
				p = q + 1;
		}
		p++;
	}
	if (p >= ps->end)
		ps->fail = 1;
	ps->p = p < ps->end ? p + 1 : p;
}

static long escape(parser *ps);

/* Reads the unescaped character at ps->p; returns it, or -1 (and sets
 * ps->fail) if it is not well-formed UTF-8. */
static long
plain_char(parser *ps)
{
	unsigned char c = (unsigned char)*ps->p;
	size_t len = 1;
	uint32_t u = c;

	if (c >= 0x80) {
		if ((len = utf8_seq_len((const unsigned char *)ps->p,
		    (size_t)(ps->end - ps->p))) == 0) {
			ps->fail = 1;
			return -1;
		}
		utf8_decode((const unsigned char *)ps->p, &u);
	}
	ps->p += len;
	return (long)u;
}

/* Latin letters that PCRE2's caseless matching pairs with their other case
 * only: Latin-1 and Latin Extended-A, but for those with a third partner
 * (Å, ß, ſ), dotted and dotless i, and the signs among them. */
static int
plain_case(long cp)
{
	return cp >= 0xC0 && cp <= 0x17F && cp != 0xC5 && cp != 0xE5 && cp != 0xDF &&
	    cp != 0xD7 && cp != 0xF7 && cp != 0x130 && cp != 0x131 && cp != 0x17F;
}

/* Adds the character cp to x as the prefilter compares it: caseless, an
 * ASCII letter in lower case and another letter in both cases.  Returns
 * 0, 1 (x unchanged) for a caseless character whose partners are not
 * known that simply, or -1 if out of memory. */
static int
add_char(literal_set *x, long cp, int caseless)
{
	char enc[4];

	if (caseless && cp >= 'A' && cp <= 'Z')
		cp += 32;
	if (caseless && cp >= 0x80) {
		if (!plain_case(cp))
			return 1;
		return set_add(x, enc, utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp),
		    enc)) != 0 || set_add(x, enc, utf8_encode((uint32_t)utf8proc_toupper(
		    (utf8proc_int32_t)cp), enc)) != 0 ? -1 : 0;
	}
	return set_add(x, enc, utf8_encode((uint32_t)cp, enc)) != 0 ? -1 : 0;
}

/*
 * A class of a few single characters, "[|/•·]", is as good as their
 * alternation: adds each as a literal to out.  Returns 0, or 1 (ps->p
 * unmoved) if the class has ranges, escapes other than for literal
 * characters, negation, or too many members; -1 if out of memory.
 */
static int
class_literals(parser *ps, literal_set *out)
{
	const char *p = ps->p + 1, *save = ps->p;
	long cp;
	int k = 0;

	if (p >= ps->end || *p == '^' || *p == ']')
		return 1;
	ps->p = p;
	while (ps->p < ps->end && *ps->p != ']' && out->n <= CLASS_MAX) {
		unsigned char c = (unsigned char)*ps->p;
		/* A '-' is itself only first or last. */
		if (c == '[' || (c == '-' && ps->p != p && ps->p + 1 < ps->end &&
		    ps->p[1] != ']') || (ps->p + 1 < ps->end && ps->p[1] == '-' &&
		    ps->p + 2 < ps->end && ps->p[2] != ']'))
			cp = -1;	/* ranges, POSIX classes */
		else if (c == '\\')
			cp = escape(ps);
		else
			cp = plain_char(ps);
		if (cp < 0 || ps->fail || (k = add_char(out, cp, ps->caseless)) > 0) {
			ps->fail = 0;
			set_free(out);
			ps->p = save;
			return 1;
		}
		if (k < 0)
			return -1;
	}
	if (ps->p >= ps->end || *ps->p != ']' || out->n > CLASS_MAX) {
		set_free(out);
		ps->p = save;
		return 1;
	}
	ps->p++;
	return 0;
}

/*
 * Reads one escape after '\'.  Returns the literal character it stands
 * for, or -1 for a non-literal escape (\d, \b, \p{..}, back-references).
 */
static long
escape(parser *ps)
{
	const char *p = ps->p + 1;
	char c;

	if (p >= ps->end) {
		ps->fail = 1;
		return -1;
	}
	c = *p++;
	ps->p = p;
	if (c == 'x') {
		unsigned long v = 0;
		int k = 0, brace = p < ps->end && *p == '{';
		for (p += brace; p < ps->end && k < (brace ? 8 : 2); p++, k++) {
			char h = *p;
			int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ?
			    h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
			if (d < 0)
				break;
			v = v * 16 + (unsigned long)d;
		}
		if (brace && (p >= ps->end || *p++ != '}'))
			ps->fail = 1;
		ps->p = p;
		return k > 0 && v <= 0x10FFFF ? (long)v : -1;
	}
	if (c == 'p' || c == 'P') {
		if (p < ps->end && *p == '{')
			while (p < ps->end && *p++ != '}')
				;
		else if (p < ps->end)
			p++;
		ps->p = p;
		return -1;
	}
	if (c == 'Q' || c == 'E' || c == 'K' || c == 'g' || c == 'k' || c == 'c' ||
	    c == 'o' || (c >= '0' && c <= '9') || (c == 'N' && p < ps->end && *p == '{')) {
		/* quoting, back-references, octal, \N{U+hhhh}: give up */
		ps->fail = 1;
		return -1;
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 'f' ?
		    '\f' : c == 'e' ? 0x1B : c == 'a' ? 7 : -1;
	return (unsigned char)c;	/* escaped punctuation */
}

/*
 * The run: the text a branch must contain at the current point, as a set
 * of alternatives ("ab[cd]" is {abc, abd}), all of which grow together.
 * It starts as the one empty string.
 */
static int
run_reset(literal_set *run)
{
	set_free(run);
	return set_add(run, "", 0);
}

/* Ends the run as a candidate and starts an empty one. */
static int
end_run(literal_set *run, literal_set *best)
{
	keep_better(best, run);		/* takes the set if it is better */
	return run_reset(run);
}

/* Replaces run by every one of its strings followed by every one of x.
 * Frees x. */
static int
cross(literal_set *run, literal_set *x)
{
	literal_set out = { NULL, NULL, 0 };
	size_t i, j;
	int rc = 0;

	if (x->n == 1) {
		/* Text, one character at a time: grow the strings in place
		 * (they stay distinct). */
		for (i = 0; rc == 0 && i < run->n; i++) {
			char *v = realloc(run->v[i], run->len[i] + x->len[0] + 1);
			if (v == NULL) {
				rc = -1;
				break;
			}
			memcpy(v + run->len[i], x->v[0], x->len[0] + 1);
			run->len[i] += x->len[0];
			run->v[i] = v;
		}
		set_free(x);
		return rc;
	}

	for (i = 0; rc == 0 && i < run->n; i++)
		for (j = 0; rc == 0 && j < x->n; j++) {
			char *t = malloc(run->len[i] + x->len[j] + 1);
			if (t == NULL) {
				rc = -1;
				break;
			}
			memcpy(t, run->v[i], run->len[i]);
			memcpy(t + run->len[i], x->v[j], x->len[j]);
			rc = set_add(&out, t, run->len[i] + x->len[j]);
			free(t);
		}
	set_free(x);
	set_free(run);
	*run = out;
	return rc;
}

/* Continues the run with one of the strings of x (an exact set): every
 * alternative of the run followed by every one of x, while there are at
 * most CROSS_MAX; otherwise the run ends and x starts the next.  Frees x. */
static int
run_cross(literal_set *run, literal_set *x, literal_set *best)
{
	int rc;

	if (run->n * x->n <= CROSS_MAX)
		return cross(run, x);
	rc = end_run(run, best);
	set_free(run);
	*run = *x;
	x->v = NULL;
	x->len = NULL;
	x->n = 0;
	return rc;
}

static int parse_alt(parser *ps, literal_set *out, literal_set *exact);

/* After a group or class whose literals are sub (and, if it is a plain
 * alternation of strings, exact), and its quantifier q: sub is a candidate
 * if the group must be there, and the run goes on through exact. */
static int
after_group(literal_set *run, literal_set *best, literal_set *sub, literal_set *exact,
    int q, int *plain)
{
	int rc = 0;

	if (q == 1) {		/* may be absent */
		set_free(sub);
		set_free(exact);
		*plain = 0;
		return end_run(run, best);
	}
	keep_better(best, sub);
	set_free(sub);
	if (exact->n == 0) {
		*plain = 0;
		return end_run(run, best);
	}
	rc = run_cross(run, exact, best);
	if (rc == 0 && q == 2) {	/* repeated: the run cannot go on */
		*plain = 0;
		rc = end_run(run, best);
	}
	return rc;
}

enum { G_PLAIN, G_AROUND, G_BEHIND, G_NOT };

/*
 * Moves past the opening of the group at ps->p: "(", "(?:", "(?>", "(?|",
 * a name, or a look-around.  Returns G_PLAIN, G_AROUND for a positive
 * look-ahead, G_BEHIND for a positive look-behind (what they hold must be
 * there) or G_NOT for a negative one;
 * -1 (and ps->fail) for backtracking verbs, comments and inline options
 * other than case.
 *
 * The case options "(?i:", "(?-i:" are plain groups, and "(?i)", "(?-i)"
 * empty ones (the option holds to the end of the group it is in).  Caseless
 * matching only lets more text match, so once "i" turns it on the rest of
 * the pattern is read caselessly, beyond the option's reach, and "-i" is
 * not looked at: what is found then holds for a superset of the matches.
 */
static int
group_open(parser *ps)
{
	const char *q = ps->p + 1, *e = ps->end;
	int kind = G_PLAIN;

	if (q < e && *q == '*') {
		ps->fail = 1;
		return -1;
	}
	if (q < e && *q == '?') {
		q++;
		if (q < e && *q == '<' && q + 1 < e && (q[1] == '=' || q[1] == '!'))
			kind = q[1] == '=' ? G_BEHIND : G_NOT, q += 2;
		else if (q < e && (*q == '=' || *q == '!'))
			kind = *q == '=' ? G_AROUND : G_NOT, q++;
		else if (q < e && (*q == ':' || *q == '>' || *q == '|'))
			q++;
		else if (q + 1 < e && (*q == 'i' || (*q == '-' && q[1] == 'i'))) {
			ps->caseless |= *q == 'i';
			q += *q == 'i' ? 1 : 2;
			if (q >= e || (*q != ':' && *q != ')')) {
				ps->fail = 1;
				return -1;
			}
			q += *q == ':';
		}
		else if (q < e && (*q == '<' || *q == '\'' || (*q == 'P' && q + 1 < e &&
		    q[1] == '<'))) {
			/* A named group: (?<name>, (?'name', (?P<name>; but
			 * (?P=name) and (?P>name) refer to another group. */
			char close = *q == '\'' ? '\'' : '>';
			for (q += *q == 'P' ? 2 : 1; q < e && *q != close && *q != ')'; q++)
				;
			if (q >= e || *q++ != close) {
				ps->fail = 1;
				return -1;
			}
		} else {
			ps->fail = 1;
			return -1;
		}
	}
	ps->p = q;
	return kind;
}

/*
 * Parses one branch up to '|' or ')' at its level into *best; if exact is
 * not NULL and the branch is nothing but literal text, small classes,
 * such groups and zero-width assertions, also sets *exact to the strings
 * it can match.
 */
static int
parse_seq(parser *ps, literal_set *best, literal_set *exact)
{
	literal_set run = { NULL, NULL, 0 };
	long cp;
	int rc = run_reset(&run), plain = 1;

	while (rc == 0 && ps->p < ps->end && *ps->p != '|' && *ps->p != ')' && !ps->fail) {
		unsigned char c = (unsigned char)*ps->p;

		if (c == '(') {
			literal_set sub = { NULL, NULL, 0 }, ex = { NULL, NULL, 0 };
			int kind = group_open(ps), look = kind != G_PLAIN, req = kind != G_NOT;
			if (kind < 0)
				break;
			if (parse_alt(ps, &sub, look ? NULL : &ex) != 0) {
				rc = -1;
				break;
			}
			if (ps->p >= ps->end || *ps->p != ')') {
				ps->fail = 1;
				set_free(&sub);
				set_free(&ex);
				break;
			}
			ps->p++;
			int qn = quantifier(ps);
			if (look) {
				/* A look-around takes no room: the run ends here. */
				if (req && qn != 1)
					keep_better(best, &sub);
				set_free(&sub);
				plain = 0;
				rc = end_run(&run, best);
			} else
				rc = after_group(&run, best, &sub, &ex, qn, &plain);
			continue;
		}
		if (c == '[') {
			literal_set cls = { NULL, NULL, 0 }, ex = { NULL, NULL, 0 };
			int k = class_literals(ps, &cls);
			if (k < 0) {
				rc = -1;
				break;
			}
			if (k == 0) {
				/* Its characters are both the candidate and the text. */
				size_t i;
				for (i = 0; rc == 0 && i < cls.n; i++)
					rc = set_add(&ex, cls.v[i], cls.len[i]);
				if (rc == 0)
					rc = after_group(&run, best, &cls, &ex, quantifier(ps), &plain);
				continue;
			}
			skip_class(ps);
			cp = -1;
		} else if (c == '\\' && ps->p + 1 < ps->end && strchr("bBAzZG", ps->p[1])) {
			ps->p += 2;	/* zero-width: the run goes on */
			continue;
		} else if (c == '^' || c == '$') {
			ps->p++;
			continue;
		} else if (c == '\\') {
			cp = escape(ps);
		} else if (c == '.') {
			ps->p++;
			cp = -1;
		} else if ((cp = plain_char(ps)) < 0 && ps->fail)
			break;
		literal_set x = { NULL, NULL, 0 }, ex = { NULL, NULL, 0 };
		int k = cp < 0 ? 1 : add_char(&x, cp, ps->caseless);
		if (k < 0) {
			rc = -1;
			break;
		}
		if (k > 0) {
			plain = 0;
			rc = end_run(&run, best);
			quantifier(ps);
			continue;
		}
		/* The text goes on through the character (in both cases, if
		 * caseless), which is no candidate of its own. */
		rc = after_group(&run, best, &ex, &x, quantifier(ps), &plain);
	}
	if (rc == 0 && exact != NULL && plain && !ps->fail) {
		size_t i;
		for (i = 0; rc == 0 && i < run.n; i++)
			rc = set_add(exact, run.v[i], run.len[i]);
	}
	if (rc == 0)
		keep_better(best, &run);
	set_free(&run);
	return rc;
}

/* Parses alternatives up to ')' or the end.  The result is the union of
 * the branches' sets, or empty if some branch has none; *exact likewise,
 * when every branch is plain text and there are at most CROSS_MAX. */
static int
parse_alt(parser *ps, literal_set *out, literal_set *exact)
{
	literal_set all = { NULL, NULL, 0 }, ex = { NULL, NULL, 0 };
	int none = 0, inexact = exact == NULL;

	for (;;) {
		literal_set br = { NULL, NULL, 0 }, bx = { NULL, NULL, 0 };
		int rc = parse_seq(ps, &br, inexact ? NULL : &bx);
		none |= br.n == 0;
		inexact |= bx.n == 0;
		int ra = set_merge(&all, &br, none || rc != 0);
		int rx = set_merge(&ex, &bx, inexact || rc != 0);
		if (rc != 0 || ra != 0 || rx != 0) {
			set_free(&all);
			set_free(&ex);
			return -1;
		}
		if (ps->fail || ps->p >= ps->end || *ps->p != '|')
			break;
		ps->p++;
	}
	if (none || ps->fail)
		set_free(&all);
	if (inexact || ps->fail || ex.n > CROSS_MAX)
		set_free(&ex);
	*out = all;
	if (exact != NULL)
		*exact = ex;
	else
		set_free(&ex);
	return 0;
}

int
literal_extract(const char *pat, size_t n, int caseless, literal_set *out)
{
	parser ps = { pat, pat + n, caseless, 0, 0 };
	literal_set s = { NULL, NULL, 0 };

	*out = (literal_set){ NULL, NULL, 0 };
	if (parse_alt(&ps, &s, NULL) != 0)
		return -1;
	if (ps.fail || ps.p != ps.end) {
		set_free(&s);
		return 0;	/* not understood: no prefilter */
	}
	*out = s;
	return 0;
}

/* Does pat[0..n) hold an anchor or assertion (or a "^" or "$" anywhere,
 * escapes aside)?  The exact set of parse_alt() reads through them. */
static int
asserts(const char *pat, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pat[i] == '\\') {
			if (i + 1 < n && strchr("bBAzZG", pat[i + 1]) != NULL)
				return 1;
			i++;
		} else if (pat[i] == '^' || pat[i] == '$')
			return 1;
	return 0;
}

int
literal_exact(const char *pat, size_t n, literal_set *out)
{
	parser ps = { pat, pat + n, 0, 0, 0 };
	literal_set s = { NULL, NULL, 0 }, ex = { NULL, NULL, 0 };
	size_t i;

	*out = (literal_set){ NULL, NULL, 0 };
	if (asserts(pat, n))
		return 0;
	if (parse_alt(&ps, &s, &ex) != 0)
		return -1;
	set_free(&s);
	/* Exact strings are compared as written: a caseless part has none. */
	if (ps.fail || ps.p != ps.end || ps.caseless) {
		set_free(&ex);
		return 0;
	}
	for (i = 0; i < ex.n; i++)
		if (ex.len[i] == 0) {
			set_free(&ex);
			return 0;
		}
	*out = ex;
	return 0;
}

/* ---- the last byte of end-anchored patterns ---- */

static void
map_byte(uint8_t map[32], unsigned c)
{
	map[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* Adds the ASCII character c; caseless, also its other case and, for k
 * and s, the first or last byte of KELVIN SIGN (E2 84 AA) and LONG S
 * (C5 BF), which match them. */
static void
map_set(uint8_t map[32], unsigned c, int caseless, int lead)
{
	map_byte(map, c);
	if (caseless && ((c | 32) >= 'a' && (c | 32) <= 'z')) {
		map_byte(map, c ^ 32);
		if ((c | 32) == 'k')
			map_byte(map, lead ? 0xE2 : 0xAA);
		if ((c | 32) == 's')
			map_byte(map, lead ? 0xC5 : 0xBF);
	}
}

static void
map_high(uint8_t map[32])
{
	memset(map + 16, 0xFF, 16);	/* bytes 0x80..0xFF */
}

/*
 * Adds what a general-category escape at ps->p matches: \pL, \p{Lu},
 * \P{N}, \p{^P}: its ASCII characters, told by utf8proc, and every byte
 * beyond ASCII.  0, or -1 for other properties (scripts, \p{Xan}, ...).
 */
static int
map_property(parser *ps, uint8_t map[32])
{
	const char *p = ps->p + 2, *name;
	size_t len;
	int neg = ps->p[1] == 'P';
	unsigned i;

	if (p >= ps->end) {
		ps->fail = 1;
		return -1;
	}
	if (*p == '{') {
		for (name = ++p; p < ps->end && *p != '}'; p++)
			;
		if (p >= ps->end) {
			ps->fail = 1;
			return -1;
		}
		len = (size_t)(p++ - name);
		if (len > 0 && *name == '^')
			neg = !neg, name++, len--;
	} else
		name = p++, len = 1;
	ps->p = p;	/* past the escape, understood or not */
	if (len < 1 || len > 2 || *name < 'A' || *name > 'Z')
		return -1;
	if (len == 2 && !(name[1] >= 'a' && name[1] <= 'z') && name[1] != '&')
		return -1;
	for (i = 0; i < 128; i++) {
		const char *cat = utf8proc_category_string((utf8proc_int32_t)i);
		int in = cat[0] == name[0] && (len == 1 || cat[1] == name[1] ||
		    (name[1] == '&' && (cat[1] == 'u' || cat[1] == 'l' || cat[1] == 't')));
		if (in != neg)
			map_set(map, i, ps->caseless, ps->lead);
	}
	map_high(map);
	return 0;
}

/* Is ASCII character c in what escape letter e (d, s, w, h, v, N: lower
 * case but for N) stands for, as PCRE2 reads it with UCP? */
static int
escape_has(char e, unsigned c)
{
	switch (e) {
	case 'd':
		return c >= '0' && c <= '9';
	case 's':
		return c == ' ' || (c >= '\t' && c <= '\r');
	case 'w':
		return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_';
	case 'h':
		return c == ' ' || c == '\t';
	case 'v':
		return c >= '\n' && c <= '\r';
	default:	/* N: any character but a newline */
		return c != '\n';
	}
}

/* Adds what a class escape (\d, \S, \w, ...; \N outside a class) or a
 * literal escape at ps->p stands for; 0, or -1 if the escape is not
 * understood here. */
static int
map_escape(parser *ps, uint8_t map[32])
{
	char c = ps->p + 1 < ps->end ? ps->p[1] : 0;
	long cp;
	unsigned i;

	if (c != 0 && strchr("dDsSwWhHvVN", c) != NULL &&
	    !(c == 'N' && ps->p + 2 < ps->end && ps->p[2] == '{')) {
		char e = c == 'N' ? c : (char)(c | 32);
		ps->p += 2;
		for (i = 0; i < 128; i++)
			if (escape_has(e, i) != (c != e))
				map_byte(map, i);
		/* Unicode digits, spaces and letters too: rules are
		 * compiled with UCP. */
		map_high(map);
		return 0;
	}
	if (c == 'p' || c == 'P')
		return map_property(ps, map);
	cp = escape(ps);
	if (cp < 0 || cp >= 0x80)
		return -1;
	map_set(map, (unsigned)cp, ps->caseless, ps->lead);
	return 0;
}

/*
 * The members of the class at ps->p ("[ \t]", "[a-z0-9]", "[^|/\xC2\xB7]"):
 * ASCII characters, ranges and class escapes, and of a character beyond
 * ASCII its first byte (ps->lead) or last.  Sets *neg for a negated class,
 * whose members are then what it does not match.  0, or -1 if not
 * understood (POSIX classes, ranges beyond ASCII, and with caseless, any
 * character beyond ASCII: its other case may be encoded otherwise).
 */
static int
class_members(parser *ps, uint8_t map[32], int *neg)
{
	const char *p = ps->p + 1;
	long lo, hi;
	int first = 1;

	*neg = p < ps->end && *p == '^';
	ps->p = p + *neg;
	while (ps->p < ps->end && (*ps->p != ']' || first)) {
		first = 0;
		if (*ps->p == '[')
			return -1;
		if ((unsigned char)*ps->p >= 0x80) {
			const char *at = ps->p;
			if (ps->caseless || plain_char(ps) < 0)
				return -1;
			map_byte(map, (unsigned char)(ps->lead ? at[0] : ps->p[-1]));
			if (ps->p < ps->end && *ps->p == '-' && ps->p + 1 < ps->end &&
			    ps->p[1] != ']')
				return -1;
			continue;
		}
		if (*ps->p == '\\') {
			char e = ps->p + 1 < ps->end ? ps->p[1] : 0;
			if (e != 0 && e != 'N' && strchr("dDsSwWhHvVpP", e) != NULL) {
				if (map_escape(ps, map) != 0)
					return -1;
				continue;
			}
			if ((lo = escape(ps)) < 0 || lo >= 0x80)
				return -1;
		} else
			lo = (unsigned char)*ps->p++;
		hi = lo;
		if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
			ps->p++;
			if (*ps->p == '\\') {
				if ((hi = escape(ps)) < 0)
					return -1;
			} else
				hi = (unsigned char)*ps->p++;
			if (hi >= 0x80 || hi < lo)
				return -1;
		}
		for (; lo <= hi; lo++)
			map_set(map, (unsigned)lo, ps->caseless, ps->lead);
	}
	if (ps->p >= ps->end)
		return -1;
	ps->p++;
	return 0;
}

/* The bytes a class that is not negated matches; 0, or -1 if not
 * understood. */
static int
map_class(parser *ps, uint8_t map[32])
{
	int neg;

	return class_members(ps, map, &neg) != 0 || neg ? -1 : 0;
}

/* Skips a group at ps->p, with the groups and classes inside it. */
static void
skip_group(parser *ps)
{
	int depth = 0;

	/* Inline options would change how the last character matches. */
	if (ps->p + 2 < ps->end && (ps->p[1] == '*' || (ps->p[1] == '?' &&
	    (ps->p[2] == '-' || ps->p[2] == '^' || ((ps->p[2] | 32) >= 'a' &&
	    (ps->p[2] | 32) <= 'z'))))) {
		ps->fail = 1;
		return;
	}
	do {
		if (*ps->p == '\\')
			ps->p++;
		else if (*ps->p == '[') {
			skip_class(ps);
			continue;
		} else if (*ps->p == '(')
			depth++;
		else if (*ps->p == ')')
			depth--;
		ps->p++;
	} while (ps->p < ps->end && depth > 0 && !ps->fail);
	if (depth > 0)
		ps->fail = 1;
}

int
literal_last(const char *pat, size_t n, int caseless, uint8_t map[32])
{
	parser ps = { pat, pat + n, caseless, 0, 0 };
	uint8_t cur[32];
	int known = 0, q;

	while (ps.p < ps.end && !ps.fail) {
		unsigned char c = (unsigned char)*ps.p;
		if (c == '$' && ps.p + 1 == ps.end)
			break;
		memset(cur, 0, sizeof(cur));
		known = 0;
		if (c == '|' || c == ')' || c == '$')
			return 0;
		if (c == '(')
			skip_group(&ps);
		else if (c == '[') {
			const char *at = ps.p;
			if (!(known = map_class(&ps, cur) == 0)) {
				ps.p = at;
				skip_class(&ps);
			}
		}
		else if (c == '\\')
			known = map_escape(&ps, cur) == 0;
		else if (c == '.' || c == '^')
			ps.p++;
		else if (c >= 0x80) {
			size_t len = utf8_seq_len((const unsigned char *)ps.p,
			    (size_t)(ps.end - ps.p));
			if (len == 0)
				return 0;
			ps.p += len;
			/* The last byte of its encoding; caseless, it may fold. */
			map_byte(cur, (unsigned char)ps.p[-1]);
			known = !caseless;
		} else {
			map_set(cur, c, caseless, 0);
			ps.p++;
			known = 1;
		}
		q = quantifier(&ps);
		if (q == 1)
			known = 0;
		if (known)
			memcpy(map, cur, sizeof(cur));
	}
	return !ps.fail && ps.p + 1 == ps.end && *ps.p == '$' && known;
}

/* ---- the first byte of start-anchored patterns ---- */

static int first_alt(parser *ps, uint8_t map[32]);

/* Adds to map the bytes a match of the branch at ps->p can start with;
 * returns 1 if the branch can match the empty string. */
static int
first_seq(parser *ps, uint8_t map[32])
{
	int nullable = 1, i;

	while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')' && !ps->fail) {
		unsigned char c = (unsigned char)*ps->p;
		uint8_t cur[32] = { 0 };
		int empty = 0;

		if (c == '(') {
			uint8_t inner[32] = { 0 };
			int kind = group_open(ps);
			if (kind < 0)
				break;
			empty = first_alt(ps, kind == G_PLAIN ? cur : inner);
			if (ps->p >= ps->end || *ps->p != ')') {
				ps->fail = 1;
				break;
			}
			ps->p++;
			if (kind != G_PLAIN)
				empty = 1;	/* a look-around takes no room */
		} else if (c == '[') {
			const char *at = ps->p;
			if (map_class(ps, cur) != 0) {
				ps->p = at;
				skip_class(ps);
				memset(cur, 0xFF, sizeof(cur));
			}
		} else if (c == '\\') {
			char e = ps->p + 1 < ps->end ? ps->p[1] : 0;
			if (e && strchr("bBAzZG", e) != NULL) {
				ps->p += 2;
				empty = 1;
			} else if (map_escape(ps, cur) != 0)
				memset(cur, 0xFF, sizeof(cur));
		} else if (c == '^' || c == '$') {
			ps->p++;
			empty = 1;
		} else if (c >= 0x80) {
			size_t len = utf8_seq_len((const unsigned char *)ps->p,
			    (size_t)(ps->end - ps->p));
			if (len == 0) {
				ps->fail = 1;
				break;
			}
			/* Caseless, it may have an ASCII other case. */
			if (ps->caseless)
				memset(cur, 0xFF, sizeof(cur));
			else
				map_byte(cur, c);
			ps->p += len;
		} else {
			if (c == '.')
				memset(cur, 0xFF, sizeof(cur));
			else
				map_set(cur, c, ps->caseless, 1);
			ps->p++;
		}
		if (quantifier(ps) == 1)
			empty = 1;
		if (nullable)
			for (i = 0; i < 32; i++)
				map[i] |= cur[i];
		nullable &= empty;
	}
	return nullable;
}

/* The same for alternatives up to ')' or the end. */
static int
first_alt(parser *ps, uint8_t map[32])
{
	int nullable = 0;

	for (;;) {
		nullable |= first_seq(ps, map);
		if (ps->fail || ps->p >= ps->end || *ps->p != '|')
			break;
		ps->p++;
	}
	return nullable;
}

int
literal_first(const char *pat, size_t n, int caseless, uint8_t map[32])
{
	parser ps = { pat, pat + n, caseless, 0, 1 };
	uint8_t m[32] = { 0 };
	int nullable = first_alt(&ps, m), i, all = 1;

	for (i = 0; i < 32; i++)
		all &= m[i] == 0xFF;
	if (ps.fail || ps.p != ps.end || nullable || all)
		return 0;
	memcpy(map, m, sizeof(m));
	return 1;
}

/* ---- the text a start-anchored match begins with ---- */

#define PREFIX_MAX 64	/* more alternatives than this are no prefix */

static int prefix_alt(parser *ps, literal_set *out, int *whole);

/* Continues every string of run with every one of x, or, when x is
 * unknown (empty) or the product too large, ends the run (*open = 0).
 * Frees x. */
static int
prefix_grow(literal_set *run, literal_set *x, int *open)
{
	if (!*open || x->n == 0 || run->n * x->n > PREFIX_MAX) {
		*open = 0;
		set_free(x);
		return 0;
	}
	return cross(run, x);
}

/*
 * Sets *out to strings one of which every match of the branch at ps->p
 * starts with: the literal text from its start, through small classes,
 * groups and optional parts, up to the first thing that is not literal.  *whole says
 * whether they are all the branch can match, so that what follows it
 * continues them.  Zero-width assertions take no room and are passed.
 */
static int
prefix_seq(parser *ps, literal_set *out, int *whole)
{
	literal_set run = { NULL, NULL, 0 };
	int rc = run_reset(&run), open = 1;

	while (rc == 0 && ps->p < ps->end && *ps->p != '|' && *ps->p != ')' && !ps->fail) {
		unsigned char c = (unsigned char)*ps->p;
		literal_set x = { NULL, NULL, 0 };
		long cp = -1;
		int q, once, sub_whole = 0;

		if (c == '(') {
			const char *at = ps->p;
			int kind = group_open(ps);
			if (kind < 0)
				break;
			if (kind != G_PLAIN) {
				ps->p = at;	/* a look-around takes no room */
				skip_group(ps);
				quantifier(ps);
				continue;
			}
			if ((rc = prefix_alt(ps, &x, &sub_whole)) != 0)
				break;
			if (ps->p >= ps->end || *ps->p != ')') {
				ps->fail = 1;
				set_free(&x);
				break;
			}
			ps->p++;
		} else if (c == '[') {
			int k = class_literals(ps, &x);
			if (k < 0) {
				rc = -1;
				break;
			}
			if (k > 0)
				skip_class(ps);
			sub_whole = k == 0;
		} else if (c == '\\' && ps->p + 1 < ps->end && strchr("bBAzZG", ps->p[1])) {
			ps->p += 2;
			continue;
		} else if (c == '^' || c == '$') {
			ps->p++;
			continue;
		} else {
			if (c == '\\')
				cp = escape(ps);
			else if (c == '.')
				ps->p++;
			else if ((cp = plain_char(ps)) < 0 && ps->fail)
				break;
			int k = cp < 0 ? 1 : add_char(&x, cp, ps->caseless);
			rc = k < 0 ? -1 : 0;
			sub_whole = k == 0;
		}
		/* "x?" is "x" or nothing, and what follows goes on from
		 * either; after "x*" or "x{0,n}" nothing is sure. */
		once = ps->p < ps->end && *ps->p == '?';
		q = quantifier(ps);
		if (rc == 0 && q == 1 && x.n > 0)
			rc = set_add(&x, "", 0);
		if (rc != 0) {
			set_free(&x);
			break;
		}
		rc = prefix_grow(&run, &x, &open);
		open &= sub_whole && (q == 0 || (q == 1 && once));
	}
	*whole = open && !ps->fail;
	if (rc == 0) {
		*out = run;
		return 0;
	}
	set_free(&run);
	return rc;
}

/* The union of the branches' prefixes up to ')' or the end; whole if
 * every branch is.  Empty (unknown) if there are too many. */
static int
prefix_alt(parser *ps, literal_set *out, int *whole)
{
	literal_set all = { NULL, NULL, 0 };

	*whole = 1;
	for (;;) {
		literal_set br = { NULL, NULL, 0 };
		int w = 0, rc = prefix_seq(ps, &br, &w);
		*whole &= w;
		if (set_merge(&all, &br, rc != 0) != 0 || rc != 0) {
			set_free(&all);
			return -1;
		}
		if (ps->fail || ps->p >= ps->end || *ps->p != '|')
			break;
		ps->p++;
	}
	if (all.n > PREFIX_MAX)
		set_free(&all);
	*out = all;
	return 0;
}

/* Drops the strings of s that begin with another of its strings (at
 * most PREFIX_MAX): a walk down the trie finds that one first. */
static void
keep_shortest(literal_set *s)
{
	unsigned char drop[PREFIX_MAX];
	size_t i, j, o = 0;

	for (i = 0; i < s->n; i++)
		for (j = 0, drop[i] = 0; j < s->n && !drop[i]; j++)
			drop[i] = j != i && s->len[j] <= s->len[i] &&
			    (s->len[j] < s->len[i] || j < i) &&
			    memcmp(s->v[j], s->v[i], s->len[j]) == 0;
	for (i = 0; i < s->n; i++) {
		if (drop[i]) {
			free(s->v[i]);
			continue;
		}
		s->v[o] = s->v[i];
		s->len[o++] = s->len[i];
	}
	s->n = o;
}

int
literal_prefix(const char *pat, size_t n, int caseless, literal_set *out)
{
	parser ps = { pat, pat + n, caseless, 0, 1 };
	int whole = 0;
	size_t i;

	*out = (literal_set){ NULL, NULL, 0 };
	if (prefix_alt(&ps, out, &whole) != 0)
		return -1;
	if (ps.fail || ps.p != ps.end) {
		set_free(out);	/* not understood */
		return 0;
	}
	/* A match may start anyhow, or with one byte, which the first-byte
	 * check says as well: no prefixes. */
	for (i = 0; i < out->n; i++)
		if (out->len[i] < 2)
			break;
	if (i < out->n)
		set_free(out);
	keep_shortest(out);
	return 0;
}

/* ---- the lines a whole-line pattern can match ---- */

typedef struct span {
	size_t max;		/* characters at most (LITERAL_UNBOUNDED) */
	uint8_t map[32];	/* the ASCII characters it can consume */
	int head, tail;		/* every way through passes "^" / "$" */
	size_t min;		/* characters at least */
	size_t lead;		/* the first this many are not ASCII white space */
	int needs;		/* whether need has any: */
	uint32_t need[128];	/* each ASCII character, at least this often */
} span;

#define NEED_MAX 0xFFFF	/* needs and least lengths are counted up to this */

static uint32_t
need_add(uint32_t a, uint32_t b)
{
	return a + b < NEED_MAX ? a + b : NEED_MAX;
}

static uint32_t
need_times(uint32_t a, size_t k)
{
	return k == 0 ? 0 : a != 0 && k >= NEED_MAX / a ? NEED_MAX : a * (uint32_t)k;
}

/* Can an item with this map of ASCII characters consume white space? */
static int
takes_space(const uint8_t map[32])
{
	return (map[1] & 0x3E) != 0 || (map[4] & 1) != 0;	/* \t..\r, ' ' */
}

static size_t
span_add(size_t a, size_t b)
{
	return a == LITERAL_UNBOUNDED || b == LITERAL_UNBOUNDED || a + b < a ?
	    LITERAL_UNBOUNDED : a + b;
}

static size_t
span_times(size_t a, size_t k)
{
	if (a == 0 || k == 0)
		return 0;
	return a == LITERAL_UNBOUNDED || k == LITERAL_UNBOUNDED || a > LITERAL_UNBOUNDED / k ?
	    LITERAL_UNBOUNDED : a * k;
}

static void
span_any(uint8_t map[32])
{
	memset(map, 0xFF, 16);	/* all of ASCII */
}

/* What a class can consume: its members, or for a negated one, every
 * character that is not one.  Caseless, \p{Lu} stands for both cases
 * above, so a negated class is not looked into then. */
static void
span_class(parser *ps, uint8_t map[32])
{
	const char *at = ps->p;
	uint8_t mem[32] = { 0 };
	unsigned c;
	int neg;

	if (class_members(ps, mem, &neg) != 0 || (neg && ps->caseless)) {
		ps->p = at;
		skip_class(ps);
		span_any(map);
		return;
	}
	for (c = 0; c < 128; c++)
		if ((mem[c >> 3] >> (c & 7) & 1) != neg)
			map_byte(map, c);
}

static void span_alt(parser *ps, span *out);

/* The span of the branch at ps->p, up to '|' or ')'. */
static void
span_seq(parser *ps, span *sp)
{
	size_t run = 0, best = 0;	/* the run so far; the longest known */
	int run_on = 1;			/* nothing so far takes white space */

	memset(sp, 0, sizeof(*sp));
	while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')' && !ps->fail) {
		unsigned char c = (unsigned char)*ps->p;
		char e = ps->p + 1 < ps->end ? ps->p[1] : 0;
		span it;
		size_t lo, hi, i;
		int one = -1;	/* the ASCII character it must be, if one */
		int ahead = 0;	/* a look-ahead: its lead holds, here */

		/* Most items are one character; only a group's needs are
		 * looked at (need is not cleared for the others). */
		memset(&it, 0, offsetof(span, need));
		it.max = it.min = 1;

		if (c == '(') {
			int kind = group_open(ps);
			if (kind < 0)
				break;
			span_alt(ps, &it);
			if (ps->p >= ps->end || *ps->p != ')') {
				ps->fail = 1;
				break;
			}
			ps->p++;
			if (kind != G_PLAIN) {	/* a look-around takes no room */
				size_t lead = it.lead;
				memset(&it, 0, offsetof(span, need));
				if (kind == G_AROUND) {
					it.lead = lead;
					ahead = 1;
				}
			}
		} else if (c == '[') {
			span_class(ps, it.map);
		} else if (c == '^' || c == '$' || (c == '\\' && e && strchr("bBAzZG", e))) {
			ps->p += c == '\\' ? 2 : 1;
			it.max = it.min = 0;
			it.head = c == '^' || (c == '\\' && e == 'A');
			it.tail = c == '$' || (c == '\\' && (e == 'z' || e == 'Z'));
		} else if (c == '\\') {
			if (map_escape(ps, it.map) != 0) {
				ps->fail = 1;	/* perhaps more than one character */
				break;
			}
			/* "\." and the like: that character and no other. */
			if (e > ' ' && e < 0x7F && !isalnum((unsigned char)e))
				one = (unsigned char)e;
		} else if (c == '.') {
			ps->p++;
			span_any(it.map);
		} else if (c >= 0x80) {
			if (plain_char(ps) < 0)
				break;
			if (ps->caseless)	/* KELVIN SIGN is a k */
				for (i = 'A'; i <= 'z'; i++)
					map_byte(it.map, (unsigned)i);
		} else {
			map_set(it.map, c, ps->caseless, 1);
			/* Caseless, a letter is either case (or, for k and s,
			 * a character beyond ASCII). */
			if (!ps->caseless || !isalpha(c))
				one = c;
			ps->p++;
		}
		if (quantifier_range(ps, &lo, &hi) != 0) {
			it.max = span_times(it.max, hi);
			if (lo == 0)
				it.head = it.tail = 0;
		}
		/* The white-space-free run the branch starts with: what the
		 * items so far consumed, all of it not white space, and after
		 * that, the run this one starts with, if it must be there. */
		if (run_on) {
			if (!ahead && !takes_space(it.map) && it.lead < it.min)
				it.lead = it.min;	/* all it consumes */
			if (lo > 0 && need_add((uint32_t)run, (uint32_t)it.lead) > best)
				best = need_add((uint32_t)run, (uint32_t)it.lead);
			if (ahead || !takes_space(it.map))
				run = need_add((uint32_t)run, need_times((uint32_t)it.min, lo));
			else
				run_on = 0;
		}
		sp->min = need_add((uint32_t)sp->min, need_times((uint32_t)it.min, lo));
		sp->max = span_add(sp->max, it.max);
		for (i = 0; i < 16; i++)
			sp->map[i] |= it.map[i];
		if (one >= 0 && lo > 0)
			sp->need[one] = need_add(sp->need[one], need_times(1, lo));
		for (i = 0; it.needs && lo > 0 && i < 128; i++)
			sp->need[i] = need_add(sp->need[i], need_times(it.need[i], lo));
		sp->needs |= (one >= 0 || it.needs) && lo > 0;
		sp->head |= it.head;
		sp->tail |= it.tail;
	}
	sp->lead = best > run ? best : run;
}

/* The span of the alternatives up to ')' or the end: the widest. */
static void
span_alt(parser *ps, span *out)
{
	span br;
	size_t i;

	span_seq(ps, out);
	while (!ps->fail && ps->p < ps->end && *ps->p == '|') {
		ps->p++;
		span_seq(ps, &br);
		if (br.max > out->max)
			out->max = br.max;
		for (i = 0; i < 16; i++)
			out->map[i] |= br.map[i];
		if (!br.needs && out->needs)
			memset(out->need, 0, sizeof(out->need));
		for (i = 0; br.needs && out->needs && i < 128; i++)
			if (br.need[i] < out->need[i])
				out->need[i] = br.need[i];
		out->needs &= br.needs;
		if (br.min < out->min)
			out->min = br.min;
		if (br.lead < out->lead)
			out->lead = br.lead;
		out->head &= br.head;
		out->tail &= br.tail;
	}
}

int
literal_span(const char *pat, size_t n, int caseless, literal_shape *out)
{
	parser ps = { pat, pat + n, caseless, 0, 1 };
	span sp;
	unsigned c;

	span_alt(&ps, &sp);
	if (ps.fail || ps.p != ps.end)
		return 0;
	memset(out, 0, sizeof(*out));
	out->whole = sp.head && sp.tail;
	out->max = out->whole ? sp.max : LITERAL_UNBOUNDED;
	memset(out->ascii, 0xFF, sizeof(out->ascii));
	if (out->whole)
		memcpy(out->ascii, sp.map, 16);
	out->lead = sp.head ? sp.lead : 0;
	/* The punctuation most needed, uncommon first: one ':' says more
	 * about a line than two '.'s.  Letters, digits and spaces are in
	 * most lines of text, however many a pattern needs. */
	for (c = 0; c < 128; c++) {
		int rare = !literal_common_byte(c), had = !literal_common_byte(out->need);
		if (sp.need[c] > 0 && ispunct((int)c) && (out->times == 0 || rare > had ||
		    (rare == had && sp.need[c] > out->times))) {
			out->need = (unsigned char)c;
			out->times = sp.need[c];
		}
	}
	return 1;
}
