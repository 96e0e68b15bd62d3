/*
 * Split virtqueues: see virtq.h.  Free descriptors form a list through
 * their next fields; a chain's descriptors go back on it when the device
 * returns the chain's head.  The device sees guest-physical addresses;
 * this file needs none of the platform: ring memory is passed in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <graft/error.h>

#include "virtq.h"

#define barrier_release() __atomic_thread_fence(__ATOMIC_RELEASE)
#define barrier_acquire() __atomic_thread_fence(__ATOMIC_ACQUIRE)

static size_t avail_size(unsigned size)
{
	return 4 + 2 * size + 2;
}

size_t virtq_mem_size(unsigned size)
{
	size_t used_off;

	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return 0;
	used_off = (16 * size + avail_size(size) + 3) & ~(size_t)3;
	return used_off + 4 + 8 * size + 2;
}

int virtq_init(struct virtq *q, unsigned size, void *mem, size_t mem_len)
{
	size_t need = virtq_mem_size(size);
	char *m = mem;

	memset(q, 0, sizeof(*q));
	if (!need || !mem || mem_len < need || ((uintptr_t)mem & 15)) {
		q->broken = 1;
		return GRAFT_EINVAL;
	}
	memset(mem, 0, need);
	q->size = size;
	q->desc = (struct virtq_desc *)m;
	q->avail = (struct virtq_avail *)(m + 16 * size);
	q->used =
	    (struct virtq_used *)(m + ((16 * size + avail_size(size) + 3) &
				       ~(size_t)3));
	for (unsigned i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->num_free = size;
	q->free_head = 0;
	return 0;
}

static int fail(struct virtq *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct virtq *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->why, sizeof(q->why), fmt, ap);
	va_end(ap);
	q->broken = 1;
	return GRAFT_EIO;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned nout,
	      unsigned nin, void *token)
{
	unsigned n = nout + nin, head, i, prev = 0;
	uint32_t in_len = 0;

	if (q->broken)
		return GRAFT_EIO;
	if (n == 0 || !token)
		return GRAFT_EINVAL;
	for (i = 0; i < n; i++)
		if (bufs[i].len == 0)
			return GRAFT_EINVAL;
	if (n > q->num_free)
		return GRAFT_ENOSPC;
	head = q->free_head;
	for (i = 0, prev = head; i < n; i++) {
		unsigned d = q->free_head;

		q->free_head = q->desc[d].next;
		q->desc[d].addr = bufs[i].addr;
		q->desc[d].len = bufs[i].len;
		q->desc[d].flags = i >= nout ? VIRTQ_DESC_F_WRITE : 0;
		if (i) {
			q->desc[prev].flags |= VIRTQ_DESC_F_NEXT;
			q->desc[prev].next = (uint16_t)d;
		}
		if (i >= nout)
			in_len += bufs[i].len;
		prev = d;
	}
	q->num_free -= n;
	q->token[head] = token;
	q->in_len[head] = in_len;
	q->chain_len[head] = (uint16_t)n;
	q->avail->ring[q->avail_idx & (q->size - 1)] = (uint16_t)head;
	barrier_release(); /* the entry before the index that shows it */
	q->avail->idx = ++q->avail_idx;
	return 0;
}

int virtq_pending(const struct virtq *q)
{
	return !q->broken &&
	       *(volatile const uint16_t *)&q->used->idx != q->last_used;
}

/* Put head's chain back on the free list, walking our own count of its
 * descriptors rather than the (device-visible) flags. */
static void free_chain(struct virtq *q, unsigned head)
{
	unsigned d = head;

	for (unsigned i = 1; i < q->chain_len[head]; i++)
		d = q->desc[d].next;
	q->desc[d].next = q->free_head;
	q->free_head = (uint16_t)head;
	q->num_free += q->chain_len[head];
	q->token[head] = NULL;
}

int virtq_get(struct virtq *q, void **token, uint32_t *len)
{
	uint16_t used_idx, moved;
	struct virtq_used_elem e;

	if (q->broken)
		return GRAFT_EIO;
	used_idx = *(volatile uint16_t *)&q->used->idx;
	if (used_idx == q->last_used)
		return 0;
	moved = (uint16_t)(used_idx - q->last_used);
	if (moved > q->size - q->num_free)
		return fail(q, "used index moved by %u with %u chains out",
			    (unsigned)moved, (unsigned)(q->size - q->num_free));
	barrier_acquire(); /* the index before the entries it covers */
	e = q->used->ring[q->last_used & (q->size - 1)];
	if (e.id >= q->size)
		return fail(q, "used-ring id %u past the end (size %u)",
			    (unsigned)e.id, (unsigned)q->size);
	if (!q->token[e.id])
		return fail(q, "used-ring id %u is not a chain in flight",
			    e.id);
	if (e.len > q->in_len[e.id])
		return fail(q, "device wrote %u bytes into a %u-byte buffer",
			    (unsigned)e.len, (unsigned)q->in_len[e.id]);
	q->last_used++;
	*token = q->token[e.id];
	*len = e.len;
	free_chain(q, e.id);
	return 1;
}

uint64_t virtq_desc_addr(const struct virtq *q)
{
	return (uintptr_t)q->desc;
}

uint64_t virtq_avail_addr(const struct virtq *q)
{
	return (uintptr_t)q->avail;
}

uint64_t virtq_used_addr(const struct virtq *q)
{
	return (uintptr_t)q->used;
}
