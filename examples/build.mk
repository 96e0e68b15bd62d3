# Applications as images for both targets: build/images/<app>.<target>.
# An image is the app's objects, the platform binding (whole, so that its
# note and entry are kept), the libraries, the kernel, the module manager,
# the image's export table (generated from all of the above by mkexports)
# and libgcc.
#
# The app's manifest drives the link:
#   libs NAME...  link build/guest/libNAME.a for each (e.g. `libs fs fat`)
#   static DIR    embed DIR (relative to the app) with tools/mkstatic as
#                 the symbol fs_static_root, and link lib/fs/static
# Libraries in WHOLE_LIBS register boot steps (GRAFT_INIT) and are linked
# whole, so that the linker keeps them.
# Fragments read before this one (bench/) add app directories to
# GUEST_APPS; later ones (tests/) call app_image themselves.
LIBGCC := $(shell $(GUEST_CC) -print-libgcc-file-name)
EXAMPLE_APPS := hello timers modhost fsutil
GUEST_APPS += $(EXAMPLE_APPS:%=examples/%)
# Named here because kernel/mod/build.mk and tools/ are read after this
# fragment.
EXAMPLE_MKEXPORTS := $(BUILD)/bin/mkexports
EXAMPLE_DECLS := $(BUILD)/mod/graft-decls.i
EXAMPLE_LIBMOD := $(BUILD)/guest/libmod.a
EXAMPLE_MKSTATIC := $(BUILD)/host/tools/mkstatic/mkstatic
WHOLE_LIBS := moddir

app_manifest = $(strip $(shell sed -n 's/^$(2)[[:space:]]//p' $(1)/manifest))
app_static = $(if $(call app_manifest,$(1),static),\
	$(BUILD)/gen/$(1)/static.o)
app_libs = $(patsubst %,$(BUILD)/guest/lib%.a,$(call app_manifest,$(1),libs) \
	$(if $(call app_static,$(1)),fs static))
app_whole = $(filter $(WHOLE_LIBS:%=$(BUILD)/guest/lib%.a),$(call app_libs,$(1)))
app_objs = $(call guest_objs,$(wildcard $(1)/*.c)) $(call app_static,$(1))

# The embedded directory: regenerated when a file or directory in it
# changes (names with spaces cannot be make prerequisites; their
# directory's time stands in for them).
define app_static_rule
$(BUILD)/gen/$(1)/static.c: $(EXAMPLE_MKSTATIC) $(shell find $(1)/$(2) -type f -o -type d 2>/dev/null | grep -v ' ')
	@mkdir -p $$(@D)
	$$(Q)$(EXAMPLE_MKSTATIC) $(1)/$(2) $$@
$(BUILD)/gen/$(1)/static.o: $(BUILD)/gen/$(1)/static.c
	$$(Q)$$(GUEST_CC) $$(GUEST_CFLAGS) -I. -c $$< -o $$@
endef

# $(1) app directory, $(2) target, $(3) its PLAT_* suffix
define app_image
$(notdir $(1))_$(2)_INPUTS := $(call app_objs,$(1)) $(call app_libs,$(1)) \
	$(BUILD)/guest/libplat-$(2).a $(BUILD)/guest/libkernel.a $(EXAMPLE_LIBMOD)

$(BUILD)/images/$(notdir $(1)).$(2).exports.c: $$($(notdir $(1))_$(2)_INPUTS) $(EXAMPLE_MKEXPORTS) $(EXAMPLE_DECLS)
	@mkdir -p $$(@D)
	$$(Q)$(EXAMPLE_MKEXPORTS) table -d $(EXAMPLE_DECLS) -o $$@ $$($(notdir $(1))_$(2)_INPUTS)

$(BUILD)/images/$(notdir $(1)).$(2): $$($(notdir $(1))_$(2)_INPUTS) \
		$(BUILD)/guest/images/$(notdir $(1)).$(2).exports.o
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LD [g]  $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) $$(if $$(PLAT_$(3)_LDS),-T $$(PLAT_$(3)_LDS)) \
		-o $$@ -Wl,--whole-archive $(BUILD)/guest/libplat-$(2).a \
		$(call app_whole,$(1)) -Wl,--no-whole-archive $(call app_objs,$(1)) \
		$(BUILD)/guest/images/$(notdir $(1)).$(2).exports.o -Wl,--start-group \
		$(call app_libs,$(1)) $(BUILD)/guest/libkernel.a $(EXAMPLE_LIBMOD) \
		$$(LIBGCC) -Wl,--end-group
endef

$(BUILD)/guest/images/%.exports.o: $(BUILD)/images/%.exports.c
	@mkdir -p $(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -Ikernel/mod -c $< -o $@

$(foreach d,$(GUEST_APPS),$(foreach s,$(call app_manifest,$(d),static),\
	$(eval $(call app_static_rule,$(d),$(s)))))
$(foreach s,$(wildcard $(GUEST_APPS:%=%/*.c)),$(eval CFLAGS_$(s) += -I.))
$(foreach d,$(GUEST_APPS),$(eval $(call app_image,$(d),hvt,HVT)))
$(foreach d,$(GUEST_APPS),$(eval $(call app_image,$(d),unix,UNIX)))
ALL += $(foreach d,$(GUEST_APPS),$(BUILD)/images/$(notdir $(d)).hvt \
	$(BUILD)/images/$(notdir $(d)).unix)
