/*
 * libFuzzer target for the module manager as a whole.  Each input goes to
 * mod_load() as a module from the control channel would: the manager
 * sniffs its format (bytecode or native), checks its metadata and ABI and
 * its imports from the graft namespace, and runs its init.  If it loads,
 * it is sent a message, its timers run for a few milliseconds, it is
 * upgraded to itself (save, restore, the mailbox handed over, init again)
 * and unloaded.  After each input nothing may remain: no module, no
 * module page, no armed timer, and the heap exactly as it was before:
 * the bytes this thread holds, counted through ASan's hooks (fuzz_heap.h;
 * ASan's own total counts libFuzzer's other threads too).  Every refusal
 * must be one line naming the module.
 *
 * Native inputs are validated and linked, but their text never becomes
 * executable: the memory operations here refuse EXEC, so the load fails
 * at that step and unwinds.  Running mutated machine code would prove
 * nothing about the manager.  Bytecode runs in its own store with its fuel,
 * as in an instance.  The kernel core is the hosted one over the fake
 * platform, whose clock the target drives.
 *
 *   make fuzz-manager [MOD_FUZZ_TIME=seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <graft/error.h>
#include <graft/platform.h>
#include <graft/time.h>
#include <graft/timer.h>
#include "kernel/kheap.h"
#include "kernel/mod/mod_internal.h"
#include "tests/mod/fuzz_heap.h"
#include "tests/unit/fakeplat.h"

extern const struct mod_export wasm_test_exports[];
extern const size_t wasm_test_exports_n;

static size_t pages_mapped;

static void *pages_alloc(size_t npages)
{
	void *p = mmap(NULL, npages * PLAT_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	pages_mapped += npages;
	return p;
}

static void pages_free(void *p, size_t npages)
{
	munmap(p, npages * PLAT_PAGE_SIZE);
	pages_mapped -= npages;
}

static int pages_protect(void *p, size_t len, int prot)
{
	if (prot & PLAT_PROT_EXEC)
		return GRAFT_EPERM; /* see above: native code never runs */
	return mprotect(p, len,
			prot & PLAT_PROT_WRITE ? PROT_READ | PROT_WRITE
					       : PROT_READ)
		   ? GRAFT_EINVAL
		   : 0;
}

static const struct mod_mem_ops mem = {
    .alloc = pages_alloc, .free = pages_free, .protect = pages_protect};

/* FUZZ_MANAGER_VERBOSE=1 in the environment: what happens, on stderr. */
static int verbose;

static void report(const char *line)
{
	if (verbose)
		fprintf(stderr, "report: %s\n", line);
}

static void host_msg(const char *from, const void *data, size_t len)
{
	if (verbose)
		fprintf(stderr, "%s to host: %zu bytes\n", from, len);
	(void)data;
}

static void run_for(uint64_t ns)
{
	uint64_t end = graft_now() + ns;

	do {
		fakeplat_advance(GRAFT_NSEC_PER_MSEC);
		graft_timers_run(graft_now());
	} while (graft_now() < end);
}

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_manager: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

/* Every refusal is one line that names the module. */
static void check_message(int rc, const char *err)
{
	if (rc == 0)
		return;
	if (strncmp(err, "module '", 8) != 0)
		fail("a refusal does not name the module", err);
	if (strchr(err, '\n'))
		fail("a refusal is more than one line", err);
}

/* The fiber stacks' heap (no fiber is expected, but the core needs one). */
static uint8_t kernel_heap[1 << 20] __attribute__((aligned(4096)));

static void start(void)
{
	struct graft_timer t;

	if (heap_init(kernel_heap, sizeof(kernel_heap)))
		fail("heap_init failed", NULL);
	if (fuzz_heap_count_start())
		fail("cannot count the heap (no room for ASan hooks)", NULL);
	fakeplat_set_time(GRAFT_NSEC_PER_SEC);
	if (mod_manager_init(&mem, wasm_test_exports, wasm_test_exports_n) ||
	    mod_wasm_register())
		fail("the manager does not start", NULL);
	verbose = getenv("FUZZ_MANAGER_VERBOSE") != NULL;
	mod_set_report(report);
	mod_set_host_msg(host_msg);
	/* The kernel's timer heap grows at the first arm and stays. */
	graft_timer_init(&t, NULL, NULL);
	graft_timer_arm(&t, UINT64_MAX);
	graft_timer_cancel(&t);
}

/* Upgrade the live module to the same bytes, then unload it. */
static void exercise(const uint8_t *data, size_t size, const char *name)
{
	struct mod_load_opts opts = {.source = "fuzz"};
	char err[256];
	bool fresh;
	int rc;

	mod_msg_send(name, "fuzz", 4);
	run_for(3 * GRAFT_NSEC_PER_MSEC);
	if (mod_find(name)) {
		rc = mod_upgrade(data, size, &opts, NULL, &fresh, err,
				 sizeof(err));
		check_message(rc, err);
		mod_msg_send(name, "again", 5);
		run_for(3 * GRAFT_NSEC_PER_MSEC);
	}
	if (mod_find(name) && mod_unload(name, err, sizeof(err)))
		fail("a live module does not unload", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int started;
	struct mod_load_opts opts = {.source = "fuzz"};
	char err[256], name[GRAFT_MODULE_NAME_MAX], left[64];
	long long heap_before;
	struct mod *m;
	int rc;

	if (!started) {
		start();
		started = 1;
	}
	heap_before = fuzz_heap_count();
	rc = mod_load(data, size, &opts, &m, err, sizeof(err));
	check_message(rc, err);
	if (verbose)
		fprintf(stderr, "load: %d %s\n", rc, err);
	if (rc == 0) {
		snprintf(name, sizeof(name), "%s", mod_name(m));
		exercise(data, size, name);
	}
	if (mod_count() != 0)
		fail("a module is left in the registry", NULL);
	if (pages_mapped != 0)
		fail("module pages are left mapped", NULL);
	if (graft_timers_next() != UINT64_MAX)
		fail("a timer is left armed", NULL);
	if (fuzz_heap_count() != heap_before) {
		snprintf(left, sizeof(left), "%+lld bytes",
			 fuzz_heap_count() - heap_before);
		fail("the heap is not back to where it was", left);
	}
	return 0;
}
