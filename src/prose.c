/*
 * prose.c - line features; see prose.h.  Input is well-formed, normalised
 * UTF-8; nothing here can fail.
 */
#include "prose.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swar.h"

/* Sorted, lower case; German and English together. */
static const char *const stops[] = {
	"a", "about", "after", "all", "also", "am", "an", "and", "any", "are",
	"as", "at", "auch", "auf", "aus", "be", "been", "bei", "bin", "bis",
	"bist", "but", "by", "can", "could", "da", "dadurch", "daher", "damit",
	"dann", "das", "dass", "dem", "den", "denn", "der", "des", "dich",
	"did", "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses",
	"dir", "do", "does", "doch", "dort", "du", "durch", "ein", "eine",
	"einem", "einen", "einer", "eines", "er", "es", "etwas", "euch",
	"for", "from", "für", "gegen", "gewesen", "had", "has", "hat",
	"hatte", "hatten", "have", "he", "her", "his", "how", "i", "ich",
	"ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren", "ihrer",
	"if", "im", "in", "into", "is", "ist", "it", "its", "ja", "jedoch",
	"jetzt", "kann", "kein", "keine", "man", "may", "me", "mehr", "mich",
	"mir", "mit", "more", "muss", "my", "nach", "nicht", "no", "noch",
	"not", "nun", "nur", "ob", "oder", "of", "ohne", "on", "one", "only",
	"or", "other", "our", "out", "over", "schon", "sehr", "sein",
	"seine", "seinem", "seinen", "seiner", "she", "sich", "sie", "sind",
	"so", "solche", "some", "soll", "such", "than", "that", "the",
	"their", "them", "then", "there", "these", "they", "this", "those",
	"to", "um", "und", "uns", "unser", "unter", "up", "us", "very",
	"vom", "von", "vor", "war", "waren", "was", "we", "weil", "wenn",
	"were", "what", "when", "where", "which", "while", "who", "wie",
	"will", "wir", "wird", "with", "wo", "would", "wurde", "wurden",
	"you", "your", "zu", "zum", "zur", "über",
};

#define NSTOPS (sizeof(stops) / sizeof(stops[0]))
#define TABLE 512	/* slots in each of the two tables, a power of two */
#define STOP_MAX 8	/* no stop word is longer (in bytes) */

/*
 * The stop words in two hash tables, built once for all threads, each
 * word in one of its two slots (cuckoo hashing), so that a look-up is two
 * loads and two compares with no branch: whether a word is a stop word is
 * a coin toss for the branch predictor.  A word of up to eight bytes is
 * its own key: the bytes in one 64-bit word, zero-padded, which no stop
 * word can be confused with since none holds a NUL byte; 0 is an empty
 * slot.  One multiply gives both slots; should the words not fit, another
 * multiplier is tried.
 */
static uint64_t table[2][TABLE];
static uint64_t mult = 0x9E3779B97F4A7C15ULL;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* What a byte can be in a token. */
enum { K_WORD = 1, K_CONT = 2 };
static unsigned char kind[256];

/* The slot of key in table t: two fields of one product. */
static size_t
slot(uint64_t key, int t)
{
	uint64_t p = key * mult;

	return (size_t)(t == 0 ? p >> 55 : (p >> 46) & (TABLE - 1));
}

/*
 * w[0..n), 0 < n <= STOP_MAX, as a key with bit 0x20 set in every byte.
 * That lowers ASCII capitals and, in well-formed UTF-8, folds C3 84/96/9C
 * (Ä Ö Ü) and C3 A4/B6/BC (ä ö ü) alike to E3 A4/B6/BC, which cannot
 * start a well-formed character before the ASCII letters that follow in a
 * stop word; no other byte becomes a lower-case letter.  Reads eight bytes
 * when avail says that many are there.
 */
static uint64_t
key_of(const unsigned char *w, size_t n, size_t avail)
{
	uint64_t k, keep = n < 8 ? ((uint64_t)1 << (8 * n)) - 1 : ~(uint64_t)0;

	if (avail >= 8)
		k = swar_load(w);
	else {
		unsigned char b[8] = { 0 };
		memcpy(b, w, n);
		k = swar_load(b);
	}
	return (k | SWAR_ONES * 0x20) & keep;
}

/* Puts key in one of its slots, moving the words in its way to their
 * other ones; 0 if the moves go round in circles. */
static int
cuckoo_put(uint64_t key)
{
	int t = 0, moves;

	for (moves = 0; moves < 64; moves++, t ^= 1) {
		uint64_t *at = &table[t][slot(key, t)], was = *at;
		*at = key;
		if (was == 0 || was == key)
			return 1;
		key = was;
	}
	return 0;
}

static void
build_table(void)
{
	size_t i;

	for (i = 0; i < 256; i++)
		kind[i] = (unsigned char)((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
		    (i >= '0' && i <= '9') || i >= 0xC0 ? K_WORD : 0);
	for (i = 0x80; i < 0xC0; i++)
		kind[i] = K_CONT;
	for (i = 0; i < NSTOPS; i++)
		if (!cuckoo_put(key_of((const unsigned char *)stops[i], strlen(stops[i]), 0))) {
			memset(table, 0, sizeof(table));
			mult += 2 * 0x61C8864680B583EBULL;	/* another odd multiplier */
			i = (size_t)-1;
		}
}

static int
stop_key(uint64_t key)
{
	return (table[0][slot(key, 0)] == key) | (table[1][slot(key, 1)] == key);
}

int
prose_is_stop(const char *w, size_t n)
{
	if (n == 0 || n > STOP_MAX)
		return 0;
	pthread_once(&table_once, build_table);
	return stop_key(key_of((const unsigned char *)w, n, n));
}

/* The offset of the first space in s[i..n), or n: sixteen bytes at a time
 * with SSE2, so that the loop hardly ever goes round (words of eight bytes
 * or more are common, and each second round was a mispredicted branch),
 * then eight. */
static size_t
next_space(const unsigned char *s, size_t i, size_t n)
{
	uint64_t z;

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(sse_eq(sse_load(s + i), ' '));
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i + 8 <= n; i += 8)
		if ((z = swar_eq(swar_load(s + i), ' ')) != 0)
			return i + swar_first(z);
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

/* Does s[0..n) hold an ASCII digit?  Eight bytes at a time. */
static int
has_digit(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		w = swar_load(s + i);
		if (swar_below(w, '9' + 1) & ~swar_below(w, '0'))
			return 1;
	}
	for (; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

static int
ends_sentence(const char *s, size_t n)
{
	/* Compares, not strchr(): this runs on every line. */
	while (n > 0 && (s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ')' ||
	    s[n - 1] == ']' || s[n - 1] == '*'))
		n--;
	if (n == 0)
		return 0;
	if (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?')
		return 1;
	/* U+2026 HORIZONTAL ELLIPSIS */
	return n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0;
}

/*
 * "Kicker: Title of another article" is a headline, not a key and its
 * value: what follows the colon starts with a capital and runs on for
 * several words.
 */
static int
headline_colon(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, spaces = 0;
	int upper = n > 0 && ((u[0] >= 'A' && u[0] <= 'Z') || (n > 1 && u[0] == 0xC3 &&
	    (u[1] == 0x84 || u[1] == 0x96 || u[1] == 0x9C)));

	for (i = 0; upper && i < n && spaces < 2; i++)
		spaces += s[i] == ' ';
	return upper && spaces >= 2;
}

/*
 * The features of s[0..n).  With early -1, the counts per word too
 * (prose_measure).  With early 1, stops once prose_is_body() is
 * certain to hold however the rest of the line reads, and returns 1; the
 * counts are partial then.  What remains after a word can hold at most as
 * many more words as it has spaces, none of them a stop word at worst.
 */
static int initial_case(const unsigned char *u, size_t n);

/* prose_measure() reads this many words of a line word by word; the
 * ratios of a long line are those of its start. */
#define MEASURE_WORDS 24

/* Characters in a word of n bytes at u: only short words are counted,
 * since all that matters is whether there are at most three. */
static size_t
word_chars(const unsigned char *u, size_t n)
{
	size_t i, k = 0;

	if (n > 12)
		return n;
	for (i = 0; i < n; i++)
		k += (u[i] & 0xC0) != 0x80;
	return k;
}

static int
scan(const char *s, size_t n, prose_feat *f, int early)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, a, b, e, spaces = 0;
	/* Counted in locals, not in *f: the compiler must assume a call
	 * might read *f, and would keep them in memory for it. */
	unsigned words = 0, nstop = 0, upper = 0, lower = 0, shorts = 0, sampled = 0;
	int c, measure = early < 0;
	int inner, sure = 0;

	pthread_once(&table_once, build_table);
	memset(f, 0, sizeof(*f));
	f->terminal = ends_sentence(s, n);
	f->question = n > 0 && s[n - 1] == '?';
	f->bullet = n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ';
	if (n >= 4 && (memcmp(s, "\xE2\x80\xA2 ", 4) == 0 ||
	    memcmp(s, "\xE2\x80\x93 ", 4) == 0))
		f->bullet = 1;	/* bullet, en dash */
	if (n >= 3 && s[0] == '[' && s[1] >= '0' && s[1] <= '9')
		f->bullet = 1;	/* [1] */
	inner = n > 0 && s[n - 1] == ':';
	/* Token by token: a word runs from its first letter or digit to its
	 * last (or the continuation bytes after it), so that the punctuation
	 * around it does not spoil the stop word look-up. */
	if (early > 0)
		spaces = count_in(u, n, ' ', ' ');
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++, spaces--;
		if (i == n)
			break;
		e = next_space(u, i, n);
		/* ", " and ": " can only be where a token ends. */
		if ((s[e - 1] == ',' || s[e - 1] == ':') && e < n && !inner &&
		    (s[e - 1] == ',' || !headline_colon(s + e + 1, n - e - 1)))
			inner = 1;
		for (a = i; a < e && !(kind[u[a]] & K_WORD); a++)
			;
		if (a < e) {
			for (b = e - 1; !(kind[u[b]] & (K_WORD | K_CONT)); b--)
				;
			words++;
			if (measure) {
				c = initial_case(u + i, e - i);
				upper += c > 0;
				lower += c < 0;
				shorts += word_chars(u + a, b + 1 - a) <= 3;
			}
			/* No branch: stop word or not is a coin toss. */
			nstop += (unsigned)((b - a < STOP_MAX) &
			    stop_key(key_of(u + a, b + 1 - a, n - a)));
			if (measure && words == MEASURE_WORDS) {
				/* Enough for the ratios: the rest of the
				 * line counts by its spaces alone. */
				sampled = words;
				words += (unsigned)count_in(u + e, n - e, ' ', ' ');
				break;
			}
			if (early > 0 && words >= 8) {
				/* Each word still to come has a space before it. */
				size_t most = words + spaces;
				if ((words >= 16 && 10 * (size_t)nstop >= most) ||
				    (f->terminal && 8 * (size_t)nstop >= most)) {
					sure = 1;
					break;
				}
			}
		}
		i = e;
	}
	/* Every digit is in some word, so the line as a whole will do; a
	 * line found to be running text above has no need to know. */
	f->digits = !sure && has_digit(u, n);
	if (sampled > 0) {
		/* Counts of the sample, scaled to the whole line. */
		nstop = nstop * words / sampled;
		upper = upper * words / sampled;
		lower = lower * words / sampled;
		shorts = shorts * words / sampled;
	}
	f->words = words;
	f->stops = nstop;
	f->upper = upper;
	f->lower = lower;
	f->shorts = shorts;
	f->inner_punct = inner;
	return sure;
}

void
prose_features(const char *s, size_t n, prose_feat *f)
{
	scan(s, n, f, 0);
}

/* The first byte of a word, past the quotes and brackets that open it:
 * 1 a capital, -1 a small letter, 0 neither (a digit, or a script this
 * cheap test does not know).  Latin-1 letters are told by their second
 * byte; other scripts' letters are neither. */
static int
initial_case(const unsigned char *u, size_t n)
{
	size_t i = 0;

	while (i < n && (u[i] == '"' || u[i] == '\'' || u[i] == '(' || u[i] == '['))
		i++;
	if (i == n)
		return 0;
	if (u[i] >= 'A' && u[i] <= 'Z')
		return 1;
	if (u[i] >= 'a' && u[i] <= 'z')
		return -1;
	if (u[i] == 0xC3 && i + 1 < n)
		return u[i + 1] < 0x9F ? 1 : -1;
	return 0;
}

/* Separators that menus, breadcrumbs and bylines string items with:
 * U+00B7 middle dot, U+00BB and U+203A closing guillemets, U+2022 bullet. */
static unsigned
separator_at(const unsigned char *u, size_t i, size_t n)
{
	if (u[i] == '|')
		return 1;
	if (u[i] == 0xC2 && i + 1 < n)
		return u[i + 1] == 0xB7 || u[i + 1] == 0xBB;
	if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80)
		return u[i + 2] == 0xBA || u[i + 2] == 0xA2;
	return 0;
}

/* Whether s[i..n), from the byte at i on, starts with the ASCII w[0..k). */
static int
at(const char *s, size_t i, size_t n, const char *w, size_t k)
{
	return i + k <= n && memcmp(s + i, w, k) == 0;
}

void
prose_measure(const char *s, size_t n, prose_feat *f)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, cont, spaces, punct;
	const char *q;

	scan(s, n, f, -1);
	/* Byte classes are counted 16 or 32 at a time (swar.h); what is
	 * rare is looked for with memchr. */
	cont = count_in(u, n, 0x80, 0xBF);
	spaces = count_in(u, n, ' ', ' ');
	f->digitc = (unsigned)count_in(u, n, '0', '9');
	punct = count_in(u, n, '!', '/') + count_in(u, n, ':', '@') +
	    count_in(u, n, '[', '`') + count_in(u, n, '{', '~');
	f->punct = (unsigned)punct;
	f->commas = (unsigned)count_in(u, n, ',', ',');
	f->chars = (unsigned)(n - cont);
	f->letters = (unsigned)(n - spaces - f->digitc - punct);
	f->seps = (unsigned)count_in(u, n, '|', '|');
	for (q = memchr(s, 0xC2, n); q != NULL; q = memchr(q + 1, 0xC2, n - (size_t)(q + 1 - s))) {
		i = (size_t)(q - s);
		f->seps += separator_at(u, i, n);
		f->copyright |= i + 1 < n && u[i + 1] == 0xA9;
	}
	for (q = memchr(s, 0xE2, n); q != NULL; q = memchr(q + 1, 0xE2, n - (size_t)(q + 1 - s)))
		f->seps += separator_at(u, (size_t)(q - s), n);
	f->web = memchr(s, '@', n) != NULL;
	for (q = memchr(s, '(', n); q != NULL; q = memchr(q + 1, '(', n - (size_t)(q + 1 - s))) {
		i = (size_t)(q - s);
		f->copyright |= at(s, i, n, "(c)", 3) || at(s, i, n, "(C)", 3);
	}
	for (q = memchr(s, '/', n); q != NULL && !f->web; q = memchr(q + 1, '/', n - (size_t)(q + 1 - s))) {
		i = (size_t)(q - s);
		f->web = i >= 6 && (at(s, i - 6, n, "http://", 7) || at(s, i - 6, n, "https:/", 7));
	}
	for (q = memchr(s, '.', n); q != NULL && !f->web; q = memchr(q + 1, '.', n - (size_t)(q + 1 - s)))
		f->web = q - s >= 3 && at(s, (size_t)(q - s) - 3, n, "www.", 4);
	f->colon_end = n > 0 && s[n - 1] == ':';
}

int
prose_kind(const char *s, size_t n)
{
	prose_feat f;

	if (scan(s, n, &f, 1) || prose_is_body(&f))
		return PROSE_BODY;
	return prose_is_content(&f) ? PROSE_CONTENT : PROSE_LINK;
}

int
prose_is_content(const prose_feat *f)
{
	return f->bullet || f->digits || f->inner_punct || (f->terminal && !f->question);
}

int
prose_is_body(const prose_feat *f)
{
	/* Long running text, or a sentence of some length with function
	 * words in it: menus and headlines have neither. */
	if (f->words >= 16 && f->stops * 10 >= f->words)
		return 1;
	return f->words >= 8 && f->terminal && f->stops * 8 >= f->words;
}
