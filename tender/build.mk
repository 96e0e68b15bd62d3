# tender/: host programs that run instances.
#   build/bin/graft-hvt   the KVM monitor (tender/hvt)
#   build/bin/graft-unix  the unix launcher (tender/unix)
#   build/bin/graft-virtio  the QEMU launcher for virtio images (tender/virtio)
TENDER_COMMON_SRCS := tender/common/host.c tender/common/host_opts.c
HVT_TENDER_SRCS := tender/hvt/hvt_main.c tender/hvt/hvt_elf.c \
	tender/hvt/hvt_kvm_x86_64.c tender/hvt/hvt_devices.c \
	tender/hvt/hvt_gdb.c
HVT_TENDER := $(BUILD)/bin/graft-hvt

$(HVT_TENDER): $(call host_objs,$(HVT_TENDER_SRCS) $(TENDER_COMMON_SRCS))
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

ALL += $(HVT_TENDER)

UNIX_LAUNCHER_SRCS := tender/unix/unix_main.c tender/unix/unix_filter.c
UNIX_LAUNCHER := $(BUILD)/bin/graft-unix

# Linked statically: the launcher's whole life is on the instance's boot
# path, and resolving libseccomp's symbols at every start cost a third of
# it (bench/boot).
$(UNIX_LAUNCHER): $(call host_objs,$(UNIX_LAUNCHER_SRCS) $(TENDER_COMMON_SRCS))
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -static -o $@ $^ -lseccomp

ALL += $(UNIX_LAUNCHER)

VIRTIO_LAUNCHER_SRCS := tender/virtio/virtio_main.c \
	tender/virtio/virtio_qemu.c tender/virtio/virtio_ctl.c \
	tender/virtio/virtio_modules.c
VIRTIO_LAUNCHER := $(BUILD)/bin/graft-virtio

$(VIRTIO_LAUNCHER): $(call host_objs,$(VIRTIO_LAUNCHER_SRCS) $(TENDER_COMMON_SRCS))
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

ALL += $(VIRTIO_LAUNCHER)
