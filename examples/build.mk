# examples/hello and examples/timers as images for both targets:
#   build/images/<app>.<target>
# An image is the app's objects, the platform binding (whole, so that its
# note and entry are kept), the libraries, the kernel, the module manager,
# the image's export table (generated from all of the above by mkexports)
# and libgcc.
LIBGCC := $(shell $(GUEST_CC) -print-libgcc-file-name)
EXAMPLE_APPS := hello timers modhost
# Named here because kernel/mod/build.mk is read after this fragment.
EXAMPLE_MKEXPORTS := $(BUILD)/bin/mkexports
EXAMPLE_DECLS := $(BUILD)/mod/graft-decls.i
EXAMPLE_LIBMOD := $(BUILD)/guest/libmod.a
# Libraries an app links beyond the kernel: <app>_WHOLE (linked whole:
# they register by boot steps) and <app>_LIBS.  modhost takes bytecode
# modules too: the bytecode format and the WebAssembly engine.
modhost_WHOLE := $(BUILD)/guest/libmod-wasm.a
modhost_LIBS := $(BUILD)/guest/libwasm.a

define example_image
$(1)_$(2)_INPUTS := $(call guest_objs,$(wildcard examples/$(1)/*.c)) \
	$(BUILD)/guest/libplat-$(2).a $($(1)_WHOLE) $($(1)_LIBS) \
	$(BUILD)/guest/libkernel.a $(EXAMPLE_LIBMOD)

$(BUILD)/images/$(1).$(2).exports.c: $$($(1)_$(2)_INPUTS) $(EXAMPLE_MKEXPORTS) $(EXAMPLE_DECLS)
	@mkdir -p $$(@D)
	$$(Q)$(EXAMPLE_MKEXPORTS) table -d $(EXAMPLE_DECLS) -o $$@ $$($(1)_$(2)_INPUTS)

$(BUILD)/images/$(1).$(2): $$($(1)_$(2)_INPUTS) $(BUILD)/guest/images/$(1).$(2).exports.o
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LD [g]  $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) $$(if $$(PLAT_$(3)_LDS),-T $$(PLAT_$(3)_LDS)) \
		-o $$@ -Wl,--whole-archive $(BUILD)/guest/libplat-$(2).a \
		$($(1)_WHOLE) -Wl,--no-whole-archive $(call guest_objs,$(wildcard examples/$(1)/*.c)) \
		$(BUILD)/guest/images/$(1).$(2).exports.o \
		-Wl,--start-group $($(1)_LIBS) $(BUILD)/guest/libkernel.a $(EXAMPLE_LIBMOD) $$(LIBGCC) -Wl,--end-group
ALL += $(BUILD)/images/$(1).$(2)
endef

$(BUILD)/guest/images/%.exports.o: $(BUILD)/images/%.exports.c
	@mkdir -p $(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -Ikernel/mod -c $< -o $@

$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),hvt,HVT)))
$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),unix,UNIX)))
