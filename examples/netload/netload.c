/*
 * netload: modules over the network.  Each argument is an http:// URL of a
 * module (native .o or bytecode .wasm); netload fetches it over lib/net's
 * blocking API, hands the bytes to the module manager (mod_load, the same
 * buffer API as the control channel and the disk), then stays up like
 * modhost so that more can be loaded with `graft load`.
 *
 *	graft run --net tap0 --ip 192.0.2.2/24 build/images/netload.hvt -- \
 *		http://192.0.2.1:8000/hello.o
 *
 * HTTP/1.0, one request per connection, the response read whole up to
 * CTL_MAX_MESSAGE bytes; anything but a 200 with a body is refused with a
 * line that names the URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/ctl.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/net.h>
#include <graft/time.h>

#include "kernel/mod/mod.h"

#define FETCH_NS (20 * GRAFT_NSEC_PER_SEC)

struct url {
	uint32_t ip;
	uint16_t port;
	const char *path;
};

/* "http://A.B.C.D[:PORT]/PATH" (no names: no resolver needed). */
static int parse_url(const char *s, struct url *u)
{
	unsigned long part;
	char *end;

	if (strncmp(s, "http://", 7) != 0)
		return GRAFT_EINVAL;
	s += 7;
	u->ip = 0;
	for (int i = 0; i < 4; i++) {
		part = strtoul(s, &end, 10);
		if (end == s || part > 255 || (i < 3 && *end != '.'))
			return GRAFT_EINVAL;
		u->ip = u->ip << 8 | part;
		s = end + (i < 3);
	}
	u->port = 80;
	if (*s == ':') {
		part = strtoul(s + 1, &end, 10);
		if (end == s + 1 || part == 0 || part > 65535)
			return GRAFT_EINVAL;
		u->port = (uint16_t)part;
		s = end;
	}
	if (*s != '/')
		return GRAFT_EINVAL;
	u->path = s;
	return 0;
}

/* The response, whole, into a new buffer; *len its size. */
static int fetch(struct net_stack *s, const struct url *u, char **out,
		 size_t *len)
{
	size_t cap = 64 << 10, n = 0;
	char *buf = malloc(cap), req[512];
	struct net_conn *c;
	uint64_t deadline = graft_now() + FETCH_NS;
	int err;
	long got;

	if (!buf)
		return GRAFT_ENOMEM;
	err = net_blocking_connect(s, u->ip, u->port, deadline, &c);
	if (err) {
		free(buf);
		return err;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", u->path);
	err = net_blocking_write(c, req, strlen(req), deadline, NULL);
	while (!err) {
		if (n == cap) {
			char *bigger = cap > CTL_MAX_MESSAGE
					   ? NULL
					   : realloc(buf, cap * 2);

			if (!bigger) {
				err = GRAFT_EMSGSIZE;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		got = net_blocking_read(c, buf + n, cap - n, deadline);
		if (got == 0)
			break;
		if (got < 0)
			err = (int)got;
		else
			n += (size_t)got;
	}
	net_blocking_close(c);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Where the body starts (after the blank line), or NULL. */
static char *body_of(char *resp, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(resp + i, "\r\n\r\n", 4) == 0)
			return resp + i + 4;
	return NULL;
}

/* The length of the status line, for messages. */
static int status_len(const char *resp, size_t len)
{
	size_t n = 0;

	while (n < len && n < 64 && resp[n] != '\r' && resp[n] != '\n')
		n++;
	return (int)n;
}

static void load_url(struct net_stack *s, const char *arg)
{
	struct mod_load_opts opts = {.source = arg};
	char *resp, *body, err[256] = "";
	struct url u;
	struct mod *m;
	size_t len;
	int rc = parse_url(arg, &u);

	if (rc) {
		printf("netload: '%s': not an http://A.B.C.D[:PORT]/PATH URL\n",
		       arg);
		return;
	}
	rc = fetch(s, &u, &resp, &len);
	if (rc) {
		printf("netload: '%s': %s\n", arg, graft_strerror(rc));
		return;
	}
	body = body_of(resp, len);
	if (len < 12 || strncmp(resp + 8, " 200", 4) != 0 || !body) {
		printf("netload: '%s': the server did not answer 200 with a "
		       "body ('%.*s')\n",
		       arg, status_len(resp, len), resp);
		free(resp);
		return;
	}
	rc = mod_load(body, len - (size_t)(body - resp), &opts, &m, err,
		      sizeof(err));
	if (rc)
		printf("netload: %s\n", err[0] ? err : graft_strerror(rc));
	else
		printf("netload: '%s': module '%s' loaded\n", arg, mod_name(m));
	free(resp);
}

int main(int argc, char **argv)
{
	struct net_stack *s = net_default();
	struct graft_waitq never = GRAFT_WAITQ_INIT;

	if (!s) {
		printf("netload: no network stack (run with --net and --ip)\n");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		load_url(s, argv[i]);
	printf("netload: ready for modules\n");
	graft_wait(&never, GRAFT_FOREVER);
	return 0;
}
