/* The fake platform (see fakeplat.h).  Devices do not exist; exit and abort
 * end the test process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graft/error.h>

#include "fakeplat.h"

#define CONSOLE_MAX 65536

static uint64_t now_ns;
static char console[CONSOLE_MAX + 1];
static size_t console_len;
static plat_handle_set_t pending_ready;

unsigned fakeplat_yields;
plat_handle_set_t fakeplat_last_watch;
uint64_t fakeplat_last_deadline;

void fakeplat_set_time(uint64_t ns)
{
	now_ns = ns;
}

void fakeplat_advance(uint64_t ns)
{
	now_ns += ns;
}

const char *fakeplat_console(void)
{
	console[console_len] = '\0';
	return console;
}

void fakeplat_console_reset(void)
{
	console_len = 0;
}

void fakeplat_set_ready(plat_handle_set_t ready)
{
	pending_ready = ready;
}

void plat_console_write(const char *buf, size_t len)
{
	size_t room = CONSOLE_MAX - console_len;

	if (len > room)
		len = room;
	memcpy(console + console_len, buf, len);
	console_len += len;
}

uint64_t plat_clock_monotonic(void)
{
	return now_ns;
}

uint64_t plat_clock_wall(void)
{
	return 1700000000ULL * 1000000000ULL + now_ns;
}

void plat_yield(uint64_t deadline, plat_handle_set_t *ready)
{
	fakeplat_yields++;
	fakeplat_last_watch = *ready;
	fakeplat_last_deadline = deadline;
	if (pending_ready & *ready) {
		*ready &= pending_ready;
		pending_ready = 0;
		return;
	}
	*ready = 0;
	if (deadline == UINT64_MAX) {
		fprintf(stderr, "fakeplat: yield forever with nothing ready\n");
		abort();
	}
	if (deadline > now_ns)
		now_ns = deadline;
}

int plat_device_info(plat_handle_t h, struct plat_device_info *info)
{
	return GRAFT_EBADF;
}

int plat_net_write(plat_handle_t h, const void *frame, size_t len)
{
	return GRAFT_EBADF;
}

int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	return GRAFT_EBADF;
}

int plat_net_read_batch(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	*count = 0;
	return GRAFT_EBADF;
}

int plat_net_write_batch(plat_handle_t h, const void *buf, size_t size,
			 const uint32_t *lens, unsigned count, unsigned *sent)
{
	*sent = 0;
	return GRAFT_EBADF;
}

int plat_block_read(plat_handle_t h, uint64_t offset, void *buf, size_t len)
{
	return GRAFT_EBADF;
}

int plat_block_write(plat_handle_t h, uint64_t offset, const void *buf,
		     size_t len)
{
	return GRAFT_EBADF;
}

int plat_block_flush(plat_handle_t h)
{
	return GRAFT_EBADF;
}

int plat_ctl_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	return GRAFT_EBADF;
}

int plat_ctl_write(plat_handle_t h, const void *buf, size_t len)
{
	return GRAFT_EBADF;
}

/* Not supported, so the fiber code's canary guard is what gets tested. */
int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	return GRAFT_ENOTSUP;
}

int plat_seal(void)
{
	return GRAFT_ENOTSUP;
}

void plat_exit(int status)
{
	fflush(stdout);
	exit(status);
}

void plat_abort(const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "plat_abort: %s\n", msg);
	fwrite(console, 1, console_len, stderr);
	abort();
}
