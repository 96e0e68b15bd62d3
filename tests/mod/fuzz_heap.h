/*
 * The heap bytes one thread holds, for the fuzz targets' "nothing left
 * behind" check.  ASan's __sanitizer_get_current_allocated_bytes() counts
 * every thread's allocations, and a libFuzzer process has more threads
 * than the one running the input: the RSS limit's watcher allocates and
 * frees while ASan sets it up (pthread_getattr_np), at whatever moment the
 * scheduler first runs it.  A check around one input must count only what
 * the code under test does, on the thread that runs it.
 */
#ifndef TESTS_MOD_FUZZ_HEAP_H
#define TESTS_MOD_FUZZ_HEAP_H

/* From now on, count the calling thread's allocations and frees through
 * ASan's malloc and free hooks (sizes as requested; realloc counts as an
 * allocation and a free).  Call once; returns 0, or -1 if ASan has no room
 * for another pair of hooks. */
int fuzz_heap_count_start(void);

/* Bytes allocated minus bytes freed by the counting thread since
 * fuzz_heap_count_start().  A block it frees that another thread
 * allocated is subtracted too, which the single-threaded code under test
 * never does. */
long long fuzz_heap_count(void);

#endif
