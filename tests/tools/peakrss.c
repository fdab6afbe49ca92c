/*
 * peakrss - runs a command and prints its peak resident set size in KiB on
 * standard error as "peakrss: N", and the CPU time it used (user and
 * system, in seconds) as "cpu: S", then exits with the command's status.
 * The memory-bound tests use it instead of GNU time, which Debian does not
 * install by default.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid;
	int st;

	if (argc < 2) {
		fprintf(stderr, "usage: peakrss command [arg...]\n");
		return 2;
	}
	if ((pid = fork()) < 0) {
		perror("peakrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("peakrss: exec");
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("peakrss: wait");
		return 2;
	}
	fprintf(stderr, "peakrss: %ld\ncpu: %.6f\n", ru.ru_maxrss,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
