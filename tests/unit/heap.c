/* The kernel heap's block allocator (kernel/heap.c) over a private buffer:
 * patterns, alignment, realloc, statistics, fragmentation, exhaustion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "kheap.h"

#define REGION (8u << 20)

static void *region;

static void fresh_heap(size_t size)
{
	is_int(heap_init(region, size), 0, "heap_init over the buffer");
}

static void fill(void *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(seed * 31 + i * 7);
}

static int check(const void *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] !=
		    (unsigned char)(seed * 31 + i * 7))
			return 0;
	return 1;
}

static void test_init_rejects(void)
{
	is_int(heap_init((char *)region + 1, REGION - 4096), -1,
	       "heap_init refuses a misaligned region (GRAFT_EINVAL)");
	is_int(heap_init(region, 4096), -1,
	       "heap_init refuses a one-page region (GRAFT_EINVAL)");
}

/* Many sizes live at once, each filled with its own pattern: no block
 * overlaps another or the allocator's own data. */
static void test_patterns_no_overlap(void)
{
	enum { N = 600 };
	static void *p[N];
	static size_t sz[N];
	int good = 1, aligned = 1;

	fresh_heap(REGION);
	for (int i = 0; i < N; i++) {
		sz[i] = (i * 37) % 3000 + (i % 50 == 0 ? 9000 : 1);
		p[i] = heap_malloc(sz[i]);
		if (!p[i]) {
			good = 0;
			break;
		}
		aligned &= ((uintptr_t)p[i] % 16) == 0;
		fill(p[i], sz[i], i);
	}
	ok(good, "600 blocks of mixed sizes allocated");
	ok(aligned, "every block is 16-byte aligned");
	for (int i = 0; i < N; i += 2)
		heap_free(p[i]);
	for (int i = 0; i < N; i += 2) {
		p[i] = heap_malloc(sz[i]);
		fill(p[i], sz[i], i);
	}
	for (int i = 0; i < N; i++)
		good &= p[i] && check(p[i], sz[i], i);
	ok(good, "patterns intact after freeing and reallocating half");
	for (int i = 0; i < N; i++)
		good &= heap_usable_size(p[i]) >= sz[i];
	ok(good, "usable size covers every request");
	for (int i = 0; i < N; i++)
		heap_free(p[i]);
}

static void test_stats_return(void)
{
	struct graft_heap_stats a, b, c;
	void *p[100];

	fresh_heap(REGION);
	graft_heap_get_stats(&a);
	is_int(a.in_use, 0, "a fresh heap has nothing in use");
	ok(a.total > REGION - 64 * 1024 && a.total <= REGION,
	   "total is the region less the page map (%zu)", a.total);
	for (int i = 0; i < 100; i++)
		p[i] = heap_malloc(i * 97 + 1);
	graft_heap_get_stats(&b);
	ok(b.in_use > a.in_use, "in_use grows with allocations");
	is_int(b.allocs - a.allocs, 100, "allocs counts each allocation");
	for (int i = 0; i < 100; i++)
		heap_free(p[i]);
	graft_heap_get_stats(&c);
	is_int(c.in_use, a.in_use, "in_use returns to its start after frees");
	is_int(c.frees - a.frees, 100, "frees counts each free");
	ok(c.peak >= b.in_use, "peak remembers the high point");
	is_int(c.failures, 0, "no failures");
	heap_free(NULL);
	graft_heap_get_stats(&a);
	is_int(a.frees, c.frees, "free(NULL) does nothing");
}

static void test_aligned(void)
{
	static const size_t aligns[] = {8,   16,   32,	 64,   128,
					256, 1024, 4096, 8192, 65536};
	static const size_t sizes[] = {1, 24, 100, 2000, 5000, 70000};
	int all = 1;

	fresh_heap(REGION);
	for (unsigned a = 0; a < sizeof(aligns) / sizeof(*aligns); a++) {
		for (unsigned s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
			void *p = heap_aligned_alloc(aligns[a], sizes[s]);

			if (!p || (uintptr_t)p % aligns[a] ||
			    heap_usable_size(p) < sizes[s]) {
				diag("align %zu size %zu: %p", aligns[a],
				     sizes[s], p);
				all = 0;
				continue;
			}
			fill(p, sizes[s], a + s);
			all &= check(p, sizes[s], a + s);
			heap_free(p);
		}
	}
	ok(all, "aligned_alloc honours alignments 8..65536 for all sizes");
	ok(heap_aligned_alloc(48, 10) == NULL,
	   "aligned_alloc refuses an alignment that is not a power of two");
	struct graft_heap_stats st;
	graft_heap_get_stats(&st);
	is_int(st.in_use, 0, "aligned blocks and their trimmings all freed");
}

static void test_realloc(void)
{
	struct graft_heap_stats st;
	char *p, *q;
	size_t n;

	fresh_heap(REGION);
	p = heap_realloc(NULL, 10);
	ok(p != NULL, "realloc(NULL) allocates");
	fill(p, 10, 1);
	/* Grow through small classes into pages and far beyond. */
	for (n = 10; n < 600000; n = n * 3 + 5) {
		q = heap_realloc(p, n * 3 + 5);
		if (!q || !check(q, 10, 1))
			break;
		p = q;
	}
	ok(n >= 600000, "realloc growth keeps the contents (to %zu bytes)", n);
	fill(p, n, 2);
	q = heap_realloc(p, 100000);
	ok(q && check(q, 100000, 2),
	   "realloc shrink of pages keeps the prefix");
	p = heap_realloc(q, 100);
	ok(p && check(p, 100, 2), "realloc shrink into a small class");
	q = heap_realloc(p, 90);
	ok(q == p, "a small shrink stays in place");
	ok(heap_realloc(q, 0) == NULL, "realloc(p, 0) frees");
	graft_heap_get_stats(&st);
	is_int(st.in_use, 0, "nothing in use after the realloc series");

	/* In-place growth of the last run. */
	p = heap_malloc(10000);
	q = heap_realloc(p, 50000);
	ok(q == p, "a large block at the top grows in place");
	heap_free(q);
}

static void test_calloc(void)
{
	unsigned char *p;
	int zero = 1;

	fresh_heap(REGION);
	p = heap_malloc(5000);
	memset(p, 0xaa, 5000);
	heap_free(p);
	p = heap_calloc(1000, 5);
	for (int i = 0; i < 5000; i++)
		zero &= p[i] == 0;
	ok(zero, "calloc zeroes reused memory");
	heap_free(p);
	ok(heap_calloc(SIZE_MAX / 2, 3) == NULL,
	   "calloc refuses a count whose product overflows");
}

/* Interleaved frees of many sizes must not leave the heap in pieces: once
 * everything is freed, one block of nearly the whole heap fits. */
static void test_fragmentation(void)
{
	enum { N = 3000 };
	static void *p[N];
	struct graft_heap_stats st;
	void *big;
	int n = 0;

	fresh_heap(2u << 20);
	graft_heap_get_stats(&st);
	while (n < N && (p[n] = heap_malloc((n * 131) % 5000 + 1)))
		n++;
	ok(n > 100, "filled the heap with %d mixed blocks", n);
	for (int i = 0; i < n; i += 3)
		heap_free(p[i]);
	for (int i = 1; i < n; i += 3)
		heap_free(p[i]);
	for (int i = 2; i < n; i += 3)
		heap_free(p[i]);
	big = heap_malloc(st.total - 8192);
	ok(big != NULL, "after interleaved frees one block of the whole heap "
			"less two pages fits");
	heap_free(big);
}

static void test_exhaustion(void)
{
	struct graft_heap_stats a, b;
	void *p;
	int n = 0;

	fresh_heap(1u << 20);
	graft_heap_get_stats(&a);
	ok(heap_malloc(2u << 20) == NULL, "a block larger than the heap: NULL");
	while ((p = heap_malloc(1000)))
		n++;
	graft_heap_get_stats(&b);
	ok(n > 500, "small blocks until exhaustion (%d)", n);
	is_int(b.failures - a.failures, 2, "each refusal counts a failure");
	while (heap_pages_alloc(1))
		n++;
	ok(heap_malloc(16) == NULL, "with every page taken, malloc(16) fails");
	ok(heap_pages_alloc(1) == NULL, "and so does a page");
}

int main(void)
{
	region = aligned_alloc(4096, REGION);
	test_init_rejects();
	test_patterns_no_overlap();
	test_stats_return();
	test_aligned();
	test_realloc();
	test_calloc();
	test_fragmentation();
	test_exhaustion();
	return done_testing();
}
