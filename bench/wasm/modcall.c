/*
 * The cost of one callback into a module, native against bytecode, from
 * the same source (bench/wasm/modcall_module.c) through the module manager
 * (mod_callback, as a timer firing calls it); a plain indirect C call and
 * a bare wasm_func_call into the same bytecode function for reference.
 * Prints "name ns-per-call" lines, each the best of 5 runs.
 *
 * usage: graft-modcall-bench MODULE.o MODULE.wasm
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <graft/platform.h>
#include "kernel/mod/fmt_wasm.h"
#include "kernel/mod/mod_internal.h"

#define CALLS 2000000u
#define RUNS  5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static struct mod *load(const char *path)
{
	static char msg[256];
	struct mod *m;
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		err(1, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		errx(1, "%s: cannot read", path);
	fclose(f);
	if (mod_load(buf, (size_t)n, NULL, &m, msg, sizeof(msg)))
		errx(1, "%s", msg);
	free(buf);
	return m;
}

static volatile uint32_t c_sum;

static void c_timer(uint32_t id)
{
	c_sum += id;
}

static void (*volatile c_fn)(uint32_t) = c_timer;

enum { BASELINE, NATIVE, BYTECODE, ENGINE };

static double run(int kind, struct mod *m)
{
	struct mod_wasm *w = m ? m->priv : NULL;
	double best = 1e9, t;
	wasm_val arg;
	uint32_t i;

	for (int r = 0; r < RUNS; r++) {
		t = now();
		for (i = 0; i < CALLS; i++) {
			switch (kind) {
			case BASELINE:
				c_fn(i);
				break;
			case ENGINE:
				arg.i32 = (int32_t)i;
				wasm_func_call(w->store,
					       w->entry[MOD_ENTRY_TIMER], &arg,
					       1, NULL, 0, NULL);
				break;
			default:
				mod_callback(m, MOD_ENTRY_TIMER, i);
			}
		}
		t = (now() - t) / CALLS;
		if (t < best)
			best = t;
	}
	return best * 1e9;
}

int main(int argc, char **argv)
{
	struct mod *native, *bytecode;

	if (argc != 3)
		errx(2, "usage: graft-modcall-bench MODULE.o MODULE.wasm");
	if (mod_manager_init(&mod_mem_host, NULL, 0) || mod_wasm_register())
		errx(1, "cannot start the module manager");
	native = load(argv[1]);
	printf("c-indirect %.2f\n", run(BASELINE, NULL));
	printf("native %.2f\n", run(NATIVE, native));
	mod_unload("modcall", NULL, 0);
	bytecode = load(argv[2]);
	printf("bytecode %.2f\n", run(BYTECODE, bytecode));
	printf("engine %.2f\n", run(ENGINE, bytecode));
	mod_unload("modcall", NULL, 0);
	return 0;
}
