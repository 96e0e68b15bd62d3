/*
 * trapper: misbehaves on request.  Each message names one way to fail:
 * oob (load outside memory), div (divide by zero), loop (never returns:
 * fuel), recurse (unbounded recursion), badptr (an import called with a
 * range outside memory), unreachable; grow asks for more memory than a
 * module may have and reports the result to the host ("grow -1").
 */
#include <stdbool.h>
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("trapper", "1.0", "MIT");

static char req[64];
volatile int zero;

static bool is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int recurse(int n)
{
	volatile int pad[16];

	pad[0] = n;
	if (zero == 12345)
		return n;
	return recurse(n + 1) + pad[0];
}

static void trapper_message(void)
{
	char from[GRAFT_MODULE_NAME_MAX];
	int n = graft_mod_recv(from, req, sizeof(req) - 1);

	if (n < 0)
		return;
	req[n] = '\0';
	if (is(req, "oob"))
		zero = *(volatile int *)0xfffffff0u;
	else if (is(req, "div"))
		zero = 7 / zero;
	else if (is(req, "loop"))
		for (;;)
			zero++;
	else if (is(req, "recurse"))
		zero = recurse(0);
	else if (is(req, "badptr"))
		graft_mod_log(2, (const char *)0xfffff000u, 100);
	else if (is(req, "unreachable"))
		__builtin_trap();
	else if (is(req, "grow")) {
		char msg[24] = "grow ";
		long r = __builtin_wasm_memory_grow(0, 100000);

		if (r < 0) {
			msg[5] = '-';
			msg[6] = '1';
			graft_mod_send(from, msg, 7);
		} else {
			graft_mod_send(from, msg, 5);
		}
	}
}

GRAFT_MODULE_MESSAGE(trapper_message);
