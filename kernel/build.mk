# kernel/: the portable core.  Guest: everything into libkernel.a, which the
# platforms and applications link.  Hosted: the pieces unit tests exercise
# (no guest-only libc wrappers) into libkernel-host.a, plus the kernel's
# libc built with its names prefixed (kc_memcpy...) so that tests can call
# it beside the host's libc.
KERNEL_LIBC_SRCS := kernel/libc/string.c kernel/libc/stdlib.c \
	kernel/libc/math.c kernel/libc/format.c
KERNEL_CORE_SRCS := kernel/error.c kernel/heap.c kernel/time.c \
	kernel/timer.c kernel/fiber.c kernel/fiber_switch_x86_64.S \
	kernel/device.c kernel/log.c kernel/init.c
KERNEL_SRCS := $(KERNEL_CORE_SRCS) $(KERNEL_LIBC_SRCS) kernel/malloc.c \
	kernel/platdev.c kernel/main.c kernel/ctl.c kernel/kfault.c \
	kernel/kfault_x86_64.S \
	kernel/libc/stdio.c kernel/libc/exit.c
KERNEL_GUEST_A := $(BUILD)/guest/libkernel.a
KERNEL_HOST_A := $(BUILD)/host/libkernel-host.a

# kernel_fault runs on the platform's fault path (ring 0 on hvt): no SSE.
CFLAGS_kernel/kfault.c := -mgeneral-regs-only

# Loops in string.c must not be turned into calls to memset/memcpy.
CFLAGS_kernel/libc/string.c := -fno-tree-loop-distribute-patterns

$(KERNEL_GUEST_A): $(call guest_objs,$(KERNEL_SRCS))
	$(Q)rm -f $@ && $(GUEST_AR) rcs $@ $^

$(KERNEL_HOST_A): $(call host_objs,$(KERNEL_CORE_SRCS) kernel/libc/format.c)
	$(Q)rm -f $@ && ar rcs $@ $^

ALL += $(KERNEL_GUEST_A)

# The kernel's libc for hosted tests: guest headers, kc_ names.
KERNEL_KC_DIR := $(BUILD)/tests/unit/kc
KERNEL_KC_OBJS := $(patsubst kernel/libc/%.c,$(KERNEL_KC_DIR)/%.o,\
	kernel/libc/string.c kernel/libc/stdlib.c kernel/libc/math.c)
KERNEL_KC_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -nostdinc \
	-isystem kernel/libc/include -isystem $(GCC_INCLUDE) -Iinclude \
	-include tests/unit/kc_names.h -MMD -MP

$(KERNEL_KC_DIR)/%.o: kernel/libc/%.c tests/unit/kc_names.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [kc] $<")
	$(Q)$(HOST_CC) $(KERNEL_KC_CFLAGS) -c $< -o $@

# Unit tests: tests/unit/<name>.c -> build/tests/unit/<name>.t, linked with
# the fake platform (tests/unit/fakeplat.c).
KERNEL_TEST_NAMES := heap page_alloc format timer fiber device libc_string \
	math init
KERNEL_TESTS := $(patsubst %,$(BUILD)/tests/unit/%.t,$(KERNEL_TEST_NAMES))
KERNEL_FAKEPLAT_O := $(call host_objs,tests/unit/fakeplat.c)

$(KERNEL_TESTS): $(BUILD)/tests/unit/%.t: tests/unit/%.c $(KERNEL_FAKEPLAT_O) \
		$(KERNEL_HOST_A) $(KERNEL_KC_OBJS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests -Ikernel -o $@ $< \
		$(KERNEL_FAKEPLAT_O) $(KERNEL_KC_OBJS) $(KERNEL_HOST_A)

TEST_BINS += $(KERNEL_TESTS)

# platdev's net batches, over a platform scripted by the test itself;
# platdev.c built with the kernel's libc names (kc_*).
PLATDEV_TEST_O := $(BUILD)/tests/unit/platdev_net-platdev.o
$(PLATDEV_TEST_O): kernel/platdev.c tests/unit/kc_names.h
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(KERNEL_KC_CFLAGS) -Ikernel -c $< -o $@

$(BUILD)/tests/unit/platdev_net.t: tests/unit/platdev_net.c \
		$(PLATDEV_TEST_O) $(KERNEL_HOST_A) $(KERNEL_KC_OBJS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests -Ikernel -o $@ $< \
		$(PLATDEV_TEST_O) $(KERNEL_KC_OBJS) $(KERNEL_HOST_A)

TEST_BINS += $(BUILD)/tests/unit/platdev_net.t

# Code that runs once at boot, per host request or on a fault, never per
# event, is built for size: every image carries it.  So is printf's
# formatting (it serves log lines and messages, not frames) and the heap
# (it runs per connection, module or fiber, never per frame: buffers are
# allocated once and reused).  kernel/platdev.c touches every frame, but
# only to check a length and copy it: its bulk is boot-time registration.
$(foreach f,kernel/ctl.c kernel/init.c kernel/main.c kernel/platdev.c \
	kernel/kfault.c kernel/log.c kernel/device.c kernel/libc/stdlib.c \
	kernel/libc/format.c kernel/error.c kernel/heap.c,\
	$(eval CFLAGS_$(f) += -Os))
