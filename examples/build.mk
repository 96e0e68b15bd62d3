# Every examples/<app>/manifest is an application, built for every target
# by `graft build` (tools/graft) into build/images/<app>.<target>: one path
# to an image, the same one users take.  The image's prerequisites come
# from its manifest ('libs', 'static'); its headers from the dependency
# files graft build leaves in build/examples/<app>.<target>/.
#
# Paths of things other fragments build are spelt out here because those
# fragments are read after this one.
EXAMPLE_APPS := $(patsubst examples/%/manifest,%,\
	$(wildcard examples/*/manifest))
EXAMPLE_TARGETS := $(PLAT_TARGETS)
EXAMPLE_TOOLS := $(BUILD)/bin/graft $(BUILD)/graft/config \
	$(BUILD)/bin/mkexports $(BUILD)/mod/graft-decls.i
EXAMPLE_CORE := $(BUILD)/guest/libmod.a $(BUILD)/guest/libkernel.a

# example_key APP KEY: the words of the manifest's KEY line.
example_key = $(shell sed -n 's/^$(2)[[:space:]]*//p' examples/$(1)/manifest)

# The libraries and, for 'static DIR', mkstatic and DIR's files and
# directories (names with spaces cannot be prerequisites: their directory's
# time stands in for them).
example_inputs = $(patsubst %,$(BUILD)/guest/lib%.a,$(call example_key,$(1),libs)) \
	$(if $(call example_key,$(1),static),\
		$(BUILD)/guest/libstatic.a $(BUILD)/guest/libfs.a \
		$(BUILD)/host/tools/mkstatic/mkstatic \
		$(shell find examples/$(1)/$(call example_key,$(1),static) \
			-type f -o -type d | grep -v ' '))

define example_image
$(BUILD)/images/$(1).$(2): $(wildcard examples/$(1)/*.c) examples/$(1)/manifest \
		$(EXAMPLE_TOOLS) $(EXAMPLE_CORE) $(BUILD)/guest/libplat-$(2).a \
		$(call example_inputs,$(1))
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  GRAFT   $$@")
	$$(Q)$(BUILD)/bin/graft build -t $(2) -o $$@ \
		--objdir $(BUILD)/examples/$(1).$(2) $$(if $$(Q),,-v) examples/$(1)
ALL += $(BUILD)/images/$(1).$(2)
endef

$(foreach app,$(EXAMPLE_APPS),$(foreach t,$(EXAMPLE_TARGETS),\
	$(eval $(call example_image,$(app),$(t)))))
