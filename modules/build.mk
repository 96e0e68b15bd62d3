# modules/: example modules, each one C file built both ways by
# tools/graft-module-build.sh: $(BUILD)/modules/<name>.o (native) and
# $(BUILD)/modules/<name>.wasm (bytecode).  ticker is built a second time as
# version 2 (ticker-v2.*) for the upgrade tests.
MODULES := hello ticker echo blkserve udpecho
MODULES_OUT := $(BUILD)/modules
MODULES_BUILD := tools/graft-module-build.sh include/graft/module.h \
	include/graft/modapi.h
# Native only: they call the kernel's API or each other's exports, which
# bytecode modules cannot.
MODULES_NATIVE_ONLY := greeter greeter-user sleeper
MODULES_NATIVE := $(MODULES:%=$(MODULES_OUT)/%.o) $(MODULES_OUT)/ticker-v2.o \
	$(MODULES_NATIVE_ONLY:%=$(MODULES_OUT)/%.o)
MODULES_WASM := $(MODULES:%=$(MODULES_OUT)/%.wasm) \
	$(MODULES_OUT)/ticker-v2.wasm

$(MODULES_OUT)/%.o: modules/%/*.c $(wildcard modules/*/*.h) $(MODULES_BUILD) \
		$(MOD_MKEXPORTS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(MOD_MKEXPORTS) sh tools/graft-module-build.sh \
		-o $@ $(filter %.c,$^)

$(MODULES_OUT)/%.wasm: modules/%/*.c $(MODULES_BUILD)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  WASMMOD $@")
	$(Q)sh tools/graft-module-build.sh --wasm -o $@ $(filter %.c,$^)

$(MODULES_OUT)/ticker-v2.o: modules/ticker/ticker.c $(MODULES_BUILD) \
		$(MOD_MKEXPORTS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(MOD_MKEXPORTS) sh tools/graft-module-build.sh \
		-D 'TICKER_VERSION="2"' -o $@ $<

$(MODULES_OUT)/ticker-v2.wasm: modules/ticker/ticker.c $(MODULES_BUILD)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  WASMMOD $@")
	$(Q)sh tools/graft-module-build.sh --wasm -D 'TICKER_VERSION="2"' \
		-o $@ $<

ALL += $(MODULES_NATIVE) $(MODULES_WASM)
