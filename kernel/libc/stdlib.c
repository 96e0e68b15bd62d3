/*
 * <stdlib.h> number parsing and sorting for guest code.  There is no errno:
 * out-of-range numbers clamp to the type's limit as C specifies, and the
 * caller sees the end pointer.  Allocation lives in kernel/malloc.c, exit and
 * abort in kernel/libc/exit.c.
 */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <graft/module.h>

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * The one parser behind the strto* family: the magnitude in *mag (clamped
 * to ULLONG_MAX, *overflow set), the sign in *neg.  Returns where parsing
 * stopped, or s itself when there were no digits.
 */
static const char *parse_ull(const char *s, int base, unsigned long long *mag,
			     bool *neg, bool *overflow)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false;

	*neg = false;
	*overflow = false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		*mag = 0;
		return s;
	}
	for (;; p++) {
		int d = digit_value((unsigned char)*p);

		if (d >= base)
			break;
		any = true;
		if (v > (ULLONG_MAX - d) / base)
			*overflow = true;
		else
			v = v * base + d;
	}
	*mag = *overflow ? ULLONG_MAX : v;
	return any ? p : s;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	unsigned long long mag;
	bool neg, overflow;
	const char *p = parse_ull(s, base, &mag, &neg, &overflow);

	if (end)
		*end = (char *)p;
	if (overflow)
		return ULLONG_MAX;
	return neg ? -mag : mag;
}
GRAFT_EXPORT(strtoull);

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}
GRAFT_EXPORT(strtoul);

long long strtoll(const char *s, char **end, int base)
{
	unsigned long long mag;
	bool neg, overflow;
	const char *p = parse_ull(s, base, &mag, &neg, &overflow);

	if (end)
		*end = (char *)p;
	if (neg) {
		if (overflow || mag > (unsigned long long)LLONG_MAX + 1)
			return LLONG_MIN;
		return (long long)(0 - mag);
	}
	if (overflow || mag > LLONG_MAX)
		return LLONG_MAX;
	return (long long)mag;
}
GRAFT_EXPORT(strtoll);

long strtol(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}
GRAFT_EXPORT(strtol);

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
GRAFT_EXPORT(atoi);

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

static void swap_bytes(char *a, char *b, size_t size)
{
	if (((uintptr_t)a | (uintptr_t)b | size) % sizeof(uint64_t) == 0) {
		for (; size; size -= 8, a += 8, b += 8) {
			uint64_t t = *(uint64_t *)a;

			*(uint64_t *)a = *(uint64_t *)b;
			*(uint64_t *)b = t;
		}
		return;
	}
	for (; size; size--, a++, b++) {
		char t = *a;

		*a = *b;
		*b = t;
	}
}

static void sift_down(char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

/* Heapsort: O(n log n) always, no recursion, no allocation.  Not stable,
 * which C does not ask for. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2 || !size)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_bytes(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}
GRAFT_EXPORT(qsort);

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(key, b + mid * size);

		if (c == 0)
			return (void *)(b + mid * size);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
GRAFT_EXPORT(bsearch);
