/* The kernel's <math.h> (kernel/libc/math.c): exact IEEE results of the
 * roundings for float and double at the edges WebAssembly cares about:
 * halves, signed zeros, huge values, NaN and infinities.  Results are
 * compared bit for bit. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "kc_libc.h"

static uint64_t dbits(double x)
{
	uint64_t u;

	memcpy(&u, &x, 8);
	return u;
}

static uint32_t fbits(float x)
{
	uint32_t u;

	memcpy(&u, &x, 4);
	return u;
}

static int failures;

static void d_is(const char *fn, double (*f)(double), double in, double want)
{
	double got = f(in);
	int same = isnan(want) ? isnan(got) && (dbits(got) & (1ULL << 51))
			       : dbits(got) == dbits(want);

	if (!same) {
		failures++;
		diag("%s(%g) = %g (%016llx), want %g", fn, in, got,
		     (unsigned long long)dbits(got), want);
	}
}

static void f_is(const char *fn, float (*f)(float), float in, float want)
{
	float got = f(in);
	int same = isnan(want) ? isnan(got) && (fbits(got) & (1U << 22))
			       : fbits(got) == fbits(want);

	if (!same) {
		failures++;
		diag("%sf(%g) = %g (%08x), want %g", fn, in, got, fbits(got),
		     want);
	}
}

/* One row: input, then trunc, floor, ceil, nearbyint. */
struct row {
	double in, t, fl, c, n;
};

static const struct row rows[] = {
    {0.5, 0.0, 0.0, 1.0, 0.0},
    {-0.5, -0.0, -1.0, -0.0, -0.0},
    {1.5, 1.0, 1.0, 2.0, 2.0},
    {2.5, 2.0, 2.0, 3.0, 2.0},
    {-2.5, -2.0, -3.0, -2.0, -2.0},
    {3.5, 3.0, 3.0, 4.0, 4.0},
    {-3.5, -3.0, -4.0, -3.0, -4.0},
    {0.0, 0.0, 0.0, 0.0, 0.0},
    {-0.0, -0.0, -0.0, -0.0, -0.0},
    {0.25, 0.0, 0.0, 1.0, 0.0},
    {-0.75, -0.0, -1.0, -0.0, -1.0},
    {1e-300, 0.0, 0.0, 1.0, 0.0},
    {-1e-300, -0.0, -1.0, -0.0, -0.0},
    {4503599627370495.5, 4503599627370495.0, 4503599627370495.0,
     4503599627370496.0, 4503599627370496.0},
    {-4503599627370495.5, -4503599627370495.0, -4503599627370496.0,
     -4503599627370495.0, -4503599627370496.0},
    {9007199254740993.0, 9007199254740993.0, 9007199254740993.0,
     9007199254740993.0, 9007199254740993.0},
    {1e300, 1e300, 1e300, 1e300, 1e300},
    {-1e300, -1e300, -1e300, -1e300, -1e300},
    {123.999, 123.0, 123.0, 124.0, 124.0},
    {-123.001, -123.0, -124.0, -123.0, -123.0},
};

static void test_double_rows(void)
{
	for (unsigned i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		const struct row *r = &rows[i];

		d_is("trunc", kc_trunc, r->in, r->t);
		d_is("floor", kc_floor, r->in, r->fl);
		d_is("ceil", kc_ceil, r->in, r->c);
		d_is("nearbyint", kc_nearbyint, r->in, r->n);
	}
	is_int(failures, 0, "double trunc/floor/ceil/nearbyint on the table");
}

static void test_float_rows(void)
{
	failures = 0;
	for (unsigned i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		const struct row *r = &rows[i];
		float in = (float)r->in;

		/* Rows beyond float's precision are checked on their own. */
		if ((double)in != r->in && fabs(r->in) < 1e30)
			continue;
		f_is("trunc", kc_truncf, in, (float)r->t);
		f_is("floor", kc_floorf, in, (float)r->fl);
		f_is("ceil", kc_ceilf, in, (float)r->c);
		f_is("nearbyint", kc_nearbyintf, in, (float)r->n);
	}
	f_is("nearbyint", kc_nearbyintf, 8388607.5f, 8388608.0f);
	f_is("nearbyint", kc_nearbyintf, 8388606.5f, 8388606.0f);
	f_is("floor", kc_floorf, -8388607.5f, -8388608.0f);
	f_is("ceil", kc_ceilf, 8388607.5f, 8388608.0f);
	f_is("trunc", kc_truncf, 16777217.0f, 16777217.0f);
	f_is("ceil", kc_ceilf, 0.1f, 1.0f);
	f_is("floor", kc_floorf, -0.1f, -1.0f);
	is_int(failures, 0, "float trunc/floor/ceil/nearbyint on the table");
}

static void test_special(void)
{
	double (*dfn[])(double) = {kc_trunc, kc_floor, kc_ceil, kc_nearbyint};
	float (*ffn[])(float) = {kc_truncf, kc_floorf, kc_ceilf, kc_nearbyintf};
	double snan;
	uint64_t sbits = 0x7ff0000000000001ULL;

	failures = 0;
	memcpy(&snan, &sbits, 8);
	for (int i = 0; i < 4; i++) {
		d_is("round", dfn[i], INFINITY, INFINITY);
		d_is("round", dfn[i], -INFINITY, -INFINITY);
		d_is("round", dfn[i], NAN, NAN);
		d_is("round (signalling NaN in)", dfn[i], snan, NAN);
		f_is("round", ffn[i], INFINITY, INFINITY);
		f_is("round", ffn[i], -INFINITY, -INFINITY);
		f_is("round", ffn[i], NAN, NAN);
	}
	is_int(failures, 0,
	       "infinities pass through; NaNs come out quiet (both widths)");
	ok(kc_sqrt(2.0) == 1.4142135623730951 && kc_sqrt(-0.0) == 0 &&
	       signbit(kc_sqrt(-0.0)) && isnan(kc_sqrt(-1.0)),
	   "sqrt: correctly rounded, -0 kept, NaN for negatives");
	ok(kc_sqrtf(2.0f) == 1.41421356f, "sqrtf");
	ok(dbits(kc_fabs(-0.0)) == 0 && kc_fabs(-3.0) == 3.0, "fabs");
	ok(signbit(kc_copysign(1.0, -0.0)) && !signbit(kc_copysign(-1.0, 0.0)),
	   "copysign takes the sign bit");
	ok(kc_fmin(1.0, NAN) == 1.0 && kc_fmax(NAN, 2.0) == 2.0,
	   "fmin/fmax: a NaN argument yields the other");
	ok(signbit(kc_fmin(0.0, -0.0)) && !signbit(kc_fmax(-0.0, 0.0)),
	   "fmin/fmax order -0 below +0");
	ok(kc_fmin(-3.0, 2.0) == -3.0 && kc_fmax(-3.0, 2.0) == 2.0,
	   "fmin/fmax of ordinary numbers");
}

int main(void)
{
	test_double_rows();
	test_float_rows();
	test_special();
	return done_testing();
}
