/*
 * fuzz_decode.c - libFuzzer target for the streaming decoder and the
 * repairs.  The first byte picks an encoding and a piece size; the rest is
 * converted whole and in pieces.  Oracles: no sanitizer report, the same
 * UTF-8 either way, and well-formed UTF-8 that the repairs keep well-formed.
 */
#include <stdlib.h>
#include <string.h>

#include "text/decode.h"
#include "text/repair.h"
#include "text/utf8.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *const encodings[] = {
	"UTF-8", "UTF-16LE", "UTF-16BE", "ISO-8859-1", "WINDOWS-1252",
	"SHIFT_JIS", "GB18030", "UTF-32LE",
};

static void
convert(const char *enc, const unsigned char *p, size_t n, size_t step, buf *out)
{
	decoder *d = decoder_new(enc);
	size_t i;

	if (d == NULL)
		abort();
	for (i = 0; i < n; i += step)
		if (decoder_feed(d, (const char *)p + i, n - i < step ? n - i : step, 0, out) != 0)
			abort();
	if (decoder_feed(d, "", 0, 1, out) != 0)
		abort();
	decoder_free(d);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static repair_ctx *rc;
	const char *enc, *o;
	buf a = { 0 }, b = { 0 };
	size_t step, on;
	unsigned did;

	if (size < 1)
		return 0;
	if (rc == NULL)
		rc = repair_new(REPAIR_ALL);
	enc = encodings[data[0] & 7];
	step = (size_t)(data[0] >> 3) + 1;
	convert(enc, data + 1, size - 1, size, &a);
	convert(enc, data + 1, size - 1, step, &b);
	if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		abort();	/* depends on how the input was cut */
	if (a.len > 0 && utf8_valid_prefix(a.data, a.len) != a.len)
		abort();	/* not UTF-8 */
	if (a.len > 0) {
		if (repair_line(rc, a.data, a.len, 0, &o, &on, &did) != 0)
			abort();
		if (on > 0 && utf8_valid_prefix(o, on) != on)
			abort();
	}
	buf_free(&a);
	buf_free(&b);
	return 0;
}
