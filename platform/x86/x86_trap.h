/*
 * Exceptions on x86-64, shared by the hvt and virtio platforms: the frame
 * the stubs (x86_stubs.S) build, the descriptor formats both write, and
 * x86_trap() (x86_trap.c), which offers a fault to the kernel or reports
 * it.  What differs by target is asked of the target through the three
 * hooks at the end, which each target defines (its <target>_trap.c).
 */
#ifndef GRAFT_PLATFORM_X86_TRAP_H
#define GRAFT_PLATFORM_X86_TRAP_H

#include <stddef.h>
#include <stdint.h>

/* Vectors 0..21 are the architecture's exceptions; each has a stub. */
#define X86_NEXCEPTIONS 22
#define X86_VEC_DB	1
#define X86_VEC_NMI	2
#define X86_VEC_BP	3
#define X86_VEC_UD	6
#define X86_VEC_DF	8
#define X86_VEC_PF	14
#define X86_VEC_MC	18

/* Page-fault error code bits. */
#define X86_PF_PRESENT 0x1
#define X86_PF_WRITE   0x2
#define X86_PF_FETCH   0x10

/* What a stub pushes (lowest address first) below what the CPU pushed.
 * x86_trap() may rewrite it: the stub resumes from it with iretq. */
struct x86_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error; /* error: 0 where the CPU pushes none */
	uint64_t rip, cs, rflags, rsp, ss;
};

struct x86_tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct x86_idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct x86_dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* x86_stubs.S: the stubs' addresses, by vector. */
extern const uint64_t x86_trap_stubs[X86_NEXCEPTIONS];

/* x86_idt_set - make idt[vec] a ring-0 interrupt gate to fn through code
 * selector sel, on the TSS's stack ist (0: the current stack). */
void x86_idt_set(struct x86_idt_entry *idt, int vec, uintptr_t fn, uint16_t sel,
		 int ist);

/* x86_trap - called by every stub on the IST stack.  Offers the fault to
 * a debugger (x86_trap_debug) if it is a #DB or #BP, then to the kernel
 * (kernel_fault) where x86_trap_containable() allows; returns
 * only when the kernel contained it, having rewritten f to resume where
 * the kernel chose.  Otherwise it reports the fault (the exception, the
 * faulting address, the registers and a frame-pointer backtrace) through
 * x86_trap_fatal(). */
void x86_trap(struct x86_trap_frame *f);

/* Hooks each target defines. */

/* x86_trap_containable - whether the kernel may be offered this fault. */
int x86_trap_containable(const struct x86_trap_frame *f);

/* x86_trap_debug - offer a #DB or #BP to a debugger.  Returns 1 when one
 * took it and rewrote f (x86_trap() then resumes from f), 0 to treat it
 * as any other fault. */
int x86_trap_debug(struct x86_trap_frame *f);

/* x86_trap_mem_top - the end of mapped memory: a backtrace reads no
 * frame at or above it. */
uint64_t x86_trap_mem_top(void);

/* x86_trap_fatal - deliver the report of a fault nobody contained and end
 * the instance.  Its first summary_len bytes are its first line (the
 * exception and where); the report may be cut there. */
void x86_trap_fatal(char *report, size_t summary_len) __attribute__((noreturn));

#endif
