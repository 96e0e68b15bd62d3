/*
 * kvmfloor: the least a KVM monitor can do, timed by bench/boot as the
 * floor for graft-hvt's boot-to-exit.  One VM, one page of guest memory,
 * one vCPU left in its reset state (real mode) running two instructions,
 * `out %al, (%dx)` then `hlt`, each of which leaves the guest; exits 0
 * once the guest has halted.
 */
#include <err.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define GUEST_ADDR 0x1000
#define GUEST_PORT 0x3f8

int main(void)
{
	static const uint8_t code[] = {0xee, 0xf4}; /* out %al,(%dx); hlt */
	struct kvm_userspace_memory_region slot = {0};
	struct kvm_sregs sregs;
	struct kvm_regs regs = {0};
	struct kvm_run *run;
	int kvm, vm, vcpu, run_size;
	uint8_t *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		err(1, "/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		err(1, "KVM_CREATE_VM");
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		err(1, "guest memory");
	memcpy(mem, code, sizeof(code));
	slot.guest_phys_addr = GUEST_ADDR;
	slot.memory_size = 4096;
	slot.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		err(1, "KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		err(1, "KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(*run))
		err(1, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		err(1, "kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		err(1, "KVM_SET_SREGS");
	regs.rip = GUEST_ADDR;
	regs.rdx = GUEST_PORT;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		err(1, "KVM_SET_REGS");
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			err(1, "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			return 0;
		if (run->exit_reason != KVM_EXIT_IO)
			errx(1, "guest: unexpected exit reason %u",
			     run->exit_reason);
	}
}
