/* The printf formatting core (kernel/libc/format.c): conversions, flags,
 * widths, precision, lengths, edge values and snprintf truncation, against
 * expected strings; doubles also against the host's printf. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "libc/format.h"

static char buf[1024];
/* Out of the compiler's sight, so that its format checks let them by. */
static const char *volatile null_string;
static const char *volatile unknown_conversion = "%y";

#define F(want, ...)                                                           \
	do {                                                                   \
		int n_ = kfmt_snprintf(buf, sizeof(buf), __VA_ARGS__);         \
		is_str(buf, want, #__VA_ARGS__);                               \
		if (n_ != (int)strlen(want))                                   \
			diag("returned %d, want %zu", n_, strlen(want));       \
	} while (0)

static void test_integers(void)
{
	F("42", "%d", 42);
	F("-42", "%i", -42);
	F("-2147483648", "%d", INT_MIN);
	F("2147483647", "%d", INT_MAX);
	F("-9223372036854775808", "%lld", LLONG_MIN);
	F("9223372036854775807", "%ld", LONG_MAX);
	F("18446744073709551615", "%llu", ULLONG_MAX);
	F("4294967295", "%u", UINT_MAX);
	F("ff FF 0xff 0XFF", "%x %X %#x %#X", 255, 255, 255, 255);
	F("0", "%#x", 0);
	F("17 017 0", "%o %#o %#o", 15, 15, 0);
	F("-1 255 65535", "%hhd %hhu %hu", -1, 255, 65535);
	F("-128 127", "%hhd %hhd", 128, 127);
	F("-32768", "%hd", 32768);
	F("123456789012 -5 7", "%zu %td %jd", (size_t)123456789012ULL,
	  (ptrdiff_t)-5, (intmax_t)7);
	F("+5 -5  5", "%+d %+d % d", 5, -5, 5);
	F("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	F("  -42|-0042", "%5d|%05d", -42, -42);
	F("00042|  042", "%.5d|%5.3d", 42, 42);
	F("|", "%.0d|", 0);
	F("   ", "%3.0d", 0);
	F("   42", "%*d", 5, 42);
	F("42   |", "%*d|", -5, 42);
	F("00042", "%.*d", 5, 42);
	F("0x0000ff", "%#08x", 255);
	F("  0x00ff", "%#8.4x", 255);
	F("-000042", "%07d", -42);
	F("+00042", "%+06d", 42);
}

static void test_strings_chars(void)
{
	F("hello", "%s", "hello");
	F("hel", "%.3s", "hello");
	F("  abc|abc  ", "%5s|%-5s", "abc", "abc");
	F("(null)", "%s", null_string);
	F("x", "%c", 'x');
	F("  x|x  ", "%3c|%-3c", 'x', 'x');
	F("100%", "%d%%", 100);
	F("ab", "%.*s", 2, "abc");
	F("%y", unknown_conversion);
}

static void test_pointers(void)
{
	F("0x1234abcd", "%p", (void *)0x1234abcd);
	F("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	F("0x0", "%p", (void *)0);
	F("    0x10", "%8p", (void *)16);
}

static void test_doubles(void)
{
	F("3.141593", "%f", 3.14159265358979);
	F("3.14", "%.2f", 3.14159);
	F("3", "%.0f", 3.14159);
	F("3.", "%#.0f", 3.14159);
	F("-0.500000", "%f", -0.5);
	F("-0.000000", "%f", -0.0);
	F("0.000000", "%f", 1e-10);
	F("0.001", "%.3f", 0.0009);
	F("1000.0", "%.1f", 999.96);
	F("1e+100", "%.0e", 1e100);
	F("1.500000e+00", "%e", 1.5);
	F("1.234568E-05", "%E", 0.00001234567891);
	F("2.5e-310", "%.1e", 2.5e-310);
	F("1.797693e+308", "%e", 1.7976931348623157e308);
	F("0.1", "%g", 0.1);
	F("100000", "%g", 100000.0);
	F("1e+06", "%g", 1000000.0);
	F("0.0001", "%g", 0.0001);
	F("1e-05", "%g", 0.00001);
	F("0", "%g", 0.0);
	F("1.5", "%g", 1.5);
	F("1.50000", "%#g", 1.5);
	F("123457", "%g", 123456.7);
	F("1.23457E+07", "%G", 12345678.0);
	F("3.14159265359", "%.12g", 3.14159265358979);
	F("inf -inf nan", "%f %f %f", __builtin_inf(), -__builtin_inf(),
	  __builtin_nan(""));
	F("INF", "%F", __builtin_inf());
	F("  inf", "%05f", __builtin_inf());
	F("  1.50|1.50  |001.50|+1.50", "%6.2f|%-6.2f|%06.2f|%+.2f", 1.5, 1.5,
	  1.5, 1.5);
	F("12345678901234567168.000000", "%f", 12345678901234567890.0);
	/* Beyond 64-bit integers, digits past the 17th print as 0. */
	F("123456789012345690000000.0", "%.1f", 1.2345678901234568e23);
	F("0.12 0.38", "%.2f %.2f", 0.125, 0.375);
}

/* Random doubles of every magnitude, against the host's exact printf. */
static void test_doubles_against_host(void)
{
	static const char *const fmts[] = {"%.6e", "%.10g", "%.3f", "%g",
					   "%.15g"};
	uint64_t seed = 88172645463325252ULL;
	int mismatches = 0, tried = 0;
	char want[512];

	for (int i = 0; i < 4000; i++) {
		double x;
		int e;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		e = (int)(seed % 640) - 320;
		x = (double)(seed >> 11) / (double)(1ULL << 53);
		for (; e > 0; e--)
			x *= 10;
		for (; e < 0; e++)
			x /= 10;
		if (seed & (1ULL << 60))
			x = -x;
		for (unsigned f = 0; f < sizeof(fmts) / sizeof(*fmts); f++) {
			/* %f past 17 digits: see the case above. */
			if (strchr(fmts[f], 'f') && (x > 1e13 || x < -1e13))
				continue;
			snprintf(want, sizeof(want), fmts[f], x);
			kfmt_snprintf(buf, sizeof(buf), fmts[f], x);
			tried++;
			if (strcmp(want, buf) != 0 && mismatches++ < 5)
				diag("%s of %.17g: got %s, want %s", fmts[f], x,
				     buf, want);
		}
	}
	is_int(mismatches, 0, "random doubles print as the host prints them");
	diag("%d conversions compared", tried);
}

static void test_truncation(void)
{
	char small[8];
	int n;

	memset(small, 'z', sizeof(small));
	n = kfmt_snprintf(small, sizeof(small), "%s-%d", "abcdef", 12345);
	is_int(n, 12, "snprintf returns the full length when truncating");
	is_str(small, "abcdef-", "snprintf keeps size - 1 bytes and a NUL");
	n = kfmt_snprintf(small, 1, "%d", 12345);
	is_int(n, 5, "size 1: full length returned");
	is_int(small[0], 0, "size 1: only the NUL written");
	small[0] = 'q';
	n = kfmt_snprintf(small, 0, "%d", 12345);
	is_int(n, 5, "size 0: full length returned");
	is_int(small[0], 'q', "size 0: nothing written");
	n = kfmt_snprintf(buf, sizeof(buf), "%300d", 1);
	is_int(n, 300, "wide field: full width produced");
}

int main(void)
{
	test_integers();
	test_strings_chars();
	test_pointers();
	test_doubles();
	test_doubles_against_host();
	test_truncation();
	return done_testing();
}
