/*
 * x86-64 relocations: which the loader accepts, how wide their fields are,
 * and how each is computed (psABI notation: S symbol, A addend, P field
 * address, G the symbol's GOT entry address).  A 32-bit field that cannot
 * hold its value is GRAFT_ERANGE; the caller has already routed calls
 * through trampolines (T) and GOT-relative references through the
 * module's own GOT, so this only happens for absolute or PC-relative data
 * references out of reach, which the module build flags avoid.
 */
#include <string.h>
#include <graft/error.h>
#include "mod_internal.h"

unsigned mod_reloc_width(uint32_t type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return 4;
	}
	return 0;
}

const char *mod_reloc_name(uint32_t type)
{
	switch (type) {
	case R_X86_64_64:
		return "R_X86_64_64";
	case R_X86_64_PC64:
		return "R_X86_64_PC64";
	case R_X86_64_PC32:
		return "R_X86_64_PC32";
	case R_X86_64_PLT32:
		return "R_X86_64_PLT32";
	case R_X86_64_32:
		return "R_X86_64_32";
	case R_X86_64_32S:
		return "R_X86_64_32S";
	case R_X86_64_GOTPCREL:
		return "R_X86_64_GOTPCREL";
	case R_X86_64_GOTPCRELX:
		return "R_X86_64_GOTPCRELX";
	case R_X86_64_REX_GOTPCRELX:
		return "R_X86_64_REX_GOTPCRELX";
	}
	return "unknown";
}

bool mod_reloc_uses_got(uint32_t type)
{
	return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX;
}

static bool fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static int put32(void *where, int64_t v, bool is_signed)
{
	uint32_t u = (uint32_t)v;

	if (is_signed ? !fits_s32(v) : (uint64_t)v > UINT32_MAX)
		return GRAFT_ERANGE;
	memcpy(where, &u, sizeof(u));
	return 0;
}

int mod_reloc_apply(uint32_t type, void *where, const struct mod_reloc_ctx *c)
{
	uint64_t v;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		v = c->s + (uint64_t)c->a;
		memcpy(where, &v, sizeof(v));
		return 0;
	case R_X86_64_PC64:
		v = c->s + (uint64_t)c->a - c->p;
		memcpy(where, &v, sizeof(v));
		return 0;
	case R_X86_64_PC32:
		return put32(where, (int64_t)(c->s + (uint64_t)c->a - c->p),
			     true);
	case R_X86_64_PLT32:
		v = c->s + (uint64_t)c->a - c->p;
		if (!fits_s32((int64_t)v) && c->t)
			v = c->t + (uint64_t)c->a - c->p;
		return put32(where, (int64_t)v, true);
	case R_X86_64_32:
		return put32(where, (int64_t)(c->s + (uint64_t)c->a), false);
	case R_X86_64_32S:
		return put32(where, (int64_t)(c->s + (uint64_t)c->a), true);
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return put32(where, (int64_t)(c->g + (uint64_t)c->a - c->p),
			     true);
	}
	return GRAFT_ENOTSUP;
}
