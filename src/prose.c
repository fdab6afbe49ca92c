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

/* Open-addressing hash of the stop words, built once for all threads. */
static unsigned short table[TABLE];	/* index + 1 into stops, 0 empty */
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static unsigned
hash(const char *w, size_t n)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

static void
build_table(void)
{
	size_t i;
	unsigned h;

	for (i = 0; i < NSTOPS; i++) {
		h = hash(stops[i], strlen(stops[i]));
		while (table[h & (TABLE - 1)] != 0)
			h++;
		table[h & (TABLE - 1)] = (unsigned short)(i + 1);
	}
}

static int
is_stop(const char *w, size_t n)
{
	char low[16];
	size_t i;
	unsigned h;

	if (n == 0 || n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		/* Ä Ö Ü: C3 84/96/9C -> C3 A4/B6/BC */
		if (i > 0 && (unsigned char)w[i - 1] == 0xC3 &&
		    (c == 0x84 || c == 0x96 || c == 0x9C))
			low[i] = (char)(c + 0x20);
	}
	pthread_once(&table_once, build_table);
	for (h = hash(low, n);; h++) {
		unsigned k = table[h & (TABLE - 1)];
		if (k == 0)
			return 0;
		if (strlen(stops[k - 1]) == n && memcmp(stops[k - 1], low, n) == 0)
			return 1;
	}
}

static int
is_wordish(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0xC0;
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
	size_t i = 0, start, a, b;
	int word;

	memset(f, 0, sizeof(*f));
	f->terminal = ends_sentence(s, n);
	f->question = n > 0 && s[n - 1] == '?';
	f->bullet = n >= 2 && strchr("-*+", s[0]) != NULL && s[1] == ' ';
	if (n >= 4 && (memcmp(s, "\xE2\x80\xA2 ", 4) == 0 ||
	    memcmp(s, "\xE2\x80\x93 ", 4) == 0))
		f->bullet = 1;	/* bullet, en dash */
	if (n >= 3 && s[0] == '[' && s[1] >= '0' && s[1] <= '9')
		f->bullet = 1;	/* [1] */
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			f->digits = 1;
		else if (s[i] == ',' && i + 1 < n && s[i + 1] == ' ')
			f->inner_punct = 1;
		else if (s[i] == ':' && i + 1 < n && s[i + 1] == ' ' &&
		    !headline_colon(s + i + 2, n - i - 2))
			f->inner_punct = 1;
	}
	if (n > 0 && s[n - 1] == ':')
		f->inner_punct = 1;
	i = 0;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		start = i;
		word = 0;
		while (i < n && s[i] != ' ') {
			unsigned char c = (unsigned char)s[i++];
			if (is_wordish(c)) {
				word = 1;
				f->letters++;
			}
		}
		if (!word)
			continue;
		f->words++;
		/* Trim punctuation around the token before the look-up. */
		for (a = start; a < i && !is_wordish((unsigned char)s[a]); a++)
			;
		for (b = i; b > a && !is_wordish((unsigned char)s[b - 1]) &&
		    ((unsigned char)s[b - 1] & 0xC0) != 0x80; b--)
			;
		if (is_stop(s + a, b - a))
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
