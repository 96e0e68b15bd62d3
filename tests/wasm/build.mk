# tests/wasm: unit tests of lib/wasm's bad-input paths, and the libFuzzer
# target (decode + validate + instantiate + run with fuel).
#   make fuzz-wasm   fuzz for WASM_FUZZ_SECONDS (default 60)
WASM_TEST_NAMES := wasm_bad_input
WASM_TESTS := $(patsubst %,$(BUILD)/tests/wasm/%.t,$(WASM_TEST_NAMES))

CFLAGS_tests/wasm/wasm_bad_input.c := -I.

$(BUILD)/tests/wasm/%.t: $(BUILD)/host/tests/wasm/%.o $(WASM_HOST_A) \
		$(BUILD)/host/kernel/error.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $< $(WASM_HOST_LIBS)

TEST_BINS += $(WASM_TESTS)

# The fuzzer builds the library again with clang and the sanitizers.
WASM_FUZZ_BIN := $(BUILD)/fuzz/wasm-fuzz
WASM_FUZZ_SECONDS ?= 60
WASM_FUZZ_CFLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Iinclude -I. -fno-math-errno

# The interpreter's dispatch loop is compiled at -O0: with ASan and UBSan,
# clang 14 spends many minutes optimising that one function, for a target
# that make test runs for 20 seconds.
WASM_FUZZ_EXEC_O := $(BUILD)/fuzz/wasm_exec.o

$(WASM_FUZZ_EXEC_O): lib/wasm/wasm_exec.c $(wildcard lib/wasm/*.h)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang $(WASM_FUZZ_CFLAGS:-O1=-O0) -c -o $@ $<

$(WASM_FUZZ_BIN): tests/wasm/wasm_fuzz.c $(filter-out lib/wasm/wasm_exec.c,$(WASM_SRCS)) \
		kernel/error.c $(WASM_FUZZ_EXEC_O) $(wildcard lib/wasm/*.h)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang $(WASM_FUZZ_CFLAGS) -o $@ tests/wasm/wasm_fuzz.c \
		$(filter-out lib/wasm/wasm_exec.c,$(WASM_SRCS)) kernel/error.c \
		$(WASM_FUZZ_EXEC_O) -lm

.PHONY: fuzz-wasm
fuzz-wasm: $(WASM_FUZZ_BIN)
	$(Q)bash tests/wasm/fuzz.sh $(WASM_FUZZ_SECONDS)

ifneq ($(shell command -v clang 2>/dev/null),)
TEST_DEPS += $(WASM_FUZZ_BIN)
endif
