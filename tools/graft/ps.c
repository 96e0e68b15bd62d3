/*
 * graft ps: the instances running on this host, from the NAME.info files
 * the tenders keep in the runtime directory (tender/common/host.c).  An
 * info file whose pid is gone (a tender that was killed) is skipped.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "graft.h"
#include "tender/common/host.h"

static int cmd_ps(const struct graft_cmd *self, int argc, char **argv);

GRAFT_COMMAND(ps, .name = "ps", .synopsis = "ps",
	      .summary = "list the running instances",
	      .options = "Lists the instances in the runtime directory "
			 "($GRAFT_RUNTIME_DIR,\n"
			 "/run/graft as root, else $XDG_RUNTIME_DIR/graft or "
			 "/tmp/graft-UID).\n"
			 "  -h, --help  this text\n",
	      .run = cmd_ps);

struct instance_info {
	char name[64], target[32], ctl[256];
	long pid;
	unsigned long long mem;
};

static int is_info(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && d->d_name[0] != '.' &&
	       strcmp(d->d_name + n - 5, ".info") == 0;
}

/* key=value lines; unknown keys are ignored, missing ones stay empty. */
static int read_info(const char *path, struct instance_info *in)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	memset(in, 0, sizeof(*in));
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
		if (strcmp(line, "name") == 0)
			snprintf(in->name, sizeof(in->name), "%s", v);
		else if (strcmp(line, "target") == 0)
			snprintf(in->target, sizeof(in->target), "%s", v);
		else if (strcmp(line, "ctl") == 0)
			snprintf(in->ctl, sizeof(in->ctl), "%s", v);
		else if (strcmp(line, "pid") == 0)
			in->pid = strtol(v, NULL, 10);
		else if (strcmp(line, "mem") == 0)
			in->mem = strtoull(v, NULL, 10);
	}
	fclose(f);
	return 0;
}

static void format_size(unsigned long long n, char *buf, size_t size)
{
	if (n && n % (1ULL << 30) == 0)
		snprintf(buf, size, "%lluG", n >> 30);
	else if (n && n % (1ULL << 20) == 0)
		snprintf(buf, size, "%lluM", n >> 20);
	else if (n && n % (1ULL << 10) == 0)
		snprintf(buf, size, "%lluK", n >> 10);
	else
		snprintf(buf, size, "%llu", n);
}

static int alive(long pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static int cmd_ps(const struct graft_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *dir = host_runtime_dir();
	struct dirent **ents;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c != 'h')
			return graft_bad_usage(self);
		graft_usage(self, stdout);
		return 0;
	}
	if (optind != argc)
		return graft_bad_usage(self);
	printf("%-20s %-8s %8s %8s  %s\n", "NAME", "TARGET", "PID", "MEMORY",
	       "CONTROL-SOCKET");
	n = scandir(dir, &ents, is_info, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		err(1, "runtime directory '%s'", dir);
	}
	for (int i = 0; i < n; i++) {
		char *path = graft_path(dir, ents[i]->d_name), mem[32];
		struct instance_info in;

		if (read_info(path, &in) == 0 && alive(in.pid)) {
			format_size(in.mem, mem, sizeof(mem));
			printf("%-20s %-8s %8ld %8s  %s\n", in.name, in.target,
			       in.pid, mem, in.ctl);
		}
		free(path);
		free(ents[i]);
	}
	free(ents);
	return 0;
}
