/*
 * The API the module tests' fixtures link against: functions and data of
 * the test program (exported through a generated test export table), and
 * the exports of the fixture modules themselves.  Both the test program
 * and the fixtures' build hash declarations from this header.
 */
#ifndef GRAFT_TESTS_MOD_TESTAPI_H
#define GRAFT_TESTS_MOD_TESTAPI_H

#include <stddef.h>
#include <stdint.h>

/* Exported by the test program (tests/mod/testapi.c). */
int test_add_one(int x);
void test_note(const char *what);
int test_track_resource(void);
extern int test_var;
/* Declared, never exported: a module that calls it must be refused. */
int test_not_exported(void);

/* Exported by fixture modules. */
int pair_add(int a, int b);
extern int pair_calls;
int pair_user_run(int x);
int counter_bump(void);
int counter_get(void);
const char *hello_greeting(void);
int big_sum(int n);

/* The relocation fixtures (tests/mod/fixtures/r_*.S). */
extern uint64_t r64_data[2];
extern int64_t rpc64_data[1];
extern int32_t rpc32_data[1];
void rpc32_target(void);
int rplt32_fn(int x);
extern uint32_t r32_data[1];
uint64_t r32s_fn(void);
int *rgotpcrel_fn(void);
int rgotpcrelx_fn(int x);
int *rrexgotpcrelx_fn(void);
extern int32_t pc32_far_data[1];

#endif
