/*
 * Per-thread heap accounting through ASan's allocation hooks (see
 * fuzz_heap.h).  The hooks run on every thread; only the counting
 * thread's calls change the count, so it needs no atomics.  The free hook
 * runs before ASan releases the block, when its size is still known.
 */
#include <pthread.h>
#include <sanitizer/allocator_interface.h>
#include <stdbool.h>
#include "fuzz_heap.h"

static pthread_t counting_thread;
static bool counting;
static long long held;

static bool on_counting_thread(void)
{
	return counting && pthread_equal(pthread_self(), counting_thread);
}

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	if (on_counting_thread())
		held += (long long)size;
}

/* A pointer ASan does not own (a double or invalid free) is left to ASan,
 * which reports it once the hook returns. */
static void on_free(const volatile void *p)
{
	const void *block = (const void *)p;

	if (block && on_counting_thread() && __sanitizer_get_ownership(block))
		held -= (long long)__sanitizer_get_allocated_size(block);
}

int fuzz_heap_count_start(void)
{
	counting_thread = pthread_self();
	counting = true;
	if (!__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free)) {
		counting = false;
		return -1;
	}
	return 0;
}

long long fuzz_heap_count(void)
{
	return held;
}
