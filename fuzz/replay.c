/*
 * replay.c - runs a fuzz target over saved inputs without libFuzzer, so
 * that `make check` replays the fuzz corpus (and every crash once found)
 * as a regression test with the ordinary compiler.
 * Usage: replay FILE...; prints "ok N - FILE" per input.
 */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *d = NULL;
		size_t n = 0, cap = 0, k;

		if (f == NULL) {
			printf("not ok %d - %s: cannot open\n", i, argv[i]);
			continue;
		}
		do {
			if (n == cap && (d = realloc(d, cap = cap ? cap * 2 : 4096)) == NULL)
				abort();
			k = fread(d + n, 1, cap - n, f);
			n += k;
		} while (k > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(d, n);
		free(d);
		printf("ok %d - %s\n", i, argv[i]);
	}
	return 0;
}
