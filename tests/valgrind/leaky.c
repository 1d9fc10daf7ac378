/*
 * leaky: the self-test of `make valgrind`. It leaks a block and reads past another,
 * so tests/valgrind/run.sh can show that its valgrind options and log check do fail
 * on a definite leak and on an invalid read before it trusts a clean pass.
 * With an argument it only leaks (no invalid read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	(void)argv;
	char *lost = malloc(64);
	if (!lost)
		return 1;
	strcpy(lost, "nobody frees this");
	volatile char sink = lost[0];
	/* The leak is the point: tell cppcheck. */
	/* cppcheck-suppress memleak */
	lost = NULL; /* the only pointer is gone: "definitely lost" */
	if (argc < 2) {
		char *small = malloc(8);
		if (!small)
			return 1;
		sink = ((volatile char *)small)[8]; /* one past the end: "Invalid read" */
		free(small);
	}
	(void)sink;
	puts("leaky: done");
	return 0;
}
