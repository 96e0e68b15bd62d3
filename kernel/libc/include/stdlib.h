/* The kernel's <stdlib.h>: allocation, number parsing, sorting. */
#ifndef _GRAFT_STDLIB_H
#define _GRAFT_STDLIB_H
#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *aligned_alloc(size_t align, size_t size);

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
int abs(int x);
long labs(long x);
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));
void abort(void) __attribute__((noreturn));
void exit(int status) __attribute__((noreturn));

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#endif
