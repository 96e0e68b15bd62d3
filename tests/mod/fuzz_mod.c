/*
 * libFuzzer target for the module validator and linker: every input is
 * validated, and if it passes, linked into fresh memory against the test
 * export table, then freed.  Init is never called (a mutated object's code
 * is not worth running).  Seeded with the real fixture objects.
 *
 *   make fuzz-mod [MOD_FUZZ_TIME=seconds]
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "kernel/mod/mod_internal.h"

extern const struct mod_export test_exports[];
extern const size_t test_exports_n;

/* What testapi.c records into (harness.c is not linked here). */
char test_last_note[64];
int test_notes, test_released;

static void *pages_alloc(size_t npages)
{
	void *p = mmap(NULL, npages * PLAT_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void pages_free(void *p, size_t npages)
{
	munmap(p, npages * PLAT_PAGE_SIZE);
}

static int pages_protect(void *p, size_t len, int prot)
{
	int host = (prot & PLAT_PROT_READ ? PROT_READ : 0) |
		   (prot & PLAT_PROT_WRITE ? PROT_WRITE : 0) |
		   (prot & PLAT_PROT_EXEC ? PROT_EXEC : 0);

	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC))
		abort();
	return mprotect(p, len, host) ? GRAFT_EINVAL : 0;
}

static const struct mod_mem_ops mem = {
    .alloc = pages_alloc, .free = pages_free, .protect = pages_protect};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int started;
	char err[256];
	struct mod_err e = {err, sizeof(err), "fuzz"};
	struct mod_elf elf;
	struct mod *m;

	if (!started) {
		mod_manager_init(&mem, test_exports, test_exports_n);
		started = 1;
	}
	if (mod_elf_validate(data, size, &elf, &e)) {
		if (strncmp(err, "module '", 8) != 0)
			abort(); /* every refusal names the module */
		return 0;
	}
	m = calloc(1, sizeof(*m));
	if (m) {
		m->resources.next = m->resources.prev = &m->resources;
		if (mod_elf_link(&elf, m, &mem, &e) == 0)
			mod_image_free(m, &mem);
		free(m);
	}
	mod_elf_release(&elf);
	return 0;
}
