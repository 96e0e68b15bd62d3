/*
 * graft-virtio: run one graft image for the virtio target under QEMU.
 *
 *   graft-virtio [--machine q35|microvm] [--mem SIZE] [--net TAP]...
 *                [--disk FILE[:ro]]... [--module FILE]... [--name NAME]
 *                [--no-ctl] [--accel tcg|kvm] [--print-cmd] [--verbose]
 *                [--gdb PORT|PATH | --gdb-listen PORT|PATH]
 *                IMAGE [-- ARGS...]
 *
 * Usually started by `graft run -t virtio`.  Builds QEMU's command line
 * (virtio_qemu.c), says on stderr which accelerator runs the guest (on a
 * terminal, or with --verbose), runs
 * QEMU with the console on stdout, relays the control socket while it
 * runs, and exits with the guest's status, read from the exit channel
 * (platform/virtio/virtio_exit.c): 255 after a guest fault or abort or
 * when the guest ended without a status, 1 when QEMU could not run it.
 * gdb is served by QEMU's own stub (-gdb), on 127.0.0.1:PORT or a unix
 * socket, its address noted in the instance's info file for graft debug.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virtio.h"

#define MEM_DEFAULT (32ULL << 20)
#define MEM_MIN	    (4ULL << 20)
#define MEM_MAX	    (3ULL << 30)

static pid_t qemu_pid;
static volatile sig_atomic_t forwarded; /* the signal passed on to QEMU */

static void usage(FILE *f)
{
	static const char *const lines[] = {
	    "usage: graft-virtio [--machine q35|microvm] [--mem SIZE]",
	    "                    [--net TAP]... [--disk FILE[:ro]]...",
	    "                    [--module FILE]... [--name NAME] [--no-ctl]",
	    "                    [--accel tcg|kvm] [--print-cmd] [--verbose]",
	    "                    [--gdb PORT|PATH | --gdb-listen PORT|PATH]",
	    "                    IMAGE [-- ARGS...]",
	    "",
	    "Runs a graft image built for the virtio target under QEMU.",
	    "  --machine M    q35 (PCI devices, default) or microvm "
	    "(virtio-mmio)",
	    "  --mem SIZE     guest memory, e.g. 64M (default 32M, 4M to 3G)",
	    "  --net TAP      attach an existing tap interface as the next "
	    "virtio-net",
	    "  --disk FILE    attach a raw disk image as the next virtio-blk "
	    "(:ro read-only)",
	    "  --module FILE  load this native module at boot, before main "
	    "(repeatable)",
	    "  --name NAME    the instance's name for graft ps and the "
	    "control socket",
	    "  --no-ctl       no control channel",
	    "  --accel A      tcg (default: QEMU 7.2's KVM fails on these "
	    "hosts) or kvm",
	    "  --print-cmd    print QEMU's command line and exit",
	    "  --gdb PORT|PATH  QEMU's gdb stub on 127.0.0.1:PORT or a unix "
	    "socket;",
	    "                 the guest waits for gdb before it starts",
	    "  --gdb-listen PORT|PATH  the same, the guest not waiting",
	    "  -v, --verbose  say which accelerator runs the guest (always "
	    "said "
	    "on a terminal)",
	    "  -h, --help     this text",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		fprintf(f, "%s\n", lines[i]);
}

static void print_cmd(char **argv)
{
	for (char **p = argv; *p; p++) {
		int plain = !strpbrk(*p, " \"'\\$`!*?;&|<>()");

		printf("%s", p == argv ? "" : " ");
		if (plain) {
			printf("%s", *p);
			continue;
		}
		putchar('\'');
		for (const char *c = *p; *c; c++)
			printf(*c == '\'' ? "'\\''" : "%c", *c);
		putchar('\'');
	}
	putchar('\n');
}

static const char *find_qemu(void)
{
	const char *q = getenv("GRAFT_QEMU");
	const char *path = getenv("PATH");
	static char buf[4096];

	if (q && *q)
		return q;
	for (const char *p = path ? path : "/usr/bin"; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/qemu-system-x86_64", (int)n,
			 p);
		if (access(buf, X_OK) == 0)
			return "qemu-system-x86_64";
		p += n + (p[n] == ':');
	}
	return NULL;
}

/* The hooks host_parse_options calls with the launch as ctx. */
static int attach_disk(void *ctx, char *spec, unsigned index)
{
	struct virtio_launch *l = ctx;
	uint64_t size;
	int is_ro, fd;

	(void)index;
	if (l->ndisk == VIRTIO_MAX_DISK) {
		warnx("--disk '%s': at most %d disks", spec, VIRTIO_MAX_DISK);
		return -1;
	}
	fd = host_disk_open_spec(spec, &size, &is_ro);
	if (fd < 0)
		return -1;
	close(fd);
	l->disk[l->ndisk] = spec;
	l->disk_ro[l->ndisk++] = is_ro;
	return 0;
}

static int attach_net(void *ctx, const char *tap, unsigned index)
{
	struct virtio_launch *l = ctx;
	uint32_t offloads;
	int fd;

	(void)index;
	if (l->ntap == VIRTIO_MAX_NET) {
		warnx("--net '%s': at most %d nets", tap, VIRTIO_MAX_NET);
		return -1;
	}
	/* with virtio-net headers on the tap QEMU offers the guest the
	 * offloads (and sets the tap's to what the guest takes) */
	fd = host_tap_open(tap, &offloads);
	if (fd < 0)
		return -1;
	l->tap[l->ntap] = tap;
	l->tap_fd[l->ntap++] = fd;
	return 0;
}

/* Modules are only named here; virtio_module_bundle reads them. */
static int attach_module(void *ctx, const char *path)
{
	struct virtio_launch *l = ctx;

	if (l->nmodule == VIRTIO_MAX_MODULES) {
		warnx("--module '%s': at most %d modules", path,
		      VIRTIO_MAX_MODULES);
		return -1;
	}
	l->module[l->nmodule++] = path;
	return 0;
}

/* In the child: the control stream, the exit channel, the bundle and the
 * taps at the descriptors the command line names, blocking, inherited;
 * then QEMU. */
static void exec_qemu(struct virtio_launch *l, int ctl_fd, char **argv)
{
	int hi = VIRTIO_FD_TAP0 + (int)l->ntap;
	int exit_fd = fcntl(l->exit_fd, F_DUPFD_CLOEXEC, hi + 64);
	int bundle_fd = l->bundle_fd;

	for (unsigned i = 0; i < l->ntap; i++)
		l->tap_fd[i] = fcntl(l->tap_fd[i], F_DUPFD_CLOEXEC, hi + 64);
	if (ctl_fd >= 0)
		ctl_fd = fcntl(ctl_fd, F_DUPFD_CLOEXEC, hi + 64);
	if (bundle_fd >= 0)
		bundle_fd = fcntl(bundle_fd, F_DUPFD_CLOEXEC, hi + 64);
	if (ctl_fd >= 0 && dup2(ctl_fd, VIRTIO_FD_CTL) < 0)
		_exit(127);
	if (exit_fd < 0 || dup2(exit_fd, VIRTIO_FD_EXIT) < 0)
		_exit(127);
	if (bundle_fd >= 0 && dup2(bundle_fd, VIRTIO_FD_BUNDLE) < 0)
		_exit(127);
	for (unsigned i = 0; i < l->ntap; i++) {
		int fd = VIRTIO_FD_TAP0 + (int)i;

		if (l->tap_fd[i] < 0 || dup2(l->tap_fd[i], fd) < 0 ||
		    fcntl(fd, F_SETFL, 0) < 0)
			_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "graft-virtio: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void forward(int sig)
{
	forwarded = sig;
	if (qemu_pid > 0)
		kill(qemu_pid, sig);
}

/* The guest's status from the exit channel, -1 if it left none; abort
 * text is passed on to stderr. */
static int read_exit_channel(int fd, const char *name)
{
	char buf[8192], *line, *save = NULL;
	int status = -1;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end;
		long v;

		if (strncmp(line, "exit ", 5) == 0) {
			v = strtol(line + 5, &end, 10);
			if (*end == '\0' && v >= 0 && v <= 255)
				status = (int)v;
		} else if (strncmp(line, "abort: ", 7) == 0) {
			fprintf(stderr,
				"graft-virtio: instance '%s' aborted: "
				"%s\n",
				name, line + 7);
		}
	}
	return status;
}

static int run(struct virtio_launch *l, char **qargv)
{
	int sv[2] = {-1, -1}, wstatus, status;
	const char *name = l->inst.name[0] ? l->inst.name : l->image;

	if (l->ctl &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		warn("control channel");
		return 1;
	}
	fflush(NULL);
	qemu_pid = fork();
	if (qemu_pid < 0) {
		warn("fork");
		return 1;
	}
	if (qemu_pid == 0)
		exec_qemu(l, sv[1], qargv);
	if (sv[1] >= 0)
		close(sv[1]);
	for (unsigned i = 0; i < l->ntap; i++)
		close(l->tap_fd[i]);
	wstatus = virtio_ctl_relay(l, qemu_pid, sv[0]);
	status = read_exit_channel(l->exit_fd, name);
	if (status >= 0)
		return status;
	if (WIFSIGNALED(wstatus)) {
		warnx("instance '%s': QEMU killed by signal %d (%s)", name,
		      WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		return 255;
	}
	if (forwarded) {
		warnx("instance '%s' stopped by signal %d (%s)", name,
		      (int)forwarded, strsignal(forwarded));
		return 255;
	}
	if (WEXITSTATUS(wstatus) == 0) {
		warnx("instance '%s' ended without an exit status (a reset "
		      "or triple fault)",
		      name);
		return 255;
	}
	if (WEXITSTATUS(wstatus) != 127)
		warnx("instance '%s': QEMU failed (status %d)", name,
		      WEXITSTATUS(wstatus));
	return 1;
}

/* Remove what this run made: instance files, exit channel, bundle. */
static void cleanup(struct virtio_launch *l)
{
	host_instance_destroy(&l->inst);
	if (l->exit_fd >= 0)
		close(l->exit_fd);
	if (l->bundle_fd >= 0)
		close(l->bundle_fd);
}

/* The options only this launcher has. */
static int opt_machine(void *ctx, const char *m)
{
	struct virtio_launch *l = ctx;

	if (strcmp(m, "q35") == 0)
		l->machine = MACHINE_Q35;
	else if (strcmp(m, "microvm") == 0)
		l->machine = MACHINE_MICROVM;
	else
		errx(1, "--machine '%s': use q35 or microvm", m);
	return 0;
}

static int opt_accel(void *ctx, const char *a)
{
	struct virtio_launch *l = ctx;

	if (strcmp(a, "tcg") && strcmp(a, "kvm"))
		errx(1, "--accel '%s': use tcg or kvm", a);
	l->kvm = strcmp(a, "kvm") == 0;
	return 0;
}

static int opt_print_cmd(void *ctx, const char *unused)
{
	(void)unused;
	((struct virtio_launch *)ctx)->print_cmd = 1;
	return 0;
}

static int opt_verbose(void *ctx, const char *unused)
{
	(void)unused;
	((struct virtio_launch *)ctx)->verbose = 1;
	return 0;
}

/* PORT (digits, 1 to 65535) or a socket path; QEMU listens itself. */
static int gdb_option(struct virtio_launch *l, const char *arg, int wait)
{
	char *end;
	unsigned long port = strtoul(arg, &end, 10);

	if (!*arg)
		errx(1, "--gdb: give a port number or a socket path");
	if (!*end && (port == 0 || port > 65535))
		errx(1,
		     "--gdb '%s': a port from 1 to 65535 (QEMU cannot say "
		     "which port 0 chose)",
		     arg);
	if (*end && (strchr(arg, ',') || strlen(arg) >= 108))
		errx(1,
		     "--gdb '%s': a socket path without commas, under 108 "
		     "bytes",
		     arg);
	l->gdb = arg;
	l->gdb_wait = wait;
	return 0;
}

static int opt_gdb(void *ctx, const char *arg)
{
	return gdb_option(ctx, arg, 1);
}

static int opt_gdb_listen(void *ctx, const char *arg)
{
	return gdb_option(ctx, arg, 0);
}

/* "gdb=ADDR" in the instance's info file, for graft debug. */
static void note_gdb(const struct virtio_launch *l)
{
	char *end;
	FILE *f;

	if (!l->gdb || !l->inst.info_path[0] ||
	    !(f = fopen(l->inst.info_path, "a")))
		return;
	strtoul(l->gdb, &end, 10);
	fprintf(f, *end ? "gdb=%s\n" : "gdb=127.0.0.1:%s\n", l->gdb);
	fclose(f);
}

static const struct host_extra_opt virtio_opts[] = {
    {"machine", required_argument, 0, opt_machine},
    {"accel", required_argument, 0, opt_accel},
    {"print-cmd", no_argument, 0, opt_print_cmd},
    {"verbose", no_argument, 'v', opt_verbose},
    {"gdb", required_argument, 0, opt_gdb},
    {"gdb-listen", required_argument, 0, opt_gdb_listen},
};

int main(int argc, char **argv)
{
	static struct virtio_launch l;
	const struct host_opt_hooks hooks = {
	    .net = attach_net,
	    .disk = attach_disk,
	    .module = attach_module,
	    .usage = usage,
	    .extra = virtio_opts,
	    .nextra = sizeof(virtio_opts) / sizeof(virtio_opts[0]),
	    .ctx = &l,
	};
	struct host_opts o = {.mem = MEM_DEFAULT};
	int rc;
	char **qargv;

	l.exit_fd = -1;
	l.bundle_fd = -1;
	l.inst.listen_fd = -1;
	host_parse_options(&o, &hooks, argc, argv);
	l.image = o.image;
	l.mem = o.mem;
	l.ctl = o.ctl;
	l.argc = o.argc;
	l.argv = o.argv;
	if (l.mem < MEM_MIN || l.mem > MEM_MAX || l.mem % (1ULL << 20))
		errx(1,
		     "--mem: %llu bytes: guest memory must be whole MiB "
		     "between 4M and 3G",
		     (unsigned long long)l.mem);
	host_check_target(l.image, "virtio");
	l.qemu = find_qemu();
	if (!l.qemu)
		errx(1, "qemu-system-x86_64: not found (install the "
			"qemu-system-x86 package)");
	snprintf(l.exit_path, sizeof(l.exit_path), "/proc/self/fd/%d",
		 VIRTIO_FD_EXIT);
	snprintf(l.bundle_path, sizeof(l.bundle_path), "/proc/self/fd/%d",
		 VIRTIO_FD_BUNDLE);
	if (l.print_cmd) {
		qargv = virtio_qemu_argv(&l);
		if (!qargv)
			errx(1, "out of memory");
		print_cmd(qargv);
		return 0;
	}
	if (l.nmodule && virtio_module_bundle(&l) < 0)
		exit(1);
	l.exit_fd = memfd_create("graft-virtio-exit", MFD_CLOEXEC);
	if (l.exit_fd < 0) {
		warn("exit channel");
		cleanup(&l);
		exit(1);
	}
	if (l.ctl && host_instance_create(&l.inst, o.name, l.image, "virtio",
					  l.mem) < 0) {
		cleanup(&l);
		exit(1);
	}
	qargv = virtio_qemu_argv(&l);
	if (!qargv)
		errx(1, "out of memory");
	note_gdb(&l);
	/* Said to a person, kept out of output that scripts compare. */
	if (l.verbose || isatty(STDERR_FILENO))
		fprintf(stderr, "graft-virtio: %s on %s, accelerator %s\n",
			l.inst.name[0] ? l.inst.name : l.image,
			l.machine == MACHINE_MICROVM ? "microvm" : "q35",
			l.kvm ? "KVM" : "TCG (software emulation)");
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	rc = run(&l, qargv);
	virtio_qemu_argv_free(qargv);
	cleanup(&l);
	return rc;
}
