/* The kernel's <stdio.h>: formatting to the console and to buffers.
 * Conversions: d i u x X o c s p %, with flags - + space 0 #, width,
 * precision and the length modifiers hh h l ll z j t; f, e and g for doubles. */
#ifndef _GRAFT_STDIO_H
#define _GRAFT_STDIO_H
#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
#endif
