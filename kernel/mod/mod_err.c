/*
 * Error messages of the module manager: every one is a single line that
 * starts with the module it is about, "module 'hello': ...".  The label is
 * the object's source until its metadata has been read, its name after.
 * Names in messages come from the object (a symbol, a section, an
 * import): any byte of the line that is not printable ASCII is shown as
 * '?', so that a hostile object can neither break the line nor forge one.
 */
#include <stdarg.h>
#include <stdio.h>
#include "mod_internal.h"

static void printable_only(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

int mod_fail(struct mod_err *e, int rc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e || !e->buf || e->len == 0)
		return rc;
	n = snprintf(e->buf, e->len,
		     "module '%s': ", e->label ? e->label : "(unnamed)");
	if (n < 0)
		e->buf[0] = '\0';
	else if ((size_t)n < e->len) {
		va_start(ap, fmt);
		vsnprintf(e->buf + n, e->len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	printable_only(e->buf);
	return rc;
}
