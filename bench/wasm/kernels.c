/*
 * CPU kernels for the wasm benchmark, built natively with gcc -O2 and to
 * wasm32 with clang -O2.  Each bench_* function does a fixed amount of
 * work and returns a checksum, so the three runs (native, our interpreter,
 * node) can be compared for both time and result.  No libc: the wasm build
 * is -nostdlib.
 */
#include <stdint.h>

#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(#name)))
void *memset(void *d, int c, unsigned long n)
{
	uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}
void *memcpy(void *d, const void *s, unsigned long n)
{
	uint8_t *p = d;
	const uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
#else
#define EXPORT(name)
#endif

static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t fib(uint32_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

EXPORT(bench_fib) uint32_t bench_fib(void)
{
	return fib(37);
}

/* SHA-256 over a 64 KiB buffer, 200 times. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
			      ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static uint8_t data[1 << 16];

static void fill_data(uint32_t seed)
{
	rng_state = seed;
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rng();
}

EXPORT(bench_sha256) uint32_t bench_sha256(void)
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	fill_data(1);
	for (int r = 0; r < 200; r++)
		for (unsigned i = 0; i < sizeof(data); i += 64)
			sha256_block(h, data + i);
	return h[0] ^ h[7];
}

EXPORT(bench_crc32) uint32_t bench_crc32(void)
{
	uint32_t table[256], crc = 0xffffffffu;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	fill_data(2);
	for (int r = 0; r < 500; r++)
		for (unsigned i = 0; i < sizeof(data); i++)
			crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static int32_t arr[200000];

static void quicksort(int32_t *a, int lo, int hi)
{
	while (lo < hi) {
		int32_t p = a[(lo + hi) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (a[i] < p)
				i++;
			while (a[j] > p)
				j--;
			if (i <= j) {
				int32_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

EXPORT(bench_quicksort) uint32_t bench_quicksort(void)
{
	uint32_t sum = 0;
	int n = (int)(sizeof(arr) / sizeof(arr[0]));
	rng_state = 3;
	for (int r = 0; r < 4; r++) {
		for (int i = 0; i < n; i++)
			arr[i] = (int32_t)rng();
		quicksort(arr, 0, n - 1);
		for (int i = 0; i < n; i += 97)
			sum = sum * 31 + (uint32_t)arr[i];
	}
	return sum;
}

#define N 120
static double ma[N][N], mb[N][N], mc[N][N];

EXPORT(bench_matmul) uint32_t bench_matmul(void)
{
	double s = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			ma[i][j] = (double)(i * N + j) / (N * N);
			mb[i][j] = (double)(j * N + i + 1) / (N * N);
		}
	for (int r = 0; r < 60; r++)
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++) {
				double acc = 0;
				for (int k = 0; k < N; k++)
					acc += ma[i][k] * mb[k][j];
				mc[i][j] = acc + r;
			}
	for (int i = 0; i < N; i++)
		s += mc[i][i];
	return (uint32_t)(int64_t)(s * 1000.0);
}

/*
 * Parse synthetic Ethernet/IPv4/UDP frames: check the IPv4 header checksum,
 * count ports and sum payload lengths.
 */
EXPORT(bench_packets) uint32_t bench_packets(void)
{
	uint32_t ok = 0, ports = 0, bytes = 0;
	rng_state = 4;
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rng();
	for (int r = 0; r < 6000; r++) {
		for (unsigned off = 0; off + 64 <= sizeof(data); off += 64) {
			uint8_t *f = data + off;
			uint32_t sum = 0;
			f[12] = 0x08, f[13] = 0x00, f[14] = 0x45;
			f[23] = (uint8_t)(r & 1 ? 17 : 6);
			for (int k = 0; k < 20; k += 2)
				sum += (uint32_t)f[14 + k] << 8 | f[15 + k];
			while (sum >> 16)
				sum = (sum & 0xffff) + (sum >> 16);
			if ((f[12] << 8 | f[13]) != 0x0800 || (f[14] >> 4) != 4)
				continue;
			if (sum == 0xffff)
				ok++;
			if (f[23] == 17) {
				uint32_t dport = (uint32_t)f[36] << 8 | f[37];
				ports += dport < 1024;
				bytes += (uint32_t)f[38] << 8 | f[39];
			}
			f[20] ^= (uint8_t)sum;
		}
	}
	return ok * 1000003u + ports * 31u + bytes;
}
