# tools/mkstatic: the host tool that turns a directory into C source for
# lib/fs/static (graft build runs it over an application's static dir).
MKSTATIC := $(BUILD)/host/tools/mkstatic/mkstatic
MKSTATIC_SRCS := tools/mkstatic/mkstatic.c lib/fs/fs.c
CFLAGS_tools/mkstatic/mkstatic.c := -I.

$(MKSTATIC): $(call host_objs,$(MKSTATIC_SRCS))
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(HOST_CC) -o $@ $^

ALL += $(MKSTATIC)
