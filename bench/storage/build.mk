# bench/storage: FAT sequential throughput beside the raw device (hosted).
STORAGE_BENCH := $(BUILD)/host/bench/storage/storage
CFLAGS_bench/storage/storage.c := -I.

# (this fragment is read before lib/fs's, so name the sources here)
$(STORAGE_BENCH): $(call host_objs,bench/storage/storage.c lib/fs/fs.c \
		$(wildcard lib/fs/fat/*.c) kernel/error.c)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

ALL += $(STORAGE_BENCH)
BENCHES += bench/storage/run.sh

# The same figures inside an hvt instance: bench/storage/storagebench,
# built by graft build as examples/build.mk builds the examples (whose
# names for these paths are not defined yet: this fragment is read first).
STORAGE_GUEST := $(BUILD)/images/storagebench.hvt
$(STORAGE_GUEST): bench/storage/storagebench/main.c \
		bench/storage/storagebench/manifest $(BUILD)/bin/graft \
		$(BUILD)/graft/config $(BUILD)/bin/mkexports \
		$(BUILD)/mod/graft-decls.i $(BUILD)/guest/libplat-hvt.a \
		$(BUILD)/guest/libkernel.a $(BUILD)/guest/libmod.a \
		$(BUILD)/guest/libfs.a $(BUILD)/guest/libfat.a
	@mkdir -p $(@D)
	$(if $(Q),@echo "  GRAFT   $@")
	$(Q)$(BUILD)/bin/graft build -t hvt -o $@ \
		--objdir $(BUILD)/bench/storagebench.hvt bench/storage/storagebench

ALL += $(STORAGE_GUEST)
