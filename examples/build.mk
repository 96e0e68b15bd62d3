# The example applications as images for both targets:
#   build/images/<app>.<target>
# An image is the app's objects, the platform binding (whole, so that its
# note and entry are kept), the libraries its manifest names, the kernel
# and libgcc.  The manifest (examples/<app>/manifest, see README.md) is the
# one description of an app:
#   libs NAME...  link build/guest/lib<NAME>.a, whole (boot steps register
#                 by declaration, so nothing else would pull them in)
#   static DIR    embed examples/<app>/DIR (tools/mkstatic) as the
#                 lib/fs/static image fs_static_root
LIBGCC := $(shell $(GUEST_CC) -print-libgcc-file-name)
EXAMPLE_APPS := hello timers echo httpd
EXAMPLE_MKSTATIC := $(BUILD)/host/tools/mkstatic/mkstatic

# $(call manifest,app,key): the values of that key in the app's manifest
manifest = $(shell sed -n 's/^$(2)[[:space:]]//p' examples/$(1)/manifest)

# Sources include library headers by their path from the top.
$(foreach s,$(wildcard examples/*/*.c),$(eval CFLAGS_$(s) := -I.))

# The static directory of an app, as C source for lib/fs/static.
define example_static
EX_GEN_$(1) := $(BUILD)/gen/examples/$(1)/static_fs.c
$$(EX_GEN_$(1)): $(shell find examples/$(1)/$(2) -type f 2>/dev/null) \
		$(EXAMPLE_MKSTATIC)
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  GEN     $$@")
	$$(Q)$(EXAMPLE_MKSTATIC) examples/$(1)/$(2) $$@
CFLAGS_$$(EX_GEN_$(1)) := -I.
endef

define example_app
$(if $(call manifest,$(1),static),$(eval $(call example_static,$(1),$(call manifest,$(1),static))))
EX_OBJS_$(1) := $(call guest_objs,$(wildcard examples/$(1)/*.c) $(EX_GEN_$(1)))
EX_LIBS_$(1) := $(foreach l,$(call manifest,$(1),libs),$(BUILD)/guest/lib$(l).a)
endef

define example_image
$(BUILD)/images/$(1).$(2): $(EX_OBJS_$(1)) $(EX_LIBS_$(1)) \
		$(BUILD)/guest/libplat-$(2).a $(BUILD)/guest/libkernel.a
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LD [g]  $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) $$(if $$(PLAT_$(3)_LDS),-T $$(PLAT_$(3)_LDS)) \
		-o $$@ -Wl,--whole-archive $(BUILD)/guest/libplat-$(2).a \
		$(EX_LIBS_$(1)) -Wl,--no-whole-archive $(EX_OBJS_$(1)) \
		-Wl,--start-group $(BUILD)/guest/libkernel.a $$(LIBGCC) -Wl,--end-group
ALL += $(BUILD)/images/$(1).$(2)
endef

$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_app,$(app))))
$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),hvt,HVT)))
$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),unix,UNIX)))
