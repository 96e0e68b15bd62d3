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
