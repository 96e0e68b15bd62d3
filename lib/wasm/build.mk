# lib/wasm: the WebAssembly engine, built hosted (for tests and the
# spectest runner) and as guest code into libwasm.a.
WASM_SRCS := lib/wasm/wasm_decode.c lib/wasm/wasm_validate.c \
	lib/wasm/wasm_compile.c lib/wasm/wasm_exec.c lib/wasm/wasm_instance.c
WASM_GUEST_A := $(BUILD)/guest/libwasm.a
WASM_HOST_A := $(BUILD)/host/libwasm.a
WASM_HOST_LIBS := $(WASM_HOST_A) $(BUILD)/host/kernel/error.o -lm

# sqrt must compile to the SSE2 instruction, not a libm call with errno.
CFLAGS_lib/wasm/wasm_exec.c := -fno-math-errno

$(WASM_GUEST_A): $(call guest_objs,$(WASM_SRCS))
	$(Q)$(GUEST_AR) rcs $@ $^

$(WASM_HOST_A): $(call host_objs,$(WASM_SRCS))
	$(Q)ar rcs $@ $^

ALL += $(WASM_GUEST_A) $(WASM_HOST_A)
