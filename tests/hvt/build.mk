# tests/hvt: guest test images for the hvt target, one folder with a
# manifest each, built by `graft build` like the examples
# (build/images/test-<name>.hvt), and the scripts that boot them.
HVT_TEST_APPS := $(patsubst tests/hvt/%/manifest,%,\
	$(wildcard tests/hvt/*/manifest))

define hvt_test_image
$(BUILD)/images/test-$(1).hvt: $(wildcard tests/hvt/$(1)/*.c) \
		tests/hvt/$(1)/manifest $(EXAMPLE_TOOLS) $(EXAMPLE_CORE) \
		$(BUILD)/guest/libplat-hvt.a
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  GRAFT   $$@")
	$$(Q)$(BUILD)/bin/graft build -t hvt -o $$@ \
		--objdir $(BUILD)/tests/hvt/$(1) $$(if $$(Q),,-v) tests/hvt/$(1)
TEST_DEPS += $(BUILD)/images/test-$(1).hvt
endef

$(foreach app,$(HVT_TEST_APPS),$(eval $(call hvt_test_image,$(app))))
