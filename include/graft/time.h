/* Time, in nanoseconds. */
#ifndef GRAFT_TIME_H
#define GRAFT_TIME_H

#include <stdint.h>

#define GRAFT_NSEC_PER_USEC 1000ULL
#define GRAFT_NSEC_PER_MSEC 1000000ULL
#define GRAFT_NSEC_PER_SEC 1000000000ULL
#define GRAFT_FOREVER UINT64_MAX

/* graft_now - monotonic nanoseconds since boot.  graft_wall - since epoch. */
uint64_t graft_now(void);
uint64_t graft_wall(void);

#endif
