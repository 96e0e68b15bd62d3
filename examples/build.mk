# examples/hello and examples/timers as images for every target:
#   build/images/<app>.<target>
# An image is the app's objects, the platform binding (whole, so that its
# note and entry are kept), the libraries, the kernel and libgcc.
LIBGCC := $(shell $(GUEST_CC) -print-libgcc-file-name)
EXAMPLE_APPS := hello timers

define example_image
$(BUILD)/images/$(1).$(2): $(call guest_objs,$(wildcard examples/$(1)/*.c)) \
		$(BUILD)/guest/libplat-$(2).a $(BUILD)/guest/libkernel.a
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LD [g]  $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) $$(if $$(PLAT_$(3)_LDS),-T $$(PLAT_$(3)_LDS)) \
		-o $$@ -Wl,--whole-archive $(BUILD)/guest/libplat-$(2).a \
		-Wl,--no-whole-archive $(call guest_objs,$(wildcard examples/$(1)/*.c)) \
		-Wl,--start-group $(BUILD)/guest/libkernel.a $$(LIBGCC) -Wl,--end-group
ALL += $(BUILD)/images/$(1).$(2)
endef

$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),hvt,HVT)))
$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),unix,UNIX)))
$(foreach app,$(EXAMPLE_APPS),$(eval $(call example_image,$(app),virtio,VIRTIO)))
