/*
 * modhost: an instance that does nothing of its own and runs until the host
 * stops it (`graft stop`), so that modules can be loaded into it, listed,
 * upgraded and unloaded.  The demo and the module tests boot it.
 */
#include <stdio.h>

#include <graft/fiber.h>
#include <graft/time.h>

int main(int argc, char **argv)
{
	struct graft_waitq never = GRAFT_WAITQ_INIT;

	printf("modhost: ready for modules\n");
	graft_wait(&never, GRAFT_FOREVER);
	return 0;
}
