/*
 * The split-virtqueue ring code (platform/virtio/virtq.c) against a fake
 * device that plays by the rules and then breaks them: used indices past
 * the end, ids out of range or not in flight, lengths beyond the buffers.
 * Each violation must fail the queue with a message and leave the memory
 * around the rings untouched.
 */
#include <stdint.h>
#include <string.h>

#include <graft/error.h>
#include "../../platform/virtio/virtq.h"
#include "../tap.h"

#define GUARD	   256
#define GUARD_BYTE 0xa5

static uint8_t arena[GUARD + 8192 + GUARD] __attribute__((aligned(16)));
static struct virtq q;

static void *ring_mem(void)
{
	memset(arena, GUARD_BYTE, sizeof(arena));
	return arena + GUARD;
}

static int guards_intact(unsigned size)
{
	size_t used = virtq_mem_size(size);

	for (size_t i = 0; i < GUARD; i++)
		if (arena[i] != GUARD_BYTE)
			return 0;
	for (size_t i = GUARD + used; i < sizeof(arena); i++)
		if (arena[i] != GUARD_BYTE)
			return 0;
	return 1;
}

/* The fake device: take the next available head, answer with (id, len). */
static uint16_t dev_avail_seen;

static int dev_take(uint16_t *head)
{
	if (q.avail->idx == dev_avail_seen)
		return 0;
	*head = q.avail->ring[dev_avail_seen++ & (q.size - 1)];
	return 1;
}

static void dev_use(uint32_t id, uint32_t len)
{
	q.used->ring[q.used->idx & (q.size - 1)].id = id;
	q.used->ring[q.used->idx & (q.size - 1)].len = len;
	q.used->idx++;
}

static void setup(unsigned size)
{
	dev_avail_seen = 0;
	virtq_init(&q, size, ring_mem(), virtq_mem_size(size));
}

static void test_sizes(void)
{
	ok(virtq_mem_size(0) == 0, "size 0 is refused");
	ok(virtq_mem_size(3) == 0,
	   "a size that is not a power of two is refused");
	ok(virtq_mem_size(512) == 0, "a size above VIRTQ_MAX_SIZE is refused");
	ok(virtq_mem_size(1) > 0 && virtq_mem_size(256) > 0,
	   "sizes 1 and 256 are accepted");
	is_int(virtq_init(&q, 100, ring_mem(), 8192), GRAFT_EINVAL,
	       "init refuses a bad size a device offered");
	is_int(virtq_init(&q, 64, ring_mem(), virtq_mem_size(64) - 1),
	       GRAFT_EINVAL, "init refuses too little memory");
	is_int(virtq_init(&q, 64, arena + GUARD + 4, 4096), GRAFT_EINVAL,
	       "init refuses misaligned memory");
	is_int(virtq_add(&q, &(struct virtq_buf){0x1000, 16}, 1, 0, &q),
	       GRAFT_EIO, "a queue that failed init takes nothing");
}

static void test_round_trip(void)
{
	struct virtq_buf b[3] = {{0x1000, 16}, {0x2000, 512}, {0x3000, 1}};
	uint16_t head = 0;
	void *tok;
	uint32_t len;
	int ok_desc;

	setup(8);
	is_int(virtq_add(&q, b, 1, 2, (void *)1), 0,
	       "a 3-buffer chain is added");
	is_int(virtq_get(&q, &tok, &len), 0, "nothing used yet");
	ok(dev_take(&head), "the device sees the chain");
	ok_desc = q.desc[head].len == 16 &&
		  !(q.desc[head].flags & VIRTQ_DESC_F_WRITE) &&
		  (q.desc[head].flags & VIRTQ_DESC_F_NEXT);
	ok(ok_desc, "the first descriptor is device-readable and chained");
	dev_use(head, 513);
	ok(virtq_pending(&q), "pending sees the used chain");
	is_int(virtq_get(&q, &tok, &len), 1, "the used chain is taken");
	ok(tok == (void *)1 && len == 513, "with its token and length");
	is_int(q.num_free, 8, "its descriptors are free again");
}

static void test_full_and_wrap(void)
{
	struct virtq_buf b = {0x1000, 64};
	int all = 1, full;
	uint16_t head = 0;
	void *tok;
	uint32_t len;

	setup(4);
	for (int i = 0; i < 4; i++)
		all &= virtq_add(&q, &b, 0, 1, (void *)(uintptr_t)(i + 1)) == 0;
	full = virtq_add(&q, &b, 0, 1, (void *)9);
	ok(all && full == GRAFT_ENOSPC, "a full queue says GRAFT_ENOSPC");
	while (dev_take(&head))
		dev_use(head, 64);
	while (virtq_get(&q, &tok, &len) == 1)
		;
	/* 70000 round trips: both 16-bit indices wrap. */
	for (int i = 0; i < 70000 && all; i++) {
		all &= virtq_add(&q, &b, 0, 1, (void *)(uintptr_t)(i + 1)) == 0;
		all &= dev_take(&head);
		dev_use(head, 1);
		all &= virtq_get(&q, &tok, &len) == 1 &&
		       tok == (void *)(uintptr_t)(i + 1);
	}
	ok(all, "70000 round trips across the index wrap");
	ok(guards_intact(4), "nothing written outside the rings");
}

static void expect_broken(const char *what, const char *needle)
{
	void *tok = NULL;
	uint32_t len = 0;
	int rc = virtq_get(&q, &tok, &len);

	if (!ok(rc == GRAFT_EIO && q.broken && strstr(q.why, needle),
		"%s: the queue fails with a message", what))
		diag("rc %d, why '%s'", rc, q.why);
	is_int(virtq_add(&q, &(struct virtq_buf){0x1000, 8}, 1, 0, &q),
	       GRAFT_EIO, "and then takes nothing");
	ok(guards_intact(q.size ? q.size : 8),
	   "and no memory around it changed");
}

static void test_bad_device(void)
{
	struct virtq_buf b[2] = {{0x1000, 16}, {0x2000, 100}};
	uint16_t head = 0;

	setup(8);
	virtq_add(&q, b, 1, 1, (void *)1);
	dev_take(&head);
	q.used->idx += 1000; /* claims far more than is out */
	expect_broken("used index past the end", "used index moved");

	setup(8);
	virtq_add(&q, b, 1, 1, (void *)1);
	dev_take(&head);
	dev_use(8, 1);
	expect_broken("used id past the end", "past the end");

	setup(8);
	virtq_add(&q, b, 1, 1, (void *)1);
	dev_take(&head);
	dev_use(head + 1, 1); /* a free descriptor, not a head in flight */
	expect_broken("used id not in flight", "not a chain in flight");

	setup(8);
	virtq_add(&q, b, 1, 1, (void *)1);
	dev_take(&head);
	dev_use(head, 101); /* one byte more than the writable buffer */
	expect_broken("length beyond the buffers", "100-byte buffer");

	setup(8);
	virtq_add(&q, b, 1, 1, (void *)1);
	virtq_add(&q, b, 1, 1, (void *)2);
	dev_take(&head);
	dev_use(head, 1);
	dev_use(head, 1); /* the same chain twice, the other still out */
	{
		void *tok;
		uint32_t len;

		virtq_get(&q, &tok, &len);
	}
	expect_broken("a chain returned twice", "not a chain in flight");
}

static void test_bad_driver_input(void)
{
	struct virtq_buf zero = {0x1000, 0};

	setup(8);
	is_int(virtq_add(&q, &zero, 1, 0, (void *)1), GRAFT_EINVAL,
	       "a zero-length buffer is refused");
	is_int(virtq_add(&q, &zero, 0, 0, (void *)1), GRAFT_EINVAL,
	       "an empty chain is refused");
	is_int(virtq_add(&q, &(struct virtq_buf){0x1000, 8}, 1, 0, NULL),
	       GRAFT_EINVAL, "a chain without a token is refused");
}

int main(void)
{
	test_sizes();
	test_round_trip();
	test_full_and_wrap();
	test_bad_device();
	test_bad_driver_input();
	return done_testing();
}
