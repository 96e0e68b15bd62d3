# tests/fs: hosted tests of lib/fs, lib/fs/fat and lib/fs/static.  Each
# test links the hosted library objects and the shared helpers.
FS_TEST_NAMES := fat_mtools fat_model fat_crash fat_bad_input
FS_TEST_HELPERS := tests/fs/fstest.c
FS_TEST_LIBOBJS := $(FS_HOST_OBJS) $(FAT_HOST_OBJS) \
	$(call host_objs,kernel/error.c tests/fs/fstest.c)
$(foreach s,$(FS_TEST_HELPERS) $(FS_TEST_NAMES:%=tests/fs/%.c),\
	$(eval CFLAGS_$(s) := -I.))

$(BUILD)/tests/fs/%.t: $(BUILD)/host/tests/fs/%.o $(FS_TEST_LIBOBJS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

TEST_BINS += $(FS_TEST_NAMES:%=$(BUILD)/tests/fs/%.t)

# The libFuzzer target (clang, -fsanitize=fuzzer,address) and its seeds;
# `make fuzz-fs` runs it for FS_FUZZ_TIME seconds, `make test` briefly
# (tests/fs/fat_fuzz_briefly.t).
FS_FUZZ := $(BUILD)/fuzz/fat_fuzz
FS_FUZZ_SEEDS := $(BUILD)/fuzz/fat-seeds
FS_FUZZ_TIME ?= 300
FS_FUZZ_CC ?= clang

$(FS_FUZZ): tests/fs/fat_fuzz.c $(FS_SRCS) $(FAT_SRCS) kernel/error.c \
		lib/fs/fs.h lib/fs/fat/fat.h lib/fs/fat/fat_internal.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FS_FUZZ_CC) -g -O1 -fsanitize=fuzzer,address -I. -Iinclude \
		-o $@ $(filter %.c,$^)

$(FS_FUZZ_SEEDS)/.stamp: tests/fs/make-fuzz-seeds.sh
	$(Q)bash $< $(@D)
	$(Q)touch $@

.PHONY: fuzz-fs
fuzz-fs: $(FS_FUZZ) $(FS_FUZZ_SEEDS)/.stamp
	@mkdir -p $(BUILD)/fuzz/fat-corpus
	$(FS_FUZZ) -max_total_time=$(FS_FUZZ_TIME) -timeout=10 \
		-max_len=524288 $(BUILD)/fuzz/fat-corpus $(FS_FUZZ_SEEDS)

TEST_DEPS += $(FS_FUZZ) $(FS_FUZZ_SEEDS)/.stamp
