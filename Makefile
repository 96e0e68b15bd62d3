# graft: one non-recursive GNU Makefile.  Each folder adds what it builds in
# its own build.mk fragment; this file holds the toolchains, the generic
# rules and the top-level targets.  Everything goes out of tree into build/.
#
#   make            the graft tool, tenders, kernel and libraries
#   make run        install what is missing, build and run the demo
#   make test       install what is missing, build, run every test
#   make test-quick unit tests only
#   make bench      install what is missing, run the benchmarks
#                   (figures go to docs/PERFORMANCE.md)
#   make lint       cppcheck over the tree
#   make V=1 ...    show the commands

BUILD ?= build
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

WARN := -Wall -Wextra -Werror -Wno-unused-parameter

# Host programs and hosted unit tests: ordinary C on Linux.
HOST_CC ?= gcc
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -D_GNU_SOURCE -MMD -MP
HOST_LDLIBS :=

# Guest code: freestanding, the kernel's own libc subset, no red zone (the
# hvt platform takes exceptions on the current stack), no PIC (images are
# static; modules are relocated by the loader).
GUEST_CC ?= gcc
GUEST_AR ?= ar
GCC_INCLUDE := $(shell $(GUEST_CC) -print-file-name=include)
GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector \
	-fno-pic -fno-pie -mno-red-zone -fno-omit-frame-pointer \
	-ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-nostdinc -isystem kernel/libc/include -isystem $(GCC_INCLUDE) \
	-Iinclude -D__graft__ -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-z,max-page-size=4096 -Wl,--gc-sections

$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CFLAGS_$<) -c $< -o $@

$(BUILD)/guest/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [g]  $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(CFLAGS_$<) -c $< -o $@

$(BUILD)/guest/%.o: %.S
	@mkdir -p $(@D)
	$(if $(Q),@echo "  AS [g]  $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/host/%.o: %.S
	@mkdir -p $(@D)
	$(if $(Q),@echo "  AS      $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Helpers for fragments.
host_objs = $(patsubst %.c,$(BUILD)/host/%.o,$(patsubst %.S,$(BUILD)/host/%.o,$(1)))
guest_objs = $(patsubst %.c,$(BUILD)/guest/%.o,$(patsubst %.S,$(BUILD)/guest/%.o,$(1)))

# What fragments add to:
#   ALL        built by `make`
#   TEST_BINS  TAP test programs (build/tests/<area>/<name>.t), run by prove
#   TEST_DEPS  anything else the tests need built first
#   BENCHES    bench scripts run by `make bench`
ALL :=
TEST_BINS :=
TEST_DEPS :=
BENCHES :=

# The targets: every platform/<name>/ with a build.mk but the rooms that
# targets share (platform/x86: code for hvt and virtio, no target itself).
PLAT_SHARED := x86
PLAT_TARGETS := $(filter-out $(PLAT_SHARED),\
	$(patsubst platform/%/build.mk,%,$(wildcard platform/*/build.mk)))

include $(sort $(wildcard */build.mk */*/build.mk */*/*/build.mk))

.PHONY: all run test test-quick test-build bench lint format clean deps
all: $(ALL)

test-build: all $(TEST_BINS) $(TEST_DEPS)

deps:
	$(Q)bash scripts/install-deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)bash tests/run.sh

test-quick: test-build
	$(Q)bash tests/run.sh --quick

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash scripts/demo.sh

bench:
	$(Q)bash scripts/install-deps.sh packages.txt packages-bench.txt
	$(Q)$(MAKE) --no-print-directory all
	$(Q)set -e; for b in $(BENCHES); do bash $$b; done

# -U__ASSEMBLY__: headers shared with assembly (include/abi) hold .macro
# blocks for the assembler, which are not C.
lint:
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -Iinclude --suppress=missingIncludeSystem -U__ASSEMBLY__ \
		kernel platform tender tools lib

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
