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

# The cost of a callback into a module, native against bytecode
# (bash bench/wasm/modcall.sh).  Paths are spelled out: kernel/ and
# tests/ fragments are read after this one.
MODCALL_BENCH_BIN := $(BUILD)/bin/graft-modcall-bench
MODCALL_MODULES := $(BUILD)/bench/wasm/modcall.o $(BUILD)/bench/wasm/modcall.wasm
MODCALL_MODULE_DEPS := bench/wasm/modcall_module.c tools/graft-module-build.sh \
	include/graft/module.h include/graft/modapi.h $(BUILD)/bin/mkexports
CFLAGS_bench/wasm/modcall.c := -I.

$(MODCALL_BENCH_BIN): $(BUILD)/host/bench/wasm/modcall.o \
		$(BUILD)/host/libmod-host.a $(BUILD)/host/tests/unit/fakeplat.o \
		$(BUILD)/host/libkernel-host.a $(BUILD)/host/libwasm.a
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $(filter %.o,$^) -Wl,--start-group \
		$(filter %.a,$^) -Wl,--end-group -lm

$(BUILD)/bench/wasm/modcall.o: $(MODCALL_MODULE_DEPS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(BUILD)/bin/mkexports \
		sh tools/graft-module-build.sh -o $@ $<

$(BUILD)/bench/wasm/modcall.wasm: $(MODCALL_MODULE_DEPS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  WASMMOD $@")
	$(Q)sh tools/graft-module-build.sh --wasm -o $@ $<

ALL += $(MODCALL_BENCH_BIN) $(MODCALL_MODULES)
BENCHES += bench/wasm/modcall.sh
