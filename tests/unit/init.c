/* Boot internals (kernel/init.c): kernel options split from argv and found
 * by graft_option, graft.log applied, GRAFT_INIT steps run in order. */
#include <string.h>

#include "tap.h"
#include "kinit.h"
#include <graft/init.h>
#include <graft/log.h>

static char order[16];

static void note(char c)
{
	size_t n = strlen(order);

	order[n] = c;
	order[n + 1] = '\0';
}

static int step_late(void)
{
	note('L');
	return 0;
}

static int step_early(void)
{
	note('E');
	return 0;
}

static int step_services_a(void)
{
	note('a');
	return 0;
}

static int step_services_b(void)
{
	note('b');
	return 0;
}

GRAFT_INIT(step_late, GRAFT_INIT_LATE);
GRAFT_INIT(step_services_a, GRAFT_INIT_SERVICES);
GRAFT_INIT(step_early, GRAFT_INIT_EARLY);
GRAFT_INIT(step_services_b, GRAFT_INIT_SERVICES);

int main(void)
{
	char *argv[] = {"app",
			"graft.log=debug",
			"x",
			"graft.seal",
			"graft.log=warn",
			"graft.",
			"-v",
			NULL};
	char **app;
	int n;

	is_int(init_split_args(7, argv, &n, &app), 0, "split the arguments");
	is_int(n, 3, "three arguments remain for main");
	ok(strcmp(app[0], "app") == 0 && strcmp(app[1], "x") == 0 &&
	       strcmp(app[2], "-v") == 0 && app[3] == NULL,
	   "in order, NULL-terminated, kernel options removed");
	is_str(graft_option("log"), "warn",
	       "the last of a repeated option wins");
	is_str(graft_option("seal"), "", "a bare option has an empty value");
	ok(graft_option("lo") == NULL, "a prefix of a key does not match");
	ok(graft_option("nope") == NULL, "an absent option is NULL");
	init_apply_options();
	is_int(graft_log_get_level(), GRAFT_LOG_WARN,
	       "graft.log sets the level");
	init_run_steps();
	ok(strcmp(order, "EabL") == 0 || strcmp(order, "EbaL") == 0,
	   "boot steps run by order, each once (got %s)", order);
	return done_testing();
}
