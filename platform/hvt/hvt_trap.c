/*
 * Exceptions on hvt.  hvt_traps_init() runs first thing at boot, in ring 3
 * like everything else: it writes the IDT and the TSS's stacks in the pages
 * the tender set aside for them (include/abi/hvt.h).  Every exception gate
 * switches to the TSS's IST1 stack, so a fault on an overflowing fiber
 * stack still reaches hvt_trap(); #UD doubles as the gate for the TLB
 * maintenance page protection needs (hvt_start.S).  This file is built with
 * -mgeneral-regs-only: the trap path runs in ring 0, where a KVM without
 * hardware virtualization emulates every instruction and no SSE state is set up
 * for it.
 *
 * hvt_trap() names the exception, prints the registers, the faulting
 * address and a frame-pointer backtrace, and aborts through the tender.
 * Only a fault the kernel contains (kernel_fault: a module's entry point
 * faulted) returns, through the stub, to the context the kernel chose;
 * every other fault ends the instance: a fault in the kernel is a bug,
 * and a protection fault is the point of protecting.
 */
#include <stdint.h>
#include <string.h>
#include <graft/fiber.h>
#include <graft/platform.h>
#include "hvt_guest.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define NVECTORS 22
/* hvt_trap() keeps its buffer static: a page of stack is plenty. */
static uint8_t trap_stack[4096] __attribute__((aligned(16)));

#define T(n) extern char hvt_trap_##n[];
T(0)
T(1) T(2) T(3) T(4) T(5) T(6) T(7) T(8) T(9) T(10) T(11) T(12) T(13) T(14) T(15)
    T(16) T(17) T(18) T(19) T(20) T(21)
#undef T
	static char *const stubs[NVECTORS] = {
	    hvt_trap_0,	 hvt_trap_1,  hvt_trap_2,  hvt_trap_3,	hvt_trap_4,
	    hvt_trap_5,	 hvt_trap_6,  hvt_trap_7,  hvt_trap_8,	hvt_trap_9,
	    hvt_trap_10, hvt_trap_11, hvt_trap_12, hvt_trap_13, hvt_trap_14,
	    hvt_trap_15, hvt_trap_16, hvt_trap_17, hvt_trap_18, hvt_trap_19,
	    hvt_trap_20, hvt_trap_21,
};

static const char *const names[NVECTORS] = {
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

static void set_gate(int vec, void *fn, int ist, int dpl)
{
	struct idt_entry *idt = (struct idt_entry *)HVT_IDT_ADDR;
	uint64_t off = (uintptr_t)fn;

	idt[vec].off_lo = off;
	idt[vec].sel = HVT_GDT_CODE;
	idt[vec].ist = ist;
	idt[vec].type = 0x8e | (dpl << 5); /* present, interrupt gate */
	idt[vec].off_mid = off >> 16;
	idt[vec].off_hi = off >> 32;
	idt[vec].zero = 0;
}

void hvt_traps_init(void);

void hvt_traps_init(void)
{
	struct tss *tss = (struct tss *)HVT_TSS_ADDR;

	tss->ist[0] = (uintptr_t)(trap_stack + sizeof(trap_stack));
	for (int i = 0; i < NVECTORS; i++)
		set_gate(i, stubs[i], 1, 0);
}

/* A small formatter: the trap path must not depend on anything that could
 * itself be broken. */
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

static void put_reg(struct out *o, const char *name, uint64_t v)
{
	put(o, " ");
	put(o, name);
	put(o, "=");
	put_hex(o, v);
}

static int readable(uint64_t addr)
{
	return addr >= 4096 && addr + 16 <= hvt_bi->mem_size && !(addr & 7);
}

/* Offer the fault to the kernel, which may contain it (a module's entry
 * point faulted): then the stub returns to the context it rewrote. */
static int offer_fault(struct trap_frame *t, uint64_t cr2)
{
	struct plat_fault f = {
	    .kind = t->vector == 14 ? PLAT_FAULT_PAGE : PLAT_FAULT_OTHER,
	    .write = (t->error & 2) != 0,
	    .what = t->vector < NVECTORS ? names[t->vector] : "exception",
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

	/* Only faults in ring 3, where all guest code runs. */
	if ((t->cs & 3) != 3 || !kernel_fault(&f))
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

/* Returns only when the kernel contained the fault. */
void hvt_trap(struct trap_frame *f);

void hvt_trap(struct trap_frame *f)
{
	static struct out o;
	uint64_t cr2, rbp;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	if (offer_fault(f, cr2))
		return;
	o.len = 0;
	put(&o, "trap ");
	put(&o, f->vector < NVECTORS ? names[f->vector] : "unknown");
	put(&o, " at rip ");
	put_hex(&o, f->rip);
	if (f->vector == 14) {
		put(&o, " address ");
		put_hex(&o, cr2);
		put(&o, (f->error & 2) ? " (write" : " (read");
		put(&o, (f->error & 16) ? ", instruction fetch" : "");
		put(&o, (f->error & 1) ? ", protection)" : ", not present)");
		/* An unmapped page at the stack pointer is a fiber's guard. */
		if (!(f->error & 1) && cr2 + 64 >= f->rsp && cr2 < f->rsp + 4096)
			put(&o, ": stack overflow");
	}
	put(&o, graft_fiber_self() ? " in fiber '" : " on the boot stack");
	if (graft_fiber_self()) {
		put(&o, graft_fiber_name(graft_fiber_self()));
		put(&o, "'");
	}
	put(&o, "\n ");
	put_reg(&o, "error", f->error);
	put_reg(&o, "rsp", f->rsp);
	put_reg(&o, "rbp", f->rbp);
	put_reg(&o, "rflags", f->rflags);
	put(&o, "\n ");
	put_reg(&o, "rax", f->rax);
	put_reg(&o, "rbx", f->rbx);
	put_reg(&o, "rcx", f->rcx);
	put_reg(&o, "rdx", f->rdx);
	put(&o, "\n ");
	put_reg(&o, "rsi", f->rsi);
	put_reg(&o, "rdi", f->rdi);
	put_reg(&o, "r8", f->r8);
	put_reg(&o, "r9", f->r9);
	put(&o, "\n ");
	put_reg(&o, "r10", f->r10);
	put_reg(&o, "r11", f->r11);
	put_reg(&o, "r12", f->r12);
	put_reg(&o, "r13", f->r13);
	put(&o, "\n ");
	put_reg(&o, "r14", f->r14);
	put_reg(&o, "r15", f->r15);
	put_reg(&o, "cr2", cr2);
	put(&o, "\n backtrace:");
	rbp = f->rbp;
	for (int i = 0; i < 16 && readable(rbp); i++) {
		uint64_t *frame = (uint64_t *)(uintptr_t)rbp;

		put(&o, " ");
		put_hex(&o, frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	plat_abort(o.buf);
}
