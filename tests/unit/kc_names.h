/*
 * Hosted tests of the kernel's libc: forced into each kernel/libc file
 * (-include) and included by the tests, it renames the C names to kc_*, so
 * the kernel's versions link beside the host's.  malloc and free are not
 * renamed: strdup uses the host's in tests.
 */
#ifndef GRAFT_TESTS_KC_NAMES_H
#define GRAFT_TESTS_KC_NAMES_H

#define memcpy	    kc_memcpy
#define memmove	    kc_memmove
#define memset	    kc_memset
#define memcmp	    kc_memcmp
#define memchr	    kc_memchr
#define strlen	    kc_strlen
#define strnlen	    kc_strnlen
#define strcmp	    kc_strcmp
#define strncmp	    kc_strncmp
#define strchr	    kc_strchr
#define strrchr	    kc_strrchr
#define strstr	    kc_strstr
#define strcpy	    kc_strcpy
#define strncpy	    kc_strncpy
#define strcat	    kc_strcat
#define strlcpy	    kc_strlcpy
#define strdup	    kc_strdup
#define strndup	    kc_strndup
#define strcasecmp  kc_strcasecmp
#define strncasecmp kc_strncasecmp
#define strtol	    kc_strtol
#define strtoul	    kc_strtoul
#define strtoll	    kc_strtoll
#define strtoull    kc_strtoull
#define atoi	    kc_atoi
#define abs	    kc_abs
#define labs	    kc_labs
#define qsort	    kc_qsort
#define bsearch	    kc_bsearch
#define fabs	    kc_fabs
#define fabsf	    kc_fabsf
#define sqrt	    kc_sqrt
#define sqrtf	    kc_sqrtf
#define floor	    kc_floor
#define floorf	    kc_floorf
#define ceil	    kc_ceil
#define ceilf	    kc_ceilf
#define trunc	    kc_trunc
#define truncf	    kc_truncf
#define nearbyint   kc_nearbyint
#define nearbyintf  kc_nearbyintf
#define rint	    kc_rint
#define rintf	    kc_rintf
#define copysign    kc_copysign
#define copysignf   kc_copysignf
#define fmin	    kc_fmin
#define fminf	    kc_fminf
#define fmax	    kc_fmax
#define fmaxf	    kc_fmaxf

#endif
