/*
 * The control channel of a virtio instance.  The graft tool talks to the
 * instance's SOCK_SEQPACKET socket (tender/common/host.c), one message a
 * request; the guest sees a byte stream on its virtio-console port, which
 * QEMU connects to the other end of our stream socket.  The relay writes
 * each request into the stream whole and cuts the guest's answers out of
 * it by their header (include/abi/ctl.h).  Both directions are checked:
 * a request that is not one well-framed message is refused here, with a
 * response the relay makes itself; a bad header from the guest means the
 * framing is lost, so the channel is closed with a message.  One client at a
 * time; the next is accepted when it leaves.  The loop ends when QEMU does.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <abi/ctl.h>
#include <graft/error.h>
#include "virtio.h"

#define HDR sizeof(struct ctl_header)

struct relay {
	int client;
	int stream;
	uint8_t *out; /* request bytes not yet written to the stream */
	size_t out_len, out_off;
	uint8_t *in; /* response bytes read from the stream */
	size_t in_len, in_size;
};

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void drop_client(struct relay *r)
{
	if (r->client >= 0)
		close(r->client);
	r->client = -1;
}

/* why NULL: QEMU is going away, nothing to say. */
static void close_stream(struct relay *r, const char *why)
{
	if (why)
		warnx("control channel: %s; closed", why);
	close(r->stream);
	r->stream = -1;
	drop_client(r);
}

/* Answer the client ourselves: the request never reached the guest. */
static void refuse(struct relay *r, uint32_t op, int status, const char *why)
{
	uint8_t msg[HDR + 256];
	struct ctl_header h = {CTL_MAGIC, op | CTL_OP_RESPONSE, status, 0};

	h.length = (uint32_t)snprintf((char *)msg + HDR, sizeof(msg) - HDR,
				      "%s\n", why);
	memcpy(msg, &h, HDR);
	if (send(r->client, msg, HDR + h.length, MSG_NOSIGNAL) < 0)
		drop_client(r);
}

/* One request from the client, checked and queued for the stream: only
 * whole, well-framed messages enter it, or the guest would lose its
 * place. */
static void client_input(struct relay *r)
{
	uint8_t *msg = malloc(HDR + CTL_MAX_MESSAGE);
	struct ctl_header h;
	ssize_t n;

	if (!msg)
		err(1, "control channel");
	n = recv(r->client, msg, HDR + CTL_MAX_MESSAGE,
		 MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		free(msg);
		return;
	}
	if (n <= 0) {
		free(msg); /* the client left */
		drop_client(r);
		return;
	}
	memcpy(&h, msg, n < (ssize_t)HDR ? (size_t)n : HDR);
	if (n < (ssize_t)HDR || h.magic != CTL_MAGIC) {
		refuse(r, 0, GRAFT_EFORMAT, "malformed request: no header");
		free(msg);
		return;
	}
	if ((size_t)n > HDR + CTL_MAX_MESSAGE) {
		refuse(r, h.op, GRAFT_EMSGSIZE, "request too big");
		free(msg);
		return;
	}
	if (h.length != (size_t)n - HDR) {
		refuse(r, h.op, GRAFT_EFORMAT,
		       "malformed request: length does not match");
		free(msg);
		return;
	}
	r->out = msg;
	r->out_len = (size_t)n;
	r->out_off = 0;
}

static void stream_output(struct relay *r)
{
	ssize_t n =
	    write(r->stream, r->out + r->out_off, r->out_len - r->out_off);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		close_stream(r, strerror(errno));
		return;
	}
	r->out_off += (size_t)n;
	if (r->out_off == r->out_len) {
		free(r->out);
		r->out = NULL;
	}
}

/* Responses cut out of the stream, each sent to the client whole. */
static void stream_input(struct relay *r)
{
	struct ctl_header h;
	ssize_t n;

	if (r->in_size - r->in_len < 65536) {
		size_t size = r->in_size ? 2 * r->in_size : 131072;
		uint8_t *p = realloc(r->in, size);

		if (!p)
			err(1, "control channel");
		r->in = p;
		r->in_size = size;
	}
	n = read(r->stream, r->in + r->in_len, r->in_size - r->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close_stream(r, n < 0 ? strerror(errno) : NULL);
		return;
	}
	r->in_len += (size_t)n;
	while (r->in_len >= HDR) {
		size_t whole;

		memcpy(&h, r->in, HDR);
		if (h.magic != CTL_MAGIC || h.length > CTL_MAX_MESSAGE) {
			close_stream(r, "bad message header from the guest");
			return;
		}
		whole = HDR + h.length;
		if (r->in_len < whole)
			return;
		if (r->client >= 0 &&
		    send(r->client, r->in, whole, MSG_NOSIGNAL) < 0)
			drop_client(r);
		memmove(r->in, r->in + whole, r->in_len - whole);
		r->in_len -= whole;
	}
}

int virtio_ctl_relay(struct virtio_launch *l, int pid, int stream)
{
	struct relay r = {.client = -1, .stream = stream};
	int status, pfd = pidfd_open(pid);

	if (stream >= 0)
		fcntl(stream, F_SETFL, O_NONBLOCK);
	while (pfd >= 0) {
		struct pollfd p[3] = {{pfd, POLLIN, 0}};
		int np = 1, listen_fd = l->inst.listen_fd;

		if (r.stream >= 0 && r.client < 0 && listen_fd >= 0)
			p[np++] = (struct pollfd){listen_fd, POLLIN, 0};
		else if (r.stream >= 0 && r.client >= 0 && !r.out)
			p[np++] = (struct pollfd){r.client, POLLIN, 0};
		if (r.stream >= 0)
			p[np++] = (struct pollfd){
			    r.stream, POLLIN | (r.out ? POLLOUT : 0), 0};
		if (poll(p, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		for (int i = 1; i < np; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == listen_fd)
				r.client =
				    accept4(listen_fd, NULL, NULL,
					    SOCK_NONBLOCK | SOCK_CLOEXEC);
			else if (p[i].fd == r.client)
				client_input(&r);
			else if (p[i].fd == r.stream) {
				if (p[i].revents & POLLOUT)
					stream_output(&r);
				if (r.stream >= 0 && (p[i].revents & ~POLLOUT))
					stream_input(&r);
			}
		}
		if (p[0].revents)
			break;
	}
	/* QEMU has ended: what it wrote last (the answer to a stop) may
	 * still wait in the stream, which ends now that its writer is gone. */
	if (r.stream >= 0)
		fcntl(r.stream, F_SETFL, 0);
	while (r.stream >= 0)
		stream_input(&r);
	if (pfd >= 0)
		close(pfd);
	if (r.stream >= 0)
		close(r.stream);
	drop_client(&r);
	free(r.out);
	free(r.in);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(1, "waitpid");
	return status;
}
