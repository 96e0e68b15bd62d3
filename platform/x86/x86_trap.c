/*
 * The fault path shared by hvt and virtio.  x86_trap() runs in ring 0 on
 * the IST stack, on both targets: it first offers the fault to the kernel
 * (kernel_fault: a module's entry point may have faulted, which the kernel
 * contains) where the target allows; otherwise it names the exception,
 * prints the registers, the faulting address and a frame-pointer
 * backtrace, and hands the report to the target (x86_trap_fatal), which
 * ends the instance: a fault in the kernel is a bug, and a protection
 * fault is the point of protecting.
 *
 * Built with -mgeneral-regs-only (on hvt, a KVM without hardware
 * virtualization emulates ring-0 code and sets up no SSE state for it) and
 * formats with its own few helpers: the trap path must not depend on
 * anything that could itself be broken.
 */
#include <stddef.h>
#include <stdint.h>
#include <graft/fiber.h>
#include <graft/platform.h>
#include "x86_trap.h"

static const char *const names[X86_NEXCEPTIONS] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection fault",
    "#PF page fault",
    "reserved",
    "#MF x87 floating-point error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating-point error",
    "#VE virtualization exception",
    "#CP control protection",
};

void x86_idt_set(struct x86_idt_entry *idt, int vec, uintptr_t fn, uint16_t sel,
		 int ist)
{
	idt[vec].off_lo = fn;
	idt[vec].sel = sel;
	idt[vec].ist = ist;
	idt[vec].type = 0x8e; /* present, ring 0, interrupt gate */
	idt[vec].off_mid = fn >> 16;
	idt[vec].off_hi = fn >> 32;
	idt[vec].zero = 0;
}

/* Offer the fault to the kernel, which may contain it: then the stub
 * resumes the context it rewrote. */
static int offer_fault(struct x86_trap_frame *t, uint64_t cr2)
{
	struct plat_fault f = {
	    .kind =
		t->vector == X86_VEC_PF ? PLAT_FAULT_PAGE : PLAT_FAULT_OTHER,
	    .write = (t->error & X86_PF_WRITE) != 0,
	    .what =
		t->vector < X86_NEXCEPTIONS ? names[t->vector] : "exception",
	    .addr = cr2,
	    .rip = t->rip,
	    .rsp = t->rsp,
	    .rbp = t->rbp,
	    .rbx = t->rbx,
	    .r12 = t->r12,
	    .r13 = t->r13,
	    .r14 = t->r14,
	    .r15 = t->r15,
	    .rax = t->rax,
	};

	if (!x86_trap_containable(t) || !kernel_fault(&f))
		return 0;
	t->rip = f.rip;
	t->rsp = f.rsp;
	t->rbp = f.rbp;
	t->rbx = f.rbx;
	t->r12 = f.r12;
	t->r13 = f.r13;
	t->r14 = f.r14;
	t->r15 = f.r15;
	t->rax = f.rax;
	return 1;
}

struct out {
	char buf[1536];
	size_t len;
};

static void put(struct out *o, const char *s)
{
	while (*s && o->len < sizeof(o->buf) - 1)
		o->buf[o->len++] = *s++;
	o->buf[o->len] = '\0';
}

static void put_hex(struct out *o, uint64_t v)
{
	char s[19] = "0x";

	for (int i = 0; i < 16; i++)
		s[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	s[18] = '\0';
	put(o, s);
}

/* The first line: the exception, where, and on whose stack. */
static void describe(struct out *o, const struct x86_trap_frame *f,
		     uint64_t cr2)
{
	struct graft_fiber *self = graft_fiber_self();

	put(o, "trap ");
	put(o, f->vector < X86_NEXCEPTIONS ? names[f->vector] : "unknown");
	put(o, " at rip ");
	put_hex(o, f->rip);
	if (f->vector == X86_VEC_PF) {
		put(o, " address ");
		put_hex(o, cr2);
		put(o, (f->error & X86_PF_WRITE) ? " (write" : " (read");
		put(o, (f->error & X86_PF_FETCH) ? ", instruction fetch" : "");
		put(o, (f->error & X86_PF_PRESENT) ? ", protection)"
						   : ", not present)");
		/* An unmapped page at the stack pointer is a fiber's guard. */
		if (!(f->error & X86_PF_PRESENT) && cr2 + 64 >= f->rsp &&
		    cr2 < f->rsp + PLAT_PAGE_SIZE)
			put(o, ": stack overflow");
	}
	if (!self) {
		put(o, " on the boot stack");
		return;
	}
	put(o, " in fiber '");
	put(o, graft_fiber_name(self));
	put(o, "'");
}

static void put_reg(struct out *o, size_t i, const char *name, uint64_t v)
{
	put(o, i % 4 ? " " : "\n  ");
	put(o, name);
	put(o, "=");
	put_hex(o, v);
}

#define TOP_WORD (offsetof(struct x86_trap_frame, rsp) / sizeof(uint64_t))
_Static_assert(TOP_WORD == 20, "put_regs names the frame's words");

/* The registers, four to a line: the frame's, and cr2.  names holds the
 * frame's words from the top (rsp) down, by name, "" for those not printed
 * (rip is on the first line, the vector in the exception's name); a
 * string literal, as an array would be aligned to 32 bytes. */
static void put_regs(struct out *o, const struct x86_trap_frame *f,
		     uint64_t cr2)
{
	const uint64_t *w = (const uint64_t *)f;
	const char *name =
	    "rsp\0rflags\0cs\0\0error\0\0rax\0rbx\0rcx\0rdx\0rsi\0rdi\0rbp\0"
	    "r8\0r9\0r10\0r11\0r12\0r13\0r14\0r15";
	size_t n = 0;

	for (int i = TOP_WORD; i >= 0; i--) {
		if (*name)
			put_reg(o, n++, name, w[i]);
		while (*name++)
			;
	}
	put_reg(o, n, "cr2", cr2);
}

static void put_backtrace(struct out *o, uint64_t rbp)
{
	uint64_t top = x86_trap_mem_top();

	put(o, "\n  backtrace:");
	for (int i = 0; i < 16; i++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

		if (rbp < PLAT_PAGE_SIZE || rbp + 16 > top || (rbp & 7))
			break;
		put(o, " ");
		put_hex(o, frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void x86_trap(struct x86_trap_frame *f)
{
	static struct out o;
	uint64_t cr2;
	size_t summary_len;

	if ((f->vector == X86_VEC_DB || f->vector == X86_VEC_BP) &&
	    x86_trap_debug(f))
		return;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	if (offer_fault(f, cr2))
		return;
	o.len = 0;
	describe(&o, f, cr2);
	summary_len = o.len;
	put_regs(&o, f, cr2);
	put_backtrace(&o, f->rbp);
	x86_trap_fatal(o.buf, summary_len);
}
