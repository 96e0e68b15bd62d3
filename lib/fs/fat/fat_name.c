/*
 * FAT names and times: short (8.3) names and their case bits, VFAT long
 * names in UTF-16 with their checksum, short-name generation with ~N tails,
 * case-insensitive comparison (ASCII letters fold; other characters compare
 * exactly), and the DOS date/time stamps.  Pure functions, no I/O.
 */
#include <string.h>

#include "lib/fs/fat/fat_internal.h"

uint8_t fat_lfn_checksum(const uint8_t sfn[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
	return sum;
}

/* Characters a short name may hold besides letters and digits. */
static bool sfn_char_ok(uint8_t c)
{
	if (c >= 0x80)
		return true; /* an OEM code page character */
	/* lower case is not valid, but other systems write it: accept */
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == ' ')
		return true;
	return c && strchr("!#$%&'()-@^_`{}~", c) != NULL;
}

static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/*
 * The short name of entry raw as text ("README.TXT", or "readme.txt" with
 * the NT lower-case bits), in out (13 bytes: bytes >= 0x80 are taken as
 * Latin-1 and may need two).  False if it holds characters no short name
 * may hold.
 */
bool fat_sfn_to_name(const uint8_t raw[FAT_SLOT], char out[13])
{
	char buf[32], *o = buf;
	int base_end = 8, ext_end = 11;

	while (base_end > 0 && raw[base_end - 1] == ' ')
		base_end--;
	while (ext_end > 8 && raw[ext_end - 1] == ' ')
		ext_end--;
	if (base_end == 0)
		return false;
	for (int i = 0; i < ext_end; i++) {
		uint8_t c = raw[i];
		if (i == 8)
			*o++ = '.';
		if (i >= base_end && i < 8)
			continue;
		if (i == 0 && c == 0x05)
			c = 0xe5;
		if (!sfn_char_ok(c) || (c == ' ' && i < base_end && i == 0))
			return false;
		if (c >= 'A' && c <= 'Z' && (raw[12] & (i < 8 ? 0x08 : 0x10)))
			c = (uint8_t)(c + 32);
		o = put_utf8(o, c);
	}
	*o = '\0';
	if (o - buf > 12) /* Latin-1 widened it: keep what fits, whole */
		return false;
	memcpy(out, buf, (size_t)(o - buf) + 1);
	return true;
}

/* Decode one UTF-8 character from s[0..n); 0 on malformed input. */
static size_t get_utf8(const char *s, size_t n, uint32_t *cp)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t k;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] < 0xe0)
		k = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] < 0xf0)
		k = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] < 0xf5)
		k = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((*cp >= 0xd800 && *cp < 0xe000) || *cp > 0x10ffff ||
	    (k == 3 && *cp < 0x800) || (k == 4 && *cp < 0x10000))
		return 0;
	return k;
}

/*
 * Check name (len bytes of UTF-8) as a long name and encode it in UTF-16 in
 * u16 (room for 260 units).  GRAFT_EINVAL for characters FAT forbids
 * (controls, " * / : < > ? \ |), "." and "..", or a trailing dot or space;
 * GRAFT_ENAMETOOLONG past 255 units.
 */
int fat_name_check(const char *name, size_t len, uint16_t *u16, size_t *nu16)
{
	size_t n = 0;

	if (len == 0 ||
	    (len <= 2 && name[0] == '.' && (len == 1 || name[1] == '.')))
		return GRAFT_EINVAL;
	if (name[len - 1] == '.' || name[len - 1] == ' ')
		return GRAFT_EINVAL;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = get_utf8(name + i, len - i, &cp);
		if (!k || cp < 0x20 || cp == 0x7f ||
		    (cp < 0x80 && strchr("\"*/:<>?\\|", (int)cp)))
			return GRAFT_EINVAL;
		if (n + (cp >= 0x10000 ? 2 : 1) > 255)
			return GRAFT_ENAMETOOLONG;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u16[n++] = (uint16_t)(0xd800 | cp >> 10);
			u16[n++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			u16[n++] = (uint16_t)cp;
		}
		i += k;
	}
	*nu16 = n;
	return 0;
}

/* Fill one part (base or extension) of an 8.3 name exactly; track case. */
static bool fit_part(const char *s, size_t n, uint8_t *dst, size_t max,
		     int *lower, int *upper)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c >= 'a' && c <= 'z') {
			(*lower)++;
			c = (uint8_t)(c - 32);
		} else if (c >= 'A' && c <= 'Z') {
			(*upper)++;
		}
		if (c >= 0x80 || c == ' ' || !sfn_char_ok(c))
			return false;
		dst[i] = c;
	}
	return true;
}

/*
 * True if name is a valid 8.3 name as it stands (each part all upper or all
 * lower case), so it needs no long-name entries; sfn and the NT case bits
 * receive it.
 */
bool fat_name_fits_83(const char *name, size_t len, uint8_t sfn[11],
		      uint8_t *case_bits)
{
	const char *dot = memchr(name, '.', len);
	size_t blen = dot ? (size_t)(dot - name) : len;
	int bl = 0, bu = 0, el = 0, eu = 0;

	memset(sfn, ' ', 11);
	*case_bits = 0;
	if (!fit_part(name, blen, sfn, 8, &bl, &bu))
		return false;
	if (dot && !fit_part(dot + 1, len - blen - 1, sfn + 8, 3, &el, &eu))
		return false;
	if ((bl && bu) || (el && eu))
		return false;
	if (sfn[0] == 0xe5)
		sfn[0] = 0x05;
	*case_bits = (uint8_t)((bl ? 0x08 : 0) | (el ? 0x10 : 0));
	return true;
}

/* The basis of a generated short name: upper case, characters a short name
 * cannot hold become '_', spaces and leading dots dropped. */
void fat_sfn_basis(const char *name, size_t len, uint8_t basis[11])
{
	size_t start = 0, i, n = 0;
	const char *last_dot = NULL;

	memset(basis, ' ', 11);
	while (start < len && name[start] == '.')
		start++;
	for (i = start; i < len; i++)
		if (name[i] == '.')
			last_dot = name + i;
	size_t bend = last_dot ? (size_t)(last_dot - name) : len;
	for (i = start; i < bend && n < 8; i++) {
		uint8_t c = (uint8_t)name[i];
		if (c == ' ' || c == '.')
			continue;
		if ((c & 0xc0) == 0x80)
			continue; /* one '_' per non-ASCII character */
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 32);
		basis[n++] = (c >= 0x80 || !sfn_char_ok(c)) ? '_' : c;
	}
	if (n == 0)
		basis[n++] = '_';
	n = 8;
	for (i = bend + 1; last_dot && i < len && n < 11; i++) {
		uint8_t c = (uint8_t)name[i];
		if (c == ' ' || (c & 0xc0) == 0x80)
			continue;
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 32);
		basis[n++] = (c >= 0x80 || !sfn_char_ok(c)) ? '_' : c;
	}
	if (basis[0] == 0xe5)
		basis[0] = 0x05;
}

void fat_sfn_tail(const uint8_t basis[11], unsigned n, uint8_t out[11])
{
	char tail[12];
	int tl = 0, bl = 8;
	unsigned v = n;

	char digits[11];
	int nd = 0;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tail[tl++] = '~';
	while (nd)
		tail[tl++] = digits[--nd];
	while (bl > 0 && basis[bl - 1] == ' ')
		bl--;
	if (bl > 8 - tl)
		bl = 8 - tl;
	memcpy(out, basis, 11);
	memset(out, ' ', 8);
	memcpy(out, basis, (size_t)bl);
	memcpy(out + bl, tail, (size_t)tl);
}

bool fat_sfn_tail_number(const uint8_t basis[11], const uint8_t sfn[11],
			 unsigned *n)
{
	const uint8_t *t = memchr(sfn, '~', 8);
	unsigned v = 0;
	uint8_t want[11];

	if (!t || memcmp(sfn + 8, basis + 8, 3) != 0)
		return false;
	for (t++; t < sfn + 8 && *t >= '0' && *t <= '9'; t++)
		if (v < 1000000)
			v = v * 10 + (unsigned)(*t - '0');
	if (v == 0 || v >= 1000000)
		return false;
	fat_sfn_tail(basis, v, want);
	if (memcmp(want, sfn, 11) != 0)
		return false;
	*n = v;
	return true;
}

size_t fat_utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t outsize)
{
	char *o = out;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp = u[i];
		if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < n &&
		    u[i + 1] >= 0xdc00 && u[i + 1] < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			     (u[i + 1] - 0xdc00);
			i++;
		} else if (cp >= 0xd800 && cp < 0xe000) {
			cp = 0xfffd; /* a lone surrogate */
		}
		if ((size_t)(o - out) + 5 > outsize)
			break;
		o = put_utf8(o, cp);
	}
	*o = '\0';
	return (size_t)(o - out);
}

bool fat_name_equal(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (y == 0)
			return false;
		if (x >= 'a' && x <= 'z')
			x -= 32;
		if (y >= 'a' && y <= 'z')
			y -= 32;
		if (x != y)
			return false;
	}
	return b[i] == '\0';
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* FAT stamps hold 1980..2107 in two-second steps; clamp outside. */
void fat_time_encode(int64_t t, uint16_t *date, uint16_t *time)
{
	int64_t lo = 315532800, hi = 4354819199; /* 1980-01-01, 2107-12-31 */
	int64_t y;
	unsigned m, d;

	if (t < lo)
		t = lo;
	if (t > hi)
		t = hi;
	civil_from_days(t / 86400, &y, &m, &d);
	int64_t s = t % 86400;
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time =
	    (uint16_t)((s / 3600) << 11 | ((s / 60) % 60) << 5 | (s % 60) / 2);
}

int64_t fat_time_decode(uint16_t date, uint16_t time)
{
	unsigned m = (date >> 5) & 15, d = date & 31;

	if (m < 1 || m > 12 || d < 1)
		return 315532800;
	return days_from_civil(1980 + (date >> 9), m, d) * 86400 +
	       (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2;
}
