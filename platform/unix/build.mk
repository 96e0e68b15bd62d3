# platform/unix: the binding for a hosted Linux process (guest side).
PLAT_UNIX_SRCS := platform/unix/unix_start.S platform/unix/unix_boot.c \
	platform/unix/unix_platform.c platform/unix/unix_vdso.c \
	platform/net_batch_loop.c
PLAT_UNIX_A := $(BUILD)/guest/libplat-unix.a
PLAT_UNIX_LDS :=

$(PLAT_UNIX_A): $(call guest_objs,$(PLAT_UNIX_SRCS))
	$(Q)rm -f $@ && $(GUEST_AR) rcs $@ $^

ALL += $(PLAT_UNIX_A)

# The vDSO lookup, hosted, over the test process's own vDSO.
UNIX_VDSO_TEST := $(BUILD)/tests/unit/unix_vdso.t
$(UNIX_VDSO_TEST): tests/unit/unix_vdso.c platform/unix/unix_vdso.c \
		platform/unix/unix_vdso.h tests/tap.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests -Iplatform/unix -o $@ \
		tests/unit/unix_vdso.c platform/unix/unix_vdso.c

TEST_BINS += $(UNIX_VDSO_TEST)
