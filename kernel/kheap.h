/*
 * The kernel heap's internal interface.  heap.c implements it over one
 * region; kernel/malloc.c gives it the C names in the guest.  Hosted unit
 * tests call these directly over a buffer of their own, beside the host's
 * malloc.
 */
#ifndef GRAFT_KERNEL_KHEAP_H
#define GRAFT_KERNEL_KHEAP_H

#include <stddef.h>
#include <graft/heap.h>

/* Small blocks come from size-class slabs up to this size; larger ones are
 * whole page runs. */
#define HEAP_SMALL_MAX 2048

/* heap_init - manage [start, start + size) (start page-aligned), forgetting
 * any earlier region.  Touches only the first page of the region's page
 * map; later, only pages it hands out (and their map entries).  Returns
 * GRAFT_EINVAL if the region is too small or misaligned. */
int heap_init(void *start, size_t size);

void *heap_malloc(size_t size);
void *heap_calloc(size_t n, size_t size);
void *heap_realloc(void *p, size_t size);
void heap_free(void *p);
/* align: a power of two; any size (C11's multiple rule is not enforced). */
void *heap_aligned_alloc(size_t align, size_t size);
/* heap_usable_size - bytes usable at p (>= the size asked for). */
size_t heap_usable_size(const void *p);

/* heap_pages_alloc - npages page-aligned pages, contents undefined (fresh
 * pages are not touched).  heap_pages_free - give back exactly what one
 * heap_pages_alloc returned, or a run of it. */
void *heap_pages_alloc(size_t npages);
void heap_pages_free(void *p, size_t npages);

/* heap_contains - whether p lies in the managed region. */
int heap_contains(const void *p);

#endif
