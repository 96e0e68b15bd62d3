/*
 * hello: the smallest module, built both ways from this one file:
 *
 *	graft-module-build.sh -o hello.o hello.c		(native)
 *	graft-module-build.sh --wasm -o hello.wasm hello.c	(bytecode)
 *
 * It logs a greeting with the time since boot at init, and a farewell at
 * exit.
 */
#include <graft/log.h>
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("hello", "1.0", "MIT");

#if defined(__wasm__)
#define HELLO_FORMAT "bytecode"
#else
#define HELLO_FORMAT "native"
#endif

static int hello_init(void)
{
	char line[96] = "hello from a " HELLO_FORMAT " module at ";
	size_t n = graft_mod_strlen(line);

	n += graft_mod_utoa(line + n, graft_mod_now() / 1000000);
	line[n++] = ' ';
	line[n++] = 'm';
	line[n++] = 's';
	graft_mod_log(GRAFT_LOG_INFO, line, n);
	return 0;
}

static void hello_exit(void)
{
	graft_mod_logs(GRAFT_LOG_INFO, "goodbye");
}

GRAFT_MODULE_INIT(hello_init);
GRAFT_MODULE_EXIT(hello_exit);
