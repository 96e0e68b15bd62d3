/*
 * The platform interface: everything the kernel core and the libraries may
 * ask of the machine they run on.  One binding per target implements it
 * (platform/unix, platform/hvt); nothing above this header knows which.
 *
 * Devices are named by small handles (0..PLAT_MAX_DEVICES-1) that the
 * platform assigns at boot, in the order the host attached them.  Calls that
 * can fail return 0 or a negative enum graft_err code.  No call blocks except
 * plat_yield(); reads return GRAFT_EAGAIN when nothing is pending.
 */
#ifndef GRAFT_PLATFORM_H
#define GRAFT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <graft/nethdr.h>

#define PLAT_MAX_DEVICES 64
#define PLAT_PAGE_SIZE 4096UL

typedef uint32_t plat_handle_t;
typedef uint64_t plat_handle_set_t; /* bit h set: handle h */

enum plat_dev_kind {
	PLAT_DEV_NONE = 0,
	PLAT_DEV_NET = 1,   /* Ethernet frames */
	PLAT_DEV_BLOCK = 2, /* sectors */
	PLAT_DEV_CTL = 3,   /* messages to and from the host's graft tool */
};

struct plat_device_info {
	uint32_t kind;    /* enum plat_dev_kind */
	char name[32];    /* NUL-terminated, e.g. "net0", "disk0", "ctl" */
	/* PLAT_DEV_NET */
	uint8_t mac[6];
	uint16_t mtu;
	uint32_t net_offloads; /* GRAFT_NET_OFF_*: 0, or every frame carries
				  the header of graft/nethdr.h */
	/* PLAT_DEV_BLOCK */
	uint32_t sector_size;
	uint32_t read_only;
	uint64_t sectors;
};

/* A module given at boot: its bytes, in memory the platform owns until
 * the instance ends (the kernel loads it before main() runs). */
struct plat_boot_module {
	const void *data;
	size_t len;
	const char *name; /* the host's file name, for messages */
};

struct plat_boot_info {
	int argc;            /* the application's arguments, argv[0] is the */
	char **argv;         /* image name; the platform owns the memory     */
	uintptr_t heap_start; /* page-aligned region the kernel may use */
	size_t heap_size;
	uint64_t mem_size;    /* guest memory in all, as given by --mem */
	uint32_t nmodules;    /* modules the host handed over at boot */
	const struct plat_boot_module *modules; /* (--module), in order */
	uint32_t ndevices;    /* handles 0..ndevices-1 are valid */
	const char *target;   /* "unix", "hvt", ... */
};

/* Entry point into the kernel, called once by the platform after it has set
 * up a stack, memory and the console.  Never returns. */
void kernel_main(const struct plat_boot_info *bi) __attribute__((noreturn));

/* kernel_fault - the platform's fault path calls this before it ends the
 * instance over a fault in guest code (an exception on hvt, a signal on
 * unix), with the registers at the fault.  Returns 1 when the kernel
 * contains the fault (a module's entry point faulted, see kernel/kfault.h):
 * it has then rewritten the registers below, and the platform resumes
 * there.  Returns 0 otherwise: report and end the instance as before.
 * Runs on the fault path: no SSE, no locks, no allocation. */
enum plat_fault_kind {
	PLAT_FAULT_PAGE = 1, /* addr and write are meaningful */
	PLAT_FAULT_OTHER = 2,
};
struct plat_fault {
	int kind;	  /* IN enum plat_fault_kind */
	int write;	  /* IN page faults: the access was a write */
	const char *what; /* IN "page fault", "general protection fault"... */
	uint64_t addr;	  /* IN page faults: the address */
	/* IN the registers at the fault; OUT where to resume */
	uint64_t rip, rsp, rbp, rbx, r12, r13, r14, r15, rax;
};
int kernel_fault(struct plat_fault *f);

/* plat_console_write - write len bytes to the console.  Never fails; the
 * platform drops output it cannot deliver. */
void plat_console_write(const char *buf, size_t len);

/* plat_clock_monotonic - nanoseconds since an arbitrary point at boot;
 * never goes backwards.  plat_clock_wall - nanoseconds since the Unix epoch,
 * as the host sees it at boot plus monotonic time since. */
uint64_t plat_clock_monotonic(void);
uint64_t plat_clock_wall(void);

/* plat_yield - give the CPU to the host until monotonic time reaches
 * deadline or one of the watched devices has input pending.  On entry
 * *ready holds the set of handles to watch (devices nobody reads are left
 * out, so that their pending input does not end every yield at once); on
 * return it holds the watched handles with input (0 on timeout).  Returns
 * early and spuriously at the platform's discretion; callers recheck. */
void plat_yield(uint64_t deadline, plat_handle_set_t *ready);

/* plat_device_info - describe handle h.  GRAFT_EBADF if h is not a device. */
int plat_device_info(plat_handle_t h, struct plat_device_info *info);

/* plat_net_frame_max - the largest frame a net device moves: mtu + 14
 * bytes, or with offloads the header and a 64 KiB segment. */
static inline size_t plat_net_frame_max(const struct plat_device_info *info)
{
	return info->net_offloads ? GRAFT_NET_FRAME_MAX : info->mtu + 14u;
}

/* plat_net_write - send one frame (with offloads: header and frame;
 * at most plat_net_frame_max() bytes).
 * GRAFT_EBADF (not a net device), GRAFT_EINVAL (size), GRAFT_EIO. */
int plat_net_write(plat_handle_t h, const void *frame, size_t len);

/* plat_net_read - receive one frame into buf; *len receives its length.
 * GRAFT_EAGAIN when none is pending; GRAFT_EINVAL if size is below
 * plat_net_frame_max(). */
int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len);

/* Batches: many frames in one request, which costs one exit to the host
 * where a single frame would cost one each (hvt).  The frames lie in one
 * buffer, frame i at the sum of the lengths before it, each rounded up to
 * PLAT_NET_BATCH_ALIGN (plat_net_batch_next()); lens[i] is frame i's
 * length.  At most PLAT_NET_BATCH_MAX frames per call.
 *
 * plat_net_read_batch - receive up to max pending frames into buf (size
 * bytes); *count receives how many.  Stops when fewer than
 * plat_net_frame_max() bytes of buf remain.  GRAFT_EAGAIN when none is
 * pending; GRAFT_EBADF, GRAFT_EINVAL (max 0 or above PLAT_NET_BATCH_MAX,
 * size below plat_net_frame_max()), GRAFT_EIO.
 * plat_net_write_batch - send frames 0..count-1 in order; *sent receives
 * how many went out before the first failure, whose error is returned (as
 * for plat_net_write), or 0 when all did. */
#define PLAT_NET_BATCH_MAX 64
#define PLAT_NET_BATCH_ALIGN 16
static inline size_t plat_net_batch_next(size_t off, size_t len)
{
	return (off + len + PLAT_NET_BATCH_ALIGN - 1) &
	       ~(size_t)(PLAT_NET_BATCH_ALIGN - 1);
}
int plat_net_read_batch(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count);
int plat_net_write_batch(plat_handle_t h, const void *buf, size_t size,
			 const uint32_t *lens, unsigned count, unsigned *sent);
/* plat_net_read_ahead - lend net handle h's batch buffer (as
 * plat_net_read_batch takes it) to the next plat_yield that finds h with
 * input: that yield reads up to max frames into it, where reading then
 * costs nothing more (hvt: in the yield's own exit), and sets *count to
 * how many (0: none were, read them as usual).  The loan ends there, or
 * when called again with buf NULL; until then the caller leaves buf,
 * lens and *count alone.  One loan at a time.  GRAFT_ENOTSUP where a read
 * in the yield saves nothing (the caller reads as usual), GRAFT_EBADF,
 * GRAFT_EINVAL (as for plat_net_read_batch), GRAFT_EBUSY (another loan). */
int plat_net_read_ahead(plat_handle_t h, void *buf, size_t size,
			uint32_t *lens, unsigned max, unsigned *count);
/* plat_net_write_behind - lend net handle h's frames 0..count-1 (as
 * plat_net_write_batch takes them) to the next plat_yield, which sends
 * them in order before it waits or polls, where sending then costs
 * nothing more (hvt: in the yield's own exit), and sets *sent to how many
 * went out.  The loan ends there; called again with buf NULL, it returns
 * its outcome: 0 when the yield sent them all, the first failure's error
 * (as for plat_net_write_batch) when it stopped short, GRAFT_EAGAIN when
 * no yield took them (*sent is 0: the caller writes them as usual).
 * Until then the caller leaves buf, lens and *sent alone.  One loan at a
 * time.  GRAFT_ENOTSUP where a write in the yield saves nothing (the
 * caller writes as usual), GRAFT_EBADF, GRAFT_EINVAL (count 0 or above
 * PLAT_NET_BATCH_MAX), GRAFT_EBUSY (another loan, or one whose outcome
 * was not asked for yet). */
int plat_net_write_behind(plat_handle_t h, const void *buf, size_t size,
			  const uint32_t *lens, unsigned count,
			  unsigned *sent);

/* plat_block_read/write - transfer len bytes at byte offset; both must be
 * multiples of the sector size and within the device.  Writes reach the
 * backing store in order; plat_block_flush makes them durable.
 * GRAFT_EBADF, GRAFT_EINVAL (alignment or range), GRAFT_EROFS, GRAFT_EIO. */
int plat_block_read(plat_handle_t h, uint64_t offset, void *buf, size_t len);
int plat_block_write(plat_handle_t h, uint64_t offset, const void *buf,
		     size_t len);
int plat_block_flush(plat_handle_t h);

/* plat_ctl_read - take the next whole message from the host control channel
 * (see include/abi/ctl.h); GRAFT_EAGAIN if none, GRAFT_EMSGSIZE if it does
 * not fit: *len then holds its size, buf its first size bytes, and the
 * message stays queued, to be read again with a buffer that size (or
 * dropped: buf NULL and size 0 discard the next message).  plat_ctl_write - send one whole message
 * (the answer to the current request).  GRAFT_ENOTCONN if no host client. */
int plat_ctl_read(plat_handle_t h, void *buf, size_t size, size_t *len);
int plat_ctl_write(plat_handle_t h, const void *buf, size_t len);

/* plat_mem_protect - set the protection of whole pages within the heap
 * region.  prot is a mix of PLAT_PROT_*; never WRITE and EXEC together;
 * 0 makes the pages inaccessible (the kernel's fiber stack guard pages; it
 * falls back to a canary when this fails).
 * GRAFT_EINVAL (alignment, range, W+X), GRAFT_ESEALED (EXEC after seal). */
#define PLAT_PROT_READ 1
#define PLAT_PROT_WRITE 2
#define PLAT_PROT_EXEC 4
int plat_mem_protect(uintptr_t addr, size_t len, int prot);

/* plat_seal - make every executable page immutable and refuse new ones,
 * enforced below the guest where the target can.  Irreversible. */
int plat_seal(void);

/* plat_exit - end the instance with status.  plat_abort - end it after a
 * fatal error, with the message shown by the host. */
void plat_exit(int status) __attribute__((noreturn));
void plat_abort(const char *msg) __attribute__((noreturn));

#endif
