# tools/mkexports: the host tool that generates export tables and module
# declaration hashes, and the standard declarations it hashes from.
#   $(MOD_MKEXPORTS)  build/bin/mkexports
#   $(MOD_DECLS)      build/mod/graft-decls.i: include/graft/*.h and the
#                     kernel libc headers, preprocessed (tools/graft-decls.sh)
# Both variables are defined in kernel/mod/build.mk, which is read first.

$(MOD_MKEXPORTS): $(call host_objs,tools/mkexports/mkexports.c)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

$(MOD_DECLS): tools/graft-decls.sh $(wildcard include/graft/*.h) \
		$(wildcard kernel/libc/include/*.h)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  DECLS   $@")
	$(Q)sh tools/graft-decls.sh $(GUEST_CC) . $@

ALL += $(MOD_MKEXPORTS) $(MOD_DECLS)
