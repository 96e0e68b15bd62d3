/*
 * The fuzz targets' heap check counts what the thread running the input
 * allocates and frees, exactly, and nothing another thread does.  A
 * libFuzzer process has other threads: its RSS watcher allocates while
 * ASan sets it up, whenever the scheduler first runs it, and once did so
 * in the middle of an input, failing fuzz_manager's check on a module
 * that had left nothing behind (ASan's process-wide count moved).
 * Built with clang and ASan, like the targets.
 */
#include <pthread.h>
#include <sanitizer/allocator_interface.h>
#include <stdlib.h>
#include "tests/mod/fuzz_heap.h"
#include "tests/tap.h"

/* The other thread allocates, then frees, each between two barriers, so
 * that both happen while this thread is between two readings of its
 * count, as the RSS watcher's start-up once did.  pthread_create itself
 * (whose allocations are the caller's) is outside the readings. */
static pthread_barrier_t step;
static void *kept;

static void *alloc_then_free(void *arg)
{
	pthread_barrier_wait(&step);
	kept = malloc(1000);
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	free(kept);
	pthread_barrier_wait(&step);
	return arg;
}

static void this_thread_exactly(void)
{
	long long start = fuzz_heap_count();
	void *volatile p, *volatile q;

	p = malloc(100);
	is_int(fuzz_heap_count() - start, 100, "malloc(100) counts 100 bytes");
	q = calloc(3, 7);
	is_int(fuzz_heap_count() - start, 121, "calloc(3, 7) counts 21 more");
	p = realloc(p, 4000);
	is_int(fuzz_heap_count() - start, 4021,
	       "realloc to 4000 counts the new size, not the old");
	p = realloc(p, 10);
	is_int(fuzz_heap_count() - start, 31, "realloc down to 10 likewise");
	free(q);
	free(p);
	is_int(fuzz_heap_count(), start, "after the frees, back to the start");
	p = malloc(0);
	free(p);
	is_int(fuzz_heap_count(), start, "malloc(0) and its free balance");
	p = malloc(64);
	ok(fuzz_heap_count() != start, "a block still held is seen");
	free(p);
}

static void other_threads_not(void)
{
	long long start;
	size_t total;
	pthread_t t;

	if (pthread_barrier_init(&step, NULL, 2) ||
	    pthread_create(&t, NULL, alloc_then_free, NULL))
		abort();
	start = fuzz_heap_count();
	total = __sanitizer_get_current_allocated_bytes();
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	ok(__sanitizer_get_current_allocated_bytes() >= total + 1000,
	   "ASan's own total moves when another thread allocates");
	is_int(fuzz_heap_count(), start,
	       "a block another thread allocates and keeps is not counted");
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	is_int(fuzz_heap_count(), start, "nor its free on that thread");
	pthread_join(t, NULL);
	pthread_barrier_destroy(&step);
}

int main(void)
{
	static char out[BUFSIZ];

	/* stdio's own buffer would be the first block counted. */
	setvbuf(stdout, out, _IOLBF, sizeof(out));
	if (fuzz_heap_count_start()) {
		printf("Bail out! cannot install ASan's malloc hooks\n");
		return 1;
	}
	this_thread_exactly();
	other_threads_not();
	return done_testing();
}
