/*
 * The kernel heap: a page allocator over the platform's region, and small
 * blocks carved from size-class slabs on top of it.
 *
 * Layout: the region opens with the page map (a 32-bit entry per page),
 * then the pages.  Pages at and above `top` have never been handed out and
 * are never touched (on hvt, untouched guest memory costs the host
 * nothing), so init is O(1) whatever the region's size.  Below top, every
 * page belongs to exactly one run, and each run's first and last map entries
 * say what it is:
 *   FREE  n      both ends of a free run of n pages; the run's first page
 *                holds its links in a bin of runs of size [2^b, 2^(b+1))
 *   LARGE n      first page of an allocated run (a big block or pages)
 *   LTAIL n      last page of it (when n > 1)
 *   SLAB c,o     every page of a slab of class c, o pages from its start
 * so a freed run finds its neighbours through map[i - 1] and map[i + n] and
 * merges with the free ones; a free run that reaches top lowers top.
 *
 * A slab keeps its header at its end, so its blocks start page-aligned and
 * power-of-two classes are naturally aligned (aligned_alloc uses that).
 * Blocks never handed out are above the slab's bump index, so a new slab
 * costs O(1).  A slab whose last block is freed goes back to the pages.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <graft/error.h>
#include <graft/log.h>
#include <graft/platform.h>

#include "kheap.h"
#include <graft/module.h>

#define PAGE	   PLAT_PAGE_SIZE
#define PAGE_SHIFT 12
#define MIN_ALIGN  16

#define PM_SHIFT     28
#define PM_VAL_MASK  ((1U << PM_SHIFT) - 1)
#define PM_MAX_PAGES PM_VAL_MASK
enum pm_kind { PM_FREE = 1, PM_LARGE = 2, PM_LTAIL = 3, PM_SLAB = 4 };

#define NBINS	       28
#define NCLASSES       24
#define BIN_SCAN_LIMIT 16

struct run {
	struct run *next, *prev;
};

struct slab {
	struct slab *next, *prev; /* partial list of its class */
	void *free;		  /* freed blocks, linked through them */
	uint16_t used;		  /* blocks handed out */
	uint16_t bump;		  /* blocks [bump, cap) never handed out */
	uint16_t cap;
	uint8_t cls;
	uint8_t listed; /* on the partial list (used < cap) */
};

static struct {
	uintptr_t base; /* first page */
	size_t npages;	/* pages in all */
	size_t top;	/* pages [top, npages) never handed out */
	uint32_t *map;
	struct run *bins[NBINS];
	uint32_t binmask; /* bit b: bins[b] not empty */
	struct slab *partial[NCLASSES];
	struct graft_heap_stats st;
} H;

/* ---- page map ---- */

static uint32_t pm(enum pm_kind kind, uint32_t val)
{
	return (uint32_t)kind << PM_SHIFT | val;
}

static enum pm_kind pm_kind(uint32_t e)
{
	return e >> PM_SHIFT;
}

static uint32_t pm_val(uint32_t e)
{
	return e & PM_VAL_MASK;
}

static void *page_addr(size_t idx)
{
	return (void *)(H.base + (idx << PAGE_SHIFT));
}

static size_t page_index(const void *p)
{
	return ((uintptr_t)p - H.base) >> PAGE_SHIFT;
}

int heap_contains(const void *p)
{
	return (uintptr_t)p >= H.base &&
	       (uintptr_t)p < H.base + (H.top << PAGE_SHIFT);
}

/* ---- free runs ---- */

static unsigned bin_of(size_t n)
{
	return 63 - __builtin_clzll(n);
}

static void run_insert(size_t idx, size_t n)
{
	struct run *r = page_addr(idx);
	unsigned b = bin_of(n);

	H.map[idx] = pm(PM_FREE, n);
	H.map[idx + n - 1] = pm(PM_FREE, n);
	r->prev = NULL;
	r->next = H.bins[b];
	if (r->next)
		r->next->prev = r;
	H.bins[b] = r;
	H.binmask |= 1U << b;
}

static void run_remove(size_t idx, size_t n)
{
	struct run *r = page_addr(idx);
	unsigned b = bin_of(n);

	if (r->prev)
		r->prev->next = r->next;
	else
		H.bins[b] = r->next;
	if (r->next)
		r->next->prev = r->prev;
	if (!H.bins[b])
		H.binmask &= ~(1U << b);
}

static void mark_large(size_t idx, size_t n)
{
	H.map[idx] = pm(PM_LARGE, n);
	if (n > 1)
		H.map[idx + n - 1] = pm(PM_LTAIL, n);
}

/* Take n pages: a fitting free run first (reusing touched memory), else
 * fresh pages from top.  Returns the first page's index, or SIZE_MAX.  The
 * caller marks the run it got. */
static size_t pages_take(size_t n)
{
	unsigned b = bin_of(n);
	uint32_t higher;
	struct run *r = H.bins[b];
	size_t idx, have;

	for (int i = 0; r && i < BIN_SCAN_LIMIT; r = r->next, i++)
		if (pm_val(H.map[page_index(r)]) >= n)
			goto found;
	higher = b + 1 < NBINS ? H.binmask & ~((2U << b) - 1) : 0;
	if (higher) {
		r = H.bins[__builtin_ctz(higher)];
		goto found;
	}
	if (H.npages - H.top < n)
		return SIZE_MAX;
	idx = H.top;
	H.top += n;
	return idx;
found:
	idx = page_index(r);
	have = pm_val(H.map[idx]);
	run_remove(idx, have);
	if (have > n)
		run_insert(idx + n, have - n);
	return idx;
}

/* Give back n pages at idx, merging with free neighbours. */
static void pages_release(size_t idx, size_t n)
{
	if (idx > 0 && pm_kind(H.map[idx - 1]) == PM_FREE) {
		size_t pn = pm_val(H.map[idx - 1]);

		run_remove(idx - pn, pn);
		idx -= pn;
		n += pn;
	}
	if (idx + n < H.top && pm_kind(H.map[idx + n]) == PM_FREE) {
		size_t nn = pm_val(H.map[idx + n]);

		run_remove(idx + n, nn);
		n += nn;
	}
	if (idx + n == H.top) {
		H.top = idx;
		return;
	}
	run_insert(idx, n);
}

/* Grow the allocated run at idx from n to m pages where it stands, if the
 * pages after it are free.  Returns whether it did. */
static bool pages_extend(size_t idx, size_t n, size_t m)
{
	size_t want = m - n, next = idx + n, have;

	if (next == H.top) {
		if (H.npages - H.top < want)
			return false;
		H.top += want;
		mark_large(idx, m);
		return true;
	}
	if (pm_kind(H.map[next]) != PM_FREE)
		return false;
	have = pm_val(H.map[next]);
	if (have < want)
		return false;
	run_remove(next, have);
	if (have > want)
		run_insert(next + want, have - want);
	mark_large(idx, m);
	return true;
}

/* ---- statistics ---- */

static void count_alloc(size_t bytes)
{
	H.st.in_use += bytes;
	if (H.st.in_use > H.st.peak)
		H.st.peak = H.st.in_use;
	H.st.allocs++;
}

static void count_free(size_t bytes)
{
	H.st.in_use -= bytes;
	H.st.frees++;
}

static void *count_failure(void)
{
	H.st.failures++;
	return NULL;
}

void graft_heap_get_stats(struct graft_heap_stats *st)
{
	*st = H.st;
}
GRAFT_EXPORT(graft_heap_get_stats);

/* ---- init ---- */

int heap_init(void *start, size_t size)
{
	uintptr_t s = (uintptr_t)start;
	size_t total = size >> PAGE_SHIFT, map_pages;

	if (s & (PAGE - 1) || total < 2)
		return GRAFT_EINVAL;
	if (total > PM_MAX_PAGES)
		total = PM_MAX_PAGES;
	map_pages = (total * sizeof(uint32_t) + PAGE - 1) >> PAGE_SHIFT;
	memset(&H, 0, sizeof(H));
	H.map = start;
	H.base = s + (map_pages << PAGE_SHIFT);
	H.npages = total - map_pages;
	H.st.total = H.npages << PAGE_SHIFT;
	return 0;
}

/* ---- pages ---- */

void *heap_pages_alloc(size_t npages)
{
	size_t idx;

	if (npages == 0 || npages > H.npages)
		return count_failure();
	idx = pages_take(npages);
	if (idx == SIZE_MAX)
		return count_failure();
	mark_large(idx, npages);
	count_alloc(npages << PAGE_SHIFT);
	return page_addr(idx);
}

static size_t large_pages(const void *p, const char *what)
{
	size_t idx = page_index(p);
	uint32_t e;

	if (!heap_contains(p) || ((uintptr_t)p & (PAGE - 1)))
		graft_panic("heap: %s of %p, not a heap block", what, p);
	e = H.map[idx];
	if (pm_kind(e) != PM_LARGE)
		graft_panic("heap: %s of %p, not an allocated block", what, p);
	return pm_val(e);
}

void heap_pages_free(void *p, size_t npages)
{
	size_t n;

	if (!p)
		return;
	n = large_pages(p, "page free");
	if (n != npages)
		graft_panic("heap: page free of %p: %zu pages, allocated %zu",
			    p, npages, n);
	count_free(n << PAGE_SHIFT);
	pages_release(page_index(p), n);
}

void *graft_page_alloc(size_t npages)
{
	void *p = heap_pages_alloc(npages);

	if (p)
		memset(p, 0, npages << PAGE_SHIFT);
	return p;
}
GRAFT_EXPORT(graft_page_alloc);

void graft_page_free(void *p, size_t npages)
{
	heap_pages_free(p, npages);
}
GRAFT_EXPORT(graft_page_free);

/* ---- size classes ----
 * 16..128 in steps of 16, then four steps per power of two up to 2048:
 * 160 192 224 256, 320 ... 512, 640 ... 1024, 1280 ... 2048. */

static unsigned class_of(size_t size)
{
	unsigned k;

	if (size <= 128)
		return size ? (size - 1) >> 4 : 0;
	k = 63 - __builtin_clzll(size - 1); /* 2^k < size <= 2^(k+1) */
	return 8 + (k - 7) * 4 + (((size - 1) >> (k - 2)) & 3);
}

static size_t class_size(unsigned c)
{
	size_t base;

	if (c < 8)
		return (c + 1) * 16;
	base = (size_t)128 << ((c - 8) / 4);
	return base + ((c - 8) % 4 + 1) * (base / 4);
}

/* Enough pages for at least 8 blocks. */
static size_t class_pages(unsigned c)
{
	size_t p = (class_size(c) * 8 + PAGE - 1) >> PAGE_SHIFT;

	return p ? p : 1;
}

static uintptr_t slab_start(const struct slab *s)
{
	return (uintptr_t)(s + 1) - (class_pages(s->cls) << PAGE_SHIFT);
}

static void slab_list_add(struct slab *s)
{
	s->prev = NULL;
	s->next = H.partial[s->cls];
	if (s->next)
		s->next->prev = s;
	H.partial[s->cls] = s;
	s->listed = 1;
}

static void slab_list_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		H.partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->listed = 0;
}

static struct slab *slab_new(unsigned c)
{
	size_t np = class_pages(c), idx = pages_take(np);
	struct slab *s;

	if (idx == SIZE_MAX)
		return NULL;
	for (size_t i = 0; i < np; i++)
		H.map[idx + i] = pm(PM_SLAB, c << 8 | i);
	s = (struct slab *)((uintptr_t)page_addr(idx + np) -
			    sizeof(struct slab));
	s->free = NULL;
	s->used = 0;
	s->bump = 0;
	s->cls = c;
	s->cap = ((np << PAGE_SHIFT) - sizeof(struct slab)) / class_size(c);
	slab_list_add(s);
	return s;
}

static void *small_alloc(unsigned c)
{
	struct slab *s = H.partial[c];
	void *b;

	if (!s) {
		s = slab_new(c);
		if (!s)
			return NULL;
	}
	if (s->free) {
		b = s->free;
		s->free = *(void **)b;
	} else {
		b = (void *)(slab_start(s) + s->bump * class_size(c));
		s->bump++;
	}
	if (++s->used == s->cap)
		slab_list_remove(s);
	return b;
}

static struct slab *slab_of(const void *p, uint32_t e)
{
	unsigned c = pm_val(e) >> 8, off = pm_val(e) & 0xff;
	size_t first = page_index(p) - off;

	return (struct slab *)((uintptr_t)page_addr(first + class_pages(c)) -
			       sizeof(struct slab));
}

static void small_free(void *p, uint32_t e)
{
	struct slab *s = slab_of(p, e);
	size_t size = class_size(s->cls);
	uintptr_t off = (uintptr_t)p - slab_start(s);

	if (off % size || off / size >= s->bump)
		graft_panic("heap: free of %p, not a block start", p);
	*(void **)p = s->free;
	s->free = p;
	s->used--;
	if (s->used == 0) {
		if (s->listed)
			slab_list_remove(s);
		pages_release(page_index((void *)slab_start(s)),
			      class_pages(s->cls));
		return;
	}
	if (!s->listed)
		slab_list_add(s);
}

/* ---- blocks ---- */

void *heap_malloc(size_t size)
{
	size_t np;
	void *p;

	if (size <= HEAP_SMALL_MAX) {
		unsigned c = class_of(size);

		p = small_alloc(c);
		if (!p)
			return count_failure();
		count_alloc(class_size(c));
		return p;
	}
	if (size > (H.npages << PAGE_SHIFT))
		return count_failure();
	np = (size + PAGE - 1) >> PAGE_SHIFT;
	return heap_pages_alloc(np);
}

size_t heap_usable_size(const void *p)
{
	uint32_t e;

	if (!p)
		return 0;
	if (!heap_contains(p))
		graft_panic("heap: size of %p, not a heap block", p);
	e = H.map[page_index(p)];
	if (pm_kind(e) == PM_SLAB)
		return class_size(pm_val(e) >> 8);
	return large_pages(p, "size") << PAGE_SHIFT;
}

void heap_free(void *p)
{
	uint32_t e;
	size_t n;

	if (!p)
		return;
	if (!heap_contains(p))
		graft_panic("heap: free of %p, not a heap block", p);
	e = H.map[page_index(p)];
	if (pm_kind(e) == PM_SLAB) {
		count_free(class_size(pm_val(e) >> 8));
		small_free(p, e);
		return;
	}
	n = large_pages(p, "free");
	count_free(n << PAGE_SHIFT);
	pages_release(page_index(p), n);
}

void *heap_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return count_failure();
	p = heap_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Large blocks grow in place when the pages after them are free, and
 * shrink in place; small blocks stay put unless they would shrink by half
 * or more. */
void *heap_realloc(void *p, size_t size)
{
	size_t old, n, m;
	void *q;

	if (!p)
		return heap_malloc(size);
	if (size == 0) {
		heap_free(p);
		return NULL;
	}
	old = heap_usable_size(p);
	if (size <= old && (size > old / 2 || size <= MIN_ALIGN))
		return p;
	if (old > HEAP_SMALL_MAX && size > HEAP_SMALL_MAX) {
		n = old >> PAGE_SHIFT;
		m = (size + PAGE - 1) >> PAGE_SHIFT;
		if (m < n) {
			mark_large(page_index(p), m);
			pages_release(page_index(p) + m, n - m);
			H.st.in_use -= (n - m) << PAGE_SHIFT;
			return p;
		}
		if (m <= H.npages && pages_extend(page_index(p), n, m)) {
			count_alloc((m - n) << PAGE_SHIFT);
			H.st.allocs--; /* one block, grown */
			return p;
		}
	}
	q = heap_malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	heap_free(p);
	return q;
}

static bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static void *large_aligned(size_t align, size_t size)
{
	size_t np = (size + PAGE - 1) >> PAGE_SHIFT;
	size_t extra = align / PAGE - 1, idx, keep;

	if (np > H.npages || extra > H.npages - np)
		return count_failure();
	idx = pages_take(np + extra);
	if (idx == SIZE_MAX)
		return count_failure();
	keep = idx;
	while ((uintptr_t)page_addr(keep) & (align - 1))
		keep++;
	/* Mark the kept run first: the trimmed pieces look at it as their
	 * neighbour when they are given back. */
	mark_large(keep, np);
	if (keep > idx)
		pages_release(idx, keep - idx);
	if (idx + np + extra > keep + np)
		pages_release(keep + np, idx + np + extra - keep - np);
	count_alloc(np << PAGE_SHIFT);
	return page_addr(keep);
}

void *heap_aligned_alloc(size_t align, size_t size)
{
	size_t s = size > align ? size : align;

	if (!is_pow2(align))
		return count_failure();
	if (align <= MIN_ALIGN)
		return heap_malloc(size);
	if (s <= HEAP_SMALL_MAX) {
		/* A power-of-two class's blocks are aligned to their size. */
		size_t p2 = (size_t)1 << (64 - __builtin_clzll(s - 1));

		return heap_malloc(p2);
	}
	if (align <= PAGE)
		return heap_malloc(size > HEAP_SMALL_MAX ? size
							 : HEAP_SMALL_MAX + 1);
	return large_aligned(align, size);
}
