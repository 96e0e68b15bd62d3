/*
 * graft: the command-line tool.  Finds the subcommand named by argv[1]
 * among those declared with GRAFT_COMMAND (graft.h) and runs it.
 *
 *   graft COMMAND [ARGS...]
 *   graft [-h | --help]
 */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graft.h"

extern const struct graft_cmd __start_graft_cmds[], __stop_graft_cmds[];

/* The section's bounds are two symbols the linker places; counting by
 * address keeps the arithmetic off pointers into different objects. */
static size_t graft_ncmds(void)
{
	return ((uintptr_t)__stop_graft_cmds - (uintptr_t)__start_graft_cmds) /
	       sizeof(struct graft_cmd);
}

static int by_name(const void *a, const void *b)
{
	const struct graft_cmd *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void usage(FILE *f)
{
	size_t n = graft_ncmds();
	const struct graft_cmd **sorted = graft_xmalloc(n * sizeof(*sorted));

	for (size_t i = 0; i < n; i++)
		sorted[i] = &__start_graft_cmds[i];
	qsort(sorted, n, sizeof(*sorted), by_name);
	fprintf(f, "usage: graft COMMAND [ARGS...]\n"
		   "       graft COMMAND --help\n\ncommands:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-8s %s\n", sorted[i]->name, sorted[i]->summary);
	free(sorted);
}

void graft_usage(const struct graft_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: graft %s\n", cmd->synopsis);
	if (cmd->options && *cmd->options)
		fprintf(f, "\n%s", cmd->options);
}

int graft_bad_usage(const struct graft_cmd *cmd)
{
	fprintf(stderr, "usage: graft %s\n", cmd->synopsis);
	return 2;
}

int main(int argc, char **argv)
{

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < graft_ncmds(); i++)
		if (strcmp(__start_graft_cmds[i].name, argv[1]) == 0)
			return __start_graft_cmds[i].run(&__start_graft_cmds[i],
							 argc - 1, argv + 1);
	errx(2, "unknown command '%s' (see graft --help)", argv[1]);
}
