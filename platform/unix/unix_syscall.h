/* Raw Linux system calls for the unix platform binding (no libc). */
#ifndef GRAFT_PLATFORM_UNIX_SYSCALL_H
#define GRAFT_PLATFORM_UNIX_SYSCALL_H

#include <stdint.h>

#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_rt_sigaction 13
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_sendto 44
#define SYS_recvfrom 45
#define SYS_sigaltstack 131
#define SYS_prctl 157
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_ppoll 271
#define SYS_accept4 288
#define SYS_fdatasync 75
#define SYS_seccomp 317

static inline long unix_syscall6(long n, long a, long b, long c, long d,
				 long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10),
			       "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

#define unix_syscall(n, a, b, c) unix_syscall6(n, (long)(a), (long)(b), \
					       (long)(c), 0, 0, 0)

#endif
