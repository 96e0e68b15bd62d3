/*
 * The control-channel client (ctl.h).  A request is one SEQPACKET message,
 * header and payload together, so it must fit the socket's send buffer:
 * for a large module the buffer is raised to the message's size (with
 * SO_SNDBUFFORCE when the limit net.core.wmem_max is too low and we may
 * pass it).  Connecting, sending and waiting are all bounded by the
 * timeout, so a wedged instance ends in an error, never a hang.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <abi/ctl.h>

#include "ctl.h"
#include "graft.h"
#include "tender/common/host.h"

/* The instance's control socket path: a path as given, or the name's
 * socket in the runtime directory. */
static char *ctl_socket_path(const char *instance)
{
	struct stat st;
	char *path;

	if (strchr(instance, '/')) {
		path = graft_xstrdup(instance);
		if (stat(path, &st) < 0)
			err(1, "control socket '%s'", path);
	} else {
		char *file;

		if (!*instance || instance[0] == '.')
			errx(1, "instance '%s': not a valid name", instance);
		if (asprintf(&file, "%s.sock", instance) < 0)
			err(1, "asprintf");
		path = graft_path(host_runtime_dir(), file);
		free(file);
		if (stat(path, &st) < 0)
			errx(1,
			     "instance '%s': not running (no control "
			     "socket '%s'; see graft ps)",
			     instance, path);
	}
	if (!S_ISSOCK(st.st_mode))
		errx(1, "instance '%s': '%s' is not a socket", instance, path);
	return path;
}

static int ctl_connect(const char *instance, int timeout_s)
{
	struct timeval tv = {.tv_sec = timeout_s};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *path = ctl_socket_path(instance);
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		errx(1, "instance '%s': socket path '%s' is too long", instance,
		     path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err(1, "socket");
	/* Bounds connect (a full backlog), send and receive alike. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		err(1, "setsockopt");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ECONNREFUSED)
			errx(1,
			     "instance '%s': control socket '%s' refuses "
			     "connections (the instance has exited)",
			     instance, path);
		if (errno == EAGAIN || errno == EINPROGRESS)
			errx(1,
			     "instance '%s': control socket '%s' busy for "
			     "%d s",
			     instance, path, timeout_s);
		err(1, "instance '%s': control socket '%s'", instance, path);
	}
	free(path);
	return fd;
}

/* Make room for one message of len bytes in the send buffer.  Linux
 * doubles what is asked and refuses a datagram above the buffer less a
 * small overhead. */
static void ctl_fit_sndbuf(int fd, const char *instance, size_t len)
{
	int want = (int)len + 4096, have = 0;
	socklen_t sl = sizeof(have);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &sl) == 0 &&
	    (size_t)have / 2 >= len + 1024)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	sl = sizeof(have);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &sl) == 0 &&
	    (size_t)have / 2 >= len + 1024)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) ==
	    0)
		return;
	errx(1,
	     "instance '%s': a %zu-byte message does not fit the socket "
	     "send buffer (%d bytes; raise net.core.wmem_max or run as "
	     "root)",
	     instance, len, have / 2);
}

static void ctl_send(int fd, const char *instance, uint32_t op,
		     const void *payload, size_t len, int timeout_s)
{
	struct ctl_header h = {
	    .magic = CTL_MAGIC, .op = op, .length = (uint32_t)len};
	size_t total = sizeof(h) + len;
	char *msg;
	ssize_t n;

	if (len > CTL_MAX_MESSAGE)
		errx(1,
		     "instance '%s': a request of %zu bytes is larger "
		     "than the control channel takes (%u)",
		     instance, len, CTL_MAX_MESSAGE);
	ctl_fit_sndbuf(fd, instance, total);
	msg = graft_xmalloc(total);
	memcpy(msg, &h, sizeof(h));
	if (len)
		memcpy(msg + sizeof(h), payload, len);
	n = send(fd, msg, total, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		errx(1, "instance '%s': request not taken within %d s",
		     instance, timeout_s);
	/* Linux passes a datagram whole in one allocation: beyond about
	 * 4 MiB that fails whatever the buffer's size. */
	if (n < 0 && (errno == ENOBUFS || errno == EMSGSIZE))
		errx(1,
		     "instance '%s': a %zu-byte request is more than this "
		     "host passes in one control message (%s)",
		     instance, total, strerror(errno));
	if (n < 0)
		err(1, "instance '%s': sending the request", instance);
	if ((size_t)n != total)
		errx(1, "instance '%s': request cut short (%zd of %zu bytes)",
		     instance, n, total);
	free(msg);
}

/* The answer: a header whose op, magic and length agree with the request
 * and the message's size. */
static void ctl_receive(int fd, const char *instance, uint32_t op,
			int timeout_s, struct ctl_response *resp)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct ctl_header h;
	ssize_t size, n;
	char *msg;
	int rc;

	do
		rc = poll(&p, 1, timeout_s * 1000);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		err(1, "poll");
	if (rc == 0)
		errx(1, "instance '%s': no answer within %d s", instance,
		     timeout_s);
	size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (size < 0)
		err(1, "instance '%s': receiving the answer", instance);
	if (size == 0)
		errx(1, "instance '%s': connection closed without an answer",
		     instance);
	msg = graft_xmalloc(size + 1);
	n = recv(fd, msg, size, 0);
	if (n != size)
		err(1, "instance '%s': receiving the answer", instance);
	if ((size_t)n < sizeof(h))
		errx(1,
		     "instance '%s': malformed answer (%zd bytes, shorter "
		     "than its header)",
		     instance, n);
	memcpy(&h, msg, sizeof(h));
	if (h.magic != CTL_MAGIC || h.op != (op | CTL_OP_RESPONSE) ||
	    h.length != (size_t)n - sizeof(h))
		errx(1,
		     "instance '%s': malformed answer (magic %#x, op %#x, "
		     "%u payload bytes claimed, %zu sent)",
		     instance, h.magic, h.op, h.length, (size_t)n - sizeof(h));
	memmove(msg, msg + sizeof(h), h.length);
	msg[h.length] = '\0';
	resp->status = h.status;
	resp->text = msg;
	resp->len = h.length;
}

void ctl_request(const char *instance, uint32_t op, const void *payload,
		 size_t len, int timeout_s, struct ctl_response *resp)
{
	int fd = ctl_connect(instance, timeout_s);

	ctl_send(fd, instance, op, payload, len, timeout_s);
	ctl_receive(fd, instance, op, timeout_s, resp);
	close(fd);
}
