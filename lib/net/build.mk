# lib/net: graft's TCP/IP stack.  Built hosted (for unit tests, the tap
# harness and the fuzzer) and as guest code into libnet.a.  The blocking
# layer, the driver and the boot step are guest-only: they need the kernel.
NET_GUEST_ONLY := lib/net/net_block.c lib/net/net_driver.c lib/net/net_boot.c
NET_SRCS := $(filter-out $(NET_GUEST_ONLY),$(wildcard lib/net/*.c))
NET_GUEST_A := $(BUILD)/guest/libnet.a
NET_HOST_A := $(BUILD)/host/libnet.a

$(NET_GUEST_A): $(call guest_objs,$(NET_SRCS) $(NET_GUEST_ONLY))
	$(Q)$(GUEST_AR) rcs $@ $^

$(NET_HOST_A): $(call host_objs,$(NET_SRCS))
	$(Q)ar rcs $@ $^

ALL += $(NET_GUEST_A)

# Unit tests: tests/net/<name>.c -> build/tests/net/<name>.t, linked with
# the in-memory link (tests/net/netlink.c).
NET_TEST_SRCS := $(filter-out tests/net/netlink.c tests/net/tapnode.c \
	tests/net/fuzz_frames.c tests/net/driver_loop.c \
	tests/net/nfqreorder.c,$(wildcard tests/net/*.c))
NET_TEST_BINS := $(patsubst tests/net/%.c,$(BUILD)/tests/net/%.t,$(NET_TEST_SRCS))

$(BUILD)/tests/net/%.t: $(BUILD)/host/tests/net/%.o \
		$(BUILD)/host/tests/net/netlink.o $(NET_HOST_A) \
		$(BUILD)/host/kernel/error.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

# The driver on the kernel's loop, hosted over the fake platform.
NET_DRIVER_TEST := $(BUILD)/tests/net/driver_loop.t
$(NET_DRIVER_TEST): tests/net/driver_loop.c lib/net/net_driver.c \
		$(NET_HOST_A) $(KERNEL_FAKEPLAT_O) $(KERNEL_HOST_A)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Itests -Itests/unit -Ikernel -Ilib/net \
		-o $@ tests/net/driver_loop.c lib/net/net_driver.c \
		$(NET_HOST_A) $(KERNEL_FAKEPLAT_O) $(KERNEL_HOST_A)

# The harness that runs the stack over a Linux tap device.
NET_TAPNODE := $(BUILD)/tests/net/tapnode
$(NET_TAPNODE): $(BUILD)/host/tests/net/tapnode.o $(NET_HOST_A) \
		$(BUILD)/host/kernel/error.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

# Linux's side of the impairment tests (tests/net/impair.sh): reorders
# what netfilter queues to it.  Needs Debian's libnetfilter-queue-dev and
# libmnl-dev; where they are absent, the fault tests say so and skip.
NET_NFQREORDER := $(BUILD)/tests/net/nfqreorder
$(NET_NFQREORDER): $(BUILD)/host/tests/net/nfqreorder.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^ -lnetfilter_queue -lmnl
ifneq ($(wildcard /usr/include/libnetfilter_queue/libnetfilter_queue.h),)
ifneq ($(wildcard /usr/include/libmnl/libmnl.h),)
TEST_DEPS += $(NET_NFQREORDER)
endif
endif

# The libFuzzer target: raw frames into a stack with open sockets.
NET_FUZZ := $(BUILD)/fuzz/net-frames
NET_FUZZ_CC ?= clang
$(NET_FUZZ): tests/net/fuzz_frames.c tests/net/netlink.c $(NET_SRCS) \
		$(wildcard lib/net/*.h) tests/net/netlink.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(NET_FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-Iinclude -Ilib/net -o $@ tests/net/fuzz_frames.c \
		tests/net/netlink.c $(NET_SRCS)

TEST_BINS += $(NET_TEST_BINS) $(NET_DRIVER_TEST)
TEST_DEPS += $(NET_TAPNODE) $(NET_FUZZ)

.PHONY: fuzz-net
fuzz-net: $(NET_FUZZ)
	@mkdir -p $(BUILD)/fuzz/net-corpus
	$(NET_FUZZ) -max_total_time=$${NET_FUZZ_SECONDS:-60} \
		-max_len=2048 $(BUILD)/fuzz/net-corpus
