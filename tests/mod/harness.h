/*
 * Shared helpers of the hosted module tests: module memory from mmap at a
 * chosen distance from the test program, heap accounting through
 * -Wl,--wrap, fixture files, and the records testapi.c keeps.
 */
#ifndef GRAFT_TESTS_MOD_HARNESS_H
#define GRAFT_TESTS_MOD_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/mod/mod.h"

extern char test_last_note[64];
extern int test_notes, test_released;

/* Module memory: "far" maps above 32 TiB (out of ±2 GiB of the program),
 * "low" below 2 GiB (so that 32-bit absolute relocations fit). */
enum harness_place { HARNESS_FAR, HARNESS_LOW };
extern const struct mod_mem_ops harness_mem;
void harness_place(enum harness_place p);
size_t harness_pages_mapped(void);
unsigned harness_wx_violations(void);

struct harness_heap {
	long live;    /* allocations not yet freed */
	size_t bytes; /* their usable size */
};
void harness_heap(struct harness_heap *h);
/* Make the n-th allocation from now (heap or module pages, 0-based) fail,
 * and only that one; -1: none. */
void harness_fail_after(long n);

/* Start the manager with the test export table. */
void harness_init(const char *argv0);
/* The bytes of build/tests/mod/fixtures/<dir>/<name>.o (malloc'd by the
 * real allocator, not counted), or NULL (and a failed check). */
uint8_t *harness_fixture(const char *dir, const char *name, size_t *len);
void harness_free_fixture(uint8_t *p);

#endif
