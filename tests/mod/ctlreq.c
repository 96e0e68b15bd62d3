/*
 * ctlreq: one request over an instance's control socket
 * (include/abi/ctl.h), for the integration tests until the graft tool
 * speaks for them.
 *
 * usage: ctlreq SOCKET ping|ls|stats|seal|stop
 *        ctlreq SOCKET load|upgrade FILE
 *        ctlreq SOCKET unload NAME
 *
 * Prints the response's text; exits 0 if its status is 0, else 1.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <abi/ctl.h>

static const struct {
	const char *name;
	uint32_t op;
	int arg; /* 0: none, 1: a file's bytes, 2: the argument's text */
} ops[] = {
    {"ping", CTL_OP_PING, 0},	    {"ls", CTL_OP_LIST, 0},
    {"stats", CTL_OP_STATS, 0},	    {"stop", CTL_OP_STOP, 0},
    {"seal", CTL_OP_SEAL, 0},	    {"load", CTL_OP_LOAD, 1},
    {"upgrade", CTL_OP_UPGRADE, 1}, {"unload", CTL_OP_UNLOAD, 2},
};

static void usage(void)
{
	fprintf(stderr, "usage: ctlreq SOCKET ping|ls|stats|seal|stop\n"
			"       ctlreq SOCKET load|upgrade FILE\n"
			"       ctlreq SOCKET unload NAME\n");
	exit(2);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		err(1, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		errx(1, "%s: cannot read", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ctl_header h = {.magic = CTL_MAGIC};
	size_t i, len = 0;
	char *payload = NULL, *msg;
	ssize_t n;
	int fd;

	if (argc < 3)
		usage();
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(argv[2], ops[i].name) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0]) || (ops[i].arg && argc != 4) ||
	    (!ops[i].arg && argc != 3))
		usage();
	if (ops[i].arg == 1)
		payload = slurp(argv[3], &len);
	else if (ops[i].arg == 2)
		payload = argv[3], len = strlen(argv[3]);
	h.op = ops[i].op;
	h.length = (uint32_t)len;
	msg = malloc(sizeof(h) + len > CTL_MAX_MESSAGE ? sizeof(h) + len
						       : CTL_MAX_MESSAGE);
	if (!msg)
		err(1, "malloc");
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	if (strlen(argv[1]) >= sizeof(sa.sun_path))
		errx(1, "%s: path too long", argv[1]);
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err(1, "%s", argv[1]);
	if (send(fd, msg, sizeof(h) + len, 0) != (ssize_t)(sizeof(h) + len))
		err(1, "send");
	n = recv(fd, msg, CTL_MAX_MESSAGE, 0);
	if (n < (ssize_t)sizeof(h))
		errx(1, "%s: short or no response", argv[1]);
	memcpy(&h, msg, sizeof(h));
	if (h.magic != CTL_MAGIC || h.length != (size_t)n - sizeof(h))
		errx(1, "%s: malformed response", argv[1]);
	fwrite(msg + sizeof(h), 1, h.length, stdout);
	close(fd);
	return h.status == 0 ? 0 : 1;
}
