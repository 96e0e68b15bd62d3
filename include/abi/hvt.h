/*
 * The hvt guest-host ABI: what the tender (tender/hvt) and the guest's
 * platform binding (platform/hvt) agree on.
 *
 * Memory.  Guest-physical equals guest-virtual (identity map).  The tender
 * loads the image at or above HVT_IMAGE_BASE, builds page tables, a GDT with
 * a TSS, and the boot information at the fixed addresses below, and starts
 * the one vCPU in 64-bit long mode, in ring 3 (HVT_GDT_USER_CODE), at the
 * image's entry point with %rdi holding the address of struct
 * hvt_boot_info and %rsp at the top of guest memory.  IDTR points at the
 * zeroed page HVT_IDT_ADDR: the guest writes its exception gates there and
 * its stack pointers into the TSS at HVT_TSS_ADDR before anything can
 * fault, so that it never runs ring-0 code to set itself up (see
 * platform/hvt/hvt_start.S for why that matters).  CPUID is left as KVM
 * creates it (no features): the guest must not depend on the CPUID
 * instruction; the TSC frequency comes in the boot information.
 * Page 0 is not mapped, so NULL dereferences fault.  The image is mapped
 * with 4 KiB pages by its segments' flags (text read+execute, everything
 * else read+write and no-execute); the rest of memory with 2 MiB pages,
 * read+write, no-execute.  Accessed and dirty bits are preset, and every
 * page is user-accessible: the guest runs its kernel in ring 3 (see
 * platform/hvt/hvt_start.S for why).
 *
 * Hypercalls.  The guest writes the guest-physical address of a per-call
 * struct (below 4 GiB) as a 32-bit store to HVT_HYPERCALL_MMIO + 4 * nr.
 * That one page is the exception to the identity map: it maps
 * guest-physical page 0 (HVT_HYPERCALL_GPA), which no memory slot backs,
 * so the store leaves the guest as an MMIO exit, and all of memory above
 * it is one memory slot (each slot costs the tender a KVM grace period at
 * boot).  (Port I/O would be the classic choice, but the guest kernel runs
 * in ring 3 and KVM without hardware virtualization does not honour IOPL
 * there.)  Fields are marked IN (guest to tender) or OUT (tender to guest).
 * The tender checks every guest address and length it is given with one
 * helper (hvt_gpa, or hvt_gpa_out for what it writes, which after seal
 * also refuses sealed memory) before use; a bad one ends the run with an
 * error.
 */
#ifndef GRAFT_ABI_HVT_H
#define GRAFT_ABI_HVT_H

#include <stdint.h>

#define HVT_ABI_VERSION 8

#define HVT_GDT_ADDR 0x1000UL
#define HVT_TSS_ADDR 0x1800UL    /* in the GDT's page */
#define HVT_TSS_SIZE 0x68
#define HVT_PML4_ADDR 0x2000UL
#define HVT_PDPT_ADDR 0x3000UL
#define HVT_PD_ADDR 0x4000UL     /* HVT_MAX_PD pages of 2 MiB entries */
#define HVT_MAX_PD 4             /* so at most 4 GiB of guest memory */
#define HVT_PT0_ADDR 0x8000UL    /* 4 KiB entries for the first 2 MiB */
#define HVT_IDT_ADDR 0x9000UL    /* 256 gates, written by the guest */
#define HVT_BOOT_INFO_ADDR 0x10000UL
#define HVT_PT_IMAGE_ADDR 0x20000UL /* 4 KiB entries for 2 MiB..64 MiB */
#define HVT_PT_IMAGE_MAX 31
#define HVT_BOOT_INFO_SIZE 0x10000UL
#define HVT_IMAGE_BASE 0x100000UL
#define HVT_MEM_MIN (2UL << 20)
#define HVT_MEM_MAX (4UL << 30)
#define HVT_STACK_SIZE (256UL << 10) /* at the top of memory */

#define HVT_GDT_CODE 0x08 /* selectors: ring-0 code and data, */
#define HVT_GDT_DATA 0x10
#define HVT_GDT_USER_DATA 0x1b /* ring-3 data and code, */
#define HVT_GDT_USER_CODE 0x23
#define HVT_GDT_TSS 0x28  /* the 64-bit TSS (two entries) */
#define HVT_GDT_ENTRIES 7

#define HVT_HYPERCALL_MMIO 0xf0000UL /* one page, below the image, */
#define HVT_HYPERCALL_GPA 0x0UL      /* mapping this guest-physical one */

enum hvt_hypercall {
	HVT_HC_CONSOLE_WRITE = 0,
	HVT_HC_CLOCK = 1,
	HVT_HC_YIELD = 2,
	HVT_HC_NET_WRITE = 3,
	HVT_HC_NET_READ = 4,
	HVT_HC_BLOCK_WRITE = 5,
	HVT_HC_BLOCK_READ = 6,
	HVT_HC_BLOCK_FLUSH = 7,
	HVT_HC_CTL_WRITE = 8,
	HVT_HC_CTL_READ = 9,
	HVT_HC_SEAL = 10,
	HVT_HC_EXIT = 11,
	HVT_HC_ABORT = 12,
	HVT_HC_NET_READ_BATCH = 13,
	HVT_HC_NET_WRITE_BATCH = 14,
	HVT_HC_DEBUG = 15,
	HVT_HC_MAX
};

#define HVT_MAX_DEVICES 64
#define HVT_MAX_MODULES 16

/* A module handed over at boot (--module): its bytes sit in guest memory
 * below heap_start, page-aligned. */
struct hvt_module {
	uint64_t addr;  /* guest address */
	uint64_t len;
	char name[48];  /* the host's file name, NUL-terminated */
};

struct hvt_device {
	uint32_t kind;      /* enum plat_dev_kind */
	uint32_t read_only; /* block */
	char name[32];
	uint8_t mac[6];     /* net */
	uint16_t mtu;       /* net */
	uint32_t sector_size; /* block */
	uint32_t net_offloads; /* net: GRAFT_NET_OFF_* (graft/nethdr.h); when
				  nonzero every frame, both ways, starts
				  with the 12-byte header named there */
	uint64_t sectors;   /* block */
};

struct hvt_boot_info {
	uint32_t abi_version;   /* HVT_ABI_VERSION */
	uint32_t ndevices;
	uint64_t mem_size;      /* bytes of guest memory */
	uint64_t heap_start;    /* first free page after the image */
	uint64_t tsc_hz;        /* 0: use HVT_HC_CLOCK */
	uint64_t wall_ns;       /* host wall clock when the guest started */
	uint32_t argc;
	uint32_t pad;
	uint64_t argv;          /* guest address of char *[argc + 1] */
	struct hvt_device devices[HVT_MAX_DEVICES];
	uint32_t nmodules;
	uint32_t pad2;
	struct hvt_module modules[HVT_MAX_MODULES];
	/* argv strings follow, within HVT_BOOT_INFO_SIZE */
};

struct hvt_hc_console_write {
	uint64_t data; /* IN */
	uint64_t len;  /* IN */
};

struct hvt_hc_clock {
	uint64_t monotonic_ns; /* OUT since the guest started */
	uint64_t wall_ns;      /* OUT */
};

/* A yield may also write and read frames, saving their own exits.
 * First, when tx_count is not 0, the tender sends frames 0..tx_count-1
 * of net handle tx_handle as HVT_HC_NET_WRITE_BATCH does (the same
 * checks; a bad address ends the run), sets tx_count to how many went out
 * and tx_ret to the first failure (0: none); then it waits.  When
 * rx_count is not 0 and net handle rx_handle has input on return, the
 * tender reads up to rx_count frames into rx_data as HVT_HC_NET_READ_BATCH
 * does (the same checks) and sets rx_count to how many (0 on any error:
 * the guest reads them itself). */
struct hvt_hc_yield {
	uint64_t timeout_ns; /* IN */
	uint64_t ready;      /* IN handles to watch; OUT those with input */
	uint32_t rx_handle;  /* IN */
	uint32_t rx_count;   /* IN frames at most, 0: none; OUT frames read */
	uint64_t rx_data;    /* IN guest address of the frames */
	uint64_t rx_size;    /* IN bytes at rx_data */
	uint64_t rx_lens;    /* IN guest address of uint32_t[rx_count] */
	uint32_t tx_handle;  /* IN */
	uint32_t tx_count;   /* IN frames to send, 0: none; OUT frames sent */
	uint64_t tx_data;    /* IN guest address of the frames */
	uint64_t tx_size;    /* IN bytes at tx_data */
	uint64_t tx_lens;    /* IN guest address of uint32_t[tx_count] */
	int32_t tx_ret;      /* OUT 0 or enum graft_err */
	uint32_t pad;
};

struct hvt_hc_io {
	uint32_t handle; /* IN */
	int32_t ret;     /* OUT 0 or enum graft_err */
	uint64_t offset; /* IN block only: byte offset */
	uint64_t data;   /* IN guest address */
	uint64_t len;    /* IN buffer size; OUT bytes read (net, ctl) */
};

/* Net batches: up to count frames in one exit.  The frames lie in the
 * buffer [data, data + size), frame i at the sum of the lengths before it,
 * each rounded up to HVT_NET_BATCH_ALIGN (so that headers stay aligned);
 * lens is a guest array of uint32_t[count] with their lengths.  A frame
 * is at least 14 and at most mtu + 14 bytes, or on a device with
 * net_offloads the 12-byte header and then at least 14 bytes, in all at
 * most GRAFT_NET_FRAME_MAX (a 64 KiB TCP segment).
 *  - read: the tender reads frames while count allows and at least the
 *    largest frame's bytes of the buffer remain, fills lens, and sets
 *    count to the frames read; ret GRAFT_EAGAIN if none was pending.
 *  - write: the tender sends frames 0..count-1 in order (each of a size
 *    as above, all within size), stopping at the first that fails; count
 *    becomes the frames sent, ret the failure (GRAFT_EINVAL, GRAFT_EIO).
 *    The tap checks the headers (Linux refuses a header it does not
 *    take, and the write fails).
 * count is at most HVT_NET_BATCH_MAX, else GRAFT_EINVAL. */
#define HVT_NET_BATCH_MAX 64
#define HVT_NET_BATCH_ALIGN 16

struct hvt_hc_net_batch {
	uint32_t handle; /* IN */
	int32_t ret;     /* OUT 0 or enum graft_err */
	uint32_t count;  /* IN frames (at most); OUT frames done */
	uint32_t pad;
	uint64_t data;   /* IN guest address of the frames */
	uint64_t size;   /* IN bytes at data */
	uint64_t lens;	 /* IN guest address of uint32_t[count]; OUT (read) */
};

/* Seal: the ranges (code and page tables) become read-only memory slots,
 * so that no guest write at any privilege level reaches them; the tender
 * refuses a second seal.  ret: 0, GRAFT_EINVAL (ranges unsorted,
 * unaligned, touching page 0 or outside memory),
 * GRAFT_ESEALED. */
#define HVT_SEAL_MAX_RANGES 64

struct hvt_hc_seal {
	uint64_t ranges; /* IN guest address of uint64_t[2 * nranges] */
	uint32_t nranges; /* IN (start, end) pairs, page-aligned, sorted */
	int32_t ret;     /* OUT */
};

/* Debug: the guest's #BP or #DB stub, on a trap from ring 3, hands the
 * tender the trapped context.  With a debugger attached (graft-hvt
 * --gdb) the tender stops there and serves gdb until it continues or
 * steps; it writes the registers back, RFLAGS.TF set to step, and ret
 * 0: the stub resumes from them.  Without one, or for a trap it does not
 * own, ret GRAFT_ENOTSUP and nothing else changes: the guest reports the
 * trap as any other.  The segment selectors are IN only (a debugger
 * cannot move the guest out of ring 3).  vector: 1 (#DB) or 3 (#BP),
 * rip as the CPU pushed it (past the int3 for #BP). */
struct hvt_hc_debug {
	uint64_t vector; /* IN */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp; /* IN/OUT */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;   /* IN/OUT */
	uint64_t rip, rflags;                            /* IN/OUT */
	uint64_t cs, ss;                                 /* IN */
	int32_t ret;                                     /* OUT */
	uint32_t pad;
};

struct hvt_hc_exit {
	int64_t status; /* IN */
};

struct hvt_hc_abort {
	uint64_t msg; /* IN guest address of a NUL-terminated message */
	uint64_t len; /* IN at most this many bytes */
};

#endif
