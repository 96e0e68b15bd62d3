/*
 * The VM: KVM on x86_64.  The vCPU starts in 64-bit long mode with flat
 * segments from a GDT we write, identity-mapped page tables built with
 * 2 MiB pages (4 KiB pages for the first 2 MiB so that page 0 stays
 * unmapped), SSE enabled and NX available.  Guest memory is anonymous
 * memory mapped lazily: only pages the guest touches cost anything, which
 * is what keeps boot fast at large memory sizes.
 *
 * Seal splits the memory slot so that the code ranges the guest names sit
 * in read-only slots: a write to them, from any privilege level, leaves
 * the guest as an MMIO exit that the run loop reports.
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

#include "hvt.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)

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
	if (set_slot(h, 0, 0, h->mem_size, 0) < 0) {
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

static void setup_page_tables(struct hvt *h)
{
	uint64_t *pml4 = (uint64_t *)(h->mem + HVT_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(h->mem + HVT_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(h->mem + HVT_PD_ADDR);
	uint64_t *pt0 = (uint64_t *)(h->mem + HVT_PT0_ADDR);
	uint64_t npd = (h->mem_size + (1ULL << 30) - 1) >> 30;
	uint64_t n2m = (h->mem_size + (2ULL << 20) - 1) >> 21;

	/* Accessed and dirty bits are preset everywhere: once sealed, the
	 * tables may sit in read-only memory, where the CPU could not set
	 * them. */
	const uint64_t rw = PTE_P | PTE_W | PTE_A | PTE_D;

	pml4[0] = HVT_PDPT_ADDR | rw;
	for (uint64_t i = 0; i < npd; i++)
		pdpt[i] = (HVT_PD_ADDR + i * 4096) | rw;
	pd[0] = HVT_PT0_ADDR | rw;
	for (uint64_t i = 1; i < n2m; i++)
		pd[i] = (i << 21) | rw | PTE_PS;
	/* Page 0 stays unmapped; the first 2 MiB holds the tender's tables,
	 * the boot information and the start of the image. */
	for (uint64_t i = 1; i < 512 && (i << 12) < h->mem_size; i++)
		pt0[i] = (i << 12) | rw;
}

static void setup_gdt(struct hvt *h)
{
	uint64_t *gdt = (uint64_t *)(h->mem + HVT_GDT_ADDR);

	gdt[0] = 0;
	gdt[HVT_GDT_CODE / 8] = 0x00af9b000000ffffULL; /* 64-bit code */
	gdt[HVT_GDT_DATA / 8] = 0x00cf93000000ffffULL; /* data */
	gdt[3] = 0x00008b0000000067ULL;                /* busy TSS */
}

static int setup_cpuid(struct hvt *h)
{
	struct kvm_cpuid2 *c;
	int n = 128, rc;

	c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (!c)
		return -1;
	c->nent = n;
	rc = ioctl(h->kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
	if (rc == 0)
		rc = ioctl(h->vcpu_fd, KVM_SET_CPUID2, c);
	if (rc < 0)
		warn("KVM_SET_CPUID2");
	free(c);
	return rc;
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
	if (setup_cpuid(h) < 0 || setup_boot_info(h, argc, argv) < 0)
		return -1;
	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &sr) < 0) {
		warn("KVM_GET_SREGS");
		return -1;
	}
	seg(&sr.cs, HVT_GDT_CODE, 11, 1);
	seg(&sr.ds, HVT_GDT_DATA, 3, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.selector = 0x18;
	sr.tr.limit = 0x67;
	sr.tr.type = 11;
	sr.tr.present = 1;
	sr.gdt.base = HVT_GDT_ADDR;
	sr.gdt.limit = 4 * 8 - 1;
	sr.idt.base = 0;
	sr.idt.limit = 0;
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

/* Split slot 0 into read-write and read-only pieces.  Ranges arrive sorted
 * and page-aligned from the guest and were checked by the caller. */
int hvt_vm_seal(struct hvt *h, const uint64_t *ranges, unsigned n)
{
	unsigned slot = 0;
	uint64_t at = 0;

	/* Slot 0 covers everything: delete it, then lay out the pieces. */
	if (set_slot(h, 0, 0, 0, 0) < 0)
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

static int handle_io(struct hvt *h)
{
	struct kvm_run *run = h->run;
	unsigned nr;
	uint32_t gpa;

	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 ||
	    run->io.port < HVT_HYPERCALL_PORT ||
	    run->io.port >= HVT_HYPERCALL_PORT + HVT_HC_MAX) {
		char why[96];
		snprintf(why, sizeof(why), "unexpected port I/O (port 0x%x)",
			 run->io.port);
		hvt_vm_dump(h, why);
		return -1;
	}
	nr = run->io.port - HVT_HYPERCALL_PORT;
	memcpy(&gpa, (uint8_t *)run + run->io.data_offset, 4);
	return hvt_hypercall(h, nr, gpa);
}

int hvt_vm_run(struct hvt *h)
{
	char why[128];

	for (;;) {
		int rc;

		if (ioctl(h->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warn("KVM_RUN");
			return -1;
		}
		switch (h->run->exit_reason) {
		case KVM_EXIT_IO:
			rc = handle_io(h);
			if (rc != 0)
				return rc < 0 ? -1 : 0;
			break;
		case KVM_EXIT_MMIO:
			snprintf(why, sizeof(why),
				 "%s at 0x%llx (%s)",
				 h->run->mmio.is_write ? "write" : "read",
				 (unsigned long long)h->run->mmio.phys_addr,
				 h->sealed && h->run->mmio.phys_addr < h->mem_size
					 ? "sealed code is read-only"
					 : "outside guest memory");
			hvt_vm_dump(h, why);
			return -1;
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
			snprintf(why, sizeof(why), "KVM internal error %u",
				 h->run->internal.suberror);
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
