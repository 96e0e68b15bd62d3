/*
 * QEMU's command line for a graft virtio instance.  What the guest
 * (platform/virtio) expects of it:
 *   - the image booted by PVH (-kernel) with the arguments on -append;
 *   - the console on an isa-debugcon at 0xe9 (stdout), the exit channel on
 *     an isa-debugcon at 0x4e9 (a file), isa-debug-exit at 0xf4;
 *   - modern-only virtio devices in command-line order: nets, disks, then
 *     the control channel (virtio-console port 0, without multiport);
 *     on q35 over PCI at fixed slots, on microvm over virtio-mmio.
 * Option values that are paths double their commas, as QEMU requires.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio.h"

#define MAX_ARGS       128
#define PCI_SLOT_FIRST 2 /* q35: 0 host bridge, 1 reserved for none */

struct args {
	char *v[MAX_ARGS + 1];
	int n;
	int failed;
};

static void add(struct args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (a->n == MAX_ARGS) {
		a->failed = 1;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		a->failed = 1;
	else
		a->v[a->n++] = s;
}

static void free_strings(char **v)
{
	for (; *v; v++)
		free(*v);
}

/* s with every ',' doubled, in a static buffer (one use at a time). */
static const char *opt_escape(const char *s)
{
	static char buf[2 * 4096 + 1];
	size_t n = 0;

	for (; *s && n + 2 < sizeof(buf); s++) {
		buf[n++] = *s;
		if (*s == ',')
			buf[n++] = ',';
	}
	buf[n] = '\0';
	return buf;
}

/* The guest's command line: words, quoted where they need it (see
 * platform/virtio/virtio_boot.c for the rules). */
static char *guest_cmdline(int argc, char **argv)
{
	size_t size = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		size += 2 * strlen(argv[i]) + 3;
	s = p = calloc(1, size);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		int plain = *argv[i] && !strpbrk(argv[i], " \"\\");

		if (i)
			*p++ = ' ';
		if (!plain)
			*p++ = '"';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*p++ = '\\';
			*p++ = *c;
		}
		if (!plain)
			*p++ = '"';
	}
	*p = '\0';
	return s;
}

static void add_device(struct args *a, const struct virtio_launch *l,
		       const char *kind, const char *props, int *slot)
{
	if (l->machine == MACHINE_MICROVM) {
		add(a, "-device");
		add(a, "virtio-%s-device,%s", kind, props);
		return;
	}
	add(a, "-device");
	add(a, "virtio-%s-pci,disable-legacy=on,addr=%d,%s", kind, (*slot)++,
	    props);
}

char **virtio_qemu_argv(const struct virtio_launch *l)
{
	struct args a = {.n = 0};
	int slot = PCI_SLOT_FIRST;
	char *cmdline;
	char **v;

	add(&a, "%s", l->qemu);
	add(&a, "-machine");
	if (l->machine == MACHINE_MICROVM)
		add(&a, "microvm,x-option-roms=off,isa-serial=off,acpi=off,"
			"auto-kernel-cmdline=on");
	else
		add(&a, "q35");
	if (l->machine == MACHINE_MICROVM) {
		add(&a, "-global");
		add(&a, "virtio-mmio.force-legacy=false");
	}
	add(&a, "-accel");
	add(&a, "%s", l->kvm ? "kvm" : "tcg");
	add(&a, "-m");
	add(&a, "%lluM", (unsigned long long)(l->mem >> 20));
	add(&a, "-nodefaults");
	add(&a, "-no-user-config");
	add(&a, "-display");
	add(&a, "none");
	add(&a, "-no-reboot");
	add(&a, "-kernel");
	add(&a, "%s", l->image);
	cmdline = guest_cmdline(l->argc, l->argv);
	if (!cmdline)
		a.failed = 1;
	else if (*cmdline) {
		add(&a, "-append");
		add(&a, "%s", cmdline);
	}
	free(cmdline);
	if (l->nmodule) {
		add(&a, "-initrd");
		add(&a, "%s", l->bundle_path);
	}
	add(&a, "-chardev");
	add(&a, "stdio,id=con");
	add(&a, "-device");
	add(&a, "isa-debugcon,iobase=0xe9,chardev=con");
	add(&a, "-chardev");
	add(&a, "file,id=exit,path=%s", opt_escape(l->exit_path));
	add(&a, "-device");
	add(&a, "isa-debugcon,iobase=0x4e9,chardev=exit");
	add(&a, "-device");
	add(&a, "isa-debug-exit,iobase=0xf4,iosize=4");
	for (unsigned i = 0; i < l->ntap; i++) {
		char props[64];
		uint8_t m[6];

		add(&a, "-netdev");
		add(&a, "tap,id=net%u,fd=%d", i, VIRTIO_FD_TAP0 + (int)i);
		host_tap_mac(i, m);
		snprintf(props, sizeof(props),
			 "netdev=net%u,mac=%02x:%02x:%02x:%02x:%02x:%02x", i,
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		add_device(&a, l, "net", props, &slot);
	}
	for (unsigned i = 0; i < l->ndisk; i++) {
		char props[32];

		add(&a, "-drive");
		add(&a, "file=%s,if=none,id=disk%u,format=raw%s",
		    opt_escape(l->disk[i]), i,
		    l->disk_ro[i] ? ",readonly=on" : "");
		snprintf(props, sizeof(props), "drive=disk%u", i);
		add_device(&a, l, "blk", props, &slot);
	}
	if (l->ctl) {
		add(&a, "-chardev");
		add(&a, "socket,id=ctl,fd=%d", VIRTIO_FD_CTL);
		add_device(&a, l, "serial", "max_ports=1", &slot);
		add(&a, "-device");
		add(&a, "virtconsole,chardev=ctl,name=graft.ctl");
	}
	if (l->gdb) {
		char *end;

		strtoul(l->gdb, &end, 10);
		add(&a, "-gdb");
		if (*end)
			add(&a, "unix:%s,server=on,wait=off", l->gdb);
		else
			add(&a, "tcp:127.0.0.1:%s", l->gdb);
		if (l->gdb_wait)
			add(&a, "-S");
	}
	a.v[a.n] = NULL;
	v = a.failed ? NULL : malloc((a.n + 1) * sizeof(*v));
	if (!v) {
		free_strings(a.v);
		return NULL;
	}
	memcpy(v, a.v, (a.n + 1) * sizeof(*v));
	return v;
}

void virtio_qemu_argv_free(char **argv)
{
	if (!argv)
		return;
	free_strings(argv);
	free(argv);
}
