/*
 * The control-channel commands: graft ping, load, upgrade, unload, ls,
 * seal, stop, stats, send, recv.  Each sends one request (ctl.c) and prints the
 * instance's answer: on stdout, or on stderr as "graft: INSTANCE: TEXT"
 * with status 1 when the instance refused.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <abi/ctl.h>

#include "ctl.h"
#include "graft.h"

#define CTL_TIMEOUT_DEFAULT 30

/* What a command sends besides its op. */
enum ctl_arg {
	CTL_ARG_NONE,
	CTL_ARG_FILE,	 /* a module file's bytes */
	CTL_ARG_NAME,	 /* a module name */
	CTL_ARG_MESSAGE, /* a module name, NUL, the message */
};

struct ctl_cmd {
	uint32_t op;
	enum ctl_arg arg;
};

static int ctl_command(const struct graft_cmd *self, int argc, char **argv);

#define CTL_OPTIONS                                                            \
	"  INSTANCE        a name given to graft run --name, or a control "    \
	"socket path\n"                                                        \
	"  --timeout SECS  wait at most SECS for the answer (default 30)\n"    \
	"  -h, --help      this text\n"

GRAFT_COMMAND(
    ping, .name = "ping", .synopsis = "ping [--timeout SECS] INSTANCE",
    .summary = "check that an instance answers",
    .options = "Prints the instance's target and uptime.\n" CTL_OPTIONS,
    .run = ctl_command,
    .data = &(const struct ctl_cmd){CTL_OP_PING, CTL_ARG_NONE});
GRAFT_COMMAND(load, .name = "load",
	      .synopsis = "load [--timeout SECS] INSTANCE FILE",
	      .summary = "load a module (.o native, .wasm bytecode) into an "
			 "instance",
	      .options = "Sends FILE to the instance, which links it and runs "
			 "its init.\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_LOAD, CTL_ARG_FILE});
GRAFT_COMMAND(upgrade, .name = "upgrade",
	      .synopsis = "upgrade [--timeout SECS] INSTANCE FILE",
	      .summary = "replace a loaded module by a new version",
	      .options =
		  "Loads FILE beside the module of the same name, hands "
		  "over its state\nand unloads the old version.\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_UPGRADE, CTL_ARG_FILE});
GRAFT_COMMAND(unload, .name = "unload",
	      .synopsis = "unload [--timeout SECS] INSTANCE NAME",
	      .summary = "unload a module from an instance",
	      .options = "Runs the module's exit and releases what it "
			 "holds.\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_UNLOAD, CTL_ARG_NAME});
GRAFT_COMMAND(ls, .name = "ls",
	      .synopsis = "ls [--gdb] [--timeout SECS] INSTANCE",
	      .summary = "list the modules loaded in an instance",
	      .options = "  --gdb           print gdb add-symbol-file commands "
			 "instead\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_LIST, CTL_ARG_NONE});
GRAFT_COMMAND(seal, .name = "seal",
	      .synopsis = "seal [--timeout SECS] INSTANCE",
	      .summary = "forbid any further code change in an instance",
	      .options = "Irreversible: native modules can no longer be "
			 "loaded.\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_SEAL, CTL_ARG_NONE});
GRAFT_COMMAND(stop, .name = "stop",
	      .synopsis = "stop [--timeout SECS] INSTANCE",
	      .summary = "end an instance cleanly (exit status 0)",
	      .options = CTL_OPTIONS, .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_STOP, CTL_ARG_NONE});
GRAFT_COMMAND(stats, .name = "stats",
	      .synopsis = "stats [--timeout SECS] INSTANCE",
	      .summary = "print an instance's heap and fiber statistics",
	      .options = CTL_OPTIONS, .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_STATS, CTL_ARG_NONE});

GRAFT_COMMAND(send, .name = "send",
	      .synopsis = "send [--timeout SECS] INSTANCE MODULE MESSAGE",
	      .summary = "send a message to a module",
	      .options = "Queues MESSAGE for MODULE's message callback (from "
			 "\"host\").\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_SEND, CTL_ARG_MESSAGE});
GRAFT_COMMAND(recv, .name = "recv",
	      .synopsis = "recv [--timeout SECS] INSTANCE",
	      .summary = "print the messages modules sent to the host",
	      .options = "One line per message, 'FROM: TEXT', oldest first; "
			 "they are then gone.\n" CTL_OPTIONS,
	      .run = ctl_command,
	      .data = &(const struct ctl_cmd){CTL_OP_RECV, CTL_ARG_NONE});

/* A module file, whole, checked against what one request carries. */
static char *read_module(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		err(1, "module '%s'", path);
	if (fstat(fd, &st) < 0)
		err(1, "module '%s'", path);
	if (!S_ISREG(st.st_mode))
		errx(1, "module '%s': not a regular file", path);
	if (st.st_size == 0)
		errx(1, "module '%s': empty file", path);
	if ((unsigned long long)st.st_size > CTL_MAX_MESSAGE)
		errx(1,
		     "module '%s': %lld bytes, more than the control "
		     "channel takes (%u)",
		     path, (long long)st.st_size, CTL_MAX_MESSAGE);
	buf = graft_xmalloc(st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err(1, "module '%s'", path);
		if (n == 0)
			errx(1, "module '%s': shrank while being read", path);
		got += n;
	}
	close(fd);
	*len = got;
	return buf;
}

static int print_response(const char *instance, struct ctl_response *r)
{
	int failed = r->status < 0;
	FILE *f = failed ? stderr : stdout;

	if (failed)
		fprintf(f, "graft: %s: ", instance);
	fputs(r->text, f);
	if (r->len && r->text[r->len - 1] != '\n')
		fputc('\n', f);
	else if (!r->len && failed)
		fprintf(f, "request refused (status %d)\n", r->status);
	free(r->text);
	return failed;
}

static int parse_timeout(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 86400)
		errx(1, "--timeout '%s': not a number of seconds (1 to 86400)",
		     s);
	return (int)v;
}

static int ctl_command(const struct graft_cmd *self, int argc, char **argv)
{
	const struct ctl_cmd *cmd = self->data;
	uint32_t op = cmd->op;
	enum ctl_arg arg = cmd->arg;
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 'T'},
	    {"gdb", no_argument, NULL, 'g'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c, timeout = CTL_TIMEOUT_DEFAULT,
	       nargs = arg == CTL_ARG_NONE	? 1
		       : arg == CTL_ARG_MESSAGE ? 3
						: 2;
	struct ctl_response r;
	const char *instance;
	char *payload = NULL;
	size_t len = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'T':
			timeout = parse_timeout(optarg);
			break;
		case 'g':
			if (op != CTL_OP_LIST)
				return graft_bad_usage(self);
			op = CTL_OP_LIST_GDB;
			break;
		case 'h':
			graft_usage(self, stdout);
			return 0;
		default:
			return graft_bad_usage(self);
		}
	}
	if (argc - optind != nargs)
		return graft_bad_usage(self);
	instance = argv[optind];
	if (arg == CTL_ARG_FILE) {
		payload = read_module(argv[optind + 1], &len);
	} else if (arg == CTL_ARG_NAME) {
		payload = graft_xstrdup(argv[optind + 1]);
		len = strlen(payload);
	} else if (arg == CTL_ARG_MESSAGE) {
		size_t n = strlen(argv[optind + 1]);

		len = n + 1 + strlen(argv[optind + 2]);
		payload = graft_xmalloc(len);
		memcpy(payload, argv[optind + 1], n + 1);
		memcpy(payload + n + 1, argv[optind + 2], len - n - 1);
	}
	ctl_request(instance, op, payload, len, timeout, &r);
	free(payload);
	return print_response(instance, &r);
}
