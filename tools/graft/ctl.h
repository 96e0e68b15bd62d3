/*
 * The host side of the control channel (include/abi/ctl.h): one request,
 * one response, over the instance's SOCK_SEQPACKET control socket.
 */
#ifndef GRAFT_TOOL_CTL_H
#define GRAFT_TOOL_CTL_H

#include <stddef.h>
#include <stdint.h>

struct ctl_response {
	int32_t status; /* 0 or a negative enum graft_err */
	char *text;	/* payload, NUL-terminated for printing; malloc'd */
	size_t len;
};

/* ctl_request - connect to instance (a name given to graft run, or a
 * socket path), send op with payload, and wait at most timeout_s seconds
 * for the answer.  Every failure (no such instance, a dead socket, a
 * message too big, a timeout, a malformed answer) exits with a one-line
 * error naming the instance. */
void ctl_request(const char *instance, uint32_t op, const void *payload,
		 size_t len, int timeout_s, struct ctl_response *resp);

#endif
