# tests/fs: hosted tests of lib/fs, lib/fs/fat and lib/fs/static.  Each
# test links the hosted library objects and the shared helpers.
FS_TEST_NAMES := fs_path fat_mtools fat_model fat_crash fat_bad_input static_lookup \
	fat_request_sizes
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

# lib/fs/static: tables made by tools/mkstatic, compiled into the test.
# The tree has names with spaces, which make cannot list: a summary of it,
# rewritten only when it changes, stands in for its files.
.PHONY: fs-static-tree-check
fs-static-tree-check:
	@mkdir -p $(BUILD)/tests/fs/gen
	@find tests/fs/static-tree -printf '%p %s %T@\n' | sort \
		>$(BUILD)/tests/fs/gen/static-tree.new
	@cmp -s $(BUILD)/tests/fs/gen/static-tree.new \
		$(BUILD)/tests/fs/gen/static-tree.sum || \
		cp $(BUILD)/tests/fs/gen/static-tree.new \
		$(BUILD)/tests/fs/gen/static-tree.sum
$(BUILD)/tests/fs/gen/static-tree.sum: fs-static-tree-check
	@:
$(BUILD)/tests/fs/gen/static_small.c: $(MKSTATIC) \
		$(BUILD)/tests/fs/gen/static-tree.sum
	@mkdir -p $(@D)
	$(Q)$(MKSTATIC) -n fs_static_small tests/fs/static-tree $@
$(BUILD)/tests/fs/gen/static_big.c: $(MKSTATIC) tests/fs/build.mk
	@mkdir -p $(@D)
	$(Q)rm -rf $(@D)/big && for d in 0 1 2; do mkdir -p $(@D)/big/d$$d; \
		for i in $$(seq 0 999); do echo "$$d $$i" \
		>"$(@D)/big/d$$d/file $$(printf %04d $$i)"; done; done
	$(Q)$(MKSTATIC) -n fs_static_big $(@D)/big $@
$(BUILD)/tests/fs/gen/%.o: $(BUILD)/tests/fs/gen/%.c
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -I. -c $< -o $@
$(BUILD)/tests/fs/static_lookup.t: $(STATIC_HOST_OBJS) \
	$(BUILD)/tests/fs/gen/static_small.o $(BUILD)/tests/fs/gen/static_big.o

# keep the test objects (make would delete them as intermediates)
.SECONDARY: $(FS_TEST_NAMES:%=$(BUILD)/host/tests/fs/%.o)

# examples/fsutil, hosted: its main renamed, the image as its first disk.
FS_FSUTIL_HOST := $(BUILD)/host/examples/fsutil/fsutil-host
CFLAGS_tests/fs/fsutil_host.c := -I.
$(BUILD)/host/examples/fsutil/fsutil-app.o: examples/fsutil/fsutil.c
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -I. -Dmain=fsutil_main -c $< -o $@
$(FS_FSUTIL_HOST): $(BUILD)/host/examples/fsutil/fsutil-app.o \
		$(BUILD)/host/tests/fs/fsutil_host.o $(FS_TEST_LIBOBJS) \
		$(STATIC_HOST_OBJS) \
		$(KERNEL_HOST_A)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^
TEST_DEPS += $(FS_FSUTIL_HOST)

# tests/fs/blkcheck: a test app that checks the block path from inside an
# instance (tests/fs/instance_blkdev.t), built by graft build as
# examples/build.mk builds the examples.
FS_BLKCHECK := $(BUILD)/images/blkcheck
$(FS_BLKCHECK).%: tests/fs/blkcheck/blkcheck.c tests/fs/blkcheck/manifest \
		$(EXAMPLE_TOOLS) $(EXAMPLE_CORE) $(BUILD)/guest/libplat-%.a
	@mkdir -p $(@D)
	$(if $(Q),@echo "  GRAFT   $@")
	$(Q)$(BUILD)/bin/graft build -t $* -o $@ \
		--objdir $(BUILD)/tests/fs/blkcheck.$* tests/fs/blkcheck
TEST_DEPS += $(FS_BLKCHECK).hvt $(FS_BLKCHECK).unix

# Modules for tests/fs/instance_modules.t: tests/fs/modules/greet.c built
# by tools/graft-module-build.sh under three names.
FS_MODULES := $(foreach n,alpha beta greet,$(BUILD)/tests/fs/modules/$(n).o)
$(BUILD)/tests/fs/modules/%.o: tests/fs/modules/greet.c \
		tools/graft-module-build.sh $(MOD_MKEXPORTS) include/graft/module.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(MOD_MKEXPORTS) sh tools/graft-module-build.sh \
		-D GREET_NAME='"$*"' -o $@ $<
TEST_DEPS += $(FS_MODULES)
