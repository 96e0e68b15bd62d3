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

# devtest: the guest the scripts boot (tests/virtio/devtest.c), linked as
# examples/build.mk links images, export table included.
VIRTIO_DEVTEST := $(VIRTIO_T)/devtest.virtio
VIRTIO_DEVTEST_OBJS := $(call guest_objs,tests/virtio/devtest.c)
VIRTIO_DEVTEST_INPUTS := $(VIRTIO_DEVTEST_OBJS) $(PLAT_VIRTIO_A) \
	$(BUILD)/guest/libkernel.a $(EXAMPLE_LIBMOD)

$(VIRTIO_T)/devtest.exports.c: $(VIRTIO_DEVTEST_INPUTS) $(NET_GUEST_A) \
		$(EXAMPLE_MKEXPORTS) $(EXAMPLE_DECLS)
	@mkdir -p $(@D)
	$(Q)$(EXAMPLE_MKEXPORTS) table -d $(EXAMPLE_DECLS) -o $@ \
		$(VIRTIO_DEVTEST_INPUTS)

$(VIRTIO_T)/devtest.exports.o: $(VIRTIO_T)/devtest.exports.c
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -Ikernel/mod -c $< -o $@

$(VIRTIO_DEVTEST): $(VIRTIO_DEVTEST_INPUTS) $(NET_GUEST_A) \
		$(VIRTIO_T)/devtest.exports.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD [g]  $@")
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -T $(PLAT_VIRTIO_LDS) -o $@ \
		-Wl,--whole-archive $(PLAT_VIRTIO_A) -Wl,--no-whole-archive \
		$(VIRTIO_DEVTEST_OBJS) $(VIRTIO_T)/devtest.exports.o \
		-Wl,--start-group $(NET_GUEST_A) $(BUILD)/guest/libkernel.a \
		$(EXAMPLE_LIBMOD) $(LIBGCC) -Wl,--end-group

TEST_DEPS += $(VIRTIO_DEVTEST)

# Native modules the control-channel test loads into modhost.virtio.
$(VIRTIO_T)/counter_%.o: tests/integration/modules/counter_%.c \
		tools/graft-module-build.sh $(EXAMPLE_MKEXPORTS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(EXAMPLE_MKEXPORTS) sh tools/graft-module-build.sh \
		-c gcc -o $@ $<

TEST_DEPS += $(VIRTIO_T)/counter_v1.o $(VIRTIO_T)/counter_v2.o
