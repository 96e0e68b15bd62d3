# tools/graft: the command-line tool, build/bin/graft, and the build
# configuration it reads, build/graft/config.
#
# The configuration is the one place the guest build is written down for
# `graft build`: this Makefile's GUEST_CC, GUEST_CFLAGS and GUEST_LDFLAGS,
# libgcc, the targets (PLAT_TARGETS, top Makefile) with their linker
# scripts (PLAT_<TARGET>_LDS), and where the archives and the tools that
# build images are.  Paths are as make sees them, relative to the source
# tree; graft build runs the compiler there.  The file is rewritten on
# every make but only replaced when its content changes, so images are
# relinked when a flag changes and not otherwise.
GRAFT_TOOL_SRCS := $(wildcard tools/graft/*.c) tender/common/host.c
GRAFT_TOOL := $(BUILD)/bin/graft
GRAFT_CONFIG := $(BUILD)/graft/config
GRAFT_TARGETS := $(sort $(PLAT_TARGETS))
GRAFT_LIBGCC := $(shell $(GUEST_CC) -print-libgcc-file-name)
$(foreach s,$(wildcard tools/graft/*.c),$(eval CFLAGS_$(s) := -I.))

$(GRAFT_TOOL): $(call host_objs,$(GRAFT_TOOL_SRCS))
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

graft_upper = $(shell echo '$(1)' | tr a-z A-Z)

.PHONY: graft-config-check
$(GRAFT_CONFIG): graft-config-check
	@mkdir -p $(@D)
	$(Q)printf '%s\n' \
		'# Written by tools/graft/build.mk; read by graft build.' \
		'cc=$(GUEST_CC)' \
		'cflags=$(GUEST_CFLAGS)' \
		'ldflags=$(GUEST_LDFLAGS)' \
		'libgcc=$(GRAFT_LIBGCC)' \
		'targets=$(GRAFT_TARGETS)' \
		$(foreach t,$(GRAFT_TARGETS),\
			'lds.$(t)=$(PLAT_$(call graft_upper,$(t))_LDS)') \
		'libdir=$(BUILD)/guest' \
		'mkexports=$(MOD_MKEXPORTS)' \
		'decls=$(MOD_DECLS)' \
		'mkstatic=$(MKSTATIC)' >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

ALL += $(GRAFT_TOOL) $(GRAFT_CONFIG)
