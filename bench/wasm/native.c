/*
 * The native half of the wasm benchmark: runs each kernel of kernels.c
 * (compiled in with gcc -O2) and prints "name checksum seconds" lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "kernels.c"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	static const struct {
		const char *name;
		uint32_t (*fn)(void);
	} k[] = {
		{"fib", bench_fib},	      {"sha256", bench_sha256},
		{"crc32", bench_crc32},	      {"quicksort", bench_quicksort},
		{"matmul", bench_matmul},     {"packets", bench_packets},
	};
	for (unsigned i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		double best = 1e9;
		uint32_t sum = 0;
		for (int rep = 0; rep < 3; rep++) {
			double t = now();
			sum = k[i].fn();
			t = now() - t;
			if (t < best)
				best = t;
		}
		printf("%s %u %.6f\n", k[i].name, sum, best);
	}
	return 0;
}
