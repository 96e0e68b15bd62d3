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

# devtest: the guest the scripts boot (tests/virtio/devtest.c).
VIRTIO_DEVTEST := $(VIRTIO_T)/devtest.virtio
VIRTIO_DEVTEST_OBJS := $(call guest_objs,tests/virtio/devtest.c)

$(VIRTIO_DEVTEST): $(VIRTIO_DEVTEST_OBJS) $(PLAT_VIRTIO_A) \
		$(BUILD)/guest/libkernel.a $(NET_GUEST_A)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD [g]  $@")
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -T $(PLAT_VIRTIO_LDS) -o $@ \
		-Wl,--whole-archive $(PLAT_VIRTIO_A) -Wl,--no-whole-archive \
		$(VIRTIO_DEVTEST_OBJS) -Wl,--start-group $(NET_GUEST_A) \
		$(BUILD)/guest/libkernel.a $(LIBGCC) -Wl,--end-group

TEST_DEPS += $(VIRTIO_DEVTEST)
