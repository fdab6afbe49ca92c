/*
 * prose.c - line features; see prose.h.  Input is well-formed, normalised
 * UTF-8; nothing here can fail.
 */
#include "prose.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
#define TABLE 1024	/* a power of two, several times NSTOPS */
#define STOP_MAX 8	/* no stop word is longer (in bytes) */

/* Open-addressing hash of the stop words, built once for all threads. */
static unsigned short table[TABLE];	/* index + 1 into stops, 0 empty */
static unsigned char stop_len[NSTOPS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* What a byte can be in a token. */
enum { K_WORD = 1, K_DIGIT = 2, K_CONT = 4, K_PUNCT = 8 };
static unsigned char kind[256];

#define HASH_INIT 2166136261u
#define HASH_STEP(h, c) (((h) ^ (unsigned char)(c)) * 16777619u)

static void
build_table(void)
{
	size_t i, k;
	unsigned h;

	for (i = 0; i < 256; i++)
		kind[i] = (unsigned char)((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
		    (i >= '0' && i <= '9') || i >= 0xC0 ? K_WORD : 0);
	for (i = '0'; i <= '9'; i++)
		kind[i] |= K_DIGIT;
	for (i = 0x80; i < 0xC0; i++)
		kind[i] = K_CONT;
	kind[','] = kind[':'] = K_PUNCT;

	for (i = 0; i < NSTOPS; i++) {
		stop_len[i] = (unsigned char)strlen(stops[i]);
		for (h = HASH_INIT, k = 0; k < stop_len[i]; k++)
			h = HASH_STEP(h, stops[i][k]);
		while (table[h & (TABLE - 1)] != 0)
			h++;
		table[h & (TABLE - 1)] = (unsigned short)(i + 1);
	}
}

/* Is low[0..n), a token in lower case whose hash is h, a stop word? */
static int
is_stop(const char *low, size_t n, unsigned h)
{
	unsigned k;

	for (;; h++) {
		if ((k = table[h & (TABLE - 1)]) == 0)
			return 0;
		if (stop_len[k - 1] == n && memcmp(stops[k - 1], low, n) == 0)
			return 1;
	}
}

static int
ends_sentence(const char *s, size_t n)
{
	while (n > 0 && strchr("\"')]*", s[n - 1]) != NULL)
		n--;
	if (n == 0)
		return 0;
	if (strchr(".!?", s[n - 1]) != NULL)
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

	for (i = 0; i < n; i++)
		spaces += s[i] == ' ';
	return upper && spaces >= 2;
}

void
prose_features(const char *s, size_t n, prose_feat *f)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, a, b;

	pthread_once(&table_once, build_table);
	memset(f, 0, sizeof(*f));
	f->terminal = ends_sentence(s, n);
	f->question = n > 0 && s[n - 1] == '?';
	f->bullet = n >= 2 && strchr("-*+", s[0]) != NULL && s[1] == ' ';
	if (n >= 4 && (memcmp(s, "\xE2\x80\xA2 ", 4) == 0 ||
	    memcmp(s, "\xE2\x80\x93 ", 4) == 0))
		f->bullet = 1;	/* bullet, en dash */
	if (n >= 3 && s[0] == '[' && s[1] >= '0' && s[1] <= '9')
		f->bullet = 1;	/* [1] */
	if (n > 0 && s[n - 1] == ':')
		f->inner_punct = 1;
	/* One pass over the tokens: a word runs from its first letter or digit
	 * to its last (or the continuation bytes after it), so that the
	 * punctuation around it does not spoil the stop word look-up.  Its
	 * first STOP_MAX bytes are put in lower case and hashed on the way. */
	while (i < n) {
		char low[STOP_MAX];
		unsigned h = HASH_INIT, hb = 0;
		size_t len = 0;		/* of the word so far, up to its last letter */

		while (i < n && s[i] == ' ')
			i++;
		a = (size_t)-1;
		for (; i < n && s[i] != ' '; i++) {
			unsigned char c = u[i], k = kind[c];
			if (a == (size_t)-1) {
				if (k & K_WORD)
					a = i;
				else {
					if ((k & K_PUNCT) && !f->inner_punct && i + 1 < n &&
					    s[i + 1] == ' ' && (c == ',' ||
					    !headline_colon(s + i + 2, n - i - 2)))
						f->inner_punct = 1;
					continue;
				}
			}
			b = i - a;
			if (b < STOP_MAX) {
				if (c >= 'A' && c <= 'Z')
					c += 32;
				/* Ä Ö Ü: C3 84/96/9C -> C3 A4/B6/BC */
				else if (b > 0 && u[i - 1] == 0xC3 &&
				    (c == 0x84 || c == 0x96 || c == 0x9C))
					c += 0x20;
				low[b] = (char)c;
				h = HASH_STEP(h, c);
			}
			if (k & (K_WORD | K_CONT)) {
				len = b + 1;
				hb = h;
				f->digits |= (k & K_DIGIT) != 0;
			} else if ((k & K_PUNCT) && !f->inner_punct && i + 1 < n &&
			    s[i + 1] == ' ' && (c == ',' || !headline_colon(s + i + 2, n - i - 2)))
				f->inner_punct = 1;
		}
		if (a == (size_t)-1)
			continue;
		f->words++;
		if (len <= STOP_MAX && is_stop(low, len, hb))
			f->stops++;
	}
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
