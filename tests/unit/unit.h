/*
 * unit.h - a minimal TAP producer for the unit tests.  Each CHECK prints
 * "ok N - what" or "not ok N - what"; tests/run.sh counts the lines.
 */
#ifndef UNBOIL_UNIT_H
#define UNBOIL_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define CHECK(cond, what)                                                   \
	do {                                                                \
		unit_n++;                                                   \
		if (cond)                                                   \
			printf("ok %d - %s\n", unit_n, what);               \
		else {                                                      \
			unit_failed++;                                      \
			printf("not ok %d - %s (%s:%d)\n", unit_n, what,    \
			    __FILE__, __LINE__);                            \
		}                                                           \
	} while (0)

/* Compares a byte range with a C string. */
#define SAME(p, n, s) ((n) == strlen(s) && memcmp((p), (s), (n)) == 0)

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed != 0;
}

#endif
