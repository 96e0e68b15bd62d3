/*
 * Split virtqueues (virtio 1.x, section 2.7): the ring code shared by every
 * virtio driver, independent of transport and of the platform so that it
 * is unit-tested hosted (tests/virtio/virtq_rings.c).
 *
 * The device is not trusted.  virtq_get() checks each used-ring entry it
 * takes: the used index may not move by more than the queue size, an id
 * must name the head of a chain the driver made available, and the length
 * written must fit the chain's device-writable buffers.  A violation marks
 * the queue broken, with a message naming it in q->why; every later call
 * then fails with GRAFT_EIO, and no memory is touched on the device's word.
 */
#ifndef GRAFT_PLATFORM_VIRTQ_H
#define GRAFT_PLATFORM_VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE	   256 /* what we ever ask for */
#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* size entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* One buffer of a chain: guest-physical address (the platform maps
 * identity) and length; device-writable ones follow the readable ones. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
};

struct virtq {
	uint16_t size;
	uint16_t num_free;
	uint16_t free_head;
	uint16_t last_used; /* the next used index to take */
	uint16_t avail_idx; /* our copy of avail->idx */
	int broken;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	void *token[VIRTQ_MAX_SIZE];	 /* per head: NULL if not in flight */
	uint32_t in_len[VIRTQ_MAX_SIZE]; /* per head: writable bytes */
	uint16_t chain_len[VIRTQ_MAX_SIZE];
	char why[96];
};

/* virtq_mem_size - bytes of ring memory a queue of size entries needs
 * (descriptors, then the available ring, then the used ring at a 4-byte
 * boundary); 0 if size is not a power of two in 1..VIRTQ_MAX_SIZE. */
size_t virtq_mem_size(unsigned size);

/* virtq_init - lay the rings of a size-entry queue out in mem (16-byte
 * aligned, virtq_mem_size(size) bytes, zeroed here).  GRAFT_EINVAL for a
 * size the device should not have offered or memory too small. */
int virtq_init(struct virtq *q, unsigned size, void *mem, size_t mem_len);

/* virtq_add - make a chain of nout device-readable then nin
 * device-writable buffers available, with token (not NULL) returned by
 * virtq_get when the device is done.  GRAFT_ENOSPC if the queue lacks
 * descriptors, GRAFT_EINVAL for an empty chain or a zero-length buffer,
 * GRAFT_EIO if the queue is broken.  The transport notifies. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned nout,
	      unsigned nin, void *token);

/* virtq_get - take the next used chain: 1 with *token and *len (bytes the
 * device wrote), 0 if none, GRAFT_EIO if the queue is or becomes broken. */
int virtq_get(struct virtq *q, void **token, uint32_t *len);

/* virtq_pending - whether the device has used a chain not yet taken. */
int virtq_pending(const struct virtq *q);

/* Addresses for the transport to give the device. */
uint64_t virtq_desc_addr(const struct virtq *q);
uint64_t virtq_avail_addr(const struct virtq *q);
uint64_t virtq_used_addr(const struct virtq *q);

#endif
