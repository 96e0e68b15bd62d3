/* The C allocation names for guest code, over the kernel heap (heap.c).
 * Guest-only: hosted builds keep the host's malloc. */
#include <stdlib.h>

#include "kheap.h"
#include <graft/module.h>

void *malloc(size_t size)
{
	return heap_malloc(size);
}
GRAFT_EXPORT(malloc);

void *calloc(size_t n, size_t size)
{
	return heap_calloc(n, size);
}
GRAFT_EXPORT(calloc);

void *realloc(void *p, size_t size)
{
	return heap_realloc(p, size);
}
GRAFT_EXPORT(realloc);

void free(void *p)
{
	heap_free(p);
}
GRAFT_EXPORT(free);

void *aligned_alloc(size_t align, size_t size)
{
	return heap_aligned_alloc(align, size);
}
GRAFT_EXPORT(aligned_alloc);
