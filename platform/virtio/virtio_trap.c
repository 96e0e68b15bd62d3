/*
 * Descriptor tables and exceptions on virtio.  virtio_cpu_init() runs once
 * at boot: our GDT with a TSS whose IST1 stack takes every exception (so a
 * fault on an overflowing fiber stack is still reported), an IDT with the
 * exception stubs and, for every vector from 32 up, the stub that only
 * acknowledges the LAPIC (virtio_start.S); and the legacy PICs remapped
 * away from the exception vectors and masked.
 *
 * virtio_trap() first offers the fault to the kernel (kernel_fault: a
 * module's entry point may have faulted, which the kernel contains);
 * otherwise it names the exception, prints the registers, the faulting
 * address and a frame-pointer backtrace on the console, and aborts.  It is
 * built with -mgeneral-regs-only and uses only its own formatter.
 */
#include <stdint.h>
#include <graft/platform.h>
#include "virtio_guest.h"

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

#define NEXCEPTIONS 22
#define NVECTORS    256

static uint8_t trap_stack[16384] __attribute__((aligned(16)));
static struct tss tss;
static uint64_t gdt[5];
static struct idt_entry idt[NVECTORS];
extern char virtio_intr[];

/* virtio_start.S: the exception stubs' addresses, by vector. */
extern const uint64_t virtio_trap_stubs[NEXCEPTIONS];

static const char *const names[NEXCEPTIONS] = {
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

static void set_gate(int vec, void *fn, int ist)
{
	uint64_t off = (uintptr_t)fn;

	idt[vec].off_lo = off;
	idt[vec].sel = VIRTIO_GDT_CODE;
	idt[vec].ist = ist;
	idt[vec].type = 0x8e; /* present, ring 0, interrupt gate */
	idt[vec].off_mid = off >> 16;
	idt[vec].off_hi = off >> 32;
	idt[vec].zero = 0;
}

/* Both 8259s: initialise with their vectors at 0x30..0x3f, all masked. */
static void pic_disable(void)
{
	static const uint8_t init[2][4] = {
	    {0x11, 0x30, 0x04, 0x01},
	    {0x11, 0x38, 0x02, 0x01},
	};

	for (int i = 0; i < 2; i++) {
		uint16_t cmd = i ? 0xa0 : 0x20;

		outb(cmd, init[i][0]);
		for (int j = 1; j < 4; j++)
			outb(cmd + 1, init[i][j]);
		outb(cmd + 1, 0xff);
	}
}

void virtio_cpu_init(void)
{
	uint64_t base = (uintptr_t)&tss;
	struct dtr gdtr = {sizeof(gdt) - 1, (uintptr_t)gdt};
	struct dtr idtr = {sizeof(idt) - 1, (uintptr_t)idt};

	tss.ist[0] = (uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.iomap_base = sizeof(tss);
	gdt[1] = 0x00af9b000000ffffULL; /* 0x08 code */
	gdt[2] = 0x00cf93000000ffffULL; /* 0x10 data */
	gdt[3] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | ((base >> 24 & 0xff) << 56);
	gdt[4] = base >> 32;
	for (int i = 0; i < NEXCEPTIONS; i++)
		set_gate(i, (void *)virtio_trap_stubs[i], 1);
	for (int i = NEXCEPTIONS; i < VIRTIO_VEC_FIRST; i++)
		set_gate(i, (void *)virtio_trap_stubs[15], 1); /* reserved */
	for (int i = VIRTIO_VEC_FIRST; i < NVECTORS; i++)
		set_gate(i, virtio_intr, 0);
	__asm__ __volatile__("lgdt %0\n\t"
			     "ltr %w1\n\t"
			     "lidt %2"
			     :
			     : "m"(gdtr), "r"(VIRTIO_GDT_TSS), "m"(idtr)
			     : "memory");
	pic_disable();
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

static void put_regs(struct out *o, const char *const *names_,
		     const uint64_t *vals, int n)
{
	for (int i = 0; i < n; i++) {
		put(o, i % 4 ? " " : "\n  ");
		put(o, names_[i]);
		put(o, "=");
		put_hex(o, vals[i]);
	}
}

static int readable(uint64_t addr)
{
	return addr >= PLAT_PAGE_SIZE && addr + 16 <= VIRTIO_MAPPED_TOP &&
	       !(addr & 7);
}

static void describe(struct out *o, const struct trap_frame *f, uint64_t cr2)
{
	put(o, "trap ");
	put(o, f->vector < NEXCEPTIONS ? names[f->vector] : "unknown");
	put(o, " at rip ");
	put_hex(o, f->rip);
	if (f->vector == 14) {
		put(o, " address ");
		put_hex(o, cr2);
		put(o, (f->error & 2) ? " (write" : " (read");
		put(o, (f->error & 16) ? ", instruction fetch" : "");
		put(o, (f->error & 1) ? ", protection)" : ", not present)");
	}
}

/* Offer the fault to the kernel, which may contain it (a module's entry
 * point faulted): then the stub resumes the context it rewrote.  All code
 * runs in ring 0 here, so the kernel alone knows whose fault it is; a
 * double fault, an NMI or a machine check is nobody's to contain. */
static int offer_fault(struct trap_frame *t, uint64_t cr2)
{
	struct plat_fault f = {
	    .kind = t->vector == 14 ? PLAT_FAULT_PAGE : PLAT_FAULT_OTHER,
	    .write = (t->error & 2) != 0,
	    .what = t->vector < NEXCEPTIONS ? names[t->vector] : "exception",
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

	if (t->vector == 2 || t->vector == 8 || t->vector == 18 ||
	    !kernel_fault(&f))
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
void virtio_trap(struct trap_frame *f);

void virtio_trap(struct trap_frame *f)
{
	static const char *const regs[] = {
	    "rax", "rbx", "rcx",    "rdx",   "rsi", "rdi", "rbp",
	    "rsp", "r8",  "r9",	    "r10",   "r11", "r12", "r13",
	    "r14", "r15", "rflags", "error", "cr2", "cs",
	};
	static struct out o;
	uint64_t cr2, rbp;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	if (offer_fault(f, cr2))
		return;
	const uint64_t v[] = {f->rax, f->rbx,	 f->rcx,   f->rdx, f->rsi,
			      f->rdi, f->rbp,	 f->rsp,   f->r8,  f->r9,
			      f->r10, f->r11,	 f->r12,   f->r13, f->r14,
			      f->r15, f->rflags, f->error, cr2,	   f->cs};
	o.len = 0;
	describe(&o, f, cr2);
	put_regs(&o, regs, v, 20);
	put(&o, "\n  backtrace:");
	rbp = f->rbp;
	for (int i = 0; i < 16 && readable(rbp); i++) {
		uint64_t *frame = (uint64_t *)(uintptr_t)rbp;

		put(&o, " ");
		put_hex(&o, frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	put(&o, "\n");
	virtio_console_emergency(o.buf, o.len);
	o.len = 0;
	describe(&o, f, cr2);
	plat_abort(o.buf);
}
