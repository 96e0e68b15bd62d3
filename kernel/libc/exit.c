/* exit() and abort() for guest code: straight to the platform.  Guest-only
 * (a hosted test links glibc's). */
#include <graft/platform.h>
#include <stdlib.h>

void exit(int status)
{
	plat_exit(status);
}

void abort(void)
{
	plat_abort("abort() called");
}
