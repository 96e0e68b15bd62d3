/*
 * Exceptions on hvt.  hvt_traps_init() runs first thing at boot, in ring 3
 * like everything else: it writes the IDT and the TSS's stacks in the pages
 * the tender set aside for them (include/abi/hvt.h).  Every exception gate
 * switches to the TSS's IST1 stack, so a fault on an overflowing fiber
 * stack still reaches x86_trap() (platform/x86); #UD goes first to
 * hvt_trap_ud, which serves the TLB gate page protection needs
 * (hvt_start.S).  This file is built with -mgeneral-regs-only, as
 * x86_trap.c is: the hooks below run in ring 0, where a KVM without
 * hardware virtualization emulates every instruction and no SSE state is
 * set up for it.
 *
 * The hooks: only a fault in ring 3, where all guest code runs, is offered
 * to the kernel; one in ring 0 is in a stub or the TLB gate.  The report
 * goes whole to the tender with the abort, which prints it.  A #DB or #BP
 * from ring 3 goes to the tender first (HVT_HC_DEBUG): when a debugger is
 * attached there it stops the guest on the trapped context and hands it
 * back, maybe changed; a trap in ring 0 (the stubs themselves, on the one
 * IST stack) is never offered, and is reported.
 */
#include <stdint.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "hvt_guest.h"
#include "../x86/x86_trap.h"

/* x86_trap() keeps its buffer static: a page of stack is plenty. */
static uint8_t trap_stack[4096] __attribute__((aligned(16)));

extern char hvt_trap_ud[];

void hvt_traps_init(void);

void hvt_traps_init(void)
{
	struct x86_tss *tss = (struct x86_tss *)HVT_TSS_ADDR;
	struct x86_idt_entry *idt = (struct x86_idt_entry *)HVT_IDT_ADDR;

	tss->ist[0] = (uintptr_t)(trap_stack + sizeof(trap_stack));
	for (int i = 0; i < X86_NEXCEPTIONS; i++)
		x86_idt_set(idt, i, x86_trap_stubs[i], HVT_GDT_CODE, 1);
	x86_idt_set(idt, X86_VEC_UD, (uintptr_t)hvt_trap_ud, HVT_GDT_CODE, 1);
}

int x86_trap_containable(const struct x86_trap_frame *f)
{
	return (f->cs & 3) == 3;
}

int x86_trap_debug(struct x86_trap_frame *f)
{
	struct hvt_hc_debug d = {
	    .vector = f->vector,
	    .rax = f->rax,
	    .rbx = f->rbx,
	    .rcx = f->rcx,
	    .rdx = f->rdx,
	    .rsi = f->rsi,
	    .rdi = f->rdi,
	    .rbp = f->rbp,
	    .rsp = f->rsp,
	    .r8 = f->r8,
	    .r9 = f->r9,
	    .r10 = f->r10,
	    .r11 = f->r11,
	    .r12 = f->r12,
	    .r13 = f->r13,
	    .r14 = f->r14,
	    .r15 = f->r15,
	    .rip = f->rip,
	    .rflags = f->rflags,
	    .cs = f->cs,
	    .ss = f->ss,
	    .ret = GRAFT_ENOTSUP,
	};

	if ((f->cs & 3) != 3)
		return 0;
	hvt_hypercall(HVT_HC_DEBUG, &d);
	if (d.ret != 0)
		return 0;
	f->rax = d.rax, f->rbx = d.rbx, f->rcx = d.rcx, f->rdx = d.rdx;
	f->rsi = d.rsi, f->rdi = d.rdi, f->rbp = d.rbp, f->rsp = d.rsp;
	f->r8 = d.r8, f->r9 = d.r9, f->r10 = d.r10, f->r11 = d.r11;
	f->r12 = d.r12, f->r13 = d.r13, f->r14 = d.r14, f->r15 = d.r15;
	f->rip = d.rip;
	f->rflags = d.rflags;
	return 1;
}

uint64_t x86_trap_mem_top(void)
{
	return hvt_bi->mem_size;
}

void x86_trap_fatal(char *report, size_t summary_len)
{
	plat_abort(report);
}
