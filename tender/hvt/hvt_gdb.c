/*
 * The gdb stub: the GDB remote serial protocol on a TCP port of 127.0.0.1
 * or a unix socket (graft-hvt --gdb, --gdb-listen), for the one vCPU.
 *
 * This machine's KVM (PVM) accepts KVM_SET_GUEST_DEBUG but never exits
 * with KVM_EXIT_DEBUG: the int3 and the single-step trap go to the
 * guest's own IDT, and hardware breakpoints are not armed at all.  So the
 * stub is cooperative: the guest's #BP and #DB stubs hand the trapped
 * context to the tender (HVT_HC_DEBUG, platform/hvt/hvt_trap.c), which
 * serves gdb on it and writes it back; breakpoints are int3 bytes the
 * tender writes into guest memory (Z0), and a step is RFLAGS.TF.  gdb
 * also stops the guest where it is: a connection or a ^C raises SIGIO,
 * whose handler sets kvm_run's immediate_exit, and the run loop, seeing
 * KVM_RUN fail with EINTR, stops on the vCPU's own registers.
 *
 * Everything gdb sends is checked before use: a packet longer than the
 * buffer or with a bad checksum is refused with '-', an address is
 * translated through the guest's page tables from %cr3 page by page, and
 * a write is refused below the image (descriptors, page tables, boot
 * information) and in sealed memory.  Without --gdb none of this runs:
 * the #BP and #DB hypercalls answer GRAFT_ENOTSUP and no signal is set.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <graft/error.h>
#include "hvt.h"

#define GDB_PACKET_MAX	    4096 /* what qSupported offers as PacketSize */
#define GDB_MEM_MAX	    (GDB_PACKET_MAX / 2 - 16) /* bytes per m or M */
#define GDB_MAX_BREAKPOINTS 64
#define GDB_INT3	    0xcc
#define GDB_SIGINT	    2
#define GDB_SIGTRAP	    5
#define RFLAGS_TF	    (1ULL << 8)
/* The flags gdb may change: the arithmetic ones and DF; never IF, IOPL
 * or anything else that concerns the platform. */
#define RFLAGS_GDB 0xcd5ULL

/* Registers in gdb's amd64 order: rax rbx rcx rdx rsi rdi rbp rsp r8..r15
 * rip eflags cs ss ds es fs gs, then the x87 and SSE registers, which the
 * stub reports as unavailable (the guest's trap path saves none). */
enum { GDB_RIP = 16, GDB_EFLAGS = 17, GDB_CS = 18, GDB_NCORE = 24 };

struct gdb_regs {
	uint64_t r[GDB_NCORE];
};

enum gdb_stop { STOP_VCPU, STOP_TRAP };

struct hvt_gdb {
	int listen_fd, fd;
	int wait;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct {
		uint64_t addr;
		uint8_t orig;
		int used;
	} bp[GDB_MAX_BREAKPOINTS];

	/* The current stop. */
	enum gdb_stop stop;
	struct hvt_hc_debug *trap; /* STOP_TRAP: the guest's struct */
	struct gdb_regs regs;
	uint64_t cr3;
	int signal, swbreak, stepping;

	uint8_t rbuf[512]; /* bytes received, not yet parsed */
	size_t rlen, rpos;
	char in[GDB_PACKET_MAX + 1];
	char out[2 * GDB_PACKET_MAX + 8];
};

static struct kvm_run *sigio_run;

static void on_sigio(int sig)
{
	(void)sig;
	if (sigio_run)
		sigio_run->immediate_exit = 1;
}

/* SIGIO from fd while the guest runs, so that gdb can stop it. */
static void arm_sigio(int fd)
{
	if (fd < 0)
		return;
	fcntl(fd, F_SETOWN, getpid());
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
}

/* "gdb=ADDR" in the instance's info file, for `graft debug`. */
static void note_address(struct hvt *h, const char *addr)
{
	FILE *f;

	if (!h->inst.info_path[0] || !(f = fopen(h->inst.info_path, "a")))
		return;
	fprintf(f, "gdb=%s\n", addr);
	fclose(f);
}

/* A listening socket on 127.0.0.1:port (0: any free port), its address
 * in addr; -1 on error (reported). */
static int listen_tcp(unsigned long port, char *addr, size_t size)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		warn("--gdb 127.0.0.1:%lu", port);
		return -1;
	}
	snprintf(addr, size, "127.0.0.1:%u", ntohs(a.sin_port));
	return fd;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd;

	if (!*path || strlen(path) >= sizeof(a.sun_path)) {
		warnx("--gdb '%s': socket path empty or too long", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 1) < 0) {
		warn("--gdb %s", path);
		return -1;
	}
	return fd;
}

/* spec: digits for a TCP port, anything else a unix socket path. */
static int listen_on(struct hvt *h, struct hvt_gdb *g, const char *spec)
{
	char addr[sizeof(g->path) + 32], *end;
	unsigned long port = strtoul(spec, &end, 10);

	if (*spec && !*end) {
		if (port > 65535) {
			warnx("--gdb '%s': not a port number", spec);
			return -1;
		}
		g->listen_fd = listen_tcp(port, addr, sizeof(addr));
	} else {
		g->listen_fd = listen_unix(spec);
		if (g->listen_fd >= 0) {
			strcpy(g->path, spec);
			snprintf(addr, sizeof(addr), "%s", spec);
		}
	}
	if (g->listen_fd < 0)
		return -1;
	fprintf(stderr, "graft-hvt: gdb: listening on %s\n", addr);
	note_address(h, addr);
	return 0;
}

int hvt_gdb_init(struct hvt *h, const char *spec, int wait)
{
	struct hvt_gdb *g = calloc(1, sizeof(*g));
	struct sigaction sa = {.sa_handler = on_sigio, .sa_flags = SA_RESTART};

	if (!g) {
		warn("--gdb");
		return -1;
	}
	g->fd = -1;
	g->wait = wait;
	if (listen_on(h, g, spec) < 0) {
		free(g);
		return -1;
	}
	sigio_run = h->run;
	sigaction(SIGIO, &sa, NULL);
	h->gdb = g;
	return 0;
}

/* Packets. */

static int recv_byte(struct hvt_gdb *g)
{
	ssize_t n;

	if (g->rpos == g->rlen) {
		do
			n = recv(g->fd, g->rbuf, sizeof(g->rbuf), 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return -1;
		g->rlen = n;
		g->rpos = 0;
	}
	return g->rbuf[g->rpos++];
}

static void send_all(struct hvt_gdb *g, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(g->fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the next recv sees the connection gone */
		s += n;
		len -= n;
	}
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next well-formed packet's payload into g->in, acknowledged; a
 * packet too long or with a bad checksum is answered '-' and skipped.
 * Returns its length, or -1 when the connection is gone. */
static int recv_packet(struct hvt_gdb *g)
{
	for (;;) {
		size_t len = 0;
		int c, hi, lo, overflow = 0;
		uint8_t sum = 0;

		while ((c = recv_byte(g)) != '$')
			if (c < 0)
				return -1;
		while ((c = recv_byte(g)) != '#') {
			if (c < 0)
				return -1;
			if (c == '$') { /* a new start: drop what came before */
				len = 0, sum = 0, overflow = 0;
				continue;
			}
			sum += c;
			if (len < GDB_PACKET_MAX)
				g->in[len++] = c;
			else
				overflow = 1;
		}
		hi = recv_byte(g);
		lo = recv_byte(g);
		if (hi < 0 || lo < 0)
			return -1;
		if (overflow || hex_digit(hi) < 0 || hex_digit(lo) < 0 ||
		    (hex_digit(hi) << 4 | hex_digit(lo)) != sum) {
			send_all(g, "-", 1);
			continue;
		}
		send_all(g, "+", 1);
		g->in[len] = '\0';
		return len;
	}
}

static void reply(struct hvt_gdb *g, const char *s)
{
	size_t len = strlen(s);
	uint8_t sum = 0;
	char *o = g->out;

	if (len > GDB_PACKET_MAX)
		len = GDB_PACKET_MAX;
	*o++ = '$';
	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)(*o++ = s[i]);
	o += sprintf(o, "#%02x", sum);
	send_all(g, g->out, o - g->out);
}

/* Parsing what gdb sends: hex numbers of at most 16 digits. */
static int parse_hex(const char **p, uint64_t *v)
{
	int n = 0, d;

	*v = 0;
	while ((d = hex_digit(**p)) >= 0) {
		if (++n > 16)
			return -1;
		*v = *v << 4 | d;
		(*p)++;
	}
	return n > 0 ? 0 : -1;
}

static int parse_hex_bytes(const char *p, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(p[2 * i]), lo;

		if (hi < 0 || (lo = hex_digit(p[2 * i + 1])) < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

static char *put_hex_bytes(char *o, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		*o++ = digits[b[i] >> 4];
		*o++ = digits[b[i] & 15];
	}
	*o = '\0';
	return o;
}

/* Guest memory through the guest's page tables. */

/* A host pointer to [va, va + len), which must not cross a page; for a
 * write, NULL also below the image and in sealed memory. */
static uint8_t *guest_bytes(struct hvt *h, uint64_t va, uint64_t len, int write)
{
	uint64_t gpa;

	if (len == 0 || (va & 4095) + len > 4096 ||
	    hvt_vm_translate(h, h->gdb->cr3, va, &gpa) < 0)
		return NULL;
	if (write && (gpa < HVT_IMAGE_BASE || hvt_vm_sealed(h, gpa, len)))
		return NULL;
	return hvt_gpa(h, gpa, len);
}

/* Copy between guest virtual memory and buf, page by page; -1 if any
 * page is refused.  Reads see the original bytes under breakpoints. */
static int guest_copy(struct hvt *h, uint64_t va, uint8_t *buf, uint64_t len,
		      int write)
{
	struct hvt_gdb *g = h->gdb;

	if (va + len < va)
		return -1;
	for (uint64_t done = 0; done < len;) {
		uint64_t at = va + done, n = 4096 - (at & 4095);
		uint8_t *p;

		if (n > len - done)
			n = len - done;
		p = guest_bytes(h, at, n, write);
		if (!p)
			return -1;
		if (write)
			memcpy(p, buf + done, n);
		else
			memcpy(buf + done, p, n);
		done += n;
	}
	for (unsigned i = 0; !write && i < GDB_MAX_BREAKPOINTS; i++)
		if (g->bp[i].used && g->bp[i].addr - va < len)
			buf[g->bp[i].addr - va] = g->bp[i].orig;
	return 0;
}

/* Breakpoints: an int3 byte each, the original kept. */

static int bp_find(struct hvt_gdb *g, uint64_t addr)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (g->bp[i].used && g->bp[i].addr == addr)
			return i;
	return -1;
}

static int bp_insert(struct hvt *h, uint64_t addr)
{
	struct hvt_gdb *g = h->gdb;
	uint8_t *p;
	int i;

	if (bp_find(g, addr) >= 0)
		return 0;
	for (i = 0; i < GDB_MAX_BREAKPOINTS && g->bp[i].used; i++)
		;
	p = guest_bytes(h, addr, 1, 1);
	if (i == GDB_MAX_BREAKPOINTS || !p)
		return -1;
	g->bp[i].addr = addr;
	g->bp[i].orig = *p;
	g->bp[i].used = 1;
	*p = GDB_INT3;
	return 0;
}

/* Remove breakpoint i: its byte goes back if the int3 is still there,
 * in sealed memory too (the guest may have sealed while gdb let it run:
 * the tender undoes its own write, it does not make a new one). */
static void bp_remove_at(struct hvt *h, int i)
{
	struct hvt_gdb *g = h->gdb;
	uint8_t *p = guest_bytes(h, g->bp[i].addr, 1, 0);

	if (p && *p == GDB_INT3)
		*p = g->bp[i].orig;
	g->bp[i].used = 0;
}

static int bp_remove(struct hvt *h, uint64_t addr)
{
	int i = bp_find(h->gdb, addr);

	if (i < 0)
		return -1;
	bp_remove_at(h, i);
	return 0;
}

/* Registers of the current stop. */

static int load_regs(struct hvt *h)
{
	struct hvt_gdb *g = h->gdb;
	uint64_t *r = g->regs.r;
	struct kvm_sregs s;
	struct kvm_regs k;

	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		warn("gdb: KVM_GET_SREGS");
		return -1;
	}
	g->cr3 = s.cr3;
	memset(r, 0, sizeof(g->regs));
	if (g->stop == STOP_TRAP) {
		const struct hvt_hc_debug *d = g->trap;
		const uint64_t gprs[] = {d->rax, d->rbx, d->rcx, d->rdx,
					 d->rsi, d->rdi, d->rbp, d->rsp,
					 d->r8,	 d->r9,	 d->r10, d->r11,
					 d->r12, d->r13, d->r14, d->r15};

		memcpy(r, gprs, sizeof(gprs));
		r[GDB_RIP] = d->rip;
		r[GDB_EFLAGS] = d->rflags;
		r[GDB_CS] = d->cs;
		r[GDB_CS + 1] = d->ss;
	} else {
		const uint64_t *gprs;

		if (ioctl(h->vcpu_fd, KVM_GET_REGS, &k) < 0) {
			warn("gdb: KVM_GET_REGS");
			return -1;
		}
		gprs = (const uint64_t[]){
		    k.rax, k.rbx, k.rcx, k.rdx, k.rsi, k.rdi, k.rbp, k.rsp,
		    k.r8,  k.r9,  k.r10, k.r11, k.r12, k.r13, k.r14, k.r15};
		memcpy(r, gprs, 16 * sizeof(uint64_t));
		r[GDB_RIP] = k.rip;
		r[GDB_EFLAGS] = k.rflags;
		r[GDB_CS] = s.cs.selector;
		r[GDB_CS + 1] = s.ss.selector;
	}
	r[GDB_CS + 2] = s.ds.selector;
	r[GDB_CS + 3] = s.es.selector;
	r[GDB_CS + 4] = s.fs.selector;
	r[GDB_CS + 5] = s.gs.selector;
	if (g->swbreak)
		r[GDB_RIP]--; /* report the breakpoint, not the byte past it */
	return 0;
}

/* Write the registers back for the guest to resume from: the flags gdb
 * may change, TF to step; the selectors stay the guest's. */
static int store_regs(struct hvt *h, uint64_t rflags_was)
{
	struct hvt_gdb *g = h->gdb;
	const uint64_t *r = g->regs.r;
	uint64_t rflags = (rflags_was & ~RFLAGS_GDB & ~RFLAGS_TF) |
			  (r[GDB_EFLAGS] & RFLAGS_GDB) |
			  (g->stepping ? RFLAGS_TF : 0);
	struct kvm_regs k;

	if (g->stop == STOP_TRAP) {
		struct hvt_hc_debug *d = g->trap;

		d->rax = r[0], d->rbx = r[1], d->rcx = r[2], d->rdx = r[3];
		d->rsi = r[4], d->rdi = r[5], d->rbp = r[6], d->rsp = r[7];
		d->r8 = r[8], d->r9 = r[9], d->r10 = r[10], d->r11 = r[11];
		d->r12 = r[12], d->r13 = r[13], d->r14 = r[14], d->r15 = r[15];
		d->rip = r[GDB_RIP];
		d->rflags = rflags;
		d->ret = 0;
		return 0;
	}
	k = (struct kvm_regs){
	    .rax = r[0],
	    .rbx = r[1],
	    .rcx = r[2],
	    .rdx = r[3],
	    .rsi = r[4],
	    .rdi = r[5],
	    .rbp = r[6],
	    .rsp = r[7],
	    .r8 = r[8],
	    .r9 = r[9],
	    .r10 = r[10],
	    .r11 = r[11],
	    .r12 = r[12],
	    .r13 = r[13],
	    .r14 = r[14],
	    .r15 = r[15],
	    .rip = r[GDB_RIP],
	    .rflags = rflags,
	};
	if (ioctl(h->vcpu_fd, KVM_SET_REGS, &k) < 0) {
		warn("gdb: KVM_SET_REGS");
		return -1;
	}
	return 0;
}

/* Register n's size in gdb's amd64 numbering; those past the core are
 * reported unavailable.  0 for a number gdb's amd64 does not have. */
static unsigned reg_size(uint64_t n)
{
	if (n < GDB_NCORE)
		return n <= GDB_RIP ? 8 : 4;
	if (n < 32)
		return 10; /* st0..st7 */
	if (n < 40)
		return 4; /* x87 control */
	if (n < 56)
		return 16; /* xmm0..xmm15 */
	if (n == 56)
		return 4; /* mxcsr */
	if (n < 60)
		return 8; /* orig_rax, fs_base, gs_base */
	return 0;
}

static void put_reg(char *o, uint64_t n, const struct gdb_regs *regs)
{
	unsigned size = reg_size(n);

	if (n < GDB_NCORE) {
		put_hex_bytes(o, &regs->r[n], size);
		return;
	}
	memset(o, 'x', 2 * size);
	o[2 * size] = '\0';
}

static void cmd_read_regs(struct hvt_gdb *g)
{
	char o[2 * 600 + 1];
	char *at = o;

	for (uint64_t n = 0; n <= 56; n++) {
		put_reg(at, n, &g->regs);
		at += 2 * reg_size(n);
	}
	reply(g, o);
}

static void cmd_write_regs(struct hvt_gdb *g, const char *p)
{
	struct gdb_regs regs = g->regs;
	size_t at = 0;

	for (uint64_t n = 0; n < GDB_NCORE; n++) {
		unsigned size = reg_size(n);
		uint64_t v = 0;

		if (strlen(p + at) < 2 * size ||
		    parse_hex_bytes(p + at, (uint8_t *)&v, size) < 0) {
			reply(g, "E01");
			return;
		}
		regs.r[n] = v;
		at += 2 * size;
	}
	g->regs = regs;
	reply(g, "OK");
}

static void cmd_read_reg(struct hvt_gdb *g, const char *p)
{
	char buf[40];
	uint64_t n;

	if (parse_hex(&p, &n) < 0 || *p || !reg_size(n)) {
		reply(g, "E01");
		return;
	}
	put_reg(buf, n, &g->regs);
	reply(g, buf);
}

static void cmd_write_reg(struct hvt_gdb *g, const char *p)
{
	uint64_t n, v = 0;
	unsigned size;

	if (parse_hex(&p, &n) < 0 || *p++ != '=' || !reg_size(n)) {
		reply(g, "E01");
		return;
	}
	size = reg_size(n);
	if (n >= GDB_NCORE || strlen(p) != 2 * size ||
	    parse_hex_bytes(p, (uint8_t *)&v, size) < 0) {
		reply(g, "E01");
		return;
	}
	g->regs.r[n] = v;
	reply(g, "OK");
}

/* "addr,len" and, for M, ":bytes". */
static int parse_range(const char **p, uint64_t *addr, uint64_t *len)
{
	if (parse_hex(p, addr) < 0 || *(*p)++ != ',' || parse_hex(p, len) < 0)
		return -1;
	return *len <= GDB_MEM_MAX ? 0 : -1;
}

static void cmd_read_mem(struct hvt *h, const char *p)
{
	struct hvt_gdb *g = h->gdb;
	uint8_t buf[GDB_MEM_MAX];
	char hex[2 * GDB_MEM_MAX + 1];
	uint64_t addr, len;

	if (parse_range(&p, &addr, &len) < 0 || *p) {
		reply(g, "E01");
		return;
	}
	if (guest_copy(h, addr, buf, len, 0) < 0) {
		reply(g, "E14"); /* EFAULT */
		return;
	}
	put_hex_bytes(hex, buf, len);
	reply(g, hex);
}

static void cmd_write_mem(struct hvt *h, const char *p)
{
	struct hvt_gdb *g = h->gdb;
	uint8_t buf[GDB_MEM_MAX];
	uint64_t addr, len;

	if (parse_range(&p, &addr, &len) < 0 || *p++ != ':' ||
	    strlen(p) != 2 * len || parse_hex_bytes(p, buf, len) < 0) {
		reply(g, "E01");
		return;
	}
	if (len && guest_copy(h, addr, buf, len, 1) < 0) {
		reply(g, "E0e"); /* EACCES: unmapped, descriptors or sealed */
		return;
	}
	reply(g, "OK");
}

/* Z0 and z0; other kinds are not supported (the empty reply). */
static void cmd_breakpoint(struct hvt *h, const char *p, int insert)
{
	struct hvt_gdb *g = h->gdb;
	uint64_t addr, kind;

	if (p[0] != '0') {
		reply(g, "");
		return;
	}
	p++;
	if (*p++ != ',' || parse_hex(&p, &addr) < 0 || *p++ != ',' ||
	    parse_hex(&p, &kind) < 0 || (*p && *p != ';') || kind != 1) {
		reply(g, "E01");
		return;
	}
	if (insert ? bp_insert(h, addr) : bp_remove(h, addr)) {
		reply(g, "E0e");
		return;
	}
	reply(g, "OK");
}

static void stop_reply(struct hvt_gdb *g)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "T%02xthread:01;%s", g->signal,
		 g->swbreak ? "swbreak:;" : "");
	reply(g, buf);
}

/* A resume packet: c/s/C/S with an optional address (C and S carry a
 * signal first, which is ignored: the guest has no signals), or vCont
 * whose first action counts.  0 and stepping set, or -1 if malformed. */
static int parse_resume(struct hvt_gdb *g, const char *p, int *step)
{
	uint64_t v;

	if (!strncmp(p, "vCont;", 6)) {
		p += 6;
		if (*p != 'c' && *p != 'C' && *p != 's' && *p != 'S')
			return -1;
		*step = *p == 's' || *p == 'S';
		return 0;
	}
	*step = *p == 's' || *p == 'S';
	if (*p == 'C' || *p == 'S') {
		p++;
		if (parse_hex(&p, &v) < 0)
			return -1;
		if (*p == ';')
			p++;
	} else {
		p++;
	}
	if (!*p)
		return 0;
	if (parse_hex(&p, &v) < 0 || *p)
		return -1;
	g->regs.r[GDB_RIP] = v;
	return 0;
}

/* The connection is over: breakpoints out, no step pending. */
static void gdb_detach(struct hvt *h)
{
	struct hvt_gdb *g = h->gdb;

	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (g->bp[i].used)
			bp_remove_at(h, i);
	g->stepping = 0;
	close(g->fd);
	g->fd = -1;
}

/* A step is a #DB after one instruction, delivered through the guest's
 * IDT: only from ring 3 (a trap in ring 0 is not offered to the tender)
 * and once the guest has written its #DB gate. */
static int can_step(struct hvt *h)
{
	const uint64_t *gate = hvt_gpa(h, HVT_IDT_ADDR + 16, 16);

	return (h->gdb->regs.r[GDB_CS] & 3) == 3 && gate &&
	       (gate[0] || gate[1]);
}

/* After D: gdb acknowledges the OK and then closes; wait for that (a
 * second, and a few reads, at most), so that its ack does not meet a
 * closed socket. */
static void drain(struct hvt_gdb *g)
{
	struct pollfd p = {.fd = g->fd, .events = POLLIN};
	char buf[64];

	for (int i = 0; i < 16 && poll(&p, 1, 1000) > 0; i++)
		if (recv(g->fd, buf, sizeof(buf), 0) <= 0)
			break;
}

enum serve_result { SERVE_RESUME, SERVE_DETACH, SERVE_KILL };

/* Queries: q, Q, v and H packets.  1 if p was one of them. */
static int cmd_query(struct hvt_gdb *g, const char *p)
{
	if (!strncmp(p, "qSupported", 10))
		reply(g, "PacketSize=1000;swbreak+");
	else if (!strcmp(p, "qAttached"))
		reply(g, "1"); /* gdb's quit detaches, the guest runs on */
	else if (!strcmp(p, "qC"))
		reply(g, "QC01");
	else if (!strcmp(p, "qfThreadInfo"))
		reply(g, "m01");
	else if (!strcmp(p, "qsThreadInfo"))
		reply(g, "l");
	else if (!strcmp(p, "vCont?"))
		reply(g, "vCont;c;C;s;S");
	else if (p[0] == 'H' && (p[1] == 'g' || p[1] == 'c'))
		reply(g, !strcmp(p + 2, "0") || !strcmp(p + 2, "-1") ||
				 !strcmp(p + 2, "1") || !strcmp(p + 2, "01")
			     ? "OK"
			     : "E01");
	else if (p[0] == 'T')
		reply(g, !strcmp(p + 1, "1") || !strcmp(p + 1, "01") ? "OK"
								     : "E01");
	else if (p[0] == 'q' || p[0] == 'Q' || p[0] == 'v')
		reply(g, "");
	else
		return 0;
	return 1;
}

/* Serve packets at the current stop until gdb resumes, detaches or
 * kills. */
static enum serve_result serve(struct hvt *h)
{
	struct hvt_gdb *g = h->gdb;
	int step;

	for (;;) {
		const char *p;

		if (recv_packet(g) < 0)
			return SERVE_DETACH;
		p = g->in;
		if (strncmp(p, "vCont;", 6) && cmd_query(g, p))
			continue;
		switch (p[0]) {
		case '?':
			stop_reply(g);
			break;
		case 'g':
			if (p[1])
				reply(g, "E01");
			else
				cmd_read_regs(g);
			break;
		case 'G':
			cmd_write_regs(g, p + 1);
			break;
		case 'p':
			cmd_read_reg(g, p + 1);
			break;
		case 'P':
			cmd_write_reg(g, p + 1);
			break;
		case 'm':
			cmd_read_mem(h, p + 1);
			break;
		case 'M':
			cmd_write_mem(h, p + 1);
			break;
		case 'Z':
		case 'z':
			cmd_breakpoint(h, p + 1, p[0] == 'Z');
			break;
		case 'c':
		case 'C':
		case 's':
		case 'S':
		case 'v': /* vCont; */
			if (parse_resume(g, p, &step) < 0 ||
			    (step && !can_step(h))) {
				reply(g, "E01");
				break;
			}
			g->stepping = step;
			return SERVE_RESUME;
		case 'D':
			reply(g, "OK");
			drain(g);
			return SERVE_DETACH;
		case 'k':
			return SERVE_KILL;
		default:
			reply(g, "");
			break;
		}
	}
}

/* Stop (the trap or vCPU state is set in g), serve gdb, resume.  Returns
 * 0 to go on, -1 to end the run (gdb killed it or the vCPU failed). */
static int stop_and_serve(struct hvt *h, int announce)
{
	struct hvt_gdb *g = h->gdb;
	uint64_t rflags_was;

	if (load_regs(h) < 0)
		return -1;
	rflags_was = g->regs.r[GDB_EFLAGS];
	g->regs.r[GDB_EFLAGS] &= ~RFLAGS_TF;
	if (announce)
		stop_reply(g);
	switch (serve(h)) {
	case SERVE_KILL:
		fprintf(stderr, "graft-hvt: gdb killed the guest\n");
		h->exit_status = 255;
		return -1;
	case SERVE_DETACH:
		gdb_detach(h);
		break;
	case SERVE_RESUME:
		break;
	}
	if (store_regs(h, rflags_was) < 0)
		return -1;
	arm_sigio(g->fd);
	/* Bytes that came with the resume (a ^C) raise no SIGIO of their
	 * own: look at them as soon as the guest has started. */
	if (g->fd >= 0 && g->rpos < g->rlen)
		h->run->immediate_exit = 1;
	return 0;
}

static int accept_gdb(struct hvt_gdb *g, int block)
{
	int fd = accept4(g->listen_fd, NULL, NULL,
			 SOCK_CLOEXEC | (block ? 0 : SOCK_NONBLOCK));

	if (fd < 0)
		return -1;
	if (!block)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	g->fd = fd;
	g->rlen = g->rpos = 0;
	g->stepping = 0;
	return 0;
}

int hvt_gdb_boot(struct hvt *h)
{
	struct hvt_gdb *g = h->gdb;

	if (!g)
		return 0;
	if (g->wait) {
		fprintf(stderr, "graft-hvt: gdb: waiting for gdb\n");
		while (accept_gdb(g, 1) < 0)
			if (errno != EINTR) {
				warn("gdb: accept");
				return -1;
			}
		g->stop = STOP_VCPU;
		g->signal = GDB_SIGTRAP;
		g->swbreak = 0;
		if (stop_and_serve(h, 0) < 0)
			return -1;
	}
	fcntl(g->listen_fd, F_SETFL, fcntl(g->listen_fd, F_GETFL) | O_NONBLOCK);
	arm_sigio(g->listen_fd);
	return 0;
}

int hvt_gdb_trap(struct hvt *h, uint64_t gpa)
{
	struct hvt_hc_debug *d = hvt_gpa_out(h, gpa, sizeof(*d));
	struct hvt_gdb *g = h->gdb;
	uint64_t at;

	if (!d) {
		char why[96];

		snprintf(why, sizeof(why), "debug: bad guest address 0x%llx",
			 (unsigned long long)gpa);
		hvt_vm_dump(h, why);
		return -1;
	}
	if (!g || g->fd < 0 || (d->cs & 3) != 3) {
		d->ret = GRAFT_ENOTSUP;
		return 0;
	}
	at = d->rip - 1;
	g->stop = STOP_TRAP;
	g->trap = d;
	g->signal = GDB_SIGTRAP;
	g->swbreak = d->vector == 3 && bp_find(g, at) >= 0;
	return stop_and_serve(h, 1) < 0 ? -1 : 0;
}

/* KVM_RUN was interrupted: by SIGIO from gdb, a new connection or bytes
 * from the connected one (a ^C, or the connection closing), or by some
 * other signal.  Stop the guest where it is if gdb asks. */
/* Whether gdb sent a ^C among the bytes that came while the guest ran
 * (anything else then is a stray ack: packets come only at a stop); -1
 * when the connection is gone.  What follows a ^C stays buffered. */
static int pending_interrupt(struct hvt_gdb *g)
{
	for (;;) {
		ssize_t n;

		while (g->rpos < g->rlen)
			if (g->rbuf[g->rpos++] == 0x03)
				return 1;
		n = recv(g->fd, g->rbuf, sizeof(g->rbuf), MSG_DONTWAIT);
		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
				       errno == EINTR
				   ? 0
				   : -1;
		g->rlen = n;
		g->rpos = 0;
	}
}

int hvt_gdb_poll(struct hvt *h)
{
	struct hvt_gdb *g = h->gdb;
	int interrupt = 0;

	if (!g)
		return 0;
	if (g->fd < 0) {
		if (accept_gdb(g, 0) < 0)
			return 0;
	} else {
		interrupt = pending_interrupt(g);
		if (interrupt < 0)
			gdb_detach(h);
		if (interrupt <= 0)
			return 0;
	}
	g->stop = STOP_VCPU;
	g->signal = GDB_SIGINT;
	g->swbreak = 0;
	return stop_and_serve(h, interrupt);
}

void hvt_gdb_close(struct hvt *h, int status)
{
	char exited[8];

	if (!h->gdb)
		return;
	if (h->gdb->fd >= 0) {
		snprintf(exited, sizeof(exited), "W%02x", status & 0xff);
		reply(h->gdb, exited);
	}
	if (h->gdb->path[0])
		unlink(h->gdb->path);
}
