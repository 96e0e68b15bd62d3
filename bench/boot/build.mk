# bench/boot: boot-to-exit of hello on hvt and unix beside a bare-KVM floor
# and a trivial static process (bash bench/boot/run.sh).
BOOT_BENCH_DIR := $(BUILD)/bin/bench-boot
BOOT_BENCH_BINS := $(BOOT_BENCH_DIR)/boottime $(BOOT_BENCH_DIR)/kvmfloor \
	$(BOOT_BENCH_DIR)/trivial

$(BOOT_BENCH_DIR)/boottime $(BOOT_BENCH_DIR)/kvmfloor: $(BOOT_BENCH_DIR)/%: \
		$(BUILD)/host/bench/boot/%.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $<

$(BOOT_BENCH_DIR)/trivial: $(BUILD)/host/bench/boot/trivial.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -static -o $@ $<

ALL += $(BOOT_BENCH_BINS)
BENCHES += bench/boot/run.sh
