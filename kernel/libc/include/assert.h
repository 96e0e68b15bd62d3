/* assert: a broken internal invariant panics with its location. */
#ifndef _GRAFT_ASSERT_H
#define _GRAFT_ASSERT_H
#include <graft/log.h>
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) \
	((e) ? (void)0 : graft_panic("assertion failed: %s", #e))
#endif
#define static_assert _Static_assert
#endif
