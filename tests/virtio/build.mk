# tests/virtio: the virtqueue ring code, hosted.  The boot and device tests
# are scripts (*.t) beside this file that run images under QEMU.
VIRTIO_T := $(BUILD)/tests/virtio
VIRTQ_RINGS_OBJS := $(call host_objs,tests/virtio/virtq_rings.c \
	platform/virtio/virtq.c)

$(VIRTIO_T)/virtq_rings.t: $(VIRTQ_RINGS_OBJS) $(BUILD)/host/libkernel-host.a
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

TEST_BINS += $(VIRTIO_T)/virtq_rings.t

# devtest: the guest the scripts boot (tests/virtio/devtest), built as
# every application is, by graft build.
VIRTIO_DEVTEST := $(VIRTIO_T)/devtest.virtio

$(VIRTIO_DEVTEST): $(wildcard tests/virtio/devtest/*.c) \
		tests/virtio/devtest/manifest $(EXAMPLE_TOOLS) $(EXAMPLE_CORE) \
		$(BUILD)/guest/libplat-virtio.a $(BUILD)/guest/libnet.a
	@mkdir -p $(@D)
	$(if $(Q),@echo "  GRAFT   $@")
	$(Q)$(BUILD)/bin/graft build -t virtio -o $@ \
		--objdir $(VIRTIO_T)/devtest.obj $(if $(Q),,-v) tests/virtio/devtest

TEST_DEPS += $(VIRTIO_DEVTEST)
