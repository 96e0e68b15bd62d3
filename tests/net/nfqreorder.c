/*
 * nfqreorder - reorder the packets Linux queues to user space, for the
 * impairment tests (tests/net/impair.sh) on kernels without tc netem.
 *
 * usage: nfqreorder [-p percent] [-d depth] [-s seed] queue...
 *
 * Takes the packets of each netfilter queue given (an iptables NFQUEUE
 * rule sends them) and holds back percent of them until depth later
 * packets of the same queue have been let through, or HOLD_MS pass with
 * no traffic, so that they arrive after packets sent behind them.  Every
 * other packet is accepted at once; none is dropped or changed.  Prints
 * "ready" on stdout once bound; on SIGTERM or SIGINT lets go of what it
 * holds and prints "reordered N of M" (N: held packets that later ones
 * overtook; M: packets seen) and exits.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define QUEUES_MAX 4
#define HELD_MAX   8
#define HOLD_MS	   20

struct held {
	uint32_t id;
	unsigned overtaken; /* later packets let through since */
	uint64_t since_ms;
};

struct queue {
	uint16_t num;
	struct held held[HELD_MAX];
	unsigned n_held;
};

static struct mnl_socket *nl;
static struct queue queues[QUEUES_MAX];
static unsigned n_queues, percent = 10, depth = 3;
static unsigned long long seen, reordered;
static volatile sig_atomic_t stopping;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void send_msg(struct nlmsghdr *nlh, const char *what)
{
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		err(1, "netlink queue: %s", what);
}

static void verdict(uint16_t q, uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT, q);

	nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
	send_msg(nlh, "verdict");
}

static void release(struct queue *q, unsigned i)
{
	if (q->held[i].overtaken)
		reordered++;
	verdict(q->num, q->held[i].id);
	q->held[i] = q->held[--q->n_held];
}

/* a packet went through: held ones it overtook may go after it */
static void passed(struct queue *q)
{
	unsigned i = 0;

	while (i < q->n_held) {
		if (++q->held[i].overtaken >= depth)
			release(q, i);
		else
			i++;
	}
}

static void release_old(uint64_t now)
{
	unsigned k, i;

	for (k = 0; k < n_queues; k++) {
		i = 0;
		while (i < queues[k].n_held) {
			if (stopping ||
			    now - queues[k].held[i].since_ms >= HOLD_MS)
				release(&queues[k], i);
			else
				i++;
		}
	}
}

static struct queue *find_queue(uint16_t num)
{
	unsigned k;

	for (k = 0; k < n_queues; k++)
		if (queues[k].num == num)
			return &queues[k];
	return NULL;
}

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr[NFQA_MAX + 1] = {0};
	struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct nfqnl_msg_packet_hdr *ph;
	struct queue *q;
	uint32_t id;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	id = ntohl(ph->packet_id);
	q = find_queue(ntohs(nfg->res_id));
	if (!q)
		return MNL_CB_OK;
	seen++;
	if (q->n_held < HELD_MAX && (unsigned)(random() % 100) < percent) {
		q->held[q->n_held++] = (struct held){id, 0, now_ms()};
		return MNL_CB_OK;
	}
	verdict(q->num, id);
	passed(q);
	return MNL_CB_OK;
}

static void bind_queue(uint16_t num)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, num);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	send_msg(nlh, "bind");
	/* metadata only: the verdict needs the id, not the bytes; if we fall
	 * behind, the kernel lets packets through rather than drop them */
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, num);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_META, 0);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, 4096);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	send_msg(nlh, "configure");
}

static void on_signal(int sig)
{
	stopping = 1;
}

static unsigned parse_uint(const char *s, const char *what, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		errx(2, "%s: want a number up to %u: '%s'", what, max, s);
	return (unsigned)v;
}

static void usage(void)
{
	fprintf(stderr, "usage: nfqreorder [-p percent] [-d depth] "
			"[-s seed] queue...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct sigaction sa;
	unsigned seed = (unsigned)getpid(), portid;
	struct pollfd pfd;
	int c, one = 1;

	while ((c = getopt(argc, argv, "p:d:s:h")) != -1) {
		switch (c) {
		case 'p':
			percent = parse_uint(optarg, "-p", 100);
			break;
		case 'd':
			depth = parse_uint(optarg, "-d", 1000);
			break;
		case 's':
			seed = parse_uint(optarg, "-s", ~0u);
			break;
		default:
			usage();
		}
	}
	if (optind == argc || argc - optind > QUEUES_MAX || depth == 0)
		usage();
	for (; optind < argc; optind++)
		queues[n_queues++].num =
		    (uint16_t)parse_uint(argv[optind], "queue", 65535);
	srandom(seed);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		err(1, "netlink queue: socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		err(1, "netlink queue: bind");
	portid = mnl_socket_get_portid(nl);
	mnl_socket_setsockopt(nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	for (c = 0; c < (int)n_queues; c++)
		bind_queue(queues[c].num);
	printf("ready\n");
	fflush(stdout);

	pfd.fd = mnl_socket_get_fd(nl);
	pfd.events = POLLIN;
	while (!stopping) {
		int n = poll(&pfd, 1, HOLD_MS / 4);
		ssize_t len;

		if (n < 0 && errno != EINTR)
			err(1, "poll");
		if (n > 0) {
			len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
			if (len < 0 && errno != EINTR && errno != ENOBUFS)
				err(1, "netlink queue: receive");
			if (len > 0 && mnl_cb_run(buf, (size_t)len, 0, portid,
						  packet_cb, NULL) < 0)
				err(1, "netlink queue: message");
		}
		release_old(now_ms());
	}
	release_old(now_ms());
	printf("reordered %llu of %llu\n", reordered, seen);
	mnl_socket_close(nl);
	return 0;
}
