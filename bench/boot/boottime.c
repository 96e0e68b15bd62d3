/*
 * boottime: wall time from exec to exit of several commands, each run
 * RUNS times, round-robin so that a busy machine slows them alike.
 *
 *   boottime RUNS CMD [ARGS...] [:: CMD [ARGS...]]...
 *
 * Prints one line per command, in milliseconds: the median and minimum
 * wall time, and the median CPU time (user + system) the command's process
 * used, which a busy machine disturbs less than wall time.  Each command's
 * stdout goes to /dev/null; a command that does not exit 0 stops the run
 * with its name.
 */
#include <err.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000ULL + tv.tv_usec * 1000ULL;
}

/* Runs cmd once; returns its wall time and stores its CPU time. */
static uint64_t run_once(char **cmd, posix_spawn_file_actions_t *fa,
			 uint64_t *cpu)
{
	uint64_t t0 = now_ns();
	struct rusage ru;
	pid_t pid;
	int status, rc;

	rc = posix_spawn(&pid, cmd[0], fa, NULL, cmd, environ);
	if (rc != 0)
		errx(1, "%s: %s", cmd[0], strerror(rc));
	if (wait4(pid, &status, 0, &ru) < 0)
		err(1, "wait4");
	*cpu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "%s: did not exit 0 (status 0x%x)", cmd[0], status);
	return now_ns() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	char **cmds[MAX_CMDS];
	uint64_t *t[MAX_CMDS], *cpu[MAX_CMDS], unused;
	posix_spawn_file_actions_t fa;
	int ncmds = 0, runs;

	if (argc < 3 || (runs = atoi(argv[1])) < 1)
		errx(
		    2,
		    "usage: boottime RUNS CMD [ARGS...] [:: CMD [ARGS...]]...");
	cmds[ncmds++] = &argv[2];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "::") != 0)
			continue;
		argv[i] = NULL;
		if (i + 1 >= argc || ncmds == MAX_CMDS)
			errx(2, "'::' must separate at most %d commands",
			     MAX_CMDS);
		cmds[ncmds++] = &argv[i + 1];
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int c = 0; c < ncmds; c++) {
		t[c] = calloc(runs, sizeof(uint64_t));
		cpu[c] = calloc(runs, sizeof(uint64_t));
		if (!t[c] || !cpu[c])
			err(1, "calloc");
		run_once(cmds[c], &fa, &unused); /* warm the page cache */
	}
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < ncmds; c++)
			t[c][r] = run_once(cmds[c], &fa, &cpu[c][r]);
	for (int c = 0; c < ncmds; c++) {
		qsort(t[c], runs, sizeof(uint64_t), cmp_u64);
		qsort(cpu[c], runs, sizeof(uint64_t), cmp_u64);
		printf("%.3f %.3f %.3f\n", t[c][runs / 2] / 1e6, t[c][0] / 1e6,
		       cpu[c][runs / 2] / 1e6);
	}
	return 0;
}
