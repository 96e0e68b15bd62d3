/*
 * The module bench/modules loads: about 16 KiB of code (64 functions of
 * integer mixing, kept by a table), an init that runs each once, and an
 * exit.  Built as a module, and linked into an application for the
 * rebuild-and-reboot baseline (BIGMOD_APP).
 */
#include <stdint.h>
#include <stdio.h>

#ifndef BIGMOD_APP
#include <graft/module.h>
GRAFT_MODULE("bigmod", "1.0", "MIT");
#endif

#define MIX(n)                                                                 \
	static uint32_t mix_##n(uint32_t x)                                    \
	{                                                                      \
		_Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) {          \
			x ^= x << ((n % 7) + 3);                               \
			x ^= x >> ((n % 5) + 11);                              \
			x = x * (0x9e3779b1u + n) + (uint32_t)i;               \
			x ^= x << ((n % 3) + 5);                               \
			x = (x >> 7 | x << 25) + 0x7f4a7c15u * n;              \
			x ^= (x * 0x85ebca6bu) >> ((n % 11) + 2);              \
			x += (x ^ 0xc2b2ae35u) * (n | 1);                      \
			x = (x << 13 | x >> 19) ^ (uint32_t)(n * 2654435761u); \
		}                                                              \
		return x;                                                      \
	}
#define MIX8(a)                                                                \
	MIX(a##0) MIX(a##1) MIX(a##2) MIX(a##3) MIX(a##4) MIX(a##5) MIX(a##6)  \
	MIX(a##7)
MIX8(1) MIX8(2) MIX8(3) MIX8(4) MIX8(5) MIX8(6) MIX8(7) MIX8(8)

#define REF(n) mix_##n,
#define REF8(a)                                                                \
	REF(a##0) REF(a##1) REF(a##2) REF(a##3) REF(a##4) REF(a##5) REF(a##6)  \
	REF(a##7)
static uint32_t (*const mixers[])(uint32_t) = {
	REF8(1) REF8(2) REF8(3) REF8(4) REF8(5) REF8(6) REF8(7) REF8(8)};

static uint32_t bigmod_run(void)
{
	uint32_t x = 1;

	for (unsigned i = 0; i < sizeof(mixers) / sizeof(mixers[0]); i++)
		x = mixers[i](x);
	return x;
}

#ifdef BIGMOD_APP
int main(int argc, char **argv)
{
	printf("bigmod %08x\n", (unsigned)bigmod_run());
	return 0;
}
#else
static int bigmod_init(void)
{
	return bigmod_run() == 0 ? -1 : 0;
}
GRAFT_MODULE_INIT(bigmod_init);
#endif
