# tests/unix: guest test images for the unix target, one folder with a
# manifest each, built by `graft build` like the examples
# (build/images/test-<name>.unix), and the scripts that boot them.
UNIX_TEST_APPS := $(patsubst tests/unix/%/manifest,%,\
	$(wildcard tests/unix/*/manifest))

define unix_test_image
$(BUILD)/images/test-$(1).unix: $(wildcard tests/unix/$(1)/*.c) \
		tests/unix/$(1)/manifest $(EXAMPLE_TOOLS) $(EXAMPLE_CORE) \
		$(BUILD)/guest/libplat-unix.a
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  GRAFT   $$@")
	$$(Q)$(BUILD)/bin/graft build -t unix -o $$@ \
		--objdir $(BUILD)/tests/unix/$(1) $$(if $$(Q),,-v) tests/unix/$(1)
TEST_DEPS += $(BUILD)/images/test-$(1).unix
endef

$(foreach app,$(UNIX_TEST_APPS),$(eval $(call unix_test_image,$(app))))
