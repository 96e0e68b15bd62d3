# bench/unix: a clock read on the unix target, vDSO against system call
# (hosted: the same lookup the target runs at boot).
UNIX_CLOCK_BENCH := $(BUILD)/host/bench/unix/clock
CFLAGS_bench/unix/clock.c := -Iplatform/unix

$(UNIX_CLOCK_BENCH): $(call host_objs,bench/unix/clock.c \
		platform/unix/unix_vdso.c)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

ALL += $(UNIX_CLOCK_BENCH)
BENCHES += bench/unix/run.sh
