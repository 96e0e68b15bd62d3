# tests/spectest: the WebAssembly spec test suite runner.
#   build/bin/graft-spectest   runs wast2json output against lib/wasm
#   make spectest              the whole suite, ends "spectest: P passed..."
# spectest.t (a script test) runs the same in TAP form under `make test`.
SPECTEST_SRCS := tests/spectest/spectest.c tests/spectest/json.c
SPECTEST_BIN := $(BUILD)/bin/graft-spectest

$(SPECTEST_BIN): $(call host_objs,$(SPECTEST_SRCS)) $(WASM_HOST_A) \
		$(BUILD)/host/kernel/error.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $(call host_objs,$(SPECTEST_SRCS)) $(WASM_HOST_LIBS)

CFLAGS_tests/spectest/spectest.c := -I.

TEST_DEPS += $(SPECTEST_BIN)

.PHONY: spectest
spectest: $(SPECTEST_BIN)
	$(Q)bash tests/spectest/run.sh
