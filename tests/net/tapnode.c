/*
 * tapnode - run lib/net over a Linux tap device with a plain poll() loop,
 * as a network node for the script tests (tests/net/NAME.t).
 *
 * usage: tapnode -t tap [-i ip/prefix] [-g gateway] [-n dns] [-d]
 *                [-r name] [-m mac] [-f loss%,dup%,reorder%] [-S]
 *
 * Serves TCP and UDP echo on port 7 (any number of connections) and a TCP
 * port 13 that accepts and resets at once.  -d obtains the address by DHCP;
 * -r resolves name once the address is set.  Events are printed on stdout
 * one per line ("ready ip=...", "resolved name ip=...").  Ends on SIGTERM
 * or SIGINT, printing counters on stderr.
 *
 * -f injects faults in both directions inside the node, for kernels
 * without tc netem: frames are lost, sent twice, or held back and sent
 * after the next one, each with the given percentage.  -S offers no SACK
 * (net_config's tcp_no_sack), to compare recovery with and without.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <graft/error.h>
#include <graft/net.h>
#include "../../lib/net/tcp.h"

#define ECHO_PORT 7
#define RESET_PORT 13
#define ECHO_BUF 65536

static volatile sig_atomic_t stopping;
static struct net_stack *stack;
static const char *resolve_name;
static unsigned conns_open, conns_total;

static unsigned fault_loss, fault_dup, fault_reorder; /* percent */
static uint8_t held[2][2048];
static size_t held_len[2];

static unsigned roll(void)
{
	return (unsigned)(random() % 100);
}

/* pass frame through the fault injector; deliver(ctx, f, len) for each
 * frame that goes through (dir 0: out, 1: in) */
static void faulty(int dir, const void *f, size_t len,
		   void (*deliver)(void *ctx, const void *f, size_t len),
		   void *ctx)
{
	if (!fault_loss && !fault_dup && !fault_reorder) {
		deliver(ctx, f, len);
		return;
	}
	if (roll() < fault_loss)
		return;
	if (roll() < fault_reorder && !held_len[dir] && len <= 2048) {
		memcpy(held[dir], f, len);
		held_len[dir] = len;
		return;
	}
	deliver(ctx, f, len);
	if (roll() < fault_dup)
		deliver(ctx, f, len);
	if (held_len[dir]) {
		size_t n = held_len[dir];
		held_len[dir] = 0;
		deliver(ctx, held[dir], n);
	}
}

static void deliver_out(void *ctx, const void *f, size_t len)
{
	/* a full tap queue drops the frame, as a real wire would */
	if (write((int)(intptr_t)ctx, f, len) < 0)
		return;
}

static void deliver_in(void *ctx, const void *f, size_t len)
{
	net_input(ctx, f, len);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int tap_send(struct graft_netdev *d, const void *frame, size_t len)
{
	faulty(0, frame, len, deliver_out, d->priv);
	return 0;
}

static int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);

	if (fd < 0)
		err(1, "/dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		err(1, "tap '%s'", name);
	return fd;
}

/* TCP echo: what is read is written back; reading stops while the send
 * buffer is full, so the peer's window closes instead of memory growing. */
struct echo {
	struct net_tcp *t;
	uint8_t buf[ECHO_BUF];
	size_t len;
	bool eof;
};

static void echo_pump(struct echo *e)
{
	long n;

	for (;;) {
		if (e->len) {
			n = net_tcp_send(e->t, e->buf, e->len);
			if (n <= 0)
				break;
			memmove(e->buf, e->buf + n, e->len - (size_t)n);
			e->len -= (size_t)n;
			continue;
		}
		if (e->eof)
			break;
		n = net_tcp_recv(e->t, e->buf, sizeof(e->buf));
		if (n == 0)
			e->eof = true;
		if (n <= 0)
			break;
		e->len = (size_t)n;
	}
	if (e->eof && e->len == 0) {
		net_tcp_close(e->t);
		e->t = NULL;
		conns_open--;
		free(e);
	}
}

static void echo_event(void *sock, void *ctx)
{
	struct echo *e = ctx;

	if (e->t)
		echo_pump(e);
}

static void echo_closed(void *sock, void *ctx, int error)
{
	struct echo *e = ctx;

	if (!e->t)
		return;
	net_tcp_close(e->t);
	e->t = NULL;
	conns_open--;
	free(e);
}

static const struct net_callbacks echo_cb = {
	.on_readable = echo_event,
	.on_writable = echo_event,
	.on_closed = echo_closed,
};

static void echo_accept(void *sock, void *ctx)
{
	struct echo *e;

	for (;;) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return;
		if (net_tcp_accept(sock, &echo_cb, e, &e->t)) {
			free(e);
			return;
		}
		conns_open++;
		conns_total++;
		echo_pump(e);
	}
}

static void reset_accept(void *sock, void *ctx)
{
	struct net_tcp *t;

	while (net_tcp_accept(sock, NULL, NULL, &t) == 0)
		net_tcp_abort(t);
}

static void udp_echo(void *sock, void *ctx)
{
	static uint8_t buf[65536];
	uint32_t ip;
	uint16_t port;
	long n;

	while ((n = net_udp_recvfrom(sock, buf, sizeof(buf), &ip, &port)) >= 0)
		net_udp_sendto(sock, ip, port, buf, (size_t)n);
}

static void resolved(void *ctx, int error, uint32_t ip)
{
	char b[16];

	if (error)
		printf("resolve %s error=%s\n", resolve_name,
		       graft_strerror(error));
	else
		printf("resolved %s ip=%s\n", resolve_name,
		       net_ip4_format(ip, b));
	fflush(stdout);
}

static void address_ready(void)
{
	char a[16], g[16], d[16];
	uint32_t ip, mask, gw, dns;
	int e;

	net_get_addr(stack, &ip, &mask, &gw, &dns);
	printf("ready ip=%s mask=%08x gw=%s dns=%s\n", net_ip4_format(ip, a),
	       mask, net_ip4_format(gw, g), net_ip4_format(dns, d));
	fflush(stdout);
	if (resolve_name) {
		e = net_dns_resolve(stack, resolve_name, resolved, NULL);
		if (e)
			resolved(NULL, e, 0);
	}
}

static void dhcp_done(void *ctx, int error)
{
	if (error) {
		printf("dhcp error=%s\n", graft_strerror(error));
		fflush(stdout);
		return;
	}
	address_ready();
}

static void on_signal(int sig)
{
	stopping = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: tapnode -t tap [-i ip/prefix] [-g gateway] "
			"[-n dns] [-d] [-r name] [-m mac] "
			"[-f loss,dup,reorder] [-S]\n");
	exit(2);
}

static uint32_t parse_ip(const char *s, const char *what)
{
	uint32_t ip;

	if (net_ip4_parse(s, &ip))
		errx(2, "%s: bad address '%s'", what, s);
	return ip;
}

static void parse_cidr(const char *arg, struct net_config *c)
{
	char buf[32], *slash;
	unsigned prefix = 24;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		prefix = (unsigned)atoi(slash + 1);
		if (prefix < 1 || prefix > 30)
			errx(2, "-i: bad prefix in '%s'", arg);
	}
	c->ip = parse_ip(buf, "-i");
	c->netmask = 0xffffffffu << (32 - prefix);
}

static void run(int fd)
{
	static uint8_t frame[65536];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	uint64_t now, at;
	int timeout, batch;

	while (!stopping) {
		now = now_ns();
		net_poll(stack, now);
		at = net_poll_at(stack);
		timeout = at <= now ? 0
		 : at - now > 1000000000ULL ? 1000
		 : (int)((at - now + 999999) / 1000000);
		if (poll(&pfd, 1, timeout) < 0)
			continue;
		net_poll(stack, now_ns());
		for (batch = 0; batch < 256; batch++) {
			n = read(fd, frame, sizeof(frame));
			if (n <= 0)
				break;
			faulty(1, frame, (size_t)n, deliver_in, stack);
		}
	}
}

int main(int argc, char **argv)
{
	struct graft_netdev dev = { .name = "tap", .mtu = 1500 };
	struct net_config cfg = { 0 };
	struct net_stats st;
	struct net_tcp *l;
	struct net_udp *u;
	const char *tap = NULL;
	bool dhcp = false;
	unsigned m[6] = { 2, 0, 0, 0, 0, 2 };
	int c, fd, i;

	while ((c = getopt(argc, argv, "t:i:g:n:dr:m:f:Sh")) != -1) {
		switch (c) {
		case 't': tap = optarg; break;
		case 'i': parse_cidr(optarg, &cfg); break;
		case 'g': cfg.gateway = parse_ip(optarg, "-g"); break;
		case 'n': cfg.dns = parse_ip(optarg, "-n"); break;
		case 'd': dhcp = true; break;
		case 'S': cfg.tcp_no_sack = true; break;
		case 'r': resolve_name = optarg; break;
		case 'f':
			if (sscanf(optarg, "%u,%u,%u", &fault_loss, &fault_dup,
				   &fault_reorder) != 3)
				errx(2, "-f: want loss,dup,reorder in %%: '%s'",
				     optarg);
			break;
		case 'm':
			if (sscanf(optarg, "%x:%x:%x:%x:%x:%x", &m[0], &m[1],
				   &m[2], &m[3], &m[4], &m[5]) != 6)
				errx(2, "-m: bad MAC '%s'", optarg);
			break;
		default: usage();
		}
	}
	if (!tap || (!dhcp && !cfg.ip))
		usage();
	for (i = 0; i < 6; i++)
		dev.mac[i] = (uint8_t)m[i];
	fd = tap_open(tap);
	dev.send = tap_send;
	dev.priv = (void *)(intptr_t)fd;
	cfg.seed = now_ns() ^ (uint64_t)getpid() << 32;
	cfg.tcp_max = 1024;
	if (net_stack_new(&dev, &cfg, now_ns(), &stack))
		errx(1, "cannot create the stack");
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (net_tcp_listen(stack, ECHO_PORT, 256,
			   &(struct net_callbacks){ .on_readable = echo_accept },
			   NULL, &l) ||
	    net_tcp_listen(stack, RESET_PORT, 16,
			   &(struct net_callbacks){ .on_readable = reset_accept },
			   NULL, &l) ||
	    net_udp_bind(stack, ECHO_PORT,
			 &(struct net_callbacks){ .on_readable = udp_echo },
			 NULL, &u))
		errx(1, "cannot open the echo services");
	if (dhcp) {
		if (net_dhcp_start(stack, dhcp_done, NULL))
			errx(1, "cannot start DHCP");
	} else {
		address_ready();
	}
	run(fd);
	net_get_stats(stack, &st);
	fprintf(stderr,
		"tapnode: rx %llu tx %llu bad %llu dropped %llu; tcp "
		"retransmits %llu fast %llu timeouts %llu rst %llu; sack sent "
		"%llu received %llu bad %llu holes resent %llu undone %llu; frag "
		"reassembled %llu dropped %llu; connections %u total, %u "
		"open\n",
		(unsigned long long)st.rx_frames,
		(unsigned long long)st.tx_frames, (unsigned long long)st.rx_bad,
		(unsigned long long)st.rx_dropped,
		(unsigned long long)st.tcp_retransmits,
		(unsigned long long)st.tcp_fast_retransmits,
		(unsigned long long)st.tcp_timeouts,
		(unsigned long long)st.tcp_rst_sent,
		(unsigned long long)st.tcp_sack_sent,
		(unsigned long long)st.tcp_sack_recv,
		(unsigned long long)st.tcp_sack_bad,
		(unsigned long long)st.tcp_sack_rexmits,
		(unsigned long long)st.tcp_sack_undos,
		(unsigned long long)st.frag_reassembled,
		(unsigned long long)st.frag_dropped, conns_total, conns_open);
	for (struct net_tcp *t = stack->tcp_list; t; t = t->next)
		if (t->state != TCP_LISTEN)
			fprintf(stderr, "tapnode: socket %s una %u nxt %u max %u "
				"buf %u wnd %u cwnd %u rto %llu ms rexmit in %lld ms "
				"persist %lld recovery %d fin %d\n",
				net_tcp_state_name(t), t->snd_una - t->iss,
				t->snd_nxt - t->iss, t->snd_max - t->iss,
				t->sndbuf.len, t->snd_wnd, t->cwnd,
				(unsigned long long)(t->rto / 1000000),
				t->t_rexmit == TCP_NEVER ? -1LL :
				(long long)(t->t_rexmit - stack->now) / 1000000,
				t->t_persist == TCP_NEVER ? -1LL :
				(long long)(t->t_persist - stack->now) / 1000000,
				t->in_recovery, t->fin_queued);
	net_stack_free(stack);
	close(fd);
	return 0;
}
