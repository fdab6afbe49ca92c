/*
 * prose.c - line features; see prose.h.  Input is well-formed, normalised
 * UTF-8; nothing here can fail.
 */
#include "layout/prose.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swar.h"

/*
 * Function words, lower case: articles, pronouns, prepositions,
 * conjunctions, auxiliaries, particles.  German and English first, then
 * the other languages of the web that put spaces between words, so that
 * running text in them reads as prose too rather than as a menu; a word
 * of one language that is a content word of another (English "son")
 * costs that line little.
 * Each at most STOP_MAX bytes; a word of two languages is listed once,
 * under the first.
 */
static const char *const stops[] = {
	/* German and English */
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
	/* Spanish */
	"al", "como", "con", "cuando", "de", "del", "desde", "donde", "el",
	"ella", "ellos", "en", "entre", "ese", "eso", "esta", "estas", "este",
	"esto", "estos", "fue", "ha", "hasta", "hay", "la", "las", "le", "les",
	"lo", "los", "más", "muy", "ni", "nos", "otra", "otro", "para", "pero",
	"por", "porque", "que", "se", "sin", "sobre", "son", "su", "sus",
	"también", "todo", "un", "una", "y", "ya",
	/* French */
	"au", "aux", "avec", "ce", "ces", "cette", "dans", "elle", "elles",
	"est", "et", "été", "être", "il", "ils", "leur", "ne", "nous", "ou",
	"par", "pas", "plus", "pour", "qui", "sa", "ses", "sont", "sur", "une",
	/* Italian */
	"anche", "che", "dei", "della", "delle", "di", "e", "è", "gli", "ma",
	"nel", "nella", "non", "per", "più", "si", "sono",
	/* Portuguese */
	"ao", "dos", "é", "ele", "em", "foi", "mais", "na", "não", "o", "os",
	"seu", "sua",
	/* Dutch */
	"aan", "als", "bij", "dan", "dat", "door", "een", "heeft", "het",
	"maar", "met", "naar", "niet", "nog", "om", "ook", "op", "te", "uit",
	"van", "voor", "wel", "werd", "wordt", "zijn",
	/* Polish and Czech */
	"ale", "byl", "bylo", "było", "co", "czy", "dla", "jak", "jako",
	"je", "jego", "jej", "jest", "jsou", "już", "k", "która", "które",
	"który", "może", "nie", "od", "oraz", "po", "pro", "przez", "s",
	"się", "są", "tak", "tym", "v", "w", "z", "za", "że",
	/* Swedish, Danish, Norwegian */
	"af", "att", "av", "ble", "blev", "det", "eller", "ett", "fra",
	"från", "för", "han", "har", "hon", "hun", "ikke", "inte", "jag",
	"jeg", "med", "och", "og", "på", "så", "seg", "sig", "som", "til",
	"till", "vid", "är",
	/* Finnish */
	"ei", "että", "hän", "jo", "joka", "jos", "kuin", "kun", "mutta",
	"myös", "niin", "nyt", "oli", "ole", "ovat", "sen", "tai", "vain",
	/* Russian and Ukrainian */
	"а", "але", "був", "була", "було", "бы", "был", "была", "было", "в",
	"від", "для", "до", "его", "же", "з", "за", "и", "из", "или", "й",
	"к", "как", "на", "не", "но", "о", "он", "она", "они", "от", "по",
	"при", "про", "с", "та", "так", "у", "уже", "це", "что", "що", "і",
	"это", "як",
	/* Romanian */
	"că", "care", "dar", "fi", "fost", "nu", "pe", "pentru", "sau", "să",
	"și", "în",
	/* Hungarian */
	"az", "azt", "csak", "egy", "ez", "hogy", "már", "meg", "mert", "mint",
	"még", "nem", "volt", "és",
	/* Turkish */
	"ama", "bir", "bu", "çok", "daha", "değil", "gibi", "ile",
	"ise", "için", "kadar", "ki", "olan", "olarak", "sonra", "ve", "veya",
	/* Indonesian and Malay */
	"ada", "akan", "atau", "bahwa", "dalam", "dari", "dengan", "ini", "itu",
	"juga", "karena", "ke", "mereka", "oleh", "pada", "sudah", "tidak",
	"untuk", "yang",
	/* Vietnamese */
	"các", "cho", "có", "của", "khi", "không", "là", "một", "này",
	"người", "những", "trong", "tại", "từ", "và", "về", "với", "được",
	"đã", "để",
	/* Greek */
	"από", "για", "δεν", "η", "θα", "και", "με", "να", "ο", "οι", "που",
	"σε", "στην", "στο", "τα", "την", "της", "το", "τον", "του", "των",
	"ότι",
	/* Arabic and Persian */
	"أن", "أو", "إلى", "إن", "از", "است", "این", "با", "برای", "به",
	"بين", "تا", "در", "ذلك", "را", "على", "عن", "في", "قد", "كان",
	"كما", "که", "لا", "ما", "مع", "من", "هذا", "هذه", "هو", "هي", "و",
	"یک",
	/* Hindi */
	"का", "की", "के", "को", "तो", "था", "ने", "पर", "भी", "यह", "से",
	"है",
};

#define NSTOPS (sizeof(stops) / sizeof(stops[0]))

/*
 * Words that the furniture of web pages is made of, in the languages the
 * filter meets most: consent and privacy, sign-up and subscription,
 * sharing and following, comments, advertising, rights, navigation,
 * media labels.  They are no rules: the structural model learns how much
 * a line's share of them weighs.  A word of more than eight bytes is
 * known by its first eight ("newslett" for newsletter, newsletters);
 * a shorter one must match whole.  Lower case; matched in any ASCII case.
 */
static const char *const cues[] = {
	/* English */
	"cookie", "cookies", "privacy", "newslett", "subscrib", "signup",
	"login", "logout", "register", "share", "shares", "sharing", "tweet",
	"follow", "comment", "comments", "reply", "replies", "advertis",
	"sponsore", "sponsor", "copyrigh", "rights", "reserved", "terms",
	"related", "trending", "recommen", "click", "download", "menu",
	"search", "contact", "imprint", "tags", "tagged", "category",
	"categori", "posted", "author", "photo", "photos", "image", "video",
	"videos", "podcast", "email", "e-mail", "print", "skip", "navigati",
	"accept", "consent", "account", "password", "premium", "shop", "cart",
	"checkout", "unsubscr", "notifica",
	/* German */
	"datensch", "impressu", "abonnier", "abo", "anmelden", "anmeldun",
	"registri", "einlogge", "teilen", "geteilt", "kommenta", "kommenti",
	"antworte", "werbung", "anzeige", "gesponse", "urheberr", "rechte",
	"vorbehal", "agb", "\xc3\xa4hnliche", "empfohle", "empfehlu", "weiterle",
	"klicken", "herunter", "suche", "startsei", "kontakt", "schlagw\xc3\xb6",
	"kategori", "autor", "autorin", "foto", "fotos", "bild", "bilder",
	"drucken", "akzeptie", "zustimme", "einwilli", "konto", "passwort",
	"vergr\xc3\xb6\xc3", "benachri",
	/* French */
	"confiden", "abonner", "abonnez", "abonneme", "inscrire", "inscript",
	"connexio", "partager", "commenta", "r\xc3\xa9pondre", "publicit",
	"droits", "r\xc3\xa9serv\xc3", "mentions", "l\xc3\xa9gales", "suivez",
	"t\xc3\xa9l\xc3\xa9" "cha", "accueil", "recherch", "cat\xc3\xa9gor", "auteur",
	"vid\xc3\xa9o", "imprimer", "accepter",
	/* Spanish */
	"privacid", "suscr\xc3\xad" "b", "suscribi", "suscripc", "registra", "iniciar",
	"comparti", "comentar", "responde", "publicid", "derechos", "reservad",
	"s\xc3\xadguenos", "descarga", "inicio", "buscar", "relacion",
	"categor\xc3", "v\xc3\xad" "deo", "imprimir", "aceptar",
	/* Services */
	"facebook", "twitter", "instagra", "youtube", "whatsapp", "telegram",
	"linkedin", "pinteres", "tiktok", "xing", "rss",
};

/* Words that address the reader: pitches and calls to action do, news
 * prose seldom does.  German "Sie" is left out: it is also "she". */
static const char *const yous[] = {
	"you", "your", "yours", "du", "dich", "dir", "dein", "deine", "deinen",
	"deinem", "deiner", "euch", "euer", "eure", "vous", "votre", "vos",
	"tu", "ton", "tes", "usted", "ustedes", "tus", "vosotros",
};

#define NCUES (sizeof(cues) / sizeof(cues[0]))
#define NYOUS (sizeof(yous) / sizeof(yous[0]))
#define STOP_BITS 10
#define STOP_SLOTS (1 << STOP_BITS)	/* slots in each of the two tables */
#define LEX_BITS 8
#define LEX_SLOTS (1 << LEX_BITS)
#define STOP_MAX 8	/* no stop word is longer (in bytes) */

/*
 * The stop words in two hash tables, built once for all threads, each
 * word in one of its two slots (cuckoo hashing), so that a look-up is two
 * loads and two compares with no branch: whether a word is a stop word is
 * a coin toss for the branch predictor.  A word of up to eight bytes is
 * its own key: the bytes in one 64-bit word, zero-padded, which no stop
 * word can be confused with since none holds a NUL byte; 0 is an empty
 * slot.  One multiply gives both slots; should the words not fit, another
 * multiplier is tried.  Some 610 words in 2048 slots leave room enough
 * for that (cuckoo hashing of this kind fills up to about half); the
 * 16 KiB of the tables stay in the first-level cache beside the rest of
 * the program's work.
 */
static uint64_t table[2][STOP_SLOTS];

/* The cue words and the words for the reader the same way, a table of
 * their own, with each slot's word list (LEX_CUE or LEX_YOU) beside it. */
enum { LEX_CUE = 1, LEX_YOU = 2 };
static uint64_t lex[2][LEX_SLOTS];
static unsigned char lex_of[2][LEX_SLOTS];
static uint64_t lex_mult = 0x9E3779B97F4A7C15ULL;
static uint64_t mult = 0x9E3779B97F4A7C15ULL;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* What a byte can be in a token: a letter or digit, a continuation
 * byte, a mark that opens a word; its case, at K_CASE_SHIFT. */
enum { K_WORD = 1, K_CONT = 2, K_OPEN = 4, K_UPPER = 8, K_LOWER = 16 };
#define K_CASE_SHIFT 3
static unsigned char kind[256];

/* The slot of key in table t of 1 << bits slots: two fields of one
 * product. */
static size_t
slot_by(uint64_t key, int t, uint64_t by, unsigned bits)
{
	uint64_t p = key * by;

	return (size_t)(t == 0 ? p >> (64 - bits) :
	    (p >> 40) & (((uint64_t)1 << bits) - 1));
}

/*
 * w[0..n), 0 < n <= STOP_MAX, as a key with bit 0x20 set in every byte.
 * That lowers ASCII capitals and, in well-formed UTF-8, folds a two-byte
 * capital onto its small letter where the two differ in that bit (Latin-1
 * À to Þ, Greek Α to Ο, Cyrillic А to П): C3 84 (Ä) and C3 A4 (ä) alike
 * become E3 A4, D0 98 (И) and D0 B8 (и) F0 B8.  A lead byte becomes that
 * of a longer character, which the next byte of the key ends too soon,
 * so no word folds onto the key of a word in another script.  Within a
 * script a few other characters fold together too (Arabic letters with
 * Arabic-Indic digits, Devanagari क with व), so a rare word may count as
 * a stop word: an error in a ratio, never in the output's bytes.
 * Capitals that differ in more bits (Ż, Cyrillic Р to Я) are not
 * lowered; they start sentences at most.  Reads eight bytes when
 * avail says that many are there.
 */
static uint64_t
key_of(const unsigned char *w, size_t n, size_t avail)
{
	/* The mask by a shift, not by a branch that each word's length
	 * would make a coin toss; of a longer word, eight bytes are kept. */
	size_t m = n < 8 ? n : 8;
	uint64_t k, keep = ~(uint64_t)0 >> (64 - 8 * m);

	if (avail >= 8)
		k = swar_load(w);
	else {
		unsigned char b[8] = { 0 };
		memcpy(b, w, m);
		k = swar_load(b);
	}
	return (k | SWAR_ONES * 0x20) & keep;
}

static size_t
slot(uint64_t key, int t)
{
	return slot_by(key, t, mult, STOP_BITS);
}

/* Puts key, of word list c, in one of its slots of tab, two tables of
 * 1 << bits slots one after the other (and of class, unless NULL), moving
 * the words in its way to their other ones; 0 if the moves go round in
 * circles. */
static int
cuckoo_put(uint64_t *tab, unsigned char *cls, unsigned bits, uint64_t m,
    uint64_t key, unsigned char c)
{
	int t = 0, moves;

	for (moves = 0; moves < 64; moves++, t ^= 1) {
		size_t i = ((size_t)t << bits) + slot_by(key, t, m, bits);
		uint64_t was = tab[i];
		unsigned char wc = cls != NULL ? cls[i] : 0;
		tab[i] = key;
		if (cls != NULL)
			cls[i] = c;
		if (was == 0 || was == key)
			return 1;
		key = was;
		c = wc;
	}
	return 0;
}

/* Fills the cue table; 0 if the words do not fit with lex_mult. */
static int
fill_lex(void)
{
	size_t i;

	for (i = 0; i < NCUES + NYOUS; i++) {
		const char *w = i < NCUES ? cues[i] : yous[i - NCUES];
		if (!cuckoo_put(&lex[0][0], &lex_of[0][0], LEX_BITS, lex_mult,
		    key_of((const unsigned char *)w, strlen(w), 0),
		    i < NCUES ? LEX_CUE : LEX_YOU))
			return 0;
	}
	return 1;
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
	for (i = 'A'; i <= 'Z'; i++) {
		kind[i] |= K_UPPER;
		kind[i + 'a' - 'A'] |= K_LOWER;
	}
	kind['"'] = kind['\''] = kind['('] = kind['['] = K_OPEN;
	for (i = 0; i < NSTOPS; i++)
		if (!cuckoo_put(&table[0][0], NULL, STOP_BITS, mult,
		    key_of((const unsigned char *)stops[i], strlen(stops[i]), 0), 0)) {
			memset(table, 0, sizeof(table));
			mult += 2 * 0x61C8864680B583EBULL;	/* another odd multiplier */
			i = (size_t)-1;
		}
	while (!fill_lex()) {
		memset(lex, 0, sizeof(lex));
		lex_mult += 2 * 0x61C8864680B583EBULL;
	}
}

/* LEX_CUE, LEX_YOU or 0 for key; no branch, as stop_key(). */
static unsigned
lex_key(uint64_t key)
{
	size_t a = slot_by(key, 0, lex_mult, LEX_BITS);
	size_t b = slot_by(key, 1, lex_mult, LEX_BITS);

	return (unsigned)((-(lex[0][a] == key) & lex_of[0][a]) |
	    (-(lex[1][b] == key) & lex_of[1][b]));
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

/* Whether s[0..n) ends in a question mark: ASCII, or U+061F ARABIC
 * QUESTION MARK. */
static int
asks(const char *s, size_t n)
{
	return (n > 0 && s[n - 1] == '?') ||
	    (n >= 2 && memcmp(s + n - 2, "\xD8\x9F", 2) == 0);
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
	if (s[n - 1] == '.' || s[n - 1] == '!' || asks(s, n))
		return 1;
	/* U+2026 HORIZONTAL ELLIPSIS, U+3002 IDEOGRAPHIC FULL STOP, U+0964
	 * and U+0965 DEVANAGARI DANDA and DOUBLE DANDA.  (The fullwidth
	 * ! and ? are ASCII by now.) */
	return n >= 3 && (memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0 ||
	    memcmp(s + n - 3, "\xE3\x80\x82", 3) == 0 ||
	    memcmp(s + n - 3, "\xE0\xA5\xA4", 3) == 0 ||
	    memcmp(s + n - 3, "\xE0\xA5\xA5", 3) == 0);
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
 * The flags that the ends of s[0..n) tell, in *f, which is cleared first;
 * returns whether the line ends in ":", which counts as inner punctuation.
 */
static int
line_flags(const char *s, size_t n, prose_feat *f)
{
	memset(f, 0, sizeof(*f));
	f->terminal = ends_sentence(s, n);
	f->question = asks(s, n);
	f->bullet = n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ';
	if (n >= 4 && (memcmp(s, "\xE2\x80\xA2 ", 4) == 0 ||
	    memcmp(s, "\xE2\x80\x93 ", 4) == 0))
		f->bullet = 1;	/* bullet, en dash */
	if (n >= 3 && s[0] == '[' && s[1] >= '0' && s[1] <= '9')
		f->bullet = 1;	/* [1] */
	return n > 0 && s[n - 1] == ':';
}

/* Whether the token ending at e (a space or the end of the line) ends in
 * ", " or in ": " that is not a headline's. */
static inline int
inner_at(const char *s, size_t e, size_t n)
{
	return (s[e - 1] == ',' || s[e - 1] == ':') && e < n &&
	    (s[e - 1] == ',' || !headline_colon(s + e + 1, n - e - 1));
}

/* The last byte of the word in a token that ends before e and holds a
 * letter or digit: one step back without a branch, for a word is often
 * followed by one mark, then a loop for the rare second. */
static size_t
word_end(const unsigned char *u, size_t e)
{
	size_t b = e - 1;

	b -= !(kind[u[b]] & (K_WORD | K_CONT));
	while (!(kind[u[b]] & (K_WORD | K_CONT)))
		b--;
	return b;
}

/*
 * The features of s[0..n) that prose_features() gives.  With early 1,
 * stops once prose_is_body() is certain to hold however the rest of the
 * line reads, and returns 1; the counts are partial then.  What remains
 * after a word can hold at most as many more words as it has spaces, none
 * of them a stop word at worst.
 */
static int
scan(const char *s, size_t n, prose_feat *f, int early)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, a, b, e, spaces = 0;
	/* Counted in locals, not in *f: the compiler must assume a call
	 * might read *f, and would keep them in memory for it. */
	unsigned words = 0, nstop = 0;
	int inner, sure = 0;

	pthread_once(&table_once, build_table);
	inner = line_flags(s, n, f);
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
		if (!inner)
			inner = inner_at(s, e, n);
		for (a = i; a < e && !(kind[u[a]] & K_WORD); a++)
			;
		if (a < e) {
			b = word_end(u, e);
			words++;
			/* No branch: stop word or not is a coin toss. */
			nstop += (unsigned)((b - a < STOP_MAX) &
			    stop_key(key_of(u + a, b + 1 - a, n - a)));
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
	f->words = words;
	f->stops = nstop;
	f->inner_punct = inner;
	return sure;
}

void
prose_features(const char *s, size_t n, prose_feat *f)
{
	scan(s, n, f, 0);
}

/* The first byte of a token u[0..n), past the quotes and brackets that
 * open it: 1 a capital, -1 a small letter, 0 neither (a digit, or a
 * script this cheap test does not know).  Latin-1 letters are told by
 * their second byte; other scripts' letters are neither.  Capital or
 * small is a coin toss, so it is looked up, not branched on. */
static int
initial_case(const unsigned char *u, size_t n)
{
	size_t i = 0;

	while (i < n && (kind[u[i]] & K_OPEN))
		i++;
	if (i == n)
		return 0;
	if (u[i] == 0xC3 && i + 1 < n)
		return u[i + 1] < 0x9F ? 1 : -1;
	return (kind[u[i]] >> K_CASE_SHIFT & 1) - (kind[u[i]] >> (K_CASE_SHIFT + 1) & 1);
}

/* The continuation bytes among the eight at u, as a mask for swar_count(). */
static uint64_t
cont_bytes(const unsigned char *u)
{
	uint64_t w = swar_load(u);

	return w & ~(w << 1) & SWAR_HIGHS;
}

/*
 * Whether the word u[0..n) has at most three characters, with n bytes
 * of it and avail from u on in the line.  The count is of the first
 * sixteen bytes without a loop whose end the branch predictor would miss
 * at every word; a word of more than twelve bytes cannot be that short.
 */
static int
short_word(const unsigned char *u, size_t n, size_t avail)
{
	size_t i, k = 0, n0, n1;

	if (avail < 16) {
		for (i = 0; i < n && i < 16; i++)
			k += (u[i] & 0xC0) == 0x80;
		return n - k <= 3;
	}
	n0 = n < 8 ? n : 8;
	n1 = n < 16 ? n - n0 : 8;
	k = swar_count(cont_bytes(u) & (n0 == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n0)) - 1)) +
	    swar_count(cont_bytes(u + 8) & (n1 == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n1)) - 1));
	return n - k <= 3;
}

/* prose_measure() reads this many words of a line word by word; the
 * ratios of a long line are those of its start.  Eight cost half what
 * 24 did, and the model read from them is no worse out of fold (F1 0.889
 * with 24, 0.891 with 12, 0.892 with 8). */
#define MEASURE_WORDS 8

/* The counts per word of a line's first words. */
struct sample {
	unsigned words, stops, upper, lower, shorts, cues, yous;
	int inner;
	size_t inside;	/* bytes in tokens so far */
};

/* 64 bytes of a line from base on as bit masks, bit k for byte base + k:
 * spaces, letters and digits (K_WORD), those or continuation bytes, and
 * the bytes that start a character.  Past the end of the line there are
 * spaces. */
struct block {
	size_t base;
	uint64_t space, word, wordcont, lead;
};

/* The masks of the 64 bytes at p into k. */
static void
block_masks(const unsigned char *p, struct block *k)
{
	int j;

	k->space = k->word = k->wordcont = k->lead = 0;
#if defined(__SSE2__)
	for (j = 0; j < 64; j += 16) {
		__m128i v = sse_load(p + j);
		__m128i alnum = _mm_or_si128(sse_in(v, '0', '9'),
		    sse_in(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'));
		uint64_t cont = (unsigned)_mm_movemask_epi8(sse_in(v, 0x80, 0xBF));
		uint64_t wc = (unsigned)(_mm_movemask_epi8(alnum) | _mm_movemask_epi8(v));

		k->space |= (uint64_t)(unsigned)_mm_movemask_epi8(sse_eq(v, ' ')) << j;
		k->wordcont |= wc << j;
		k->word |= (wc & ~cont) << j;
		k->lead |= (~cont & 0xFFFF) << j;
	}
#else
	for (j = 0; j < 64; j++) {
		k->space |= (uint64_t)(p[j] == ' ') << j;
		k->word |= (uint64_t)(kind[p[j]] & K_WORD) << j;
		k->wordcont |= (uint64_t)((kind[p[j]] & (K_WORD | K_CONT)) != 0) << j;
		k->lead |= (uint64_t)((p[j] & 0xC0) != 0x80) << j;
	}
#endif
}

/* Whether x, the lead bytes of a word of n bytes from its first on, has
 * at most three characters; one of more than twelve bytes has not. */
static int
short_bits(uint64_t x, size_t n)
{
	x &= ((uint64_t)1 << (n < 13 ? n : 13)) - 1;
	x &= x - 1;
	x &= x - 1;
	x &= x - 1;
	return (n <= 12) & (x == 0);
}

/*
 * Adds the token s[i..e) of s[0..n) to c, as scan() counts it; 1 once
 * that makes MEASURE_WORDS words.  The token ends in block k; if it
 * starts there too, its word is found in the masks, not by loads that
 * the rest of the work would wait on.
 */
static inline int
sample_token(const char *s, size_t i, size_t e, size_t n, const struct block *k,
    struct sample *c)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t a, b;
	uint64_t in, key;
	unsigned lx;
	int sh, cs;

	c->inside += e - i;
	if (!c->inner)
		c->inner = inner_at(s, e, n);
	if (i >= k->base) {
		in = ~(uint64_t)0 << (i - k->base) & (((uint64_t)1 << (e - k->base)) - 1);
		if ((k->word & in) == 0)
			return 0;
		a = k->base + (size_t)__builtin_ctzll(k->word & in);
		b = k->base + 63 - (size_t)__builtin_clzll(k->wordcont & in);
		sh = short_bits(k->lead >> (a - k->base), b + 1 - a);
	} else {
		for (a = i; a < e && !(kind[u[a]] & K_WORD); a++)
			;
		if (a == e)
			return 0;
		b = word_end(u, e);
		sh = short_word(u + a, b + 1 - a, n - a);
	}
	cs = initial_case(u + i, e - i);
	c->upper += cs > 0;
	c->lower += cs < 0;
	c->shorts += (unsigned)sh;
	key = key_of(u + a, b + 1 - a, n - a);
	c->stops += (unsigned)((b - a < STOP_MAX) & stop_key(key));
	lx = lex_key(key);
	c->cues += lx & LEX_CUE;
	c->yous += lx >> 1;
	return ++c->words == MEASURE_WORDS;
}

/*
 * The tokens of s[0..n), to MEASURE_WORDS words, into c; returns where
 * the last one read ends.  Tokens are found 64 bytes at a time from the
 * spaces' mask: a token starts after a space (or at the start of the
 * line) and ends at a space after something else.  Starts and ends
 * alternate, so the j-th start of a block goes with its j-th end, but
 * for a token left over from the block before; finding one is a bit
 * cleared, where a loop over the bytes would wait on each load.
 */
static size_t
sample_line(const char *s, size_t n, struct sample *c)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char pad[64];
	struct block k;
	size_t i = 0, e;
	uint64_t after, starts, ends, open = 0, before = 1;

	/* A token that runs to the end of a line of whole blocks ends in a
	 * block of padding only. */
	for (k.base = 0; k.base < n || (open && k.base == n); k.base += 64) {
		if (n - k.base >= 64)
			block_masks(u + k.base, &k);
		else {
			memset(pad, ' ', sizeof(pad));
			memcpy(pad, u + k.base, n - k.base);
			block_masks(pad, &k);
		}
		after = k.space << 1 | before;
		before = k.space >> 63;
		starts = ~k.space & after;
		ends = k.space & ~after;
		for (; ends != 0; ends &= ends - 1) {
			e = k.base + (size_t)__builtin_ctzll(ends);
			if (!open) {
				i = k.base + (size_t)__builtin_ctzll(starts);
				starts &= starts - 1;
			}
			open = 0;
			if (sample_token(s, i, e, n, &k, c))
				return e;
		}
		if (starts != 0) {
			i = k.base + (size_t)__builtin_ctzll(starts);
			open = 1;
		}
	}
	return n;
}

/*
 * The features of s[0..n) that prose_features() gives, with the counts
 * per word: these of the first MEASURE_WORDS words, scaled to the whole
 * line, whose words after them count by their spaces alone.  The line
 * has spaces spaces.
 */
static void
measure_words(const char *s, size_t n, prose_feat *f, size_t spaces)
{
	struct sample c = { 0 };
	size_t e;
	unsigned words;

	pthread_once(&table_once, build_table);
	c.inner = line_flags(s, n, f);
	e = sample_line(s, n, &c);
	words = c.words;
	if (c.words == MEASURE_WORDS) {
		/* The spaces still ahead: those of the line less those between
		 * the tokens read; then the counts scaled to the whole line. */
		words += (unsigned)(spaces - (e - c.inside));
		c.stops = c.stops * words / c.words;
		c.upper = c.upper * words / c.words;
		c.lower = c.lower * words / c.words;
		c.shorts = c.shorts * words / c.words;
		c.cues = c.cues * words / c.words;
		c.yous = c.yous * words / c.words;
	}
	f->cues = c.cues;
	f->yous = c.yous;
	f->words = words;
	f->stops = c.stops;
	f->upper = c.upper;
	f->lower = c.lower;
	f->shorts = c.shorts;
	f->inner_punct = c.inner;
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

/*
 * What prose_measure() counts of a line's bytes, in one pass: the byte
 * classes, and what the rare bytes that may start or end a separator, a
 * copyright or a web address tell.
 */
struct tally {
	size_t cont, space, digit, comma;
	size_t signs;		/* printable ASCII but letters: digits and
				   punctuation */
	unsigned seps;		/* | and what separator_at() finds */
	int web, copyright;
};

/*
 * The rare byte at u[i] of u[0..n): '@' and the ':' of http:// and
 * https:/ make a web address, "www." is found by its '.' (only one that
 * follows a 'w' gets here), '(' may open "(c)", and '|', C2 and E2 start
 * the separators of separator_at() (C2 the copyright sign too).
 */
static void
rare_at(const unsigned char *u, size_t i, size_t n, struct tally *t)
{
	const char *s = (const char *)u;

	switch (u[i]) {
	case '@':
		t->web = 1;
		break;
	case ':':
		t->web |= (i >= 4 && at(s, i - 4, n, "http://", 7)) ||
		    (i >= 5 && at(s, i - 5, n, "https:/", 7));
		break;
	case '.':
		t->web |= i >= 3 && at(s, i - 3, n, "www.", 4);
		break;
	case '(':
		t->copyright |= at(s, i, n, "(c)", 3) || at(s, i, n, "(C)", 3);
		break;
	case 0xC2:
		t->copyright |= i + 1 < n && u[i + 1] == 0xA9;
		/* FALLTHROUGH */
	default:
		t->seps += separator_at(u, i, n);
		break;
	}
}

#if !defined(__SSE2__)
/* One byte at a time, where there is no SIMD. */
static void
tally_bytes(const unsigned char *u, size_t n, struct tally *t)
{
	size_t i;
	unsigned c;

	for (i = 0; i < n; i++) {
		c = u[i];
		t->cont += (c & 0xC0) == 0x80;
		t->space += c == ' ';
		t->digit += c - '0' < 10;
		t->signs += c - '!' < 94 && (c | 0x20) - 'a' >= 26;
		t->comma += c == ',';
		if (c == '@' || c == ':' || c == '(' || c == '|' || c == 0xC2 || c == 0xE2 ||
		    (c == '.' && i > 0 && u[i - 1] == 'w'))
			rare_at(u, i, n, t);
	}
}
#endif

#if defined(__SSE2__) || defined(SWAR_SSSE3)
/* The rare bytes of a block as a bit mask (bit k for byte k), given the
 * masks of its rare bytes, its dots and its w's, and *w, the w's of the
 * block before, which it then sets to this block's. */
static uint32_t
rare_mask(uint32_t rare, uint32_t dots, uint32_t ws, uint32_t *w, int width)
{
	uint32_t m = rare | (dots & (ws << 1 | *w >> (width - 1)));

	*w = ws;
	return m;
}

/* Visits the rare bytes in mask m of the block at u[base..]. */
static void
rare_visit(const unsigned char *u, size_t base, size_t n, uint32_t m, struct tally *t)
{
	for (; m != 0; m &= m - 1)
		rare_at(u, base + (size_t)__builtin_ctz(m), n, t);
}

/* At most this many blocks are counted in bytes before they are added
 * up: a byte's count must not pass 255. */
#define RUN 255

/* Zeros, then 0xFF: sixteen or 32 bytes from ramp + 32 - k keep all but
 * the first k bytes of a block. */
static const unsigned char ramp[64] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/* Visits the rare bytes of k blocks of width bytes from u[base..], each
 * block's in marks: after a run of blocks, so that the loop over them
 * calls nothing, for a call would make the compiler keep its counts in
 * memory. */
static void
rare_marks(const unsigned char *u, size_t base, size_t n, const uint32_t *marks,
    size_t k, size_t width, struct tally *t)
{
	size_t j;

	for (j = 0; j < k; j++)
		if (marks[j] != 0)
			rare_visit(u, base + j * width, n, marks[j], t);
}

#endif

#if defined(__SSE2__)
/* The counts of a run of blocks, one byte for each place in a block: a
 * match is 0xFF, and subtracting it adds one. */
struct sse_acc {
	__m128i cont, space, digit, signs, comma;
};

static inline void
sse_count(__m128i v, struct sse_acc *a)
{
	a->cont = _mm_sub_epi8(a->cont, sse_in(v, 0x80, 0xBF));
	a->space = _mm_sub_epi8(a->space, sse_eq(v, ' '));
	a->digit = _mm_sub_epi8(a->digit, sse_in(v, '0', '9'));
	a->signs = _mm_sub_epi8(a->signs, _mm_andnot_si128(sse_in(_mm_or_si128(v,
	    _mm_set1_epi8(0x20)), 'a', 'z'), sse_in(v, '!', '~')));
	a->comma = _mm_sub_epi8(a->comma, sse_eq(v, ','));
}

/* The rare bytes of the block v; *w is as for rare_mask(). */
static inline uint32_t
sse_rare(__m128i v, uint32_t *w)
{
	__m128i rare = _mm_or_si128(_mm_or_si128(_mm_or_si128(sse_eq(v, '@'), sse_eq(v, ':')),
	    _mm_or_si128(sse_eq(v, '('), sse_eq(v, '|'))), _mm_or_si128(sse_eq(v, 0xC2), sse_eq(v, 0xE2)));

	return rare_mask((uint32_t)_mm_movemask_epi8(rare),
	    (uint32_t)_mm_movemask_epi8(sse_eq(v, '.')),
	    (uint32_t)_mm_movemask_epi8(sse_eq(v, 'w')), w, 16);
}

static void
sse_add(const struct sse_acc *a, struct tally *t)
{
	t->cont += sse_sum(a->cont);
	t->space += sse_sum(a->space);
	t->digit += sse_sum(a->digit);
	t->signs += sse_sum(a->signs);
	t->comma += sse_sum(a->comma);
}

/* Counts p[0..len), len at least 16, the bytes of u[0..n) but for the
 * zeros after a short line, sixteen at a time; the last block ends with
 * the line, and its bytes counted before are zeroed. */
static void
tally_sse2(const unsigned char *p, size_t len, const unsigned char *u, size_t n,
    struct tally *t)
{
	const __m128i zero = _mm_setzero_si128();
	uint32_t marks[RUN], any, w = 0;
	size_t i = 0, k, start;
	__m128i v;

	while (i < len) {
		struct sse_acc a = { zero, zero, zero, zero, zero };

		start = i;
		any = 0;
		for (k = 0; k < RUN && i + 16 <= len; k++, i += 16) {
			v = sse_load(p + i);
			sse_count(v, &a);
			any |= marks[k] = sse_rare(v, &w);
		}
		if (k < RUN && i < len) {
			v = sse_load(p + len - 16);
			sse_count(_mm_and_si128(v, sse_load(ramp + 16 + (len - i))), &a);
			any |= marks[k++] = sse_rare(v, &w) >> (16 - (len - i));
			i = len;
		}
		sse_add(&a, t);
		if (any != 0)
			rare_marks(u, start, n, marks, k, 16, t);
	}
}
#endif

#if defined(SWAR_SSSE3)
/* The same 32 bytes at a time with AVX2 (the caller checks the CPU). */
struct avx_acc {
	__m256i cont, space, digit, signs, comma;
};

__attribute__((target("avx2"))) static inline void
avx_count(__m256i v, struct avx_acc *a)
{
	a->cont = _mm256_sub_epi8(a->cont, avx_in(v, 0x80, 0xBF));
	a->space = _mm256_sub_epi8(a->space, avx_eq(v, ' '));
	a->digit = _mm256_sub_epi8(a->digit, avx_in(v, '0', '9'));
	a->signs = _mm256_sub_epi8(a->signs, _mm256_andnot_si256(avx_in(_mm256_or_si256(v,
	    _mm256_set1_epi8(0x20)), 'a', 'z'), avx_in(v, '!', '~')));
	a->comma = _mm256_sub_epi8(a->comma, avx_eq(v, ','));
}

/*
 * The rare bytes, '.' and 'w' by the halves of each byte (avx_nibbles()):
 * a bit of lo[b & 15] & hi[b >> 4] for each, '.' in bit 6 and 'w' in bit
 * 7, where movemask finds them; the rare ones in the bits below, one for
 * each pair of a high half and the low halves that go with it (C2 and E2
 * share one).  Three constants instead of eight compares, which left the
 * compiler short of registers.
 */
static const unsigned char nib_lo[16] = {
	0x02, 0, 0x01, 0, 0, 0, 0, 0x80, 0x04, 0, 0x08, 0, 0x10, 0, 0x40, 0,
};
static const unsigned char nib_hi[16] = {
	0, 0, 0x44, 0x08, 0x02, 0, 0, 0x90, 0, 0, 0, 0, 0x01, 0, 0x01, 0,
};

__attribute__((target("avx2"))) static inline uint32_t
avx_rare(__m256i v, uint32_t *w)
{
	__m256i x = avx_nibbles(v, _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)nib_lo)),
	    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)nib_hi)));
	uint32_t rare = ~avx_mask(avx_eq(_mm256_and_si256(x, _mm256_set1_epi8(0x1F)), 0));

	return rare_mask(rare, avx_mask(_mm256_add_epi8(x, x)), avx_mask(x), w, 32);
}

__attribute__((target("avx2"))) static void
avx_add(const struct avx_acc *a, struct tally *t)
{
	t->cont += avx_sum(a->cont);
	t->space += avx_sum(a->space);
	t->digit += avx_sum(a->digit);
	t->signs += avx_sum(a->signs);
	t->comma += avx_sum(a->comma);
}

/* As tally_sse2(), len at least 32. */
__attribute__((target("avx2"))) static void
tally_avx2(const unsigned char *p, size_t len, const unsigned char *u, size_t n,
    struct tally *t)
{
	const __m256i zero = _mm256_setzero_si256();
	uint32_t marks[RUN], any, w = 0;
	size_t i = 0, k, start;
	__m256i v;

	while (i < len) {
		struct avx_acc a = { zero, zero, zero, zero, zero };

		start = i;
		any = 0;
		for (k = 0; k < RUN && i + 32 <= len; k++, i += 32) {
			v = avx_load(p + i);
			avx_count(v, &a);
			any |= marks[k] = avx_rare(v, &w);
		}
		if (k < RUN && i < len) {
			v = avx_load(p + len - 32);
			avx_count(_mm256_and_si256(v, avx_load(ramp + (len - i))), &a);
			any |= marks[k++] = avx_rare(v, &w) >> (32 - (len - i));
			i = len;
		}
		avx_add(&a, t);
		if (any != 0)
			rare_marks(u, start, n, marks, k, 32, t);
	}
}
#endif

/* Counts u[0..n) into t, with the widest SIMD the CPU has.  A short line
 * is read from a block of zeros, which no class holds. */
static void
tally_line(const unsigned char *u, size_t n, struct tally *t)
{
	unsigned char pad[32] = { 0 };
	const unsigned char *p = u;
	size_t len = n;

	memset(t, 0, sizeof(*t));
	if (n < sizeof(pad)) {
		if (n > 0)
			memcpy(pad, u, n);
		p = pad;
		len = sizeof(pad);
	}
#if defined(SWAR_SSSE3)
	if (__builtin_cpu_supports("avx2")) {
		tally_avx2(p, len, u, n, t);
		return;
	}
#endif
#if defined(__SSE2__)
	tally_sse2(p, len, u, n, t);
#else
	(void)p;
	(void)len;
	tally_bytes(u, n, t);
#endif
}

void
prose_measure(const char *s, size_t n, prose_feat *f)
{
	const unsigned char *u = (const unsigned char *)s;
	struct tally t;
	size_t punct;

	tally_line(u, n, &t);
	measure_words(s, n, f, t.space);
	punct = t.signs - t.digit;
	f->digits = t.digit > 0;
	f->digitc = (unsigned)t.digit;
	f->punct = (unsigned)punct;
	f->commas = (unsigned)t.comma;
	f->chars = (unsigned)(n - t.cont);
	f->letters = (unsigned)(n - t.space - f->digitc - punct);
	f->seps = t.seps;
	f->web = t.web;
	f->copyright = t.copyright;
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
