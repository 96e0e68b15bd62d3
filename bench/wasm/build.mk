# bench/wasm: CPU kernels native vs lib/wasm vs node (bash bench/wasm/run.sh).
WASM_BENCH_BIN := $(BUILD)/bin/graft-wasm-bench
CFLAGS_bench/wasm/wasm_runner.c := -I.

$(WASM_BENCH_BIN): $(BUILD)/host/bench/wasm/wasm_runner.o $(BUILD)/host/libwasm.a \
		$(BUILD)/host/kernel/error.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $< $(WASM_HOST_LIBS)

ALL += $(WASM_BENCH_BIN)
BENCHES += bench/wasm/run.sh
