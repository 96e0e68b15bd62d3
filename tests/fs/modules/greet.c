/* A module that says hello when it starts and goodbye when it stops, for
 * the tests that load modules from a FAT volume (tests/fs/instance_modules.t).
 * GREET_NAME makes differently named copies of it. */
#include <stdio.h>

#include <graft/module.h>

#ifndef GREET_NAME
#define GREET_NAME "greet"
#endif

GRAFT_MODULE(GREET_NAME, "1.0", "MIT");

static int greet_init(void)
{
	printf("module %s: hello\n", GREET_NAME);
	return 0;
}
GRAFT_MODULE_INIT(greet_init);

static void greet_exit(void)
{
	printf("module %s: goodbye\n", GREET_NAME);
}
GRAFT_MODULE_EXIT(greet_exit);
