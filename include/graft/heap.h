/*
 * The kernel heap.  Allocation itself uses the C names (malloc, calloc,
 * realloc, free, aligned_alloc from <stdlib.h>), so that libraries build the
 * same way hosted and in the kernel.  This header adds what C lacks.
 */
#ifndef GRAFT_HEAP_H
#define GRAFT_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct graft_heap_stats {
	size_t in_use;    /* bytes handed out and not yet freed, counted in
			   * whole blocks: size classes and pages */
	size_t peak;      /* highest in_use since boot */
	size_t total;     /* bytes the heap manages */
	uint64_t allocs;  /* successful allocations */
	uint64_t frees;
	uint64_t failures; /* allocations refused for lack of memory */
};

/* graft_heap_get_stats - copy the current statistics into *st. */
void graft_heap_get_stats(struct graft_heap_stats *st);

/* graft_page_alloc - npages whole, page-aligned, zeroed pages; NULL when
 * exhausted (or npages is 0).  graft_page_free - give them back: exactly
 * the pointer and count one graft_page_alloc returned (anything else
 * panics); NULL is ignored.  Both count in the statistics. */
void *graft_page_alloc(size_t npages);
void graft_page_free(void *p, size_t npages);

#endif
