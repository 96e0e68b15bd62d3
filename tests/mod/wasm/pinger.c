/*
 * pinger: talks to another module.  At init it sends "ping" to the module
 * "echo"; whatever comes back it forwards to the host as
 * "pinger got 'TEXT' from NAME".
 */
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("pinger", "1.0", "MIT");

static int pinger_init(void)
{
	return graft_mod_send("echo", "ping", 4);
}

static size_t append(char *p, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[n++] = s[i];
	return n;
}

static void pinger_message(void)
{
	char from[GRAFT_MODULE_NAME_MAX], buf[64], out[128];
	size_t n;
	int len;

	while ((len = graft_mod_recv(from, buf, sizeof(buf))) >= 0) {
		n = append(out, 0, "pinger got '", 12);
		n = append(out, n, buf, (size_t)len);
		n = append(out, n, "' from ", 7);
		n = append(out, n, from, graft_mod_strlen(from));
		graft_mod_send(GRAFT_MOD_HOST, out, n);
	}
}

GRAFT_MODULE_INIT(pinger_init);
GRAFT_MODULE_MESSAGE(pinger_message);
