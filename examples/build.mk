# Applications as images for both targets: build/images/<app>.<target>.
# An image is the app's objects, the platform binding (whole, so that its
# note and entry are kept), the libraries, the kernel and libgcc.
#
# The app's manifest drives the link:
#   libs NAME...  link build/guest/libNAME.a for each (e.g. `libs fs fat`)
#   static DIR    embed DIR (relative to the app) with tools/mkstatic as
#                 the symbol fs_static_root, and link lib/fs/static
# Fragments read before this one (bench/) add app directories to
# GUEST_APPS; later ones (tests/) call app_image themselves.
LIBGCC := $(shell $(GUEST_CC) -print-libgcc-file-name)
EXAMPLE_APPS := hello timers fsutil
GUEST_APPS += $(EXAMPLE_APPS:%=examples/%)

app_manifest = $(strip $(shell sed -n 's/^$(2)[[:space:]]//p' $(1)/manifest))
app_static = $(if $(call app_manifest,$(1),static),\
	$(BUILD)/gen/$(1)/static.o)
app_libs = $(patsubst %,$(BUILD)/guest/lib%.a,$(call app_manifest,$(1),libs) \
	$(if $(call app_static,$(1)),fs static))
app_objs = $(call guest_objs,$(wildcard $(1)/*.c)) $(call app_static,$(1))

# The embedded directory: regenerated when any file in it changes (names
# with spaces are fine: make never lists them, find does).
define app_static_rule
$(BUILD)/gen/$(1)/static.c: $(BUILD)/host/tools/mkstatic/mkstatic $(shell find $(1)/$(2) -type f -o -type d 2>/dev/null | grep -v ' ')
	@mkdir -p $$(@D)
	$$(Q)$$(MKSTATIC) $(1)/$(2) $$@
$(BUILD)/gen/$(1)/static.o: $(BUILD)/gen/$(1)/static.c
	$$(Q)$$(GUEST_CC) $$(GUEST_CFLAGS) -I. -c $$< -o $$@
endef

# $(1) app directory, $(2) target, $(3) its PLAT_* suffix
define app_image
$(BUILD)/images/$(notdir $(1)).$(2): $(call app_objs,$(1)) $(call app_libs,$(1)) \
		$(BUILD)/guest/libplat-$(2).a $(BUILD)/guest/libkernel.a
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LD [g]  $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) $$(if $$(PLAT_$(3)_LDS),-T $$(PLAT_$(3)_LDS)) \
		-o $$@ -Wl,--whole-archive $(BUILD)/guest/libplat-$(2).a \
		-Wl,--no-whole-archive $(call app_objs,$(1)) -Wl,--start-group \
		$(call app_libs,$(1)) $(BUILD)/guest/libkernel.a $$(LIBGCC) \
		-Wl,--end-group
endef

$(foreach d,$(GUEST_APPS),$(foreach s,$(call app_manifest,$(d),static),\
	$(eval $(call app_static_rule,$(d),$(s)))))
$(foreach s,$(wildcard $(GUEST_APPS:%=%/*.c)),$(eval CFLAGS_$(s) += -I.))
$(foreach d,$(GUEST_APPS),$(eval $(call app_image,$(d),hvt,HVT)))
$(foreach d,$(GUEST_APPS),$(eval $(call app_image,$(d),unix,UNIX)))
ALL += $(foreach d,$(GUEST_APPS),$(BUILD)/images/$(notdir $(d)).hvt \
	$(BUILD)/images/$(notdir $(d)).unix)
