/*
 * Bounded reads from module bytes, shared by the decoder and the validator.
 * A reader never reads past its end: every helper checks the bytes it needs
 * first and on failure sets the sticky error (the first one wins) and
 * returns 0, so callers may check r->failed once after a run of reads.
 */
#ifndef GRAFT_WASM_READ_H
#define GRAFT_WASM_READ_H

#include <graft/error.h>

#include "wasm_internal.h"

struct wasm_reader {
	const uint8_t *base, *p, *end;
	struct wasm_err *e;
	bool failed;
};

static inline void rd_fail(struct wasm_reader *r, int code, const char *what)
{
	if (r->failed)
		return;
	r->failed = true;
	wasm_errf(r->e, code, "%s at offset %zu", what,
		  (size_t)(r->p - r->base));
}

static inline uint32_t rd_off(const struct wasm_reader *r)
{
	return (uint32_t)(r->p - r->base);
}

static inline size_t rd_left(const struct wasm_reader *r)
{
	return (size_t)(r->end - r->p);
}

static inline uint8_t rd_u8(struct wasm_reader *r)
{
	if (r->failed)
		return 0;
	if (r->p >= r->end) {
		rd_fail(r, GRAFT_EFORMAT, "unexpected end");
		return 0;
	}
	return *r->p++;
}

/*
 * An LEB128 number of at most `bits` bits.  Too many bytes and unused bits
 * that are not zero (unsigned) or the sign extension (signed) are
 * malformed, as the spec requires.
 */
static inline uint64_t rd_leb(struct wasm_reader *r, unsigned bits,
			      bool is_signed)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	for (;;) {
		b = rd_u8(r);
		if (r->failed)
			return 0;
		if (shift + 7 >= bits) {
			/* last permitted byte: check the unused bits */
			unsigned used = bits - shift;
			uint8_t rest = (uint8_t)(b & 0x7f) >> used;
			uint8_t all = (uint8_t)(0x7f >> used);
			if (b & 0x80) {
				rd_fail(r, GRAFT_EFORMAT,
					"integer representation too long");
				return 0;
			}
			if (!is_signed ? rest != 0
				       : (b & (1u << (used - 1)))
						 ? rest != all
						 : rest != 0) {
				rd_fail(r, GRAFT_EFORMAT, "integer too large");
				return 0;
			}
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			break;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (is_signed && shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return v;
}

static inline uint32_t rd_u32(struct wasm_reader *r)
{
	return (uint32_t)rd_leb(r, 32, false);
}

static inline int32_t rd_s32(struct wasm_reader *r)
{
	return (int32_t)rd_leb(r, 32, true);
}

static inline int64_t rd_s64(struct wasm_reader *r)
{
	return (int64_t)rd_leb(r, 64, true);
}

static inline int64_t rd_s33(struct wasm_reader *r)
{
	return (int64_t)rd_leb(r, 33, true);
}

static inline uint32_t rd_fixed32(struct wasm_reader *r)
{
	uint32_t v = 0;
	if (rd_left(r) < 4) {
		rd_fail(r, GRAFT_EFORMAT, "unexpected end");
		return 0;
	}
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)r->p[i] << (8 * i);
	r->p += 4;
	return v;
}

static inline uint64_t rd_fixed64(struct wasm_reader *r)
{
	uint64_t lo = rd_fixed32(r);
	return lo | (uint64_t)rd_fixed32(r) << 32;
}

#endif
