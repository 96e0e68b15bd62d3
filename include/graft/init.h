/*
 * Boot steps, registered by declaration, and the instance's life cycle.
 *
 * A subsystem that must do something at boot declares it next to its code:
 *
 *     static int ctl_service_start(void) { ... }
 *     GRAFT_INIT(ctl_service_start, GRAFT_INIT_SERVICES);
 *
 * The macro puts a struct graft_init_step in the linker section
 * "graft_init"; kernel_main runs every step once, lowest order first
 * (steps of equal order in an unspecified order), after the heap, the
 * kernel options and the platform's devices are ready and before the
 * application's main() starts.
 * A step may spawn fibers; they run once the loop starts.  A step that
 * returns a negative graft error stops the boot with a panic naming it.
 *
 * Linking: an object that is referenced only through this section is not
 * pulled out of a static archive by the linker; link such archives whole
 * (-Wl,--whole-archive) or reference the object.  A linker script must keep
 * the section (KEEP(*(graft_init))) and define __start_graft_init and
 * __stop_graft_init around it.
 */
#ifndef GRAFT_INIT_H
#define GRAFT_INIT_H

#include <stdbool.h>

struct graft_init_step {
	int order;
	int (*fn)(void);
	const char *name;
};

/* Orders, spaced so that steps can go between them. */
#define GRAFT_INIT_EARLY    100 /* core state other steps use */
#define GRAFT_INIT_DEVICES  200 /* drivers, extra devices */
#define GRAFT_INIT_LIBS	    300 /* network stack, filesystems */
#define GRAFT_INIT_SERVICES 400 /* module manager, control channel */
#define GRAFT_INIT_LATE	    900

#define GRAFT_INIT(fn, ord)                                                    \
	static const struct graft_init_step graft_init_step_##fn               \
	    __attribute__((used, section("graft_init"), aligned(8))) = {       \
		(ord), (fn), #fn}

/* graft_option - the value of the kernel option "graft.<key>=<value>"
 * given on the command line ("" for a bare "graft.<key>"), or NULL if it
 * was not given.  Kernel options are removed from the application's argv.
 * The string lives as long as the instance. */
const char *graft_option(const char *key);

/* graft_shutdown - end the instance with status, from any fiber (or from a
 * boot step or a timer callback).  The calling fiber never resumes; the
 * loop stops before running anything else and the platform's exit is
 * called with status.  Returning from main() does the same. */
void graft_shutdown(int status) __attribute__((noreturn));

/* graft_sealed - whether the instance has been sealed (`graft seal`): its
 * code can no longer change and native modules no longer load. */
bool graft_sealed(void);

#endif
