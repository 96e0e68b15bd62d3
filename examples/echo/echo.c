/*
 * echo: TCP and UDP echo on port 7 (RFC 862) over lib/net's blocking API.
 * One fiber per TCP connection; UDP is answered from the stack's callback.
 * Uses the stack the kernel's network glue made the default.
 */
#include <stdio.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/net.h>
#include <graft/time.h>

#define ECHO_PORT 7
#define IDLE_NS	  (300 * GRAFT_NSEC_PER_SEC)

static void udp_echo(void *sock, void *ctx)
{
	static char buf[65536];
	uint32_t ip;
	uint16_t port;
	long n;

	while ((n = net_udp_recvfrom(sock, buf, sizeof(buf), &ip, &port)) >= 0)
		net_udp_sendto(sock, ip, port, buf, (size_t)n);
}

static void serve(void *arg)
{
	struct net_conn *c = arg;
	char buf[16384];
	long n;

	for (;;) {
		n = net_blocking_read(c, buf, sizeof(buf),
				      graft_now() + IDLE_NS);
		if (n <= 0)
			break;
		if (net_blocking_write(c, buf, (size_t)n, graft_now() + IDLE_NS,
				       NULL))
			break;
	}
	net_blocking_close(c);
}

int main(int argc, char **argv)
{
	static const struct net_callbacks udp_cb = {.on_readable = udp_echo};
	struct net_stack *s = net_default();
	struct net_conn *l, *c;
	struct net_udp *u;
	int err;

	if (!s) {
		printf("echo: no network stack (run with --net)\n");
		return 1;
	}
	err = net_udp_bind(s, ECHO_PORT, &udp_cb, NULL, &u);
	if (!err)
		err = net_blocking_listen(s, ECHO_PORT, 64, &l);
	if (err) {
		printf("echo: port %d: %s\n", ECHO_PORT, graft_strerror(err));
		return 1;
	}
	printf("echo: listening on TCP and UDP port %d\n", ECHO_PORT);
	for (;;) {
		err = net_blocking_accept(l, GRAFT_FOREVER, &c);
		if (err) { /* out of memory: let connections end first */
			printf("echo: accept: %s\n", graft_strerror(err));
			graft_sleep_ns(10 * GRAFT_NSEC_PER_MSEC);
			continue;
		}
		if (graft_fiber_spawn("echo-conn", serve, c, 0, NULL))
			net_blocking_close(c);
	}
}
