/*
 * graft-unix: the unix target's launcher.
 *
 *   graft-unix [--mem SIZE] [--net TAP[:plain]]... [--disk FILE[:ro]]...
 *              [--name NAME] [--no-ctl] [--module FILE]... IMAGE [-- ARGS...]
 *
 * Usually started by `graft run -t unix`.  Opens the devices, creates the
 * instance's control socket, builds the seccomp filters, and runs the image
 * as a child process holding exactly those descriptors plus the boot
 * description (include/abi/unix.h).  The console is the child's stdout.
 * Exits with the instance's status; 255 when it faulted, aborted or broke
 * its filter (said on stderr); 1 when it could not be started.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <graft/platform.h>
#include "unix_launch.h"

#define UNIX_MEM_DEFAULT (32ULL << 20)
#define CHILD_FD_BASE	 10

static pid_t child;

static void usage(FILE *f)
{
	fputs("usage: graft-unix [--mem SIZE] [--net TAP[:plain]]... [--disk "
	      "FILE[:ro]]...\n"
	      "                  [--name NAME] [--no-ctl] [--module FILE]... "
	      "IMAGE [-- ARGS...]\n"
	      "\n"
	      "Runs a graft image built for the unix target as a sandboxed "
	      "process.\n"
	      "  --mem SIZE     memory for the instance's heap, e.g. 64M "
	      "(default 32M)\n",
	      f);
	host_usage_common(f);
}

static struct unix_device *add_dev(struct unix_launch *l, uint32_t kind,
				   const char *prefix, unsigned index, int fd)
{
	struct unix_device *d;

	if (l->boot.ndevices >= UNIX_MAX_DEVICES) {
		warnx("too many devices (at most %d)", UNIX_MAX_DEVICES);
		return NULL;
	}
	d = &l->boot.devices[l->boot.ndevices++];
	l->host_fd[l->nfds] = fd;
	d->fd = CHILD_FD_BASE + l->nfds++;
	d->info.kind = kind;
	snprintf(d->info.name, sizeof(d->info.name), "%s%u", prefix, index);
	return d;
}

/* The hooks host_parse_options calls with the launch as ctx. */
static int attach_module(void *ctx, const char *path)
{
	struct unix_launch *l = ctx;
	struct unix_module *m;
	int fd;

	if (l->boot.nmodules >= UNIX_MAX_MODULES) {
		warnx("module '%s': too many modules (at most %d)", path,
		      UNIX_MAX_MODULES);
		return -1;
	}
	m = &l->boot.modules[l->boot.nmodules];
	fd = host_module_open(path, &m->len, m->name, sizeof(m->name));
	if (fd < 0)
		return -1;
	l->boot.nmodules++;
	l->host_fd[l->nfds] = fd;
	m->fd = CHILD_FD_BASE + l->nfds++;
	return 0;
}

static int attach_net(void *ctx, const char *tap, unsigned index)
{
	struct unix_launch *l = ctx;
	uint32_t offloads;
	int fd = host_tap_open(tap, &offloads);
	struct unix_device *d;

	if (fd < 0 || !(d = add_dev(l, PLAT_DEV_NET, "net", index, fd)))
		return -1;
	d->info.net_offloads = offloads;
	d->info.mtu = 1500;
	host_tap_mac(index, d->info.mac);
	return 0;
}

static int attach_disk(void *ctx, char *spec, unsigned index)
{
	struct unix_launch *l = ctx;
	struct unix_device *d;
	uint64_t size;
	int is_ro, fd = host_disk_open_spec(spec, &size, &is_ro);

	if (fd < 0 || !(d = add_dev(l, PLAT_DEV_BLOCK, "disk", index, fd)))
		return -1;
	d->info.sector_size = 512;
	d->info.sectors = size / 512;
	d->info.read_only = is_ro;
	return 0;
}

/* The boot description in a memfd: header, run filter, seal filter. */
static int make_boot_fd(struct unix_launch *l)
{
	void *run = NULL, *seal = NULL;
	size_t run_len, seal_len;
	int fd = -1;

	if (unix_filter_run(l, &run, &run_len) < 0 ||
	    unix_filter_seal(&seal, &seal_len) < 0)
		goto out;
	if (run_len / 8 > UNIX_MAX_FILTER || seal_len / 8 > UNIX_MAX_FILTER) {
		warnx("seccomp filter too large");
		goto out;
	}
	l->boot.magic = UNIX_BOOT_MAGIC;
	l->boot.version = UNIX_BOOT_VERSION;
	l->boot.run_filter_off = sizeof(l->boot);
	l->boot.run_filter_len = run_len / 8;
	l->boot.seal_filter_off = sizeof(l->boot) + run_len;
	l->boot.seal_filter_len = seal_len / 8;
	l->boot.boot_len = sizeof(l->boot) + run_len + seal_len;
	fd = memfd_create("graft-boot", 0);
	if (fd < 0 ||
	    write(fd, &l->boot, sizeof(l->boot)) != (ssize_t)sizeof(l->boot) ||
	    write(fd, run, run_len) != (ssize_t)run_len ||
	    write(fd, seal, seal_len) != (ssize_t)seal_len ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		warn("boot description");
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	free(run);
	free(seal);
	return fd;
}

/* In the child: descriptors 0-2, the boot description on 3, devices from
 * CHILD_FD_BASE, nothing else; an empty environment. */
static void exec_child(struct unix_launch *l, int boot_fd, const char *image,
		       char **argv, pid_t launcher)
{
	char *envp[] = {NULL};
	int hi = CHILD_FD_BASE + (int)l->nfds;

	/* The instance dies with its launcher, even a SIGKILLed one (the
	 * launcher cannot forward that); it may have died already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != launcher)
		_exit(127);

	/* Move the sources out of the way first so no dup2 clobbers one. */
	for (unsigned i = 0; i < l->nfds; i++) {
		l->host_fd[i] = fcntl(l->host_fd[i], F_DUPFD, hi + 64);
		if (l->host_fd[i] < 0)
			_exit(127);
	}
	boot_fd = fcntl(boot_fd, F_DUPFD, hi + 64);
	if (boot_fd < 0 || dup2(boot_fd, UNIX_BOOT_FD) < 0)
		_exit(127);
	for (unsigned i = 0; i < l->nfds; i++)
		if (dup2(l->host_fd[i], CHILD_FD_BASE + i) < 0)
			_exit(127);
	close_range(UNIX_BOOT_FD + 1, CHILD_FD_BASE - 1, 0);
	close_range(hi, ~0U, 0);
	execve(image, argv, envp);
	fprintf(stderr, "graft-unix: image '%s': %s\n", image, strerror(errno));
	_exit(127);
}

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int wait_child(const char *name)
{
	int status;

	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			err(1, "waitpid");
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 127)
			return 1; /* exec failed, already said */
		return WEXITSTATUS(status);
	}
	if (WTERMSIG(status) == SIGSYS)
		warnx("instance '%s' killed: it made a system call its "
		      "seccomp filter forbids",
		      name);
	else
		warnx("instance '%s' killed by signal %d (%s)", name,
		      WTERMSIG(status), strsignal(WTERMSIG(status)));
	return 255;
}

int main(int argc, char **argv)
{
	static struct unix_launch l;
	const struct host_opt_hooks hooks = {
	    .net = attach_net,
	    .disk = attach_disk,
	    .module = attach_module,
	    .usage = usage,
	    .ctx = &l,
	};
	struct host_opts o = {.mem = UNIX_MEM_DEFAULT};
	const char *image;
	int boot_fd, rc;
	pid_t launcher;

	l.inst.listen_fd = -1;
	host_parse_options(&o, &hooks, argc, argv);
	image = o.image;
	if (o.mem < (1ULL << 20) || o.mem > (64ULL << 30) || o.mem % 4096)
		errx(1,
		     "--mem: %llu bytes: memory must be whole pages between "
		     "1M and 64G",
		     (unsigned long long)o.mem);
	l.boot.mem_size = o.mem;
	host_check_target(image, "unix");
	if (access(image, X_OK) < 0)
		err(1, "image '%s'", image);
	if (o.ctl) {
		if (host_instance_create(&l.inst, o.name, image, "unix",
					 o.mem) < 0)
			exit(1);
		if (!add_dev(&l, PLAT_DEV_CTL, "ctl", 0, l.inst.listen_fd))
			exit(1);
		snprintf(l.boot.devices[l.boot.ndevices - 1].info.name,
			 sizeof(l.boot.devices[0].info.name), "ctl");
	}
	boot_fd = make_boot_fd(&l);
	if (boot_fd < 0) {
		host_instance_destroy(&l.inst);
		exit(1);
	}
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	fflush(NULL);
	launcher = getpid();
	child = fork();
	if (child < 0)
		err(1, "fork");
	if (child == 0)
		exec_child(&l, boot_fd, image, o.argv, launcher);
	close(boot_fd);
	rc = wait_child(l.inst.name[0] ? l.inst.name : image);
	host_instance_destroy(&l.inst);
	return rc;
}
