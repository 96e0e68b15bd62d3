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

# The same figures inside an instance: an app image, built by
# examples/build.mk (build/images/storagebench.<target>).
GUEST_APPS += bench/storage/storagebench
