/* Prototypes of the kernel's libc under its test names (see kc_names.h),
 * for hosted tests that include the host's headers. */
#ifndef GRAFT_TESTS_KC_LIBC_H
#define GRAFT_TESTS_KC_LIBC_H

#include <stddef.h>

void *kc_memcpy(void *dst, const void *src, size_t n);
void *kc_memmove(void *dst, const void *src, size_t n);
void *kc_memset(void *dst, int c, size_t n);
int kc_memcmp(const void *a, const void *b, size_t n);
void *kc_memchr(const void *s, int c, size_t n);
size_t kc_strlen(const char *s);
size_t kc_strnlen(const char *s, size_t max);
int kc_strcmp(const char *a, const char *b);
int kc_strncmp(const char *a, const char *b, size_t n);
char *kc_strchr(const char *s, int c);
char *kc_strrchr(const char *s, int c);
char *kc_strstr(const char *hay, const char *needle);
char *kc_strcpy(char *dst, const char *src);
char *kc_strncpy(char *dst, const char *src, size_t n);
char *kc_strcat(char *dst, const char *src);
size_t kc_strlcpy(char *dst, const char *src, size_t size);
char *kc_strdup(const char *s);
char *kc_strndup(const char *s, size_t n);
int kc_strcasecmp(const char *a, const char *b);
int kc_strncasecmp(const char *a, const char *b, size_t n);
long kc_strtol(const char *s, char **end, int base);
unsigned long kc_strtoul(const char *s, char **end, int base);
long long kc_strtoll(const char *s, char **end, int base);
unsigned long long kc_strtoull(const char *s, char **end, int base);
int kc_atoi(const char *s);
void kc_qsort(void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));
void *kc_bsearch(const void *key, const void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *));

double kc_fabs(double x);
double kc_sqrt(double x);
float kc_sqrtf(float x);
double kc_floor(double x);
float kc_floorf(float x);
double kc_ceil(double x);
float kc_ceilf(float x);
double kc_trunc(double x);
float kc_truncf(float x);
double kc_nearbyint(double x);
float kc_nearbyintf(float x);
double kc_copysign(double x, double y);
double kc_fmin(double x, double y);
double kc_fmax(double x, double y);

#endif
