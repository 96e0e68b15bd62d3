/*
 * The cost of one clock read on the unix target, both ways it can read
 * one: the vDSO's clock_gettime, found by the target's own lookup
 * (platform/unix/unix_vdso.c), and the clock_gettime system call it falls
 * back to.  Each is timed over 1e6 calls, best of 5 runs, in this one
 * process; prints ns per call for each and the ratio.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "unix_vdso.h"

#define CALLS 1000000
#define RUNS  5

typedef int (*gettime_fn)(clockid_t, struct timespec *);

static gettime_fn vdso_gettime;

static uint64_t now_ns(void)
{
	struct timespec ts;

	vdso_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void by_syscall(clockid_t c, struct timespec *ts)
{
	syscall(SYS_clock_gettime, c, ts);
}

static void by_vdso(clockid_t c, struct timespec *ts)
{
	vdso_gettime(c, ts);
}

/* The best of RUNS runs of CALLS reads, in ns per read. */
static double per_call(void (*read)(clockid_t, struct timespec *))
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		struct timespec ts;
		uint64_t t0 = now_ns(), t;

		for (int i = 0; i < CALLS; i++)
			read(i & 1 ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
		t = now_ns() - t0;
		if ((double)t / CALLS < best)
			best = (double)t / CALLS;
	}
	return best;
}

int main(void)
{
	const void *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	const char *why = NULL;
	size_t size = unix_vdso_mapped_size(base, &why);
	double sys, vdso;

	if (size)
		vdso_gettime = (gettime_fn)unix_vdso_lookup(
		    base, size, "__vdso_clock_gettime", "LINUX_2.6", &why);
	if (!vdso_gettime)
		errx(1, "vDSO: %s", why);
	sys = per_call(by_syscall);
	vdso = per_call(by_vdso);
	printf("system call %.1f ns, vDSO %.1f ns, system call / vDSO %.1fx\n",
	       sys, vdso, sys / vdso);
	return 0;
}
