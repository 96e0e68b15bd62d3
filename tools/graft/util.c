/*
 * What the subcommands share: where the tree and the build directory are,
 * the build configuration the Makefile writes, argument vectors and
 * running programs.
 */
#include <err.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graft.h"

void *graft_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		err(1, "malloc");
	return p;
}

char *graft_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		err(1, "strdup");
	return p;
}

char *graft_path(const char *dir, const char *rest)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, rest) < 0)
		err(1, "asprintf");
	return p;
}

/* An absolute, resolved directory from the environment, or NULL. */
static char *env_dir(const char *var)
{
	const char *v = getenv(var);
	char *p;

	if (!v || !*v)
		return NULL;
	p = realpath(v, NULL);
	if (!p)
		err(1, "%s '%s'", var, v);
	return p;
}

static char *root_dir, *build_dir, *bin_dir;

/* The tool is BUILD/bin/graft and BUILD is ROOT/build, unless the
 * environment says otherwise. */
static void find_dirs(void)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (bin_dir)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		err(1, "/proc/self/exe");
	exe[n] = '\0';
	bin_dir = graft_xstrdup(dirname(exe));
	build_dir = env_dir("GRAFT_BUILD");
	if (!build_dir)
		build_dir = graft_xstrdup(dirname(graft_xstrdup(bin_dir)));
	root_dir = env_dir("GRAFT_ROOT");
	if (!root_dir)
		root_dir = graft_xstrdup(dirname(graft_xstrdup(build_dir)));
}

const char *graft_root(void)
{
	find_dirs();
	return root_dir;
}

const char *graft_build_dir(void)
{
	find_dirs();
	return build_dir;
}

const char *graft_bin_dir(void)
{
	find_dirs();
	return bin_dir;
}

struct config_entry {
	char *key, *value;
};

static struct config_entry *config;
static size_t nconfig;

/* BUILD/graft/config: "key=value" lines, written by tools/graft/build.mk. */
static void config_load(void)
{
	char *path = graft_path(graft_build_dir(), "graft/config");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "r");

	if (!f)
		err(1, "build configuration '%s' (run make)", path);
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *eq = strchr(line, '=');

		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		config = realloc(config, (nconfig + 1) * sizeof(*config));
		if (!config)
			err(1, "realloc");
		config[nconfig].key = graft_xstrdup(line);
		config[nconfig].value = graft_xstrdup(eq + 1);
		nconfig++;
	}
	free(line);
	fclose(f);
	free(path);
}

const char *graft_config(const char *key)
{
	if (!config)
		config_load();
	for (size_t i = 0; i < nconfig; i++)
		if (strcmp(config[i].key, key) == 0)
			return config[i].value;
	errx(1, "build configuration: no '%s' (rebuild with make)", key);
}

const char *graft_targets(void)
{
	return graft_config("targets");
}

int graft_is_target(const char *t)
{
	struct graft_argv list = {0};
	int found = 0;

	graft_argv_split(&list, graft_targets());
	for (size_t i = 0; i < list.n; i++)
		found |= strcmp(list.v[i], t) == 0;
	graft_argv_free(&list);
	return found;
}

void graft_argv_add(struct graft_argv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = realloc(a->v, a->cap * sizeof(*a->v));
		if (!a->v)
			err(1, "realloc");
	}
	a->v[a->n++] = graft_xstrdup(s);
	a->v[a->n] = NULL;
}

void graft_argv_add_once(struct graft_argv *a, const char *s)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], s) == 0)
			return;
	graft_argv_add(a, s);
}

void graft_argv_split(struct graft_argv *a, const char *s)
{
	char *copy = graft_xstrdup(s), *save = NULL;

	for (char *w = strtok_r(copy, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save))
		graft_argv_add(a, w);
	free(copy);
}

void graft_argv_addf(struct graft_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		err(1, "vasprintf");
	va_end(ap);
	graft_argv_add(a, s);
	free(s);
}

void graft_argv_free(struct graft_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

int graft_spawn(const struct graft_argv *a, const char *dir, int verbose)
{
	pid_t pid;
	int status;

	if (verbose) {
		for (size_t i = 0; i < a->n; i++)
			fprintf(stderr, "%s%s", i ? " " : "", a->v[i]);
		fputc('\n', stderr);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		warn("fork");
		return -1;
	}
	if (pid == 0) {
		if (dir && chdir(dir) < 0)
			err(127, "%s", dir);
		execvp(a->v[0], a->v);
		err(127, "%s", a->v[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			warn("waitpid");
			return -1;
		}
	if (WIFSIGNALED(status)) {
		warnx("%s: killed by signal %d", a->v[0], WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}
