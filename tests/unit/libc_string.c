/* The kernel's <string.h> and <stdlib.h> (kernel/libc/string.c, stdlib.c),
 * called under their kc_ test names beside the host's libc. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "kc_libc.h"

static void test_mem(void)
{
	char a[64], b[64], hello[] = "hello";
	int good = 1;

	for (int i = 0; i < 64; i++)
		a[i] = (char)i;
	ok(kc_memcpy(b, a, 64) == b && memcmp(a, b, 64) == 0,
	   "memcpy copies and returns dst");
	kc_memmove(a + 3, a, 40);
	for (int i = 0; i < 40; i++)
		good &= a[i + 3] == (char)i;
	ok(good, "memmove forward overlap");
	for (int i = 0; i < 64; i++)
		a[i] = (char)i;
	kc_memmove(a, a + 5, 50);
	good = 1;
	for (int i = 0; i < 50; i++)
		good &= a[i] == (char)(i + 5);
	ok(good, "memmove backward overlap");
	kc_memset(b, 0x7e, 10);
	ok(b[0] == 0x7e && b[9] == 0x7e && b[10] == 10,
	   "memset fills exactly n bytes");
	ok(kc_memcmp("abc", "abd", 3) < 0 && kc_memcmp("abd", "abc", 3) > 0 &&
	       kc_memcmp("abc", "abd", 2) == 0,
	   "memcmp orders and bounds");
	ok(kc_memcmp("\xff", "\x01", 1) > 0, "memcmp compares unsigned bytes");
	ok(kc_memchr(hello, 'l', 5) == hello + 2,
	   "memchr finds the first byte");
	ok(kc_memchr("hello", 'z', 5) == NULL, "memchr: absent byte");
	kc_memcpy(b, a, 0);
	kc_memmove(b, a, 0);
	ok(kc_memset(b, 0, 0) == b && b[0] == 0x7e,
	   "zero-length operations change nothing");
}

static void test_str(void)
{
	char buf[32];
	char *d;

	is_int(kc_strlen(""), 0, "strlen of empty");
	is_int(kc_strlen("graft"), 5, "strlen");
	is_int(kc_strnlen("graft", 3), 3, "strnlen stops at max");
	ok(kc_strcmp("a", "b") < 0 && kc_strcmp("b", "a") > 0 &&
	       kc_strcmp("ab", "ab") == 0 && kc_strcmp("a", "ab") < 0,
	   "strcmp");
	ok(kc_strncmp("abcX", "abcY", 3) == 0 && kc_strncmp("ab", "ac", 5) < 0,
	   "strncmp");
	kc_strcpy(buf, "abc");
	is_str(kc_strchr("a.b.c", '.'), ".b.c", "strchr finds the first");
	is_str(kc_strrchr("a.b.c", '.'), ".c", "strrchr finds the last");
	ok(kc_strchr(buf, '\0') == buf + 3, "strchr finds the terminator");
	ok(kc_strchr("abc", 'z') == NULL, "strchr: absent");
	is_str(kc_strstr("hello world", "o w"), "o world", "strstr");
	ok(kc_strstr("hello", "") != NULL, "strstr of empty needle");
	ok(kc_strstr("hello", "low") == NULL, "strstr: absent");
	is_str(kc_strcpy(buf, "abc"), "abc", "strcpy");
	is_str(kc_strcat(buf, "def"), "abcdef", "strcat");
	kc_memset(buf, 'x', sizeof(buf));
	kc_strncpy(buf, "ab", 5);
	ok(buf[0] == 'a' && buf[2] == 0 && buf[4] == 0 && buf[5] == 'x',
	   "strncpy pads with NULs to n");
	is_int(kc_strlcpy(buf, "truncate me", 6), 11,
	       "strlcpy returns the source length");
	is_str(buf, "trunc", "strlcpy truncates with a NUL");
	d = kc_strdup("dup");
	is_str(d, "dup", "strdup");
	free(d);
	d = kc_strndup("duplicate", 3);
	is_str(d, "dup", "strndup");
	free(d);
	ok(kc_strcasecmp("HeLLo", "hello") == 0 &&
	       kc_strncasecmp("ABCx", "abcy", 3) == 0 &&
	       kc_strcasecmp("a", "B") < 0,
	   "strcasecmp and strncasecmp");
}

static void test_strtol(void)
{
	char *end;

	is_int(kc_strtol("  -123xyz", &end, 10), -123, "strtol decimal");
	is_str(end, "xyz", "end points past the digits");
	is_int(kc_strtol("0x1F", &end, 0), 31, "base 0 reads 0x as hex");
	is_int(kc_strtol("017", NULL, 0), 15, "base 0 reads 0 as octal");
	is_int(kc_strtol("ff", NULL, 16), 255, "base 16");
	is_int(kc_strtol("0xg", &end, 16), 0, "0x without hex digits: 0");
	is_str(end, "xg", "and the end is after the 0");
	is_int(kc_strtol("z", NULL, 36), 35, "base 36");
	kc_strtol("abc", &end, 10);
	is_str(end, "abc", "no digits: end is the start");
	is_int(kc_strtol("9223372036854775807", NULL, 10), LONG_MAX,
	       "LONG_MAX");
	is_int(kc_strtol("9223372036854775808", NULL, 10), LONG_MAX,
	       "overflow clamps to LONG_MAX");
	is_int(kc_strtol("-9223372036854775808", NULL, 10), LONG_MIN,
	       "LONG_MIN");
	is_int(kc_strtol("-99999999999999999999", NULL, 10), LONG_MIN,
	       "underflow clamps to LONG_MIN");
	ok(kc_strtoul("18446744073709551615", NULL, 10) == ULONG_MAX,
	   "strtoul ULONG_MAX");
	ok(kc_strtoul("18446744073709551616", NULL, 10) == ULONG_MAX,
	   "strtoul overflow clamps");
	ok(kc_strtoul("-1", NULL, 10) == ULONG_MAX, "strtoul of -1 wraps");
	ok(kc_strtoull("+42", NULL, 10) == 42, "a plus sign");
	is_int(kc_strtoll("-0", NULL, 10), 0, "minus zero");
	is_int(kc_atoi("  77 "), 77, "atoi");
	is_int(kc_strtol("10", NULL, 1), 0, "base 1 is refused");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_str3(const void *a, const void *b)
{
	return memcmp(a, b, 3);
}

static void test_sort_search(void)
{
	enum { N = 1000 };
	static int v[N];
	char s3[5][3] = {"dog", "cat", "emu", "ant", "bee"};
	int sorted = 1, key, found = 1;
	uint32_t x = 12345;

	for (int i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		v[i] = (int)(x >> 8) % 500 - 250;
	}
	kc_qsort(v, N, sizeof(int), cmp_int);
	for (int i = 1; i < N; i++)
		sorted &= v[i - 1] <= v[i];
	ok(sorted, "qsort sorts 1000 ints with duplicates");
	for (int i = 0; i < N; i += 37) {
		key = v[i];
		int *p = kc_bsearch(&key, v, N, sizeof(int), cmp_int);

		found &= p && *p == key;
	}
	ok(found, "bsearch finds present keys");
	key = 1000;
	ok(kc_bsearch(&key, v, N, sizeof(int), cmp_int) == NULL,
	   "bsearch: absent key");
	kc_qsort(s3, 5, 3, cmp_str3);
	ok(memcmp(s3, "antbeecatdogemu", 15) == 0,
	   "qsort with an odd element size");
	kc_qsort(v, 0, sizeof(int), cmp_int);
	kc_qsort(v, 1, sizeof(int), cmp_int);
	ok(kc_bsearch(&key, v, 0, sizeof(int), cmp_int) == NULL,
	   "empty arrays");
}

int main(void)
{
	test_mem();
	test_str();
	test_strtol();
	test_sort_search();
	return done_testing();
}
