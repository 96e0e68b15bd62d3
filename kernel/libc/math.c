/*
 * <math.h> for guest code, with the exact IEEE 754 results WebAssembly
 * needs.  Rounding works on the bits, so it needs nothing beyond SSE2 (no
 * roundsd, which is SSE4.1).  A NaN argument gives a quiet NaN (x + x), as
 * WebAssembly's arithmetic-NaN rule asks; signed zeros keep their sign.
 */
#include <math.h>
#include <stdint.h>

union dbits {
	double d;
	uint64_t u;
};

union fbits {
	float f;
	uint32_t u;
};

#define D_SIGN (1ULL << 63)
#define F_SIGN (1U << 31)

static int d_exponent(uint64_t u)
{
	return (int)((u >> 52) & 0x7ff) - 1023;
}

static int f_exponent(uint32_t u)
{
	return (int)((u >> 23) & 0xff) - 127;
}

double fabs(double x)
{
	union dbits b = {x};

	b.u &= ~D_SIGN;
	return b.d;
}

float fabsf(float x)
{
	union fbits b = {x};

	b.u &= ~F_SIGN;
	return b.f;
}

double copysign(double x, double y)
{
	union dbits a = {x}, b = {y};

	a.u = (a.u & ~D_SIGN) | (b.u & D_SIGN);
	return a.d;
}

float copysignf(float x, float y)
{
	union fbits a = {x}, b = {y};

	a.u = (a.u & ~F_SIGN) | (b.u & F_SIGN);
	return a.f;
}

/* sqrtsd/sqrtss are correctly rounded; inline assembly so that no errno
 * fallback call (to ourselves) is ever generated. */
double sqrt(double x)
{
	double r;

	__asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
	return r;
}

float sqrtf(float x)
{
	float r;

	__asm__("sqrtss %1, %0" : "=x"(r) : "x"(x));
	return r;
}

/*
 * The three directed roundings share one shape: numbers with no fraction
 * bits (|x| >= 2^52, infinities, NaNs) pass through; |x| < 1 becomes a
 * signed 0 or +-1; otherwise the fraction bits are cleared, after adding one
 * unit in the last integer place when rounding away from zero (a carry out
 * of the mantissa correctly bumps the exponent).
 */
enum dir { TOWARD_ZERO, DOWN, UP };

static double round_dir(double x, enum dir dir)
{
	union dbits b = {x};
	int e = d_exponent(b.u);
	int neg = (b.u & D_SIGN) != 0;
	uint64_t frac;

	if (e >= 52)
		return x != x ? x + x : x;
	if (e < 0) {
		if ((b.u & ~D_SIGN) == 0)
			return x;
		if (dir == DOWN && neg)
			return -1.0;
		if (dir == UP && !neg)
			return 1.0;
		b.u &= D_SIGN;
		return b.d;
	}
	frac = (1ULL << (52 - e)) - 1;
	if ((b.u & frac) == 0)
		return x;
	if ((dir == DOWN && neg) || (dir == UP && !neg))
		b.u += frac + 1;
	b.u &= ~frac;
	return b.d;
}

static float round_dirf(float x, enum dir dir)
{
	union fbits b = {x};
	int e = f_exponent(b.u);
	int neg = (b.u & F_SIGN) != 0;
	uint32_t frac;

	if (e >= 23)
		return x != x ? x + x : x;
	if (e < 0) {
		if ((b.u & ~F_SIGN) == 0)
			return x;
		if (dir == DOWN && neg)
			return -1.0f;
		if (dir == UP && !neg)
			return 1.0f;
		b.u &= F_SIGN;
		return b.f;
	}
	frac = (1U << (23 - e)) - 1;
	if ((b.u & frac) == 0)
		return x;
	if ((dir == DOWN && neg) || (dir == UP && !neg))
		b.u += frac + 1;
	b.u &= ~frac;
	return b.f;
}

double trunc(double x)
{
	return round_dir(x, TOWARD_ZERO);
}

float truncf(float x)
{
	return round_dirf(x, TOWARD_ZERO);
}

double floor(double x)
{
	return round_dir(x, DOWN);
}

float floorf(float x)
{
	return round_dirf(x, DOWN);
}

double ceil(double x)
{
	return round_dir(x, UP);
}

float ceilf(float x)
{
	return round_dirf(x, UP);
}

/*
 * Round half to even, by letting the FPU do it: adding and subtracting 2^52
 * leaves no fraction bits, and the default rounding mode (which graft never
 * changes) is to nearest-even.  The sign is restored afterwards, so -0.4
 * gives -0.
 */
double nearbyint(double x)
{
	const double two52 = 4503599627370496.0;
	union dbits b = {x};
	double a;

	if (d_exponent(b.u) >= 52)
		return x != x ? x + x : x;
	a = fabs(x);
	a = (a + two52) - two52;
	return copysign(a, x);
}

float nearbyintf(float x)
{
	const float two23 = 8388608.0f;
	union fbits b = {x};
	float a;

	if (f_exponent(b.u) >= 23)
		return x != x ? x + x : x;
	a = fabsf(x);
	a = (a + two23) - two23;
	return copysignf(a, x);
}

double rint(double x)
{
	return nearbyint(x);
}

float rintf(float x)
{
	return nearbyintf(x);
}

/* C semantics: a NaN argument yields the other one; -0 orders below +0. */
double fmin(double x, double y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return signbit(x) ? x : y;
	return x < y ? x : y;
}

double fmax(double x, double y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return signbit(x) ? y : x;
	return x > y ? x : y;
}

float fminf(float x, float y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return signbit(x) ? x : y;
	return x < y ? x : y;
}

float fmaxf(float x, float y)
{
	if (x != x)
		return y;
	if (y != y)
		return x;
	if (x == y)
		return signbit(x) ? y : x;
	return x > y ? x : y;
}
