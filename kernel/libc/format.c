/*
 * The printf formatting core (see format.h).  One pass over the format:
 * each conversion is parsed into a struct spec, rendered into a small
 * buffer, and sent to the sink with its padding.  Nothing here allocates.
 *
 * Doubles are rendered from 17 significant decimal digits (20 for %f of
 * integers below 2^64), found by scaling with exact powers of ten in
 * double-double arithmetic; digits past those print as 0, where C would
 * print the binary value's exact expansion.  Enough for logs and figures.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "format.h"

enum {
	F_LEFT = 1,   /* - */
	F_PLUS = 2,   /* + */
	F_SPACE = 4,  /* space */
	F_ZERO = 8,   /* 0 */
	F_ALT = 16,   /* # */
	F_UPPER = 32, /* X E G F */
};

enum len { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX, L_PTRDIFF };

struct spec {
	int flags;
	int width;
	int prec; /* -1: none given */
	enum len len;
	char conv;
};

struct out {
	kfmt_sink sink;
	void *ctx;
	size_t count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += n;
	}
}

static void pad(struct out *o, char c, int n)
{
	char buf[32];
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = c;
	while (n > 0) {
		int k = n < (int)sizeof(buf) ? n : (int)sizeof(buf);

		emit(o, buf, k);
		n -= k;
	}
}

/*
 * Emit prefix (sign or 0x), then body, padded to the width: spaces outside
 * (left or right), or zeros between prefix and body when zero_ok.
 */
static void emit_padded(struct out *o, const struct spec *sp,
			const char *prefix, int plen, const char *body,
			int blen, bool zero_ok)
{
	int fill = sp->width - plen - blen;

	if (fill > 0 && !(sp->flags & F_LEFT) &&
	    !(zero_ok && (sp->flags & F_ZERO)))
		pad(o, ' ', fill);
	emit(o, prefix, plen);
	if (fill > 0 && !(sp->flags & F_LEFT) && zero_ok &&
	    (sp->flags & F_ZERO))
		pad(o, '0', fill);
	emit(o, body, blen);
	if (fill > 0 && (sp->flags & F_LEFT))
		pad(o, ' ', fill);
}

/* ---- integers ---- */

static int utoa_rev(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		*--end = digits[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

static void format_int(struct out *o, const struct spec *sp, uint64_t mag,
		       bool neg, bool is_signed)
{
	char buf[80];
	char *end = buf + sizeof(buf);
	char prefix[2];
	int plen = 0, n = 0, prec = sp->prec;
	unsigned base = 10;

	if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
		base = 16;
	else if (sp->conv == 'o')
		base = 8;
	if (prec > 64)
		prec = 64;
	if (!(mag == 0 && prec == 0))
		n = utoa_rev(end, mag, base, sp->flags & F_UPPER);
	while (n < prec) {
		*(end - ++n) = '0';
	}
	/* Octal's # makes the first digit a 0. */
	if (base == 8 && (sp->flags & F_ALT) && (n == 0 || end[-n] != '0'))
		*(end - ++n) = '0';
	if (is_signed) {
		if (neg)
			prefix[plen++] = '-';
		else if (sp->flags & F_PLUS)
			prefix[plen++] = '+';
		else if (sp->flags & F_SPACE)
			prefix[plen++] = ' ';
	}
	if (base == 16 && (sp->conv == 'p' || ((sp->flags & F_ALT) && mag))) {
		prefix[plen++] = '0';
		prefix[plen++] = (sp->flags & F_UPPER) ? 'X' : 'x';
	}
	emit_padded(o, sp, prefix, plen, end - n, n, sp->prec < 0);
}

static int64_t signed_arg(enum len len, va_list *ap)
{
	switch (len) {
	case L_CHAR:
		return (signed char)va_arg(*ap, int);
	case L_SHORT:
		return (short)va_arg(*ap, int);
	case L_LONG:
		return va_arg(*ap, long);
	case L_LLONG:
		return va_arg(*ap, long long);
	case L_SIZE:
	case L_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case L_MAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t unsigned_arg(enum len len, va_list *ap)
{
	switch (len) {
	case L_CHAR:
		return (unsigned char)va_arg(*ap, unsigned);
	case L_SHORT:
		return (unsigned short)va_arg(*ap, unsigned);
	case L_LONG:
		return va_arg(*ap, unsigned long);
	case L_LLONG:
		return va_arg(*ap, unsigned long long);
	case L_SIZE:
	case L_PTRDIFF:
		return va_arg(*ap, size_t);
	case L_MAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

/* ---- doubles ---- */

/* A decimal approximation: digits d[0..n-1], value d0.d1d2... * 10^exp. */
struct decimal {
	char d[20];
	int n;
	int exp;
};

/* hi + lo == a * b exactly (Dekker; no FMA needed, none is assumed). */
static double two_prod_err(double a, double b, double hi)
{
	const double split = 134217729.0; /* 2^27 + 1 */
	double ca = split * a, cb = split * b;
	double ah = ca - (ca - a), al = a - ah;
	double bh = cb - (cb - b), bl = b - bh;

	return ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
}

/* (hi, lo) *= p and /= p in double-double arithmetic, renormalized so
 * that |lo| is at most half an ulp of hi.  With p exact (a power of ten up
 * to 1e22), each step keeps about 100 bits. */
static void dd_mul(double *hi, double *lo, double p)
{
	double h = *hi * p, l = two_prod_err(*hi, p, h) + *lo * p;

	*hi = h + l;
	*lo = l - (*hi - h);
}

static void dd_div(double *hi, double *lo, double p)
{
	double q = *hi / p, qp = q * p;
	/* hi - q * p is exact: qp is within an ulp of hi. */
	double l = (((*hi - qp) - two_prod_err(q, p, qp)) + *lo) / p;

	*hi = q + l;
	*lo = l - (*hi - q);
}

/* x * 10^k as hi + lo, to about 100 bits. */
static void scale10(double x, int k, double *hi, double *lo)
{
	double p = 1, undo = 1;
	int step;

	/* Keep the error terms away from overflow and from subnormals: an
	 * exact power-of-two scaling, undone at the end (the result is near
	 * 1e16). */
	if (x > 1e300) {
		x *= 0x1p-64;
		undo = 0x1p64;
	} else if (x < 1e-290) {
		x *= 0x1p64;
		undo = 0x1p-64;
	}
	*hi = x;
	*lo = 0;
	for (; k != 0; k -= step) {
		step = k > 22 ? 22 : k < -22 ? -22 : k;
		p = 1;
		for (int i = 0; i < (step < 0 ? -step : step); i++)
			p *= 10;
		if (step > 0)
			dd_mul(hi, lo, p);
		else
			dd_div(hi, lo, p);
	}
	*hi *= undo;
	*lo *= undo;
}

/* The n (1..17) leading digits of x > 0, rounded to nearest, ties (exact
 * ones) to even. */
static void to_decimal(double x, int n, struct decimal *dec)
{
	union {
		double d;
		uint64_t u;
	} b = {x};
	int e2 = (int)((b.u >> 52) & 0x7ff) - 1023;
	int e =
	    e2 >= 0 ? e2 * 30103 / 100000 : -((-e2 * 30103 + 99999) / 100000);
	uint64_t m, div = 1, q, r, limit = 1;
	double hi = 0, lo = 0, frac;
	int64_t lo_int;
	bool up;

	/* Find e with x * 10^(16 - e) in [1e16, 1e17): 17 digits. */
	for (int tries = 0; tries < 40; tries++) {
		scale10(x, 16 - e, &hi, &lo);
		if (hi >= 1e17)
			e++;
		else if (hi < 1e16)
			e--;
		else
			break;
	}
	lo_int = (int64_t)lo;
	if (lo < 0 && (double)lo_int != lo)
		lo_int--;
	frac = lo - (double)lo_int;
	m = (uint64_t)hi + lo_int;
	for (int i = n; i < 17; i++)
		div *= 10;
	for (int i = 0; i < n; i++)
		limit *= 10;
	q = m / div;
	r = m % div;
	if (div == 1)
		up = frac > 0.5 || (frac == 0.5 && (q & 1));
	else
		up = r > div / 2 || (r == div / 2 && (frac > 0 || (q & 1)));
	if (up)
		q++;
	if (q >= limit) {
		q /= 10;
		e++;
	}
	for (int i = n - 1; i >= 0; i--) {
		dec->d[i] = '0' + q % 10;
		q /= 10;
	}
	dec->n = n;
	dec->exp = e;
}

static char dec_digit(const struct decimal *dec, int pos)
{
	int i = dec->exp - pos;

	return i >= 0 && i < dec->n ? dec->d[i] : '0';
}

/* Digits to the 10^-prec place, for %f. */
static void decimal_fixed(double x, int prec, struct decimal *dec)
{
	int n;

	if (x == 0)
		goto zero;
	if (x >= 1e17 && x < 18446744073709551616.0) {
		/* An integer (beyond 2^53 every double is one) that fits in
		 * 64 bits: all its digits, exactly. */
		uint64_t v = (uint64_t)x;
		char tmp[20];
		int k = utoa_rev(tmp + sizeof(tmp), v, 10, false);

		for (int i = 0; i < k; i++)
			dec->d[i] = tmp[sizeof(tmp) - k + i];
		dec->n = k;
		dec->exp = k - 1;
		return;
	}
	to_decimal(x, 17, dec);
	n = dec->exp + 1 + prec;
	if (n >= 17)
		return;
	if (n >= 1) {
		to_decimal(x, n, dec);
		return;
	}
	/* Below the last place shown: 0, or one unit of it. */
	if (n == 0 && dec->d[0] >= '5') {
		dec->d[0] = '1';
		dec->n = 1;
		dec->exp = -prec;
		return;
	}
zero:
	dec->d[0] = '0';
	dec->n = 1;
	dec->exp = 0;
}

static int put_fixed(char *p, const struct decimal *dec, int prec, bool alt)
{
	char *start = p;

	if (dec->exp < 0)
		*p++ = '0';
	for (int pos = dec->exp; pos >= 0; pos--)
		*p++ = dec_digit(dec, pos);
	if (prec > 0 || alt)
		*p++ = '.';
	for (int pos = -1; pos >= -prec; pos--)
		*p++ = dec_digit(dec, pos);
	return p - start;
}

static int put_mantissa(char *p, const struct decimal *dec, int prec, bool alt)
{
	char *start = p;

	*p++ = dec->d[0];
	if (prec > 0 || alt)
		*p++ = '.';
	for (int i = 1; i <= prec; i++)
		*p++ = i < dec->n ? dec->d[i] : '0';
	return p - start;
}

static int put_exponent(char *p, int exp, bool upper)
{
	char *start = p;
	char digits[8];
	int n;

	*p++ = upper ? 'E' : 'e';
	*p++ = exp < 0 ? '-' : '+';
	n = utoa_rev(digits + sizeof(digits), exp < 0 ? -exp : exp, 10, false);
	if (n < 2)
		*p++ = '0';
	for (int i = 0; i < n; i++)
		*p++ = digits[sizeof(digits) - n + i];
	return p - start;
}

/* %g drops trailing zeros of the fraction, and the point if nothing is
 * left after it. */
static int strip_zeros(char *s, int n)
{
	bool point = false;

	for (int i = 0; i < n; i++)
		point |= s[i] == '.';
	if (!point)
		return n;
	while (n > 0 && s[n - 1] == '0')
		n--;
	if (n > 0 && s[n - 1] == '.')
		n--;
	return n;
}

static int render_double(char *buf, double x, const struct spec *sp)
{
	bool upper = sp->flags & F_UPPER, alt = sp->flags & F_ALT;
	int prec = sp->prec < 0 ? 6 : sp->prec;
	char conv = sp->conv | 0x20;
	struct decimal dec;
	int n;

	if (prec > KFMT_MAX_FLOAT_PREC)
		prec = KFMT_MAX_FLOAT_PREC;
	if (conv == 'f') {
		decimal_fixed(x, prec, &dec);
		return put_fixed(buf, &dec, prec, alt);
	}
	if (x == 0) {
		dec.d[0] = '0';
		dec.n = 1;
		dec.exp = 0;
	} else {
		int digits = conv == 'e' ? prec + 1 : (prec ? prec : 1);

		to_decimal(x, digits > 17 ? 17 : digits, &dec);
	}
	if (conv == 'e') {
		n = put_mantissa(buf, &dec, prec, alt);
		return n + put_exponent(buf + n, dec.exp, upper);
	}
	/* %g: P significant digits, fixed when the exponent is in
	 * [-4, P), else exponential; the same rounded digits either way. */
	if (prec == 0)
		prec = 1;
	if (dec.exp >= -4 && dec.exp < prec) {
		n = put_fixed(buf, &dec, prec - 1 - dec.exp, alt);
		return alt ? n : strip_zeros(buf, n);
	}
	n = put_mantissa(buf, &dec, prec - 1, alt);
	if (!alt)
		n = strip_zeros(buf, n);
	return n + put_exponent(buf + n, dec.exp, upper);
}

static void format_double(struct out *o, const struct spec *sp, double x)
{
	char buf[KFMT_MAX_FLOAT_PREC + 340];
	char prefix[1];
	int plen = 0, n;
	bool upper = sp->flags & F_UPPER;
	bool neg = __builtin_signbit(x);

	if (neg) {
		x = -x;
		prefix[plen++] = '-';
	} else if (sp->flags & F_PLUS) {
		prefix[plen++] = '+';
	} else if (sp->flags & F_SPACE) {
		prefix[plen++] = ' ';
	}
	if (x != x || x == __builtin_inf()) {
		const char *s =
		    x != x ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");

		emit_padded(o, sp, prefix, plen, s, 3, false);
		return;
	}
	n = render_double(buf, x, sp);
	emit_padded(o, sp, prefix, plen, buf, n, true);
}

/* ---- the driver ---- */

static const char *parse_int(const char *p, int *v)
{
	int n = 0;

	while (*p >= '0' && *p <= '9') {
		if (n < INT_MAX / 10 - 10)
			n = n * 10 + (*p - '0');
		p++;
	}
	*v = n;
	return p;
}

static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->len = L_INT;
	for (;; p++) {
		if (*p == '-')
			sp->flags |= F_LEFT;
		else if (*p == '+')
			sp->flags |= F_PLUS;
		else if (*p == ' ')
			sp->flags |= F_SPACE;
		else if (*p == '0')
			sp->flags |= F_ZERO;
		else if (*p == '#')
			sp->flags |= F_ALT;
		else
			break;
	}
	if (*p == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = sp->width == INT_MIN ? 0 : -sp->width;
		}
		p++;
	} else {
		p = parse_int(p, &sp->width);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			p++;
		} else {
			p = parse_int(p, &sp->prec);
		}
	}
	switch (*p) {
	case 'h':
		sp->len = p[1] == 'h' ? L_CHAR : L_SHORT;
		p += p[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		sp->len = p[1] == 'l' ? L_LLONG : L_LONG;
		p += p[1] == 'l' ? 2 : 1;
		break;
	case 'L':
		sp->len = L_LLONG;
		p++;
		break;
	case 'z':
		sp->len = L_SIZE;
		p++;
		break;
	case 'j':
		sp->len = L_MAX;
		p++;
		break;
	case 't':
		sp->len = L_PTRDIFF;
		p++;
		break;
	}
	sp->conv = *p;
	if (*p == 'X' || *p == 'E' || *p == 'G' || *p == 'F')
		sp->flags |= F_UPPER;
	return p;
}

static void format_one(struct out *o, struct spec *sp, va_list *ap)
{
	int64_t sv;
	char c;
	const char *s;

	switch (sp->conv) {
	case 'd':
	case 'i':
		sv = signed_arg(sp->len, ap);
		format_int(o, sp, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv,
			   sv < 0, true);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_int(o, sp, unsigned_arg(sp->len, ap), false, false);
		break;
	case 'p':
		sp->flags &= ~F_UPPER;
		format_int(o, sp, (uintptr_t)va_arg(*ap, void *), false, false);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, sp, "", 0, &c, 1, false);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		{
			int n = 0;

			while (s[n] && (sp->prec < 0 || n < sp->prec))
				n++;
			emit_padded(o, sp, "", 0, s, n, false);
		}
		break;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
		format_double(o, sp, va_arg(*ap, double));
		break;
	case '%':
		emit(o, "%", 1);
		break;
	default:
		/* Unknown conversion: show it as written. */
		emit(o, "%", 1);
		if (sp->conv)
			emit(o, &sp->conv, 1);
		break;
	}
}

int kfmt_vformat(kfmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = {sink, ctx, 0};
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *p = fmt;

		while (*p && *p != '%')
			p++;
		emit(&o, fmt, p - fmt);
		if (!*p)
			break;
		p = parse_spec(p + 1, &sp, &args);
		format_one(&o, &sp, &args);
		fmt = *p ? p + 1 : p;
	}
	va_end(args);
	return o.count > INT_MAX ? INT_MAX : (int)o.count;
}

struct buf_sink {
	char *buf;
	size_t size; /* room for bytes, not counting the NUL */
	size_t used;
};

static void buf_write(void *ctx, const char *s, size_t n)
{
	struct buf_sink *b = ctx;
	size_t room = b->size - b->used;
	size_t k = n < room ? n : room;

	for (size_t i = 0; i < k; i++)
		b->buf[b->used + i] = s[i];
	b->used += k;
}

int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = {buf, size ? size - 1 : 0, 0};
	int n = kfmt_vformat(buf_write, &b, fmt, ap);

	if (size)
		buf[b.used] = '\0';
	return n;
}

int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
