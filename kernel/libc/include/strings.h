#ifndef _GRAFT_STRINGS_H
#define _GRAFT_STRINGS_H
#include <string.h>
#endif
