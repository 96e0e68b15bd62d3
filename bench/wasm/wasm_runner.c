/*
 * The interpreter half of the wasm benchmark: loads kernels.wasm with
 * lib/wasm and runs each exported bench_* kernel, printing
 * "name checksum seconds" lines like the native runner.  Also reports how
 * long decoding, validating and compiling the module took.  With --load,
 * only loads and instantiates the module, best of at least 20 runs over
 * at least half a second, and prints "load BYTES MS".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/wasm/wasm.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Decode, validate, compile and instantiate, best of at least 20 runs,
 * with the limits the module manager gives a bytecode module
 * (kernel/mod/fmt_wasm.h: 64 Ki value slots, call depth 1000).  Twenty
 * runs take some 20 ms, too short for a shared machine (its clock and its
 * scheduler): the runs go on for at least half a second. */
static int load_only(const uint8_t *buf, size_t len)
{
	static const struct wasm_store_limits limits = {.stack_slots = 65536,
							.call_depth = 1000};
	double best = 1e9, start = now();
	char err[256];

	for (int rep = 0; rep < 20 || now() - start < 0.5; rep++) {
		wasm_module *m;
		wasm_store *st;
		wasm_instance *inst;
		struct wasm_trap trap;
		double t = now();

		if (wasm_module_new(buf, len, &m, err, sizeof(err))) {
			fprintf(stderr, "load: %s\n", err);
			return 1;
		}
		st = wasm_store_new(&limits);
		if (!st || wasm_instantiate(st, m, NULL, NULL, &inst, &trap,
					    err, sizeof(err))) {
			fprintf(stderr, "instantiate: %s\n", err);
			return 1;
		}
		t = now() - t;
		best = t < best ? t : best;
		wasm_store_free(st);
		wasm_module_free(m);
	}
	printf("load %zu %.3f\n", len, best * 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *names[] = {"fib",	   "sha256", "crc32",
				      "quicksort", "matmul", "packets"};
	static uint8_t buf[1 << 22];
	char err[256], exp[64];
	wasm_module *m;
	wasm_store *st;
	wasm_instance *inst;
	struct wasm_trap trap;
	size_t len;
	double t;
	FILE *f;

	int load = argc == 3 && strcmp(argv[1], "--load") == 0;

	if ((argc != 2 && !load) || !(f = fopen(argv[argc - 1], "rb"))) {
		fprintf(stderr, "usage: %s [--load] MODULE.wasm\n", argv[0]);
		return 2;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (load)
		return load_only(buf, len);
	t = now();
	if (wasm_module_new(buf, len, &m, err, sizeof(err))) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}
	fprintf(stderr, "load %zu bytes: %.3f ms\n", len, (now() - t) * 1e3);
	st = wasm_store_new(NULL);
	wasm_store_set_fuel(st, UINT64_MAX / 2);
	if (!st || wasm_instantiate(st, m, NULL, NULL, &inst, &trap, err,
				    sizeof(err))) {
		fprintf(stderr, "instantiate: %s\n", err);
		return 1;
	}
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		double best = 1e9;
		wasm_val res;
		res.bits = 0;
		snprintf(exp, sizeof(exp), "bench_%s", names[i]);
		for (int rep = 0; rep < 2; rep++) {
			t = now();
			if (wasm_call(inst, exp, NULL, 0, &res, 1, &trap)) {
				fprintf(stderr, "%s trapped: %s\n", exp,
					wasm_trap_name(trap.code));
				return 1;
			}
			t = now() - t;
			if (t < best)
				best = t;
		}
		printf("%s %u %.6f\n", names[i], (uint32_t)res.i32, best);
	}
	wasm_store_free(st);
	wasm_module_free(m);
	return 0;
}
