/*
 * The VM: KVM on x86_64.  The vCPU starts in 64-bit long mode with flat
 * segments from a GDT we write, identity-mapped page tables built with
 * 2 MiB pages (4 KiB pages for the first 2 MiB so that page 0 stays
 * unmapped), SSE enabled and NX available.  Guest memory is anonymous
 * memory mapped lazily: only pages the guest touches cost anything, which
 * is what keeps boot fast at large memory sizes.
 *
 * Every page is user-accessible and the vCPU starts in ring 3, on a GDT,
 * TSS and (empty) IDT we provide, because KVM implementations without
 * hardware virtualization (PVM, as on our CI machines) run ring-3 code
 * natively but emulate ring-0 code instruction by instruction.
 *
 * Boot is kept short: no CPUID set-up (KVM_GET_SUPPORTED_CPUID alone costs
 * a fifth of a bare VM's life; the guest never executes CPUID and gets
 * the TSC frequency in its boot information), one memory slot (each costs
 * a KVM grace period), and no guest-memory writes but the page tables,
 * descriptors, boot information and the image.
 *
 * hvt_vm_translate walks the same tables for one address (the gdb stub's
 * memory access).  Seal first walks the guest's page tables to check that the ranges the
 * guest names hold every page table, descriptor table and executable
 * page, then splits the memory slot so that those ranges sit in read-only
 * slots: a write to them, from any privilege level, leaves the guest as
 * an MMIO exit that the run loop reports.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <abi/x86_pte.h>

#include "hvt.h"

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

uint64_t hvt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int set_slot(struct hvt *h, unsigned slot, uint64_t gpa, uint64_t size,
		    int readonly)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)(h->mem + gpa),
	};

	return ioctl(h->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

int hvt_vm_create(struct hvt *h)
{
	int mmap_size;

	h->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (h->kvm_fd < 0) {
		warn("/dev/kvm");
		return -1;
	}
	if (ioctl(h->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		warnx("/dev/kvm: unsupported KVM API version");
		return -1;
	}
	h->vm_fd = ioctl(h->kvm_fd, KVM_CREATE_VM, 0);
	if (h->vm_fd < 0) {
		warn("KVM_CREATE_VM");
		return -1;
	}
	h->mem = mmap(NULL, h->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->mem == MAP_FAILED) {
		warn("guest memory (%llu MiB)",
		     (unsigned long long)(h->mem_size >> 20));
		h->mem = NULL;
		return -1;
	}
	/* Page 0, behind the hypercall page, is the one hole: stores there
	 * exit as MMIO. */
	if (set_slot(h, 0, 4096, h->mem_size - 4096, 0) < 0) {
		warn("KVM_SET_USER_MEMORY_REGION");
		return -1;
	}
	h->vcpu_fd = ioctl(h->vm_fd, KVM_CREATE_VCPU, 0);
	if (h->vcpu_fd < 0) {
		warn("KVM_CREATE_VCPU");
		return -1;
	}
	mmap_size = ioctl(h->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run)) {
		warn("KVM_GET_VCPU_MMAP_SIZE");
		return -1;
	}
	h->run_size = mmap_size;
	h->run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      h->vcpu_fd, 0);
	if (h->run == MAP_FAILED) {
		warn("mmap kvm_run");
		h->run = NULL;
		return -1;
	}
	return 0;
}

/* The permissions of 4 KiB page addr inside the image's 4 KiB-mapped
 * range: text pages read+execute, all else read+write+no-execute. */
static uint64_t image_page_flags(struct hvt *h, uint64_t addr)
{
	for (unsigned i = 0; i < h->nsegs; i++)
		if (h->segs[i].exec && addr + 4096 > h->segs[i].start &&
		    addr < h->segs[i].end)
			return 0;
	return X86_PTE_W | X86_PTE_NX;
}

static void setup_page_tables(struct hvt *h)
{
	uint64_t *pml4 = (uint64_t *)(h->mem + HVT_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(h->mem + HVT_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(h->mem + HVT_PD_ADDR);
	uint64_t npd = (h->mem_size + (1ULL << 30) - 1) >> 30;
	uint64_t n2m = (h->mem_size + (2ULL << 20) - 1) >> 21;
	uint64_t nsmall = (h->image_end + (2ULL << 20) - 1) >> 21;
	/* Accessed and dirty bits are preset everywhere: once sealed, the
	 * tables may sit in read-only memory, where the CPU could not set
	 * them. */
	const uint64_t base = X86_PTE_P | X86_PTE_U | X86_PTE_A | X86_PTE_D;

	pml4[0] = HVT_PDPT_ADDR | base | X86_PTE_W;
	for (uint64_t i = 0; i < npd; i++)
		pdpt[i] = (HVT_PD_ADDR + i * 4096) | base | X86_PTE_W;
	for (uint64_t i = 0; i < n2m; i++) {
		uint64_t *pt;

		if (i >= nsmall) {
			pd[i] = (i << 21) | base | X86_PTE_W | X86_PTE_PS |
				X86_PTE_NX;
			continue;
		}
		pt = (uint64_t *)(h->mem + (i == 0 ? HVT_PT0_ADDR
					      : HVT_PT_IMAGE_ADDR + (i - 1) * 4096));
		pd[i] = ((uint8_t *)pt - h->mem) | base | X86_PTE_W;
		/* Page 0 stays unmapped so that NULL faults. */
		for (uint64_t j = i == 0 ? 1 : 0; j < 512; j++) {
			uint64_t addr = (i << 21) | (j << 12);
			pt[j] = addr | base | image_page_flags(h, addr);
		}
	}
	((uint64_t *)(h->mem + HVT_PT0_ADDR))[HVT_HYPERCALL_MMIO >> 12] =
		HVT_HYPERCALL_GPA | base | X86_PTE_W | X86_PTE_NX;
}

/* The GDT, with a TSS whose stack pointers the guest fills in.  The guest
 * starts in ring 3 on these descriptors; see include/abi/hvt.h. */
static void setup_gdt(struct hvt *h)
{
	uint64_t *gdt = (uint64_t *)(h->mem + HVT_GDT_ADDR);
	uint16_t *tss = (uint16_t *)(h->mem + HVT_TSS_ADDR);
	const uint64_t base = HVT_TSS_ADDR;

	gdt[0] = 0;
	gdt[HVT_GDT_CODE / 8] = 0x00af9b000000ffffULL;      /* 64-bit code */
	gdt[HVT_GDT_DATA / 8] = 0x00cf93000000ffffULL;      /* data */
	gdt[HVT_GDT_USER_DATA / 8] = 0x00cff3000000ffffULL; /* ring-3 data */
	gdt[HVT_GDT_USER_CODE / 8] = 0x00affb000000ffffULL; /* ring-3 code */
	gdt[HVT_GDT_TSS / 8] = (HVT_TSS_SIZE - 1) | (base & 0xffffff) << 16 |
			       0x8bULL << 40 | (base >> 24 & 0xff) << 56;
	gdt[HVT_GDT_TSS / 8 + 1] = base >> 32;
	tss[HVT_TSS_SIZE / 2 - 1] = HVT_TSS_SIZE; /* no I/O bitmap */
}

/* The --module files, page after page from heap_start, which moves past
 * them.  hvt_main.c checked that they fit. */
static int setup_boot_modules(struct hvt *h, struct hvt_boot_info *bi)
{
	for (unsigned i = 0; i < h->nmods; i++) {
		uint64_t at = bi->heap_start, len = h->mods[i].len;
		uint8_t *dst = hvt_gpa(h, at, len);

		if (!dst || pread(h->mods[i].fd, dst, len, 0) != (ssize_t)len) {
			warnx("module '%s': cannot read it into guest memory",
			      h->mods[i].name);
			return -1;
		}
		close(h->mods[i].fd);
		bi->modules[i].addr = at;
		bi->modules[i].len = len;
		memcpy(bi->modules[i].name, h->mods[i].name,
		       sizeof(bi->modules[i].name));
		bi->heap_start = (at + len + 4095) & ~4095ULL;
	}
	bi->nmodules = h->nmods;
	return 0;
}

static int setup_boot_info(struct hvt *h, int argc, char **argv)
{
	struct hvt_boot_info *bi =
		(struct hvt_boot_info *)(h->mem + HVT_BOOT_INFO_ADDR);
	uint64_t strings = HVT_BOOT_INFO_ADDR + sizeof(*bi);
	uint64_t vec = strings, end = HVT_BOOT_INFO_ADDR + HVT_BOOT_INFO_SIZE;
	struct timespec ts;
	int tsc_khz;

	strings += (uint64_t)(argc + 1) * 8;
	if (strings > end) {
		warnx("too many guest arguments");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;

		if (len > end - strings) {
			warnx("guest arguments exceed %lu bytes",
			      HVT_BOOT_INFO_SIZE - sizeof(*bi));
			return -1;
		}
		memcpy(h->mem + strings, argv[i], len);
		((uint64_t *)(h->mem + vec))[i] = strings;
		strings += len;
	}
	((uint64_t *)(h->mem + vec))[argc] = 0;
	bi->abi_version = HVT_ABI_VERSION;
	bi->mem_size = h->mem_size;
	bi->heap_start = (h->image_end + 4095) & ~4095ULL;
	if (setup_boot_modules(h, bi) < 0)
		return -1;
	bi->argc = argc;
	bi->argv = vec;
	bi->ndevices = h->ndevs;
	for (unsigned i = 0; i < h->ndevs; i++)
		bi->devices[i] = h->devs[i].info;
	tsc_khz = ioctl(h->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	bi->tsc_hz = tsc_khz > 0 ? (uint64_t)tsc_khz * 1000 : 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	bi->wall_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	return 0;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->dpl = sel & 3;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

int hvt_vm_boot_setup(struct hvt *h, int argc, char **argv)
{
	struct kvm_sregs sr;
	struct kvm_regs r;

	setup_page_tables(h);
	setup_gdt(h);
	if (setup_boot_info(h, argc, argv) < 0)
		return -1;
	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &sr) < 0) {
		warn("KVM_GET_SREGS");
		return -1;
	}
	seg(&sr.cs, HVT_GDT_USER_CODE, 11, 1);
	seg(&sr.ds, HVT_GDT_USER_DATA, 3, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.selector = HVT_GDT_TSS;
	sr.tr.base = HVT_TSS_ADDR;
	sr.tr.limit = HVT_TSS_SIZE - 1;
	sr.tr.type = 11; /* busy 64-bit TSS */
	sr.tr.present = 1;
	sr.gdt.base = HVT_GDT_ADDR;
	sr.gdt.limit = HVT_GDT_ENTRIES * 8 - 1;
	sr.idt.base = HVT_IDT_ADDR;
	sr.idt.limit = 4095;
	sr.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sr.cr3 = HVT_PML4_ADDR;
	sr.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sr.efer = EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(h->vcpu_fd, KVM_SET_SREGS, &sr) < 0) {
		warn("KVM_SET_SREGS");
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.rip = h->entry;
	r.rsp = h->mem_size - 16;
	r.rdi = HVT_BOOT_INFO_ADDR;
	r.rflags = 0x2;
	if (ioctl(h->vcpu_fd, KVM_SET_REGS, &r) < 0) {
		warn("KVM_SET_REGS");
		return -1;
	}
	return 0;
}

void hvt_vm_dump(struct hvt *h, const char *why)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	fprintf(stderr, "graft-hvt: guest fault: %s\n", why);
	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "graft-hvt: registers unavailable\n");
		return;
	}
	fprintf(stderr,
		"  rip %016llx  rsp %016llx  rbp %016llx  rflags %08llx\n"
		"  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n"
		"  rsi %016llx  rdi %016llx  r8  %016llx  r9  %016llx\n"
		"  r10 %016llx  r11 %016llx  r12 %016llx  r13 %016llx\n"
		"  r14 %016llx  r15 %016llx\n"
		"  cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx\n",
		r.rip, r.rsp, r.rbp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx,
		r.rsi, r.rdi, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14,
		r.r15, s.cr0, s.cr2, s.cr3, s.cr4);
}

uint64_t hvt_vm_fault_address(struct hvt *h)
{
	struct kvm_sregs s;

	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return 0;
	return s.cr2;
}

int hvt_vm_sealed(const struct hvt *h, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len < gpa ? UINT64_MAX : gpa + len;

	for (unsigned i = 0; i < h->nseal; i++)
		if (gpa < h->seal[2 * i + 1] && h->seal[2 * i] < end)
			return 1;
	return 0;
}

/* Whether the sorted ranges cover [start, start + len) entirely. */
static int covered(const uint64_t *r, unsigned n, uint64_t start,
		   uint64_t len)
{
	uint64_t at = start;

	for (unsigned i = 0; i < n && at < start + len; i++)
		if (r[2 * i] <= at && at < r[2 * i + 1])
			at = r[2 * i + 1];
	return at >= start + len;
}

/* One page-table page at gpa, which must lie in guest memory and in the
 * ranges; NULL (and why) if not. */
static const uint64_t *sealed_table(struct hvt *h, const uint64_t *r,
				    unsigned n, uint64_t gpa, char *why,
				    size_t size)
{
	const uint64_t *t = hvt_gpa(h, gpa, 4096);

	if (!t || !covered(r, n, gpa, 4096)) {
		snprintf(why, size, "page table at 0x%llx is not sealed",
			 (unsigned long long)gpa);
		return NULL;
	}
	return t;
}

/* Every executable leaf under table t (level 3: PDPT, 2: PD, 1: PT), and
 * every table below it, must be in the ranges. */
static int check_tables(struct hvt *h, const uint64_t *r, unsigned n,
			const uint64_t *t, int level, uint64_t base,
			char *why, size_t size)
{
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t e = t[i], va = base + (i << (12 + 9 * (level - 1)));
		uint64_t span = 1ULL << (12 + 9 * (level - 1));
		const uint64_t *next;

		if (!(e & X86_PTE_P))
			continue;
		if (level == 1 || (e & X86_PTE_PS)) {
			if (!(e & X86_PTE_NX) &&
			    !covered(r, n, e & X86_PTE_ADDR & ~(span - 1), span)) {
				snprintf(why, size,
					 "executable page at 0x%llx is not sealed",
					 (unsigned long long)va);
				return -1;
			}
			continue;
		}
		next = sealed_table(h, r, n, e & X86_PTE_ADDR, why, size);
		if (!next ||
		    check_tables(h, r, n, next, level - 1, va, why, size) < 0)
			return -1;
	}
	return 0;
}

int hvt_vm_seal_check(struct hvt *h, const uint64_t *r, unsigned n,
		      char *why, size_t size)
{
	struct kvm_sregs s;
	const uint64_t *pml4;

	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(why, size, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	if (!covered(r, n, s.gdt.base & ~4095ULL, 4096) ||
	    !covered(r, n, s.idt.base & ~4095ULL, 4096) ||
	    !covered(r, n, s.tr.base & ~4095ULL, 4096)) {
		snprintf(why, size, "descriptor tables are not sealed");
		return -1;
	}
	pml4 = sealed_table(h, r, n, s.cr3 & X86_PTE_ADDR, why, size);
	if (!pml4)
		return -1;
	/* The PML4's entries each span 512 GiB; only the first can reach
	 * guest memory, but every present one is checked. */
	for (uint64_t i = 0; i < 512; i++) {
		const uint64_t *pdpt;

		if (!(pml4[i] & X86_PTE_P))
			continue;
		pdpt = sealed_table(h, r, n, pml4[i] & X86_PTE_ADDR, why, size);
		if (!pdpt ||
		    check_tables(h, r, n, pdpt, 3, i << 39, why, size) < 0)
			return -1;
	}
	return 0;
}

int hvt_vm_translate(struct hvt *h, uint64_t cr3, uint64_t va, uint64_t *gpa)
{
	uint64_t table = cr3 & X86_PTE_ADDR;

	if (va >> 47) /* graft maps only the lower half */
		return -1;
	for (int level = 4; level >= 1; level--) {
		const uint64_t *t = hvt_gpa(h, table, 4096);
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e;

		if (!t)
			return -1;
		e = t[(va >> shift) & 511];
		if (!(e & X86_PTE_P))
			return -1;
		if (level == 1 || (level <= 3 && (e & X86_PTE_PS))) {
			uint64_t mask = (1ULL << shift) - 1;

			*gpa = ((e & X86_PTE_ADDR) & ~mask) | (va & mask);
			return 0;
		}
		table = e & X86_PTE_ADDR;
	}
	return -1;
}

/* Lay memory out again in read-write and read-only slots.  Ranges arrive
 * sorted, page-aligned and above page 0 (checked by the caller), at most
 * HVT_SEAL_MAX_RANGES of them. */
int hvt_vm_seal(struct hvt *h, const uint64_t *ranges, unsigned n)
{
	uint64_t at = 4096;
	unsigned slot = 0;

	memcpy(h->seal, ranges, n * 2 * sizeof(ranges[0]));
	h->nseal = n;

	/* Delete the boot slot, then lay out the pieces. */
	if (set_slot(h, 0, 4096, 0, 0) < 0)
		return -1;
	for (unsigned i = 0; i <= n; i++) {
		uint64_t start = i < n ? ranges[2 * i] : h->mem_size;
		uint64_t end = i < n ? ranges[2 * i + 1] : h->mem_size;

		if (start > at && set_slot(h, slot++, at, start - at, 0) < 0)
			return -1;
		if (end > start && set_slot(h, slot++, start, end - start, 1) < 0)
			return -1;
		at = end;
	}
	return 0;
}

/* A store to the hypercall page is a hypercall; anything else that
 * leaves the guest as MMIO is a fault. */
static int handle_mmio(struct hvt *h)
{
	struct kvm_run *run = h->run;
	uint64_t addr = run->mmio.phys_addr;
	char why[128];
	uint32_t gpa;

	if (run->mmio.is_write && run->mmio.len == 4 &&
	    addr - HVT_HYPERCALL_GPA < 4 * HVT_HC_MAX && !(addr & 3)) {
		memcpy(&gpa, run->mmio.data, 4);
		return hvt_hypercall(h, (addr - HVT_HYPERCALL_GPA) / 4, gpa);
	}
	snprintf(why, sizeof(why), "%s at 0x%llx (%s)",
		 run->mmio.is_write ? "write" : "read",
		 (unsigned long long)addr,
		 hvt_vm_sealed(h, addr, 1) ? "sealed memory is read-only"
					: "not guest memory");
	hvt_vm_dump(h, why);
	return -1;
}

int hvt_vm_run(struct hvt *h)
{
	char why[128];

	for (;;) {
		int rc;

		if (ioctl(h->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR && h->gdb) {
				h->run->immediate_exit = 0;
				if (hvt_gdb_poll(h) < 0)
					return -1;
				continue;
			}
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warn("KVM_RUN");
			return -1;
		}
		switch (h->run->exit_reason) {
		case KVM_EXIT_MMIO:
			rc = handle_mmio(h);
			if (rc != 0)
				return rc < 0 ? -1 : 0;
			break;
		case KVM_EXIT_SHUTDOWN:
			hvt_vm_dump(h, "triple fault (unhandled exception)");
			return -1;
		case KVM_EXIT_HLT:
			hvt_vm_dump(h, "guest halted");
			return -1;
		case KVM_EXIT_FAIL_ENTRY:
			snprintf(why, sizeof(why), "VM entry failed (reason 0x%llx)",
				 (unsigned long long)h->run->fail_entry
					 .hardware_entry_failure_reason);
			hvt_vm_dump(h, why);
			return -1;
		case KVM_EXIT_INTERNAL_ERROR:
			snprintf(why, sizeof(why),
				 "KVM internal error %u (data %llx %llx %llx)",
				 h->run->internal.suberror,
				 (unsigned long long)h->run->internal.data[0],
				 (unsigned long long)h->run->internal.data[1],
				 (unsigned long long)h->run->internal.data[2]);
			hvt_vm_dump(h, why);
			return -1;
		default:
			snprintf(why, sizeof(why), "unexpected exit reason %u",
				 h->run->exit_reason);
			hvt_vm_dump(h, why);
			return -1;
		}
	}
}
