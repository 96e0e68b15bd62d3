/*
 * kernel_main: the platform's entry into the kernel.  Boot order: the heap,
 * kernel options, the platform's devices, the module manager, the
 * registered boot steps, the modules given at boot, the control service,
 * then the application's main() in a fiber named "main" and the event
 * loop.  The instance ends when main returns or someone calls
 * graft_shutdown(), with that status.
 */
#include <stdbool.h>
#include <stdint.h>

#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/init.h>
#include <graft/log.h>
#include <graft/platform.h>

#include "kctl.h"
#include "kfiber.h"
#include "kheap.h"
#include "kinit.h"
#include "kplatdev.h"

/* The application's entry point. */
int main(int argc, char **argv);

static int app_argc;
static char **app_argv;
static int exit_status;
static bool shutting_down;

void graft_shutdown(int status)
{
	struct graft_waitq never = GRAFT_WAITQ_INIT;

	if (!shutting_down) {
		shutting_down = true;
		exit_status = status;
	}
	graft_loop_stop();
	/* In a fiber: park it for good; the loop sees the stop and returns
	 * to kernel_main, which exits.  Elsewhere: exit right here. */
	if (graft_fiber_self())
		graft_wait(&never, GRAFT_FOREVER);
	platdev_net_flush();
	plat_exit(exit_status);
}

static void main_fiber(void *arg)
{
	graft_shutdown(main(app_argc, app_argv));
}

void kernel_main(const struct plat_boot_info *bi)
{
	int rc;

	fiber_set_boot_stack_top((uintptr_t)__builtin_frame_address(0));
	if (heap_init((void *)bi->heap_start, bi->heap_size) < 0)
		plat_abort("kernel: heap region too small or misaligned");
	if (init_split_args(bi->argc, bi->argv, &app_argc, &app_argv) < 0)
		plat_abort("kernel: out of memory for the arguments");
	init_apply_options();
	graft_log(
	    GRAFT_LOG_DEBUG, "kernel", "target %s, heap %zu KiB, %u devices",
	    bi->target ? bi->target : "?", bi->heap_size >> 10, bi->ndevices);
	platdev_register_all(bi->ndevices);
	ctl_init(bi);
	init_run_steps();
	ctl_start(bi);
	init_warn_unread_options();
	rc = graft_fiber_spawn("main", main_fiber, NULL, 0, NULL);
	if (rc < 0)
		graft_panic("cannot start main: %s", graft_strerror(rc));
	graft_loop_run();
	if (!shutting_down)
		graft_panic(
		    "no fiber can run again and main() has not returned");
	platdev_net_flush();
	plat_exit(exit_status);
}
