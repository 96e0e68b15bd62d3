/*
 * echo: a message echo module.  Every message it receives goes back to its
 * sender (a module, or the host) unchanged.
 */
#include <graft/error.h>
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("echo", "1.0", "MIT");

static char buf[GRAFT_MOD_MSG_MAX];

static void echo_message(void)
{
	char from[GRAFT_MODULE_NAME_MAX];
	int n;

	while ((n = graft_mod_recv(from, buf, sizeof(buf))) >= 0)
		graft_mod_send(from, buf, (size_t)n);
}

GRAFT_MODULE_MESSAGE(echo_message);
