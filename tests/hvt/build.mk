# tests/hvt: guest test images for the hvt target, linked like the
# examples (build/images/test-<name>.hvt), and the scripts that boot them.
HVT_TEST_APPS := memprot

define hvt_test_image
$(BUILD)/images/test-$(1).hvt: $(call guest_objs,tests/hvt/$(1).c) \
		$(PLAT_HVT_A) $(BUILD)/guest/libkernel.a
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LD [g]  $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) -T $$(PLAT_HVT_LDS) -o $$@ \
		-Wl,--whole-archive $$(PLAT_HVT_A) -Wl,--no-whole-archive \
		$(call guest_objs,tests/hvt/$(1).c) \
		-Wl,--start-group $(BUILD)/guest/libkernel.a $$(LIBGCC) -Wl,--end-group
TEST_DEPS += $(BUILD)/images/test-$(1).hvt
endef

$(foreach app,$(HVT_TEST_APPS),$(eval $(call hvt_test_image,$(app))))
