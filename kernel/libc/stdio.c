/*
 * <stdio.h> for guest code: thin wrappers over the formatting core.
 * Console output is gathered in a stack buffer and written to the platform
 * in pieces of at most CONSOLE_CHUNK bytes, so one printf is one or a few
 * console writes, never one per conversion.
 */
#include <graft/platform.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include <graft/module.h>

#define CONSOLE_CHUNK 256

struct console_buf {
	char buf[CONSOLE_CHUNK];
	size_t used;
};

static void console_flush(struct console_buf *c)
{
	if (c->used)
		plat_console_write(c->buf, c->used);
	c->used = 0;
}

static void console_sink(void *ctx, const char *s, size_t n)
{
	struct console_buf *c = ctx;

	while (n) {
		size_t k = CONSOLE_CHUNK - c->used;

		if (k > n)
			k = n;
		memcpy(c->buf + c->used, s, k);
		c->used += k;
		s += k;
		n -= k;
		if (c->used == CONSOLE_CHUNK)
			console_flush(c);
	}
}

int vprintf(const char *fmt, va_list ap)
{
	struct console_buf c;
	int n;

	c.used = 0;
	n = kfmt_vformat(console_sink, &c, fmt, ap);
	console_flush(&c);
	return n;
}
GRAFT_EXPORT(vprintf);

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
GRAFT_EXPORT(printf);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return kfmt_vsnprintf(buf, size, fmt, ap);
}
GRAFT_EXPORT(vsnprintf);

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
GRAFT_EXPORT(snprintf);

int puts(const char *s)
{
	size_t n = strlen(s);

	plat_console_write(s, n);
	plat_console_write("\n", 1);
	return (int)n + 1;
}
GRAFT_EXPORT(puts);

int putchar(int c)
{
	char ch = (char)c;

	plat_console_write(&ch, 1);
	return (unsigned char)ch;
}
GRAFT_EXPORT(putchar);
