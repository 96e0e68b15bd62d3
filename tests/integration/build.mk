# tests/integration: modules that the instance tests load into running
# instances, built by tools/graft-module-build.sh against the kernel's own
# exports (no test API: what any module author has).
INTEG_MOD_DIR := $(BUILD)/tests/integration/modules
INTEG_INBOX := $(foreach v,1 2,$(INTEG_MOD_DIR)/inbox-v$(v).o \
	$(INTEG_MOD_DIR)/inbox-v$(v).wasm) $(INTEG_MOD_DIR)/inbox-v3.wasm
INTEG_MODS := $(patsubst tests/integration/modules/%.c,$(INTEG_MOD_DIR)/%.o,\
	$(filter-out %/counter.c %/inbox.c,\
	$(wildcard tests/integration/modules/*.c))) \
	$(INTEG_MOD_DIR)/counter_v1.o $(INTEG_MOD_DIR)/counter_v2.o \
	$(INTEG_INBOX)

$(INTEG_MOD_DIR)/%.o: tests/integration/modules/%.c tools/graft-module-build.sh \
		tools/graft-decls.sh $(MOD_MKEXPORTS) include/graft/module.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(MOD_MKEXPORTS) sh tools/graft-module-build.sh -o $@ $<

# counter.c twice: version 1 saves its count, version 2 restores it.
$(INTEG_MOD_DIR)/counter_v%.o: tests/integration/modules/counter.c \
		tools/graft-module-build.sh tools/graft-decls.sh $(MOD_MKEXPORTS) \
		include/graft/module.h
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(MOD_MKEXPORTS) sh tools/graft-module-build.sh \
		$(if $(filter 2,$*),-D COUNTER_V2) -o $@ $<

TEST_DEPS += $(INTEG_MODS)

# inbox.c five ways: version 1 keeps its messages, version 2 takes them,
# each native and bytecode; version 3 (bytecode) has no message callback.
$(INTEG_MOD_DIR)/inbox-v%.o: tests/integration/modules/inbox.c \
		$(MODULES_BUILD) $(MOD_MKEXPORTS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MODULE  $@")
	$(Q)GRAFT_MKEXPORTS=$(MOD_MKEXPORTS) sh tools/graft-module-build.sh \
		$(if $(filter 2,$*),-D INBOX_V2) -o $@ $<

$(INTEG_MOD_DIR)/inbox-v%.wasm: tests/integration/modules/inbox.c \
		$(MODULES_BUILD)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  WASMMOD $@")
	$(Q)sh tools/graft-module-build.sh --wasm \
		$(if $(filter 1,$*),,-D INBOX_V$*) -o $@ $<
