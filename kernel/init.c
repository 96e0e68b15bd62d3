/*
 * Boot: kernel options and the registered boot steps.
 *
 * Kernel options are the command-line arguments that start with "graft.";
 * they are kept here for graft_option() and removed from what main() sees;
 * one that nothing has read by the time main() starts is reported.
 * Boot steps live in the "graft_init" section (include/graft/init.h); the
 * section bounds are weak, so an image with no step still links.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <graft/error.h>
#include <graft/init.h>
#include <graft/log.h>

#include "kinit.h"
#include <graft/module.h>

#define OPTION_PREFIX "graft."

extern const struct graft_init_step __start_graft_init[] __attribute__((weak));
extern const struct graft_init_step __stop_graft_init[] __attribute__((weak));

static char **options;
static bool *option_read; /* per option: some graft_option() matched it */
static int noptions;

const char *graft_option(const char *key)
{
	size_t klen = strlen(key);

	/* The last one given wins. */
	for (int i = noptions - 1; i >= 0; i--) {
		const char *o = options[i] + strlen(OPTION_PREFIX);

		if (strncmp(o, key, klen) != 0)
			continue;
		if (o[klen] != '=' && o[klen] != '\0')
			continue;
		option_read[i] = true;
		return o[klen] == '=' ? o + klen + 1 : o + klen;
	}
	return NULL;
}
GRAFT_EXPORT(graft_option);

int init_split_args(int argc, char **argv, int *app_argc, char ***app_argv)
{
	size_t plen = strlen(OPTION_PREFIX);
	char **app;
	int n = 0;

	options = malloc((argc + 1) * sizeof(char *));
	option_read = calloc(argc + 1, sizeof(bool));
	app = malloc((argc + 1) * sizeof(char *));
	if (!options || !option_read || !app) {
		free(options);
		free(option_read);
		free(app);
		options = NULL;
		option_read = NULL;
		return GRAFT_ENOMEM;
	}
	noptions = 0;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && argv[i] &&
		    strncmp(argv[i], OPTION_PREFIX, plen) == 0)
			options[noptions++] = argv[i];
		else
			app[n++] = argv[i];
	}
	app[n] = NULL;
	*app_argc = n;
	*app_argv = app;
	return 0;
}

static const char *const level_names[] = {"error", "warn", "info", "debug"};

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
		  "debug)",
		  level);
}

void init_warn_unread_options(void)
{
	for (int i = 0; i < noptions; i++)
		if (!option_read[i])
			graft_log(GRAFT_LOG_WARN, "kernel",
				  "option %s: nothing in this image reads it "
				  "(a library missing from its manifest?)",
				  options[i]);
}

/* Steps in the section.  The bounds are two different symbols, so count
 * through their addresses rather than compare the pointers. */
static size_t step_count(void)
{
	if (!__start_graft_init || !__stop_graft_init)
		return 0;
	return ((uintptr_t)__stop_graft_init - (uintptr_t)__start_graft_init) /
	       sizeof(struct graft_init_step);
}

/* The index of the step with the lowest (order, index) above the previous
 * one (prev < 0: none yet), or -1: O(n^2) over a handful of steps, and no
 * memory needed. */
static long next_step(size_t n, long prev)
{
	const struct graft_init_step *s = __start_graft_init;
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (prev >= 0 &&
		    (s[i].order < s[prev].order ||
		     (s[i].order == s[prev].order && (long)i <= prev)))
			continue;
		if (best < 0 || s[i].order < s[best].order)
			best = i;
	}
	return best;
}

void init_run_steps(void)
{
	size_t n = step_count();

	for (long i = next_step(n, -1); i >= 0; i = next_step(n, i)) {
		const struct graft_init_step *s = &__start_graft_init[i];
		int rc;

		graft_log(GRAFT_LOG_DEBUG, "kernel", "boot step %s (%d)",
			  s->name, s->order);
		rc = s->fn();
		if (rc < 0)
			graft_panic("boot step '%s' failed: %s", s->name,
				    graft_strerror(rc));
	}
}
