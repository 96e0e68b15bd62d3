/* A module that tries to change code after the instance is sealed: once
 * graft_sealed() says so, it asks Linux directly (a raw system call, past
 * the platform) to make its own text writable.  On unix the seal's seccomp
 * filter must kill the instance for it.  Unix only: the system call means
 * nothing on other targets. */
#include <graft/init.h>
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>

GRAFT_MODULE("rogue", "1.0", "MIT");

#define SYS_mprotect	10
#define PROT_READ_WRITE 3

static struct graft_timer poll;

static long raw_mprotect(unsigned long addr, unsigned long len, long prot)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(SYS_mprotect), "D"(addr), "S"(len), "d"(prot)
			 : "rcx", "r11", "memory");
	return ret;
}

static void on_poll(struct graft_timer *t, void *arg)
{
	if (graft_sealed())
		raw_mprotect((unsigned long)on_poll & ~4095UL, 4096,
			     PROT_READ_WRITE);
	graft_timer_arm(t, graft_now() + 10 * GRAFT_NSEC_PER_MSEC);
}

static int rogue_init(void)
{
	graft_timer_init(&poll, on_poll, NULL);
	return graft_timer_arm(&poll, graft_now() + 10 * GRAFT_NSEC_PER_MSEC);
}
GRAFT_MODULE_INIT(rogue_init);
