/*
 * Helpers of the hosted module tests (see harness.h).  Heap accounting
 * wraps malloc and friends at link time (-Wl,--wrap=...) for the manager's
 * objects and the tests; glibc's own allocations are not counted.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "harness.h"

char test_last_note[64];
int test_notes, test_released;

extern const struct mod_export test_exports[];
extern const size_t test_exports_n;

/* ---- heap accounting ---- */

static long heap_live;
static size_t heap_bytes;
static long fail_in = -1; /* allocations left before one fails; -1: never */

void harness_fail_after(long n)
{
	fail_in = n;
}

static bool fail_now(void)
{
	if (fail_in < 0)
		return false;
	return fail_in-- == 0;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void __real_free(void *p);

static void *count(void *p)
{
	if (p) {
		heap_live++;
		heap_bytes += malloc_usable_size(p);
	}
	return p;
}

static void uncount(void *p)
{
	if (p) {
		heap_live--;
		heap_bytes -= malloc_usable_size(p);
	}
}

void *__wrap_malloc(size_t n)
{
	if (fail_now())
		return NULL;
	return count(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t s)
{
	if (fail_now())
		return NULL;
	return count(__real_calloc(n, s));
}

void *__wrap_aligned_alloc(size_t a, size_t n)
{
	if (fail_now())
		return NULL;
	return count(__real_aligned_alloc(a, n));
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (fail_now())
		return NULL;
	uncount(p);
	q = __real_realloc(p, n);
	if (!q && p && n)
		count(p);
	return count(q);
}

void __wrap_free(void *p)
{
	uncount(p);
	__real_free(p);
}

void harness_heap(struct harness_heap *h)
{
	h->live = heap_live;
	h->bytes = heap_bytes;
}

/* ---- module memory ---- */

static uintptr_t next_far = 0x200000000000ul, next_low = 0x40000000ul;
static enum harness_place place = HARNESS_FAR;
static size_t pages_mapped;
static unsigned wx;

void harness_place(enum harness_place p)
{
	place = p;
}

static void *pages_alloc(size_t npages)
{
	uintptr_t *next = place == HARNESS_FAR ? &next_far : &next_low;
	size_t len = npages * PLAT_PAGE_SIZE;
	int tries;

	if (fail_now())
		return NULL;
	for (tries = 0; tries < 64; tries++) {
		void *p = mmap(
		    (void *)*next, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		*next += len + PLAT_PAGE_SIZE;
		if (p != MAP_FAILED) {
			pages_mapped += npages;
			return p;
		}
	}
	return NULL;
}

static void pages_free(void *p, size_t npages)
{
	munmap(p, npages * PLAT_PAGE_SIZE);
	pages_mapped -= npages;
}

static int pages_protect(void *p, size_t len, int prot)
{
	int host = 0;

	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC)) {
		wx++;
		return GRAFT_EINVAL;
	}
	host |= prot & PLAT_PROT_READ ? PROT_READ : 0;
	host |= prot & PLAT_PROT_WRITE ? PROT_WRITE : 0;
	host |= prot & PLAT_PROT_EXEC ? PROT_EXEC : 0;
	return mprotect(p, len, host) ? GRAFT_EINVAL : 0;
}

const struct mod_mem_ops harness_mem = {
    .alloc = pages_alloc,
    .free = pages_free,
    .protect = pages_protect,
};

size_t harness_pages_mapped(void)
{
	return pages_mapped;
}

unsigned harness_wx_violations(void)
{
	return wx;
}

/* ---- fixtures ---- */

static char fixture_dir[512];

void harness_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	int n = slash ? (int)(slash - argv0) : 1;

	snprintf(fixture_dir, sizeof(fixture_dir), "%.*s/fixtures", n,
		 slash ? argv0 : ".");
	if (mod_manager_init(&harness_mem, test_exports, test_exports_n))
		printf("Bail out! mod_manager_init failed\n");
}

uint8_t *harness_fixture(const char *dir, const char *name, size_t *len)
{
	char path[700];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s/%s.o", fixture_dir, dir, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("# fixture %s missing\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = __real_malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("# cannot read fixture %s\n", path);
		fclose(f);
		__real_free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void harness_free_fixture(uint8_t *p)
{
	__real_free(p);
}
