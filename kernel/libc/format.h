/*
 * The printf formatting core, shared by the guest's <stdio.h> and the
 * kernel log, and built hosted for unit tests (its names do not clash with
 * the host's libc).  Conversions: d i u x X o c s p % f F e E g G; flags
 * - + space 0 #; width and precision (also *); lengths hh h l ll z j t.
 * Floating-point precision is capped at KFMT_MAX_FLOAT_PREC; digits past the
 * 17th significant one print as 0.
 */
#ifndef GRAFT_KERNEL_LIBC_FORMAT_H
#define GRAFT_KERNEL_LIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#define KFMT_MAX_FLOAT_PREC 300

/* A sink receives the output in pieces, in order. */
typedef void (*kfmt_sink)(void *ctx, const char *s, size_t n);

/* kfmt_vformat - format into sink; returns the number of bytes produced. */
int kfmt_vformat(kfmt_sink sink, void *ctx, const char *fmt, va_list ap);

/* kfmt_vsnprintf - C's vsnprintf: writes at most size - 1 bytes and a NUL
 * (when size > 0); returns the length the whole output would have had. */
int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
