/*
 * The module API: the services a module may call, the same in both module
 * formats.  A native module links against these functions in the kernel
 * (kernel/mod/modapi.c); a bytecode module imports them from the wasm
 * namespace "graft" under the names given beside each (the host side is
 * kernel/mod/fmt_wasm_imports.c).  One C source builds both ways:
 *
 *	#include <graft/module.h>
 *	#include <graft/modapi.h>
 *
 * In a bytecode module every pointer is an address in the module's own
 * linear memory: a range that is not inside it traps the module (which is
 * then stopped and unloaded), as does a string without its NUL within its
 * bound.  Errors are negative GRAFT_E* codes (<graft/error.h>).
 *
 * Callbacks (timer, message, net) are declared with the macros of
 * <graft/module.h>.  Each runs from the kernel's event loop, one at a time,
 * and must not block (a native module must not sleep or wait in one: it
 * could be unloaded meanwhile); a bytecode module's every call (init,
 * callback...) has a fuel budget.
 */
#ifndef GRAFT_MODAPI_H
#define GRAFT_MODAPI_H

#include <stddef.h>
#include <stdint.h>

#if defined(__wasm__)
#define GRAFT_MODAPI_(name)                                                    \
	__attribute__((import_module("graft"), import_name(#name)))
#else
#define GRAFT_MODAPI_(name)
#endif

/* Limits that every module sees: timer ids below GRAFT_MOD_TIMERS, timer
 * periods of at least GRAFT_MOD_TIMER_MIN_PERIOD ns (shorter ones are
 * raised), messages of at most GRAFT_MOD_MSG_MAX bytes, GRAFT_MOD_MAILBOX
 * of them waiting, GRAFT_MOD_HANDLES open devices, log lines cut at
 * GRAFT_MOD_LOG_MAX bytes.  GRAFT_MOD_HOST is the host's address. */
#define GRAFT_MOD_TIMERS	   16
#define GRAFT_MOD_TIMER_MIN_PERIOD 1000000
#define GRAFT_MOD_MSG_MAX	   4096
#define GRAFT_MOD_MAILBOX	   32
#define GRAFT_MOD_HANDLES	   8
#define GRAFT_MOD_LOG_MAX	   512
#define GRAFT_MOD_HOST		   "host"

/* graft_mod_log (log) - print "[level] module 'name': msg" through the
 * kernel log; level is a GRAFT_LOG_* value (<graft/log.h>).  msg need not
 * be NUL-terminated; it is cut at GRAFT_MOD_LOG_MAX bytes. */
GRAFT_MODAPI_(log) void graft_mod_log(int level, const char *msg, size_t len);

/* graft_mod_now (now) - monotonic nanoseconds since the instance booted. */
GRAFT_MODAPI_(now) uint64_t graft_mod_now(void);

/* graft_mod_timer_start (timer_start) - call the module's timer callback
 * with id after delay_ns, then every period_ns if that is not 0 (at least
 * GRAFT_MOD_TIMER_MIN_PERIOD, so that no module can hog the loop).  Starting
 * an id that is running restarts it.  The timer ends at unload.
 * GRAFT_EINVAL (id >= GRAFT_MOD_TIMERS, or no timer callback), GRAFT_ENOMEM. */
GRAFT_MODAPI_(timer_start)
int graft_mod_timer_start(uint32_t id, uint64_t delay_ns, uint64_t period_ns);

/* graft_mod_timer_stop (timer_stop) - stop timer id; 0 even if it was not
 * running.  GRAFT_EINVAL for a bad id. */
GRAFT_MODAPI_(timer_stop) int graft_mod_timer_stop(uint32_t id);

/* graft_mod_send (send) - queue len bytes for the module called to (a
 * NUL-terminated name, at most 31 bytes), or for the host when to is
 * GRAFT_MOD_HOST (the control channel's listener, else the log).
 * Delivery is asynchronous: the receiver's message
 * callback runs later from the event loop.  GRAFT_ENOENT (no such module,
 * or it has no message callback), GRAFT_EMSGSIZE (len > GRAFT_MOD_MSG_MAX),
 * GRAFT_EAGAIN (its mailbox is full), GRAFT_ENOMEM. */
GRAFT_MODAPI_(send)
int graft_mod_send(const char *to, const void *data, size_t len);

/* graft_mod_recv (recv) - take the oldest message of the module's mailbox:
 * its bytes into buf (size bytes), the sender's name into from (32 bytes,
 * NUL-terminated; GRAFT_MOD_HOST for the host).  Returns its length,
 * GRAFT_EAGAIN if the mailbox is empty, GRAFT_EMSGSIZE if it does not fit
 * in size (it then stays queued). */
GRAFT_MODAPI_(recv) int graft_mod_recv(char *from, void *buf, size_t size);

/* graft_mod_dev_open (dev_open) - open the device called name that the
 * instance granted this module (kernel: mod_grant).  Returns a handle > 0.
 * GRAFT_EPERM (not granted), GRAFT_ENOENT (no such device), GRAFT_ENOSPC
 * (GRAFT_MOD_HANDLES open already).  Handles close at unload. */
GRAFT_MODAPI_(dev_open) int graft_mod_dev_open(const char *name);

/* graft_mod_blk_info (blk_info) - the granted range of a block handle:
 * *sectors (its length) and *sector_size.  GRAFT_EBADF. */
GRAFT_MODAPI_(blk_info)
int graft_mod_blk_info(int handle, uint64_t *sectors, uint32_t *sector_size);

/* graft_mod_blk_read / graft_mod_blk_write (blk_read, blk_write) - move
 * count whole sectors at lba, counted from the start of the granted range.
 * GRAFT_EBADF, GRAFT_ERANGE (outside the range), GRAFT_EROFS, GRAFT_EIO. */
GRAFT_MODAPI_(blk_read)
int graft_mod_blk_read(int handle, uint64_t lba, void *buf, uint32_t count);
GRAFT_MODAPI_(blk_write)
int graft_mod_blk_write(int handle, uint64_t lba, const void *buf,
			uint32_t count);

/* graft_mod_net_mac (net_mac) - the device's MAC address into mac[6]. */
GRAFT_MODAPI_(net_mac) int graft_mod_net_mac(int handle, uint8_t *mac);

/* graft_mod_net_send (net_send) - send one Ethernet frame.  GRAFT_EBADF,
 * GRAFT_EINVAL (length), GRAFT_EIO. */
GRAFT_MODAPI_(net_send)
int graft_mod_net_send(int handle, const void *frame, size_t len);

/* graft_mod_net_recv (net_recv) - take one received frame into buf;
 * returns its length, GRAFT_EAGAIN if none is pending.  While a net handle
 * is open the module's net callback runs whenever frames may be pending. */
GRAFT_MODAPI_(net_recv)
int graft_mod_net_recv(int handle, void *buf, size_t size);

/*
 * Upgrade state in one source for both formats (GRAFT_MODULE_SAVE and
 * RESTORE in <graft/module.h>): save sets *state to
 * graft_mod_state_copy(&my_state, sizeof(my_state)) (NULL: out of memory);
 * restore reads it, then calls graft_mod_state_free(state).  Natively
 * these are a heap copy and free(), as the native contract wants; in
 * bytecode the loader copies the state itself, so they do nothing.
 */
#if defined(__wasm__)
static inline void *graft_mod_state_copy(const void *p, size_t len)
{
	return (void *)p;
}
static inline void graft_mod_state_free(void *p)
{
}
#else
void *graft_mod_state_copy(const void *p, size_t len);
void graft_mod_state_free(void *p);
#endif

/* Helpers for modules, which have no C library of their own in the
 * bytecode form. */
static inline size_t graft_mod_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* graft_mod_logs - log a NUL-terminated string. */
static inline void graft_mod_logs(int level, const char *s)
{
	graft_mod_log(level, s, graft_mod_strlen(s));
}

/* graft_mod_utoa - write v in decimal at p (room for 21 bytes), NUL
 * included; returns the number of digits. */
static inline size_t graft_mod_utoa(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	p[n] = '\0';
	return n;
}

#endif
