/*
 * The kernel log and panic.  A log line is formatted into one buffer and
 * written with one console call, so lines from different fibers never
 * interleave.  Panic prints its message and a backtrace of return addresses
 * found by walking the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer), reading only inside the current stack's bounds.
 */
#include <stdint.h>

#include <graft/fiber.h>
#include <graft/log.h>
#include <graft/platform.h>

#include "kfiber.h"
#include "libc/format.h"
#include <graft/module.h>

#define LOG_LINE_MAX  512
#define BACKTRACE_MAX 32

static int log_level = GRAFT_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void graft_log_set_level(int level)
{
	if (level < GRAFT_LOG_ERROR)
		level = GRAFT_LOG_ERROR;
	if (level > GRAFT_LOG_DEBUG)
		level = GRAFT_LOG_DEBUG;
	log_level = level;
}

int graft_log_get_level(void)
{
	return log_level;
}

/* Write the formatted text, cut at the buffer's end, with a newline. */
static void write_line(char *buf, int n)
{
	if (n > LOG_LINE_MAX - 2)
		n = LOG_LINE_MAX - 2;
	buf[n++] = '\n';
	plat_console_write(buf, n);
}

void graft_log(int level, const char *subsys, const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level > log_level)
		return;
	if (level < GRAFT_LOG_ERROR)
		level = GRAFT_LOG_ERROR;
	n = kfmt_snprintf(buf, sizeof(buf) - 1, "[%s] %s: ", level_names[level],
			  subsys ? subsys : "kernel");
	if (n > LOG_LINE_MAX - 2)
		n = LOG_LINE_MAX - 2;
	va_start(ap, fmt);
	n += kfmt_vsnprintf(buf + n, sizeof(buf) - 1 - n, fmt, ap);
	va_end(ap);
	write_line(buf, n);
}
GRAFT_EXPORT(graft_log);

static void print_line(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void print_line(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	write_line(buf, n);
}

/* Each frame holds the caller's rbp at [rbp] and the return address at
 * [rbp + 8]; frames grow toward higher addresses as we walk out. */
static void backtrace(void)
{
	uintptr_t lo, hi, fp = (uintptr_t)__builtin_frame_address(0);

	if (fiber_stack_bounds(&lo, &hi) < 0) {
		print_line("backtrace: stack bounds unknown");
		return;
	}
	print_line("backtrace (%s):", graft_fiber_name(graft_fiber_self()));
	for (int i = 0; i < BACKTRACE_MAX; i++) {
		uintptr_t next, ret;

		if (fp < lo || fp > hi - 16 || (fp & 7))
			break;
		next = ((uintptr_t *)fp)[0];
		ret = ((uintptr_t *)fp)[1];
		if (!ret)
			break;
		print_line("  #%d %p", i, (void *)ret);
		if (next <= fp)
			break;
		fp = next;
	}
}

void graft_panic_at(const char *file, int line, const char *fmt, ...)
{
	static int panicking;
	char msg[LOG_LINE_MAX];
	va_list ap;

	/* A panic while panicking (say, in the backtrace) ends at once. */
	if (panicking++)
		plat_abort("panic while panicking");
	va_start(ap, fmt);
	kfmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_line("PANIC at %s:%d: %s", file, line, msg);
	backtrace();
	plat_abort(msg);
}
GRAFT_EXPORT(graft_panic_at);
