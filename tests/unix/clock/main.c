/*
 * clock: reads both clocks from a fiber (main's), as the kernel does:
 * checks that the monotonic clock never goes back and that the wall clock
 * is the host's (argv[1], seconds since the epoch, within a minute), then
 * prints the cost of one monotonic read over 1e6 reads, timed by itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <graft/time.h>

#define READS 1000000

int main(int argc, char **argv)
{
	uint64_t t0, last, now, wall, host;
	long backwards = 0;

	if (argc != 2) {
		printf("usage: clock HOST-SECONDS\n");
		return 2;
	}
	host = strtoull(argv[1], NULL, 10);
	wall = graft_wall() / 1000000000ULL;
	printf("wall clock %s the host's\n",
	       wall + 60 >= host && wall <= host + 60 ? "agrees with"
						      : "differs from");
	t0 = last = graft_now();
	for (int i = 0; i < READS; i++) {
		now = graft_now();
		if (now < last)
			backwards++;
		last = now;
	}
	printf("monotonic went back %ld times\n", backwards);
	printf("%llu ns per read\n", (unsigned long long)(last - t0) / READS);
	return backwards ? 1 : 0;
}
