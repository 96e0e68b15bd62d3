/*
 * Boot: kernel options and the registered boot steps.
 *
 * Kernel options are the command-line arguments that start with "graft.";
 * they are kept here for graft_option() and removed from what main() sees.
 * Boot steps live in the "graft_init" section (include/graft/init.h); the
 * section bounds are weak, so an image with no step still links.
 */
#include <stdlib.h>
#include <string.h>

#include <graft/error.h>
#include <graft/init.h>
#include <graft/log.h>

#include "kinit.h"

#define OPTION_PREFIX "graft."

extern const struct graft_init_step __start_graft_init[]
	__attribute__((weak));
extern const struct graft_init_step __stop_graft_init[]
	__attribute__((weak));

static char **options;
static int noptions;

const char *graft_option(const char *key)
{
	size_t klen = strlen(key);

	/* The last one given wins. */
	for (int i = noptions - 1; i >= 0; i--) {
		const char *o = options[i] + strlen(OPTION_PREFIX);

		if (strncmp(o, key, klen) != 0)
			continue;
		if (o[klen] == '=')
			return o + klen + 1;
		if (o[klen] == '\0')
			return "";
	}
	return NULL;
}

int init_split_args(int argc, char **argv, int *app_argc, char ***app_argv)
{
	size_t plen = strlen(OPTION_PREFIX);
	char **app;
	int n = 0;

	options = malloc((argc + 1) * sizeof(char *));
	app = malloc((argc + 1) * sizeof(char *));
	if (!options || !app) {
		free(options);
		free(app);
		options = NULL;
		return GRAFT_ENOMEM;
	}
	noptions = 0;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && argv[i] && strncmp(argv[i], OPTION_PREFIX, plen) == 0)
			options[noptions++] = argv[i];
		else
			app[n++] = argv[i];
	}
	app[n] = NULL;
	*app_argc = n;
	*app_argv = app;
	return 0;
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void init_apply_options(void)
{
	const char *level = graft_option("log");

	if (!level)
		return;
	for (int i = 0; i < 4; i++) {
		if (strcmp(level, level_names[i]) == 0) {
			graft_log_set_level(i);
			return;
		}
	}
	graft_log(GRAFT_LOG_WARN, "kernel",
		  "option graft.log=%s: unknown level (error, warn, info, "
		  "debug)", level);
}

/* The step with the lowest (order, position in the section) above the
 * previous one:
 * O(n^2) over a handful of steps, and no memory needed. */
static const struct graft_init_step *next_step(const struct graft_init_step *prev)
{
	const struct graft_init_step *best = NULL;

	for (const struct graft_init_step *s = __start_graft_init;
	     s < __stop_graft_init; s++) {
		if (prev && (s->order < prev->order ||
			     (s->order == prev->order && s <= prev)))
			continue;
		if (!best || s->order < best->order)
			best = s;
	}
	return best;
}

void init_run_steps(void)
{
	const struct graft_init_step *s = NULL;

	if (!__start_graft_init || !__stop_graft_init)
		return;
	while ((s = next_step(s))) {
		int rc;

		graft_log(GRAFT_LOG_DEBUG, "kernel", "boot step %s (%d)",
			  s->name, s->order);
		rc = s->fn();
		if (rc < 0)
			graft_panic("boot step '%s' failed: %s", s->name,
				    graft_strerror(rc));
	}
}
