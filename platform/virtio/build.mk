# platform/virtio: the binding for PVH-booted virtual machines with virtio
# devices (QEMU q35/pc and microvm; guest side).  With platform/x86's
# objects (it adds them to the archives in PLAT_X86_USERS).
PLAT_VIRTIO_SRCS := platform/virtio/virtio_start.S \
	platform/virtio/virtio_boot.c platform/virtio/virtio_console.c \
	platform/virtio/virtio_clock.c platform/virtio/virtio_trap.c \
	platform/virtio/virtio_exit.c platform/virtio/virtio_platform.c \
	platform/virtio/virtio_mem.c \
	platform/virtio/virtio_dev.c \
	platform/virtio/virtq.c platform/virtio/virtio_pci.c \
	platform/virtio/virtio_mmio.c platform/virtio/virtio_blk.c \
	platform/virtio/virtio_net.c platform/virtio/virtio_cons.c \
	platform/net_batch_loop.c
PLAT_VIRTIO_A := $(BUILD)/guest/libplat-virtio.a
PLAT_VIRTIO_LDS := platform/virtio/virtio.ld
PLAT_X86_USERS += $(PLAT_VIRTIO_A)

$(PLAT_VIRTIO_A): $(call guest_objs,$(PLAT_VIRTIO_SRCS))
	$(Q)rm -f $@ && $(GUEST_AR) rcs $@ $^

ALL += $(PLAT_VIRTIO_A)
CFLAGS_platform/virtio/virtio_trap.c := -mgeneral-regs-only
