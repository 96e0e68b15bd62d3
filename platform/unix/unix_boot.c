/*
 * unix boot: the image is an ordinary static Linux executable.  Started by
 * the launcher (tender/unix), it reads the boot description from
 * UNIX_BOOT_FD, maps its memory, installs a fault handler that reports the
 * registers, enters the seccomp filter the launcher built, and calls
 * kernel_main.  Started by hand (no boot description), it runs with no
 * devices, the default memory size and no filter.
 */
#include <string.h>
#include <graft/platform.h>
#include "unix_guest.h"
#include "unix_syscall.h"

#define DEFAULT_MEM		(32UL << 20)
#define PROT_READ		1
#define PROT_WRITE		2
#define MAP_PRIVATE		0x02
#define MAP_ANONYMOUS		0x20
#define MAP_NORESERVE		0x4000
#define PR_SET_NO_NEW_PRIVS	38
#define SECCOMP_SET_MODE_FILTER 1
#define SIGSEGV			11
#define SIGBUS			7
#define SIGILL			4
#define SIGFPE			8
#define SA_SIGINFO		4
#define SA_ONSTACK		0x08000000
#define SA_RESTORER		0x04000000

struct unix_boot *unix_bi;
uintptr_t unix_heap_start;
uint64_t unix_heap_size;

static uint8_t boot_buf[sizeof(struct unix_boot) + 2 * UNIX_MAX_FILTER * 8]
    __attribute__((aligned(8)));

struct sock_fprog {
	unsigned short len;
	const void *filter;
};

int unix_install_filter(uint32_t len, uint64_t off)
{
	struct sock_fprog prog = {(unsigned short)len, boot_buf + off};

	if (!unix_bi || len == 0)
		return 0;
	return (int)unix_syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
				 &prog);
}

static void die(const char *msg)
{
	unix_syscall(SYS_write, 2, msg, strlen(msg));
	unix_syscall(SYS_exit_group, 255, 0, 0);
	for (;;)
		;
}

static int read_boot(void)
{
	uint64_t got = 0;
	struct unix_boot *b = (struct unix_boot *)boot_buf;

	for (;;) {
		long n = unix_syscall(SYS_read, UNIX_BOOT_FD, boot_buf + got,
				      sizeof(boot_buf) - got);
		if (n == -9) /* EBADF: not started by the launcher */
			return got ? -1 : 0;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += n;
		if (got == sizeof(boot_buf))
			break;
	}
	unix_syscall(SYS_close, UNIX_BOOT_FD, 0, 0);
	if (got < sizeof(*b) || b->magic != UNIX_BOOT_MAGIC ||
	    b->version != UNIX_BOOT_VERSION || b->boot_len != got ||
	    b->ndevices > UNIX_MAX_DEVICES ||
	    b->run_filter_len > UNIX_MAX_FILTER ||
	    b->seal_filter_len > UNIX_MAX_FILTER || b->run_filter_off > got ||
	    b->run_filter_len * 8ULL > got - b->run_filter_off ||
	    b->seal_filter_off > got ||
	    b->seal_filter_len * 8ULL > got - b->seal_filter_off ||
	    b->nmodules > UNIX_MAX_MODULES)
		return -1;
	unix_bi = b;
	return 0;
}

void unix_sigreturn(void);

/* Fatal signals: report like a guest fault on hvt, then exit 255, unless
 * the kernel contains the fault. */
struct ksigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static void put_hex(char *p, uint64_t v)
{
	for (int i = 0; i < 16; i++)
		p[i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
}

/* Offer the fault to the kernel, which may contain it (a module's entry
 * point faulted): then the handler returns into the context it rewrote.
 * ucontext's gregs: r12-r15 4-7, rbp 10, rbx 11, rax 13, rsp 15, rip 16,
 * err 19 (bit 1: write). */
static int offer_fault(int sig, uint64_t addr, uint64_t *gregs)
{
	struct plat_fault f = {
	    .kind = sig == SIGSEGV || sig == SIGBUS ? PLAT_FAULT_PAGE
						    : PLAT_FAULT_OTHER,
	    .write = (gregs[19] & 2) != 0,
	    .what = sig == SIGSEGV  ? "page fault"
		    : sig == SIGBUS ? "bus error"
		    : sig == SIGILL ? "invalid opcode"
				    : "arithmetic fault",
	    .addr = addr,
	    .rip = gregs[16],
	    .rsp = gregs[15],
	    .rbp = gregs[10],
	    .rbx = gregs[11],
	    .r12 = gregs[4],
	    .r13 = gregs[5],
	    .r14 = gregs[6],
	    .r15 = gregs[7],
	    .rax = gregs[13],
	};

	if (!kernel_fault(&f))
		return 0;
	gregs[16] = f.rip;
	gregs[15] = f.rsp;
	gregs[10] = f.rbp;
	gregs[11] = f.rbx;
	gregs[4] = f.r12;
	gregs[5] = f.r13;
	gregs[6] = f.r14;
	gregs[7] = f.r15;
	gregs[13] = f.rax;
	return 1;
}

static void on_fault(int sig, void *info, void *uctx)
{
	/* siginfo: si_addr at offset 16; ucontext: gregs at offset 40,
	 * rip is greg 16, rsp greg 15, rbp greg 10. */
	uint64_t *gregs = (uint64_t *)((char *)uctx + 40);
	uint64_t addr = *(const uint64_t *)((char *)info + 16);
	static char msg[] = "graft-unix: guest fault: signal xx at rip "
			    "0000000000000000 address 0000000000000000 "
			    "rsp 0000000000000000 rbp 0000000000000000\n";
	char *p = msg + 32; /* "xx" */

	if (offer_fault(sig, addr, gregs))
		return;

	p[0] = '0' + sig / 10;
	p[1] = '0' + sig % 10;
	put_hex(p + 10, gregs[16]);
	put_hex(p + 35, addr);
	put_hex(p + 56, gregs[15]);
	put_hex(p + 77, gregs[10]);
	die(msg);
}

static void install_fault_handlers(void)
{
	static uint8_t altstack[16384] __attribute__((aligned(16)));
	struct {
		void *sp;
		int flags;
		uint64_t size;
	} ss = {altstack, 0, sizeof(altstack)};
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
	struct ksigaction sa = {on_fault, SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
				unix_sigreturn, 0};

	unix_syscall(SYS_sigaltstack, &ss, 0, 0);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		unix_syscall6(SYS_rt_sigaction, sigs[i], (long)&sa, 0, 8, 0, 0);
}

/* Map the modules handed over at boot, while mmap is still allowed (the
 * run filter forbids it), and close their descriptors. */
static uint32_t map_boot_modules(struct plat_boot_module *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; unix_bi && i < unix_bi->nmodules; i++) {
		struct unix_module *m = &unix_bi->modules[i];
		long p = unix_syscall6(SYS_mmap, 0, m->len, PROT_READ,
				       MAP_PRIVATE, m->fd, 0);

		unix_syscall(SYS_close, m->fd, 0, 0);
		if (p < 0 && p > -4096)
			die("graft-unix: cannot map a boot module\n");
		m->name[sizeof(m->name) - 1] = '\0';
		out[n].data = (const void *)p;
		out[n].len = m->len;
		out[n].name = m->name;
		n++;
	}
	return n;
}

void unix_boot_main(uint64_t *sp);

void unix_boot_main(uint64_t *sp)
{
	static struct plat_boot_info bi;
	static struct plat_boot_module modules[UNIX_MAX_MODULES];
	uint64_t mem = DEFAULT_MEM;
	long heap;

	unix_clock_init(sp);
	if (read_boot() < 0)
		die("graft-unix: bad boot description on descriptor 3\n");
	if (unix_bi)
		mem = unix_bi->mem_size;
	heap =
	    unix_syscall6(SYS_mmap, 0, mem, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (heap < 0 && heap > -4096)
		die("graft-unix: cannot map guest memory\n");
	unix_heap_start = heap;
	unix_heap_size = mem;
	install_fault_handlers();
	bi.nmodules = map_boot_modules(modules);
	bi.modules = modules;
	if (unix_bi) {
		unix_syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0);
		if (unix_install_filter(unix_bi->run_filter_len,
					unix_bi->run_filter_off) != 0)
			die("graft-unix: cannot install the seccomp filter\n");
	}
	bi.argc = (int)sp[0];
	bi.argv = (char **)(sp + 1);
	bi.heap_start = unix_heap_start;
	bi.heap_size = mem;
	bi.mem_size = mem;
	bi.ndevices = unix_bi ? unix_bi->ndevices : 0;
	bi.target = "unix";
	kernel_main(&bi);
}
