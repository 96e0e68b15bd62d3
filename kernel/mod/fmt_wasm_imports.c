/*
 * The "graft" import namespace of bytecode modules: one host function per
 * call of <graft/modapi.h>, each translating guest addresses into checked
 * host pointers and calling the same mod_api_* function native modules
 * reach.  A guest range outside the module's memory, or a string without
 * its NUL within bounds, traps the caller (WASM_TRAP_HOST) with the reason
 * in w->fault; every other bad argument is an error code, as for natives.
 */
#include <stdio.h>
#include <string.h>
#include <graft/error.h>
#include <graft/modapi.h>
#include <graft/time.h>
#include <graft/module.h>
#include "fmt_wasm.h"

#define HOST_FAULT 1 /* a host function's "trap the caller" */

/* The len bytes at guest address ptr, or NULL with w->fault set. */
static uint8_t *guest(struct mod_wasm *w, wasm_instance *caller, uint32_t ptr,
		      uint64_t len, const char *what)
{
	wasm_memory *mem = caller ? wasm_instance_memory(caller) : NULL;
	uint64_t size = 0;
	uint8_t *base = mem ? wasm_memory_data(mem, &size) : NULL;

	if (!base || ptr > size || len > size - ptr) {
		snprintf(w->fault, sizeof(w->fault),
			 "%s: bytes %u..+%llu are outside its memory", what,
			 ptr, (unsigned long long)len);
		return NULL;
	}
	return base + ptr;
}

/* The NUL-terminated string at ptr, at most max bytes before the NUL. */
static const char *guest_str(struct mod_wasm *w, wasm_instance *caller,
			     uint32_t ptr, size_t max, const char *what)
{
	wasm_memory *mem = caller ? wasm_instance_memory(caller) : NULL;
	uint64_t size = 0;
	uint8_t *base = mem ? wasm_memory_data(mem, &size) : NULL;
	uint64_t room = base && ptr < size ? size - ptr : 0;

	if (room > max + 1)
		room = max + 1;
	if (!room || !memchr(base + ptr, '\0', (size_t)room)) {
		snprintf(w->fault, sizeof(w->fault),
			 "%s: no string of at most %zu bytes at %u", what, max,
			 ptr);
		return NULL;
	}
	return (const char *)base + ptr;
}

#define ARG_U32(i) ((uint32_t)args[i].i32)
#define ARG_U64(i) ((uint64_t)args[i].i64)

static int host_log(void *ctx, wasm_instance *caller, const wasm_val *args,
		    wasm_val *res)
{
	struct mod_wasm *w = ctx;
	uint32_t len = ARG_U32(2);
	const uint8_t *msg;

	if (len > GRAFT_MOD_LOG_MAX)
		len = GRAFT_MOD_LOG_MAX;
	msg = guest(w, caller, ARG_U32(1), len, "graft.log");
	if (!msg)
		return HOST_FAULT;
	mod_api_log(w->m, args[0].i32, (const char *)msg, len);
	return 0;
}

static int host_now(void *ctx, wasm_instance *caller, const wasm_val *args,
		    wasm_val *res)
{
	res[0].i64 = (int64_t)graft_now();
	return 0;
}

static int host_timer_start(void *ctx, wasm_instance *caller,
			    const wasm_val *args, wasm_val *res)
{
	struct mod_wasm *w = ctx;

	res[0].i32 =
	    mod_api_timer_start(w->m, ARG_U32(0), ARG_U64(1), ARG_U64(2));
	return 0;
}

static int host_timer_stop(void *ctx, wasm_instance *caller,
			   const wasm_val *args, wasm_val *res)
{
	struct mod_wasm *w = ctx;

	res[0].i32 = mod_api_timer_stop(w->m, ARG_U32(0));
	return 0;
}

static int host_send(void *ctx, wasm_instance *caller, const wasm_val *args,
		     wasm_val *res)
{
	struct mod_wasm *w = ctx;
	const char *to = guest_str(w, caller, ARG_U32(0),
				   GRAFT_MODULE_NAME_MAX - 1, "graft.send");
	uint32_t len = ARG_U32(2);
	const uint8_t *data;

	if (!to)
		return HOST_FAULT;
	if (len > GRAFT_MOD_MSG_MAX) {
		res[0].i32 = GRAFT_EMSGSIZE;
		return 0;
	}
	data = guest(w, caller, ARG_U32(1), len, "graft.send");
	if (!data)
		return HOST_FAULT;
	res[0].i32 = mod_api_send(w->m, to, data, len);
	return 0;
}

static int host_recv(void *ctx, wasm_instance *caller, const wasm_val *args,
		     wasm_val *res)
{
	struct mod_wasm *w = ctx;
	uint8_t *from =
	    guest(w, caller, ARG_U32(0), GRAFT_MODULE_NAME_MAX, "graft.recv");
	uint8_t *buf = guest(w, caller, ARG_U32(1), ARG_U32(2), "graft.recv");

	if (!from || !buf)
		return HOST_FAULT;
	res[0].i32 = mod_api_recv(w->m, (char *)from, buf, ARG_U32(2));
	return 0;
}

static int host_dev_open(void *ctx, wasm_instance *caller, const wasm_val *args,
			 wasm_val *res)
{
	struct mod_wasm *w = ctx;
	const char *name = guest_str(
	    w, caller, ARG_U32(0), GRAFT_MODULE_NAME_MAX - 1, "graft.dev_open");

	if (!name)
		return HOST_FAULT;
	res[0].i32 = mod_api_dev_open(w->m, name);
	return 0;
}

static int host_blk_info(void *ctx, wasm_instance *caller, const wasm_val *args,
			 wasm_val *res)
{
	struct mod_wasm *w = ctx;
	uint8_t *sectors = guest(w, caller, ARG_U32(1), 8, "graft.blk_info");
	uint8_t *size = guest(w, caller, ARG_U32(2), 4, "graft.blk_info");
	uint64_t n;
	uint32_t ss;

	if (!sectors || !size)
		return HOST_FAULT;
	res[0].i32 = mod_api_blk_info(w->m, args[0].i32, &n, &ss);
	if (res[0].i32 == 0) {
		memcpy(sectors, &n, 8); /* wasm is little-endian, as we are */
		memcpy(size, &ss, 4);
	}
	return 0;
}

static int blk_io(void *ctx, wasm_instance *caller, const wasm_val *args,
		  wasm_val *res, bool write)
{
	struct mod_wasm *w = ctx;
	const char *what = write ? "graft.blk_write" : "graft.blk_read";
	uint64_t sectors;
	uint32_t ss;
	uint8_t *buf;
	int rc;

	rc = mod_api_blk_info(w->m, args[0].i32, &sectors, &ss);
	if (rc) {
		res[0].i32 = rc;
		return 0;
	}
	buf = guest(w, caller, ARG_U32(2), (uint64_t)ARG_U32(3) * ss, what);
	if (!buf)
		return HOST_FAULT;
	res[0].i32 = mod_api_blk_io(w->m, args[0].i32, ARG_U64(1), buf,
				    ARG_U32(3), write);
	return 0;
}

static int host_blk_read(void *ctx, wasm_instance *caller, const wasm_val *args,
			 wasm_val *res)
{
	return blk_io(ctx, caller, args, res, false);
}

static int host_blk_write(void *ctx, wasm_instance *caller,
			  const wasm_val *args, wasm_val *res)
{
	return blk_io(ctx, caller, args, res, true);
}

static int host_net_mac(void *ctx, wasm_instance *caller, const wasm_val *args,
			wasm_val *res)
{
	struct mod_wasm *w = ctx;
	uint8_t *mac = guest(w, caller, ARG_U32(1), 6, "graft.net_mac");

	if (!mac)
		return HOST_FAULT;
	res[0].i32 = mod_api_net_mac(w->m, args[0].i32, mac);
	return 0;
}

static int host_net_send(void *ctx, wasm_instance *caller, const wasm_val *args,
			 wasm_val *res)
{
	struct mod_wasm *w = ctx;
	uint8_t *frame =
	    guest(w, caller, ARG_U32(1), ARG_U32(2), "graft.net_send");

	if (!frame)
		return HOST_FAULT;
	res[0].i32 = mod_api_net_send(w->m, args[0].i32, frame, ARG_U32(2));
	return 0;
}

static int host_net_recv(void *ctx, wasm_instance *caller, const wasm_val *args,
			 wasm_val *res)
{
	struct mod_wasm *w = ctx;
	uint8_t *buf =
	    guest(w, caller, ARG_U32(1), ARG_U32(2), "graft.net_recv");

	if (!buf)
		return HOST_FAULT;
	res[0].i32 = mod_api_net_recv(w->m, args[0].i32, buf, ARG_U32(2));
	return 0;
}

/* The imports: name, parameter and result types (i: i32, I: i64), C
 * function. */
static const struct import {
	const char *name, *params, *results;
	wasm_host_fn fn;
} imports[] = {
    {"log", "iii", "", host_log},
    {"now", "", "I", host_now},
    {"timer_start", "iII", "i", host_timer_start},
    {"timer_stop", "i", "i", host_timer_stop},
    {"send", "iii", "i", host_send},
    {"recv", "iii", "i", host_recv},
    {"dev_open", "i", "i", host_dev_open},
    {"blk_info", "iii", "i", host_blk_info},
    {"blk_read", "iIii", "i", host_blk_read},
    {"blk_write", "iIii", "i", host_blk_write},
    {"net_mac", "ii", "i", host_net_mac},
    {"net_send", "iii", "i", host_net_send},
    {"net_recv", "iii", "i", host_net_recv},
};
#define NIMPORTS (sizeof(imports) / sizeof(imports[0]))

static const struct import *import_find(const char *module, const char *name)
{
	size_t i;

	if (strcmp(module, "graft") != 0)
		return NULL;
	for (i = 0; i < NIMPORTS; i++)
		if (strcmp(imports[i].name, name) == 0)
			return &imports[i];
	return NULL;
}

int mod_wasm_import_check(const char *module, const char *name,
			  struct mod_err *e)
{
	if (import_find(module, name))
		return 0;
	return mod_fail(e, GRAFT_ENOSYM,
			"imports '%s.%s', which is not in the graft namespace "
			"(see <graft/modapi.h>)",
			module, name);
}

/* "iI" -> {WASM_I32, WASM_I64} */
static uint32_t types_of(const char *s, uint8_t *out)
{
	uint32_t n = 0;

	for (; *s; s++)
		out[n++] = *s == 'I' ? WASM_I64 : WASM_I32;
	return n;
}

int mod_wasm_resolve(void *ctx, const char *module, const char *name,
		     enum wasm_extern_kind kind, struct wasm_extern *out)
{
	struct mod_wasm *w = ctx;
	const struct import *im = import_find(module, name);
	uint8_t params[8], results[2];
	uint32_t np, nr;

	if (!im || kind != WASM_EXTERN_FUNC)
		return GRAFT_ENOSYM;
	np = types_of(im->params, params);
	nr = types_of(im->results, results);
	out->kind = WASM_EXTERN_FUNC;
	out->u.func =
	    wasm_func_new_host(w->store, params, np, results, nr, im->fn, w);
	return out->u.func ? 0 : GRAFT_ENOMEM;
}
