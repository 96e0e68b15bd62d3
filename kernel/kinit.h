/* Boot internals shared by init.c and main.c. */
#ifndef GRAFT_KERNEL_KINIT_H
#define GRAFT_KERNEL_KINIT_H

/* init_split_args - keep the "graft." options of argv[1..] for
 * graft_option() and give the rest, NULL-terminated, in *app_argv.
 * GRAFT_ENOMEM. */
int init_split_args(int argc, char **argv, int *app_argc, char ***app_argv);

/* init_apply_options - act on the options the kernel itself reads
 * (graft.log=<level>). */
void init_apply_options(void);

/* init_run_steps - run every GRAFT_INIT step in order; panics on failure. */
void init_run_steps(void);

/* init_warn_unread_options - log each kernel option that no
 * graft_option() call has read (called once the boot is done, before
 * main(): kernel options are for the kernel and its libraries at boot). */
void init_warn_unread_options(void);

#endif
