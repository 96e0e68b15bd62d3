/*
 * The test program's side of the module tests' API: what fixture modules
 * may call (marked GRAFT_EXPORT; the build generates the table), and the
 * records the tests read back.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/module.h>
#include "kernel/mod/mod.h"
#include "testapi.h"
#include "harness.h"

int test_var = 1234;
GRAFT_EXPORT(test_var);

int test_add_one(int x)
{
	return x + 1;
}
GRAFT_EXPORT(test_add_one);

void test_note(const char *what)
{
	strncpy(test_last_note, what, sizeof(test_last_note) - 1);
	test_notes++;
}
GRAFT_EXPORT(test_note);

static void release_resource(struct mod_resource *r)
{
	test_released++;
	free(r);
}

/* A stand-in for a timer or device a module registers. */
int test_track_resource(void)
{
	struct mod_resource *r = malloc(sizeof(*r));

	if (!r)
		return -2;
	mod_resource_track(r, release_resource);
	return 0;
}
GRAFT_EXPORT(test_track_resource);

/* The kernel exports its allocator; so does the test program (through the
 * counting wrappers, since the table is linked with -Wl,--wrap). */
GRAFT_EXPORT(malloc);
GRAFT_EXPORT(free);
GRAFT_EXPORT(memcpy);
