/*
 * Descriptor tables and exceptions on virtio.  virtio_cpu_init() runs once
 * at boot: our GDT with a TSS whose IST1 stack takes every exception (so a
 * fault on an overflowing fiber stack is still reported), an IDT with the
 * exception stubs (platform/x86/x86_stubs.S) and, for every vector from 32
 * up, the stub that only acknowledges the LAPIC (virtio_start.S); and the
 * legacy PICs remapped away from the exception vectors and masked.
 *
 * The hooks x86_trap() asks of us: all code runs in ring 0 here, so the
 * kernel alone knows whose fault it is, and every fault is offered to it
 * but a double fault, an NMI or a machine check, which are nobody's to
 * contain.  A report goes whole to the console; the abort carries its
 * first line.  Built with -mgeneral-regs-only, as the trap path is.
 */
#include <stdint.h>
#include <string.h>
#include <graft/platform.h>
#include "virtio_guest.h"
#include "../x86/x86_trap.h"

#define NVECTORS 256

static uint8_t trap_stack[16384] __attribute__((aligned(16)));
static struct x86_tss tss;
static uint64_t gdt[5];
static struct x86_idt_entry idt[NVECTORS];
extern char virtio_intr[];

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
	struct x86_dtr gdtr = {sizeof(gdt) - 1, (uintptr_t)gdt};
	struct x86_dtr idtr = {sizeof(idt) - 1, (uintptr_t)idt};

	tss.ist[0] = (uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.iomap_base = sizeof(tss);
	gdt[1] = 0x00af9b000000ffffULL; /* 0x08 code */
	gdt[2] = 0x00cf93000000ffffULL; /* 0x10 data */
	gdt[3] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | ((base >> 24 & 0xff) << 56);
	gdt[4] = base >> 32;
	for (int i = 0; i < X86_NEXCEPTIONS; i++)
		x86_idt_set(idt, i, x86_trap_stubs[i], VIRTIO_GDT_CODE, 1);
	/* The rest below 32 are reserved: vector 15's stub, "reserved". */
	for (int i = X86_NEXCEPTIONS; i < VIRTIO_VEC_FIRST; i++)
		x86_idt_set(idt, i, x86_trap_stubs[15], VIRTIO_GDT_CODE, 1);
	for (int i = VIRTIO_VEC_FIRST; i < NVECTORS; i++)
		x86_idt_set(idt, i, (uintptr_t)virtio_intr, VIRTIO_GDT_CODE, 0);
	__asm__ __volatile__("lgdt %0\n\t"
			     "ltr %w1\n\t"
			     "lidt %2"
			     :
			     : "m"(gdtr), "r"(VIRTIO_GDT_TSS), "m"(idtr)
			     : "memory");
	pic_disable();
}

int x86_trap_containable(const struct x86_trap_frame *f)
{
	return f->vector != X86_VEC_NMI && f->vector != X86_VEC_DF &&
	       f->vector != X86_VEC_MC;
}

/* No debugger on virtio yet: a #DB or #BP is reported as a fault. */
int x86_trap_debug(struct x86_trap_frame *f)
{
	(void)f;
	return 0;
}

uint64_t x86_trap_mem_top(void)
{
	return VIRTIO_MAPPED_TOP;
}

void x86_trap_fatal(char *report, size_t summary_len)
{
	virtio_console_emergency(report, strlen(report));
	virtio_console_emergency("\n", 1);
	report[summary_len] = '\0';
	plat_abort(report);
}
