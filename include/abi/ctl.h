/*
 * The control-channel protocol between the host's graft tool and an
 * instance.  The host side is a Unix SOCK_SEQPACKET socket under the runtime
 * directory (tender/common/instance.c); the tender or launcher relays each
 * packet to the guest as one message (plat_ctl_read) and the guest's answer
 * back (plat_ctl_write).  Each request gets exactly one response.
 *
 * A message is a header followed by payload bytes.  Integers are
 * little-endian.  Payloads are request specific; text payloads are UTF-8
 * and not NUL-terminated.
 */
#ifndef GRAFT_ABI_CTL_H
#define GRAFT_ABI_CTL_H

#include <stdint.h>

#define CTL_MAGIC 0x4c544347u /* "GCTL" */
/* A module must fit in one request: Linux passes a unix datagram in one
 * allocation, which fails above about 4 MiB whatever the socket buffer. */
#define CTL_MAX_MESSAGE (4u << 20)

enum ctl_op {
	CTL_OP_PING = 1,    /* -> text: target and uptime */
	CTL_OP_LOAD = 2,    /* payload: module bytes -> text */
	CTL_OP_UNLOAD = 3,  /* payload: module name -> text */
	CTL_OP_UPGRADE = 4, /* payload: module bytes -> text */
	CTL_OP_LIST = 5,    /* -> text table */
	CTL_OP_SEAL = 6,    /* -> text */
	CTL_OP_STOP = 7,    /* -> text, then the instance exits with 0 */
	CTL_OP_STATS = 8,   /* -> text: heap and fiber statistics */
	CTL_OP_LIST_GDB = 9, /* -> add-symbol-file commands */
	CTL_OP_SEND = 10,   /* payload: module name, NUL, message -> text */
	CTL_OP_RECV = 11,   /* -> the messages modules sent the host, one
			     * "FROM: TEXT" line each, oldest first */
	CTL_OP_RESPONSE = 0x100, /* set in every response's op */
};

struct ctl_header {
	uint32_t magic;  /* CTL_MAGIC */
	uint32_t op;     /* enum ctl_op; responses: op | CTL_OP_RESPONSE */
	int32_t status;  /* responses: 0 or enum graft_err */
	uint32_t length; /* payload bytes that follow */
};

#endif
