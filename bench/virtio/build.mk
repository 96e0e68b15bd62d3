# bench/virtio: hello's boot-to-exit time under QEMU beside hvt and unix,
# and beside QEMU's own floor (bench/virtio/floor.S); net.sh: what
# virtio-net's buffer count buys.
VIRTIO_FLOOR := $(BUILD)/bench/virtio/floor.elf

$(VIRTIO_FLOOR): $(call guest_objs,bench/virtio/floor.S)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD [g]  $@")
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -Wl,-Ttext=0x100000 \
		-Wl,-e,floor_start -o $@ $^

ALL += $(VIRTIO_FLOOR)
BENCHES += bench/virtio/run.sh bench/virtio/net.sh
