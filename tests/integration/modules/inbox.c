/*
 * inbox: a module for the upgrade tests, one source built four ways
 * (tests/integration/build.mk: versions 1 and 2, native and bytecode).
 * Version 1 leaves every message in its mailbox, as a module would that
 * had not got round to it when the upgrade came; version 2 (-DINBOX_V2)
 * takes each and sends it to the host as "v2 got: MESSAGE".  So what the
 * host reads back after an upgrade is what was queued for version 1.
 * Version 3 (-DINBOX_V3, bytecode only) has no message callback, so
 * cannot take them.
 */
#include <graft/modapi.h>
#include <graft/module.h>

#ifdef INBOX_V2
GRAFT_MODULE("inbox", "2", "MIT");

static char msg[GRAFT_MOD_MSG_MAX];
static char reply[GRAFT_MOD_MSG_MAX + 8] = "v2 got: ";

static void inbox_message(void)
{
	char from[GRAFT_MODULE_NAME_MAX];
	int n, i;

	while ((n = graft_mod_recv(from, msg, sizeof(msg))) >= 0) {
		for (i = 0; i < n; i++)
			reply[8 + i] = msg[i];
		graft_mod_send(GRAFT_MOD_HOST, reply, 8 + (size_t)n);
	}
}
GRAFT_MODULE_MESSAGE(inbox_message);
#elif defined(INBOX_V3)
GRAFT_MODULE("inbox", "3", "MIT");
#else
GRAFT_MODULE("inbox", "1", "MIT");

static void inbox_message(void)
{
}
GRAFT_MODULE_MESSAGE(inbox_message);
#endif
