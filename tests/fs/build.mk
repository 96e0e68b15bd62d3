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
