/*
 * The hvt tender: graft's own KVM monitor.  One VM, one vCPU in long mode,
 * guest memory identity-mapped, hypercalls as MMIO stores
 * (include/abi/hvt.h).
 *
 * The tender is split by concern: hvt_main.c (options, instance, teardown),
 * hvt_elf.c (loading the image), hvt_kvm_x86_64.c (the VM, the vCPU, the run
 * loop, fault reports), hvt_devices.c (console, clock, yield, net, block,
 * control channel, seal hypercalls), hvt_gdb.c (the gdb stub).
 */
#ifndef GRAFT_TENDER_HVT_H
#define GRAFT_TENDER_HVT_H

#include <stddef.h>
#include <stdint.h>

#include <abi/hvt.h>
#include "../common/host.h"

struct hvt_dev {
	struct hvt_device info; /* as the guest sees it */
	int fd;                 /* tap, disk file; -1 for ctl */
	uint64_t size;          /* block: bytes */
	uint64_t rx_oversized;  /* net: frames dropped, longer than the
				   largest (mtu + 14, or with offloads a
				   64 KiB segment and its header) */
};

struct hvt {
	uint8_t *mem;          /* guest memory, mem_size bytes */
	uint64_t mem_size;
	uint64_t entry;
	uint64_t image_end;    /* first byte after the loaded image */
	struct { uint64_t start, end; int exec; } segs[8];
	unsigned nsegs;        /* loaded segments, for page permissions */
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint64_t start_ns;     /* CLOCK_MONOTONIC at guest start */

	struct hvt_dev devs[HVT_MAX_DEVICES];
	unsigned ndevs;
	struct {
		int fd;
		uint64_t len;
		char name[48];
	} mods[HVT_MAX_MODULES]; /* --module, copied in at boot */
	unsigned nmods;
	uint64_t mods_len;       /* their pages in all */
	int ctl_handle;        /* -1 if no control channel */
	struct host_instance inst;
	int ctl_client;        /* accepted control connection or -1 */

	struct hvt_gdb *gdb;   /* NULL without --gdb */

	int sealed;
	uint64_t seal[2 * HVT_SEAL_MAX_RANGES]; /* read-only after seal */
	unsigned nseal;
	int exit_status;
	int done;
};

/* hvt_gpa - a host pointer for guest range [gpa, gpa + len), or NULL when
 * the range is not inside guest memory (page 0, the hypercall page, is
 * not).  Every guest address the tender
 * uses goes through here. */
static inline void *hvt_gpa(struct hvt *h, uint64_t gpa, uint64_t len)
{
	if (gpa < 4096 || gpa >= h->mem_size || len > h->mem_size - gpa)
		return NULL;
	return h->mem + gpa;
}

/* hvt_vm_sealed - whether guest range [gpa, gpa + len) touches sealed
 * memory (always 0 before seal). */
int hvt_vm_sealed(const struct hvt *h, uint64_t gpa, uint64_t len);

/* hvt_gpa_out - hvt_gpa for a range the tender will write into: after
 * seal, also NULL when the range touches sealed memory, which the guest
 * could otherwise have the tender write for it. */
static inline void *hvt_gpa_out(struct hvt *h, uint64_t gpa, uint64_t len)
{
	if (hvt_vm_sealed(h, gpa, len))
		return NULL;
	return hvt_gpa(h, gpa, len);
}

uint64_t hvt_now_ns(void);

int hvt_elf_load(struct hvt *h, const char *path);
int hvt_vm_create(struct hvt *h);
int hvt_vm_boot_setup(struct hvt *h, int argc, char **argv);
int hvt_vm_run(struct hvt *h);
void hvt_vm_dump(struct hvt *h, const char *why);
int hvt_vm_seal(struct hvt *h, const uint64_t *ranges, unsigned n);
/* hvt_vm_seal_check - 0 when the sorted ranges cover everything seal must
 * freeze, found from the vCPU's own registers: the descriptor tables
 * (GDTR, IDTR, TR), every page-table page reachable from %cr3 and every
 * executable page it maps; else -1 and the first gap in why. */
int hvt_vm_seal_check(struct hvt *h, const uint64_t *ranges, unsigned n,
		      char *why, size_t size);
/* hvt_vm_translate - the guest-physical address of virtual va through
 * the page tables at cr3, each table checked with hvt_gpa; -1 if va is
 * not mapped or a table lies outside memory. */
int hvt_vm_translate(struct hvt *h, uint64_t cr3, uint64_t va, uint64_t *gpa);
/* hvt_vm_fault_address - the guest's %cr2, its last page-fault address. */
uint64_t hvt_vm_fault_address(struct hvt *h);

/* hvt_hypercall - serve hypercall nr whose struct is at guest address gpa.
 * Returns 0 to continue, 1 when the guest has exited, -1 on a fatal error
 * (already reported). */
int hvt_hypercall(struct hvt *h, unsigned nr, uint64_t gpa);

/* The gdb stub (hvt_gdb.c).  hvt_gdb_init - listen on spec (a port of
 * 127.0.0.1, 0 for any, or a unix socket path), saying where on stderr;
 * with wait, hvt_gdb_boot() waits for gdb.  -1 on error (reported). */
int hvt_gdb_init(struct hvt *h, const char *spec, int wait);
/* hvt_gdb_boot - before the guest's first instruction: wait for gdb and
 * serve it if asked to, then let gdb attach at any time.  -1 to end. */
int hvt_gdb_boot(struct hvt *h);
/* hvt_gdb_trap - HVT_HC_DEBUG: stop on the guest's #BP or #DB if gdb is
 * attached, else answer GRAFT_ENOTSUP.  As hvt_hypercall. */
int hvt_gdb_trap(struct hvt *h, uint64_t gpa);
/* hvt_gdb_poll - KVM_RUN was interrupted: stop the guest where it is if
 * gdb attached or sent ^C.  0 to go on, -1 to end the run. */
int hvt_gdb_poll(struct hvt *h);
/* hvt_gdb_close - the guest is gone with status: tell gdb if attached,
 * and remove the unix socket, if any. */
void hvt_gdb_close(struct hvt *h, int status);

#endif
