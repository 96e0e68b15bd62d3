/* The page allocator (graft_page_alloc/free in kernel/heap.c): zeroed
 * aligned pages, merging of freed neighbours, and no touching of memory it
 * has not handed out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "kheap.h"

#define REGION (4u << 20)
#define PAGE   4096

static unsigned char *region;

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_untouched(void)
{
	unsigned char *p[10];

	memset(region, 0x5a, REGION);
	is_int(heap_init(region, REGION), 0, "heap_init");
	ok(all_bytes(region, REGION, 0x5a), "heap_init writes nothing");
	for (int i = 0; i < 10; i++)
		p[i] = graft_page_alloc(i + 1);
	for (int i = 0; i < 10; i += 2)
		graft_page_free(p[i], i + 1);
	p[0] = heap_malloc(100);
	p[2] = heap_malloc(3000);
	ok(all_bytes(region + REGION / 2, REGION / 2, 0x5a),
	   "pages never handed out stay untouched (upper half intact)");
}

static void test_zero_aligned(void)
{
	struct graft_heap_stats a, b;
	unsigned char *p, *q;

	heap_init(region, REGION);
	graft_heap_get_stats(&a);
	p = graft_page_alloc(3);
	ok(p && (uintptr_t)p % PAGE == 0, "pages are page-aligned");
	ok(p && all_bytes(p, 3 * PAGE, 0), "fresh pages are zeroed");
	graft_heap_get_stats(&b);
	is_int(b.in_use - a.in_use, 3 * PAGE, "in_use counts the pages");
	memset(p, 0xff, 3 * PAGE);
	graft_page_free(p, 3);
	q = graft_page_alloc(3);
	ok(q == p, "freed pages are reused");
	ok(q && all_bytes(q, 3 * PAGE, 0), "reused pages are zeroed again");
	graft_page_free(q, 3);
	graft_heap_get_stats(&b);
	is_int(b.in_use, a.in_use, "in_use back to its start");
	ok(graft_page_alloc(0) == NULL, "zero pages: NULL");
	ok(graft_page_alloc(REGION / PAGE) == NULL,
	   "more pages than the region: NULL");
}

static void test_merge(void)
{
	unsigned char *a, *b, *c, *d, *m;

	heap_init(region, REGION);
	a = graft_page_alloc(3);
	b = graft_page_alloc(3);
	c = graft_page_alloc(3);
	d = graft_page_alloc(1);
	ok(b == a + 3 * PAGE && c == b + 3 * PAGE,
	   "fresh runs are handed out in address order");
	graft_page_free(a, 3);
	graft_page_free(c, 3);
	graft_page_free(b, 3);
	m = graft_page_alloc(9);
	ok(m == a, "three freed neighbours merge into one run of nine");
	graft_page_free(m, 9);
	m = graft_page_alloc(2);
	ok(m == a, "a smaller request splits the merged run");
	graft_page_free(m, 2);
	graft_page_free(d, 1);
	m = graft_page_alloc(REGION / PAGE - 8);
	ok(m == a, "with everything freed, nearly the whole region is one run");
	graft_page_free(m, REGION / PAGE - 8);
}

/* Many runs of many sizes, freed in a scrambled order, always merge back
 * to one: the largest allocation still succeeds. */
static void test_scrambled(void)
{
	enum { N = 200 };
	static unsigned char *p[N];
	static size_t n[N];
	struct graft_heap_stats st;
	int good = 1;

	heap_init(region, REGION);
	for (int i = 0; i < N; i++) {
		n[i] = i % 7 + 1;
		p[i] = heap_pages_alloc(n[i]);
		good &= p[i] != NULL;
		if (p[i])
			memset(p[i], i, n[i] * PAGE);
	}
	ok(good, "200 runs of 1..7 pages");
	for (int i = 0; i < N; i++)
		good &= all_bytes(p[i], n[i] * PAGE, (unsigned char)i);
	ok(good, "no two runs overlap");
	for (int k = 0; k < N; k++) {
		int i = (k * 73) % N;

		heap_pages_free(p[i], n[i]);
	}
	graft_heap_get_stats(&st);
	is_int(st.in_use, 0, "all freed");
	p[0] = heap_pages_alloc(st.total / PAGE);
	ok(p[0] != NULL, "the whole heap fits in one run again");
}

int main(void)
{
	region = aligned_alloc(PAGE, REGION);
	test_untouched();
	test_zero_aligned();
	test_merge();
	test_scrambled();
	return done_testing();
}
