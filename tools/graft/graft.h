/*
 * The graft command: what its subcommands share.
 *
 * Each subcommand lives in its own file and declares itself with
 * GRAFT_COMMAND(); the entries land in the graft_cmds linker section, which
 * main() walks, so adding a subcommand touches one file.  Subcommands get
 * argv with their own name as argv[0] and their own entry, report errors with
 * err(3)/warnx and return the process's exit status.
 *
 * The tool finds the source tree and the build directory from its own path
 * (ROOT/build/bin/graft), or from $GRAFT_ROOT and $GRAFT_BUILD.
 */
#ifndef GRAFT_TOOL_H
#define GRAFT_TOOL_H

#include <stdio.h>

struct graft_cmd {
	const char *name;
	const char *synopsis; /* manual-page form, without "usage: graft " */
	const char *summary;  /* one line for `graft --help` */
	const char *options;  /* option lines for `graft NAME --help` */
	int (*run)(const struct graft_cmd *self, int argc, char **argv);
	const void *data; /* for commands that share one run function */
};

#define GRAFT_COMMAND(id, ...)                                                 \
	static const struct graft_cmd graft_cmd_##id __attribute__((           \
	    used, section("graft_cmds"), aligned(8))) = {__VA_ARGS__}

/* graft_usage - print "usage: graft SYNOPSIS" and the options to f. */
void graft_usage(const struct graft_cmd *cmd, FILE *f);

/* graft_bad_usage - the usage line on stderr; returns the status (2). */
int graft_bad_usage(const struct graft_cmd *cmd);

/* Paths, absolute, resolved once: the source tree, the build directory and
 * the directory holding graft and the tenders (BUILD/bin). */
const char *graft_root(void);
const char *graft_build_dir(void);
const char *graft_bin_dir(void);

/* graft_path - "DIR/REST" in a new string (never NULL). */
char *graft_path(const char *dir, const char *rest);

/* graft_config - the value of KEY in BUILD/graft/config, which the
 * Makefile writes (tools/graft/build.mk): the guest compiler and flags,
 * per-target linker scripts, where its tools are.  Exits with a one-line
 * error if the file or a required key is missing; "" for an empty value. */
const char *graft_config(const char *key);

/* A growable NULL-terminated argument vector. */
struct graft_argv {
	char **v;
	size_t n, cap;
};
void graft_argv_add(struct graft_argv *a, const char *s);
/* graft_argv_add_once - add s unless a already holds it. */
void graft_argv_add_once(struct graft_argv *a, const char *s);
/* graft_argv_split - add each blank-separated word of s. */
void graft_argv_split(struct graft_argv *a, const char *s);
void graft_argv_addf(struct graft_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void graft_argv_free(struct graft_argv *a);

/* graft_spawn - run a->v[0] with cwd dir (NULL: unchanged), printing the
 * command first when verbose.  Returns its exit status, or -1 after
 * warning when it could not run or was killed. */
int graft_spawn(const struct graft_argv *a, const char *dir, int verbose);

/* graft_targets - the targets the tool can build for, blank-separated. */
const char *graft_targets(void);
/* graft_is_target - whether t is one of them. */
int graft_is_target(const char *t);

void *graft_xmalloc(size_t n);
char *graft_xstrdup(const char *s);

#endif
