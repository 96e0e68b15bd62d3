/*
 * graft-spectest: runs the commands of WebAssembly spec test scripts that
 * wast2json converted (FILE.json plus the .wasm files beside it) against
 * lib/wasm, and prints one line per file:
 *
 *   FILE: P passed, F failed, S skipped
 *
 * with a "  FAIL line N: ..." line before it for each failed assertion.
 * Text-format modules (assert_malformed/assert_invalid given as .wat) are
 * skipped as not applicable: we have no text parser.  One store per file
 * holds the spectest host module and every instance, so that registered
 * instances link with each other as the scripts expect.
 */
#include <graft/error.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lib/wasm/wasm.h"

#define MAX_NAMED 256

struct named {
	char *name;
	wasm_instance *inst;
};

struct runner {
	const char *dir;
	wasm_store *st;
	wasm_instance *current;
	struct named names[MAX_NAMED]; /* "$M" module names */
	size_t nnames;
	struct named regs[MAX_NAMED]; /* register "as" names */
	size_t nregs;
	/* the spectest module */
	wasm_func *print[7];
	wasm_global *g_i32, *g_i64, *g_f32, *g_f64;
	wasm_table *table;
	wasm_memory *memory;
	int passed, failed, skipped;
	int verbose;
};

static void fail(struct runner *r, const struct json *cmd, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static void fail(struct runner *r, const struct json *cmd, const char *fmt,
		 ...)
{
	va_list ap;
	const struct json *line = json_get(cmd, "line");
	r->failed++;
	printf("  FAIL line %s: ", line && line->str ? line->str : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int host_print(void *ctx, wasm_instance *caller, const wasm_val *args,
		      wasm_val *results)
{
	(void)ctx;
	(void)caller;
	(void)args;
	(void)results;
	return 0;
}

static int setup_spectest(struct runner *r)
{
	static const uint8_t sigs[7][3] = {
		{0},
		{WASM_I32},
		{WASM_I64},
		{WASM_F32},
		{WASM_F64},
		{WASM_I32, WASM_F32},
		{WASM_F64, WASM_F64},
	};
	static const uint32_t counts[7] = {0, 1, 1, 1, 1, 2, 2};
	wasm_val v;
	for (int i = 0; i < 7; i++) {
		r->print[i] = wasm_func_new_host(r->st, sigs[i], counts[i],
						 NULL, 0, host_print, r);
		if (!r->print[i])
			return -1;
	}
	v.bits = 0;
	v.i32 = 666;
	r->g_i32 = wasm_global_new(r->st, WASM_I32, 0, v);
	v.i64 = 666;
	r->g_i64 = wasm_global_new(r->st, WASM_I64, 0, v);
	v.bits = 0;
	v.f32 = 666.6f;
	r->g_f32 = wasm_global_new(r->st, WASM_F32, 0, v);
	v.f64 = 666.6;
	r->g_f64 = wasm_global_new(r->st, WASM_F64, 0, v);
	r->table = wasm_table_new(r->st, WASM_FUNCREF, 10, 20);
	r->memory = wasm_memory_new(r->st, 1, 2);
	return r->g_i32 && r->g_i64 && r->g_f32 && r->g_f64 && r->table &&
			       r->memory
		       ? 0
		       : -1;
}

static int spectest_export(struct runner *r, const char *name,
			   struct wasm_extern *out)
{
	static const char *prints[7] = {"print",	 "print_i32",
					"print_i64",	 "print_f32",
					"print_f64",	 "print_i32_f32",
					"print_f64_f64"};
	for (int i = 0; i < 7; i++)
		if (strcmp(name, prints[i]) == 0) {
			out->kind = WASM_EXTERN_FUNC;
			out->u.func = r->print[i];
			return 0;
		}
	out->kind = WASM_EXTERN_GLOBAL;
	if (strcmp(name, "global_i32") == 0)
		out->u.global = r->g_i32;
	else if (strcmp(name, "global_i64") == 0)
		out->u.global = r->g_i64;
	else if (strcmp(name, "global_f32") == 0)
		out->u.global = r->g_f32;
	else if (strcmp(name, "global_f64") == 0)
		out->u.global = r->g_f64;
	else if (strcmp(name, "table") == 0) {
		out->kind = WASM_EXTERN_TABLE;
		out->u.table = r->table;
	} else if (strcmp(name, "memory") == 0) {
		out->kind = WASM_EXTERN_MEMORY;
		out->u.memory = r->memory;
	} else {
		return GRAFT_ENOENT;
	}
	return 0;
}

static wasm_instance *lookup(struct named *tab, size_t n, const char *name)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(tab[i].name, name) == 0)
			return tab[i].inst;
	return NULL;
}

static int resolve(void *ctx, const char *module, const char *name,
		   enum wasm_extern_kind kind, struct wasm_extern *out)
{
	struct runner *r = ctx;
	wasm_instance *inst;
	(void)kind;
	if (strcmp(module, "spectest") == 0)
		return spectest_export(r, name, out);
	inst = lookup(r->regs, r->nregs, module);
	if (!inst)
		return GRAFT_ENOENT;
	return wasm_instance_export(inst, name, out);
}

static uint8_t *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	uint8_t *buf = NULL;
	long size;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)size;
	}
	fclose(f);
	return buf;
}

/* Load a command's module; 0, or the error code with msg filled in. */
static int load_module(struct runner *r, const struct json *cmd,
		       wasm_module **m, char *msg, size_t msglen)
{
	const char *file = json_str(cmd, "filename");
	size_t len = 0;
	uint8_t *bytes;
	int rc;
	*m = NULL;
	if (!file || !(bytes = read_file(r->dir, file, &len))) {
		snprintf(msg, msglen, "cannot read module file");
		return GRAFT_EIO;
	}
	rc = wasm_module_new(bytes, len, m, msg, msglen);
	free(bytes);
	return rc;
}

/* Modules stay alive until the end of the file: instances use them. */
static wasm_module *modules[4096];
static size_t nmodules;

static void keep_module(wasm_module *m)
{
	if (nmodules < sizeof(modules) / sizeof(modules[0]))
		modules[nmodules++] = m;
}

static void cmd_module(struct runner *r, const struct json *cmd)
{
	char msg[256];
	wasm_module *m;
	wasm_instance *inst;
	struct wasm_trap trap;
	const char *name = json_str(cmd, "name");
	if (load_module(r, cmd, &m, msg, sizeof(msg))) {
		fail(r, cmd, "module did not load: %s", msg);
		r->current = NULL;
		return;
	}
	keep_module(m);
	if (wasm_instantiate(r->st, m, resolve, r, &inst, &trap, msg,
			     sizeof(msg))) {
		fail(r, cmd, "module did not instantiate: %s", msg);
		r->current = NULL;
		return;
	}
	r->current = inst;
	if (name && r->nnames < MAX_NAMED) {
		r->names[r->nnames].name = strdup(name);
		r->names[r->nnames++].inst = inst;
	}
	r->passed++;
}

static void cmd_register(struct runner *r, const struct json *cmd)
{
	const char *name = json_str(cmd, "name"), *as = json_str(cmd, "as");
	wasm_instance *inst =
		name ? lookup(r->names, r->nnames, name) : r->current;
	if (!inst || !as || r->nregs >= MAX_NAMED) {
		fail(r, cmd, "register: no such module");
		return;
	}
	r->regs[r->nregs].name = strdup(as);
	r->regs[r->nregs++].inst = inst;
}

static int parse_value(const struct json *v, wasm_val *out)
{
	const char *type = json_str(v, "type"), *val = json_str(v, "value");
	out->bits = 0;
	if (!type)
		return -1;
	if (strcmp(type, "externref") == 0 || strcmp(type, "funcref") == 0) {
		if (!val || strcmp(val, "null") == 0)
			out->ref = NULL;
		else
			out->ref = (void *)(uintptr_t)(strtoull(val, NULL, 10) +
						       1);
		return 0;
	}
	if (!val)
		return -1;
	if (strcmp(type, "i32") == 0 || strcmp(type, "f32") == 0)
		out->i32 = (int32_t)(uint32_t)strtoull(val, NULL, 10);
	else if (strcmp(type, "i64") == 0 || strcmp(type, "f64") == 0)
		out->i64 = (int64_t)strtoull(val, NULL, 10);
	else
		return -1;
	return 0;
}

static wasm_instance *action_instance(struct runner *r,
				      const struct json *act)
{
	const char *mod = json_str(act, "module");
	return mod ? lookup(r->names, r->nnames, mod) : r->current;
}

/*
 * Perform an action.  Returns 0 with results, GRAFT_ETRAP with *trap, or
 * another error (the action could not even be attempted) with msg.
 */
static int do_action(struct runner *r, const struct json *cmd,
		     wasm_val *results, uint32_t *nresults,
		     struct wasm_trap *trap, char *msg, size_t msglen)
{
	const struct json *act = json_get(cmd, "action"), *args;
	const char *type = json_str(act, "type"), *field = json_str(act,
								      "field");
	const struct json *fj = json_get(act, "field");
	wasm_instance *inst = action_instance(r, act);
	struct wasm_extern ex;
	wasm_val argv[64];
	uint32_t np, nr;

	if (!inst || !type || !field ||
	    wasm_instance_export_n(inst, field, fj->len, &ex)) {
		snprintf(msg, msglen, "no export '%s'", field ? field : "?");
		return GRAFT_ENOENT;
	}
	if (strcmp(type, "get") == 0) {
		if (ex.kind != WASM_EXTERN_GLOBAL) {
			snprintf(msg, msglen, "'%s' is not a global", field);
			return GRAFT_EINVAL;
		}
		results[0] = wasm_global_get(ex.u.global);
		*nresults = 1;
		return 0;
	}
	if (ex.kind != WASM_EXTERN_FUNC) {
		snprintf(msg, msglen, "'%s' is not a function", field);
		return GRAFT_EINVAL;
	}
	args = json_get(act, "args");
	wasm_func_arity(ex.u.func, &np, &nr);
	if (!args || args->n != np || np > 64 || nr > 64) {
		snprintf(msg, msglen, "argument count mismatch for '%s'",
			 field);
		return GRAFT_EINVAL;
	}
	for (uint32_t i = 0; i < np; i++)
		if (parse_value(args->items[i], &argv[i])) {
			snprintf(msg, msglen, "unsupported argument type");
			return GRAFT_ENOTSUP;
		}
	*nresults = nr;
	return wasm_func_call(r->st, ex.u.func, argv, np, results, nr, trap);
}

static int is_nan_kind(const char *val, const char *kind)
{
	return val && strcmp(val, kind) == 0;
}

static int value_matches(const struct json *want, wasm_val got)
{
	const char *type = json_str(want, "type"), *val = json_str(want,
								     "value");
	if (!type)
		return 0;
	if (strcmp(type, "f32") == 0) {
		uint32_t b = (uint32_t)got.i32;
		if (is_nan_kind(val, "nan:canonical"))
			return (b & 0x7fffffffu) == 0x7fc00000u;
		if (is_nan_kind(val, "nan:arithmetic"))
			return (b & 0x7fc00000u) == 0x7fc00000u;
		return val && b == (uint32_t)strtoull(val, NULL, 10);
	}
	if (strcmp(type, "f64") == 0) {
		uint64_t b = (uint64_t)got.i64;
		if (is_nan_kind(val, "nan:canonical"))
			return (b & 0x7fffffffffffffffull) ==
			       0x7ff8000000000000ull;
		if (is_nan_kind(val, "nan:arithmetic"))
			return (b & 0x7ff8000000000000ull) ==
			       0x7ff8000000000000ull;
		return val && b == strtoull(val, NULL, 10);
	}
	if (strcmp(type, "i32") == 0)
		return val && (uint32_t)got.i32 == (uint32_t)strtoull(val, NULL,
								       10);
	if (strcmp(type, "i64") == 0)
		return val && (uint64_t)got.i64 == strtoull(val, NULL, 10);
	if (strcmp(type, "externref") == 0 || strcmp(type, "funcref") == 0) {
		wasm_val w;
		if (!val) /* any non-null reference */
			return got.ref != NULL;
		parse_value(want, &w);
		if (strcmp(type, "funcref") == 0 && w.ref)
			return got.ref != NULL;
		return w.ref == got.ref;
	}
	return 0;
}

static void cmd_assert_return(struct runner *r, const struct json *cmd)
{
	const struct json *exp = json_get(cmd, "expected");
	wasm_val res[64];
	uint32_t nr = 0;
	struct wasm_trap trap;
	char msg[256] = "";
	int rc = do_action(r, cmd, res, &nr, &trap, msg, sizeof(msg));
	if (rc == GRAFT_ETRAP) {
		fail(r, cmd, "trapped: %s", wasm_trap_name(trap.code));
		return;
	}
	if (rc) {
		fail(r, cmd, "%s", msg);
		return;
	}
	if (!exp || exp->n != nr) {
		fail(r, cmd, "result count mismatch");
		return;
	}
	for (uint32_t i = 0; i < nr; i++)
		if (!value_matches(exp->items[i], res[i])) {
			const char *t = json_str(exp->items[i], "type");
			const char *v = json_str(exp->items[i], "value");
			unsigned long long bits = res[i].bits;
			if (t && (!strcmp(t, "i32") || !strcmp(t, "f32")))
				bits &= 0xffffffffull;
			fail(r, cmd, "result %u: got 0x%llx, want %s (%s)", i,
			     bits, v ? v : "?", t ? t : "?");
			return;
		}
	r->passed++;
}

/* The script's text must start with ours (it may add detail). */
static int trap_text_matches(const char *want, enum wasm_trap_code code)
{
	const char *ours = wasm_trap_name(code);
	return !want || strncmp(want, ours, strlen(ours)) == 0;
}

static void cmd_assert_trap(struct runner *r, const struct json *cmd,
			    int exhaustion)
{
	wasm_val res[64];
	uint32_t nr = 0;
	struct wasm_trap trap;
	char msg[256] = "";
	const char *want = json_str(cmd, "text");
	int rc = do_action(r, cmd, res, &nr, &trap, msg, sizeof(msg));
	if (rc != GRAFT_ETRAP) {
		fail(r, cmd, "expected trap '%s', got %s", want ? want : "?",
		     rc ? msg : "a result");
		return;
	}
	if (exhaustion ? trap.code != WASM_TRAP_STACK_EXHAUSTED
		       : !trap_text_matches(want, trap.code)) {
		fail(r, cmd, "expected trap '%s', got '%s'", want ? want : "?",
		     wasm_trap_name(trap.code));
		return;
	}
	r->passed++;
}

static void cmd_action(struct runner *r, const struct json *cmd)
{
	wasm_val res[64];
	uint32_t nr = 0;
	struct wasm_trap trap;
	char msg[256] = "";
	int rc = do_action(r, cmd, res, &nr, &trap, msg, sizeof(msg));
	if (rc == GRAFT_ETRAP)
		fail(r, cmd, "trapped: %s", wasm_trap_name(trap.code));
	else if (rc)
		fail(r, cmd, "%s", msg);
	else
		r->passed++;
}

static int is_text_module(const struct json *cmd)
{
	const char *mt = json_str(cmd, "module_type");
	return mt && strcmp(mt, "text") == 0;
}

static void cmd_assert_bad_module(struct runner *r, const struct json *cmd)
{
	char msg[256];
	wasm_module *m;
	if (is_text_module(cmd)) {
		r->skipped++;
		return;
	}
	if (load_module(r, cmd, &m, msg, sizeof(msg)) == 0) {
		fail(r, cmd, "module loaded, expected '%s'",
		     json_str(cmd, "text") ? json_str(cmd, "text") : "?");
		wasm_module_free(m);
		return;
	}
	if (r->verbose)
		printf("  ok line: refused: %s\n", msg);
	r->passed++;
}

static void cmd_assert_instantiate(struct runner *r, const struct json *cmd,
				   int want_trap)
{
	char msg[256];
	wasm_module *m;
	wasm_instance *inst;
	struct wasm_trap trap;
	int rc;
	if (load_module(r, cmd, &m, msg, sizeof(msg))) {
		fail(r, cmd, "module did not load: %s", msg);
		return;
	}
	keep_module(m);
	rc = wasm_instantiate(r->st, m, resolve, r, &inst, &trap, msg,
			      sizeof(msg));
	if (want_trap ? rc != GRAFT_ETRAP : (rc == 0 || rc == GRAFT_ETRAP)) {
		fail(r, cmd, "expected %s, got %s",
		     want_trap ? "a trap" : "a link error",
		     rc ? msg : "success");
		return;
	}
	r->passed++;
}

static void run_command(struct runner *r, const struct json *cmd)
{
	const char *type = json_str(cmd, "type");
	if (!type) {
		fail(r, cmd, "command without type");
	} else if (strcmp(type, "module") == 0) {
		cmd_module(r, cmd);
	} else if (strcmp(type, "register") == 0) {
		cmd_register(r, cmd);
	} else if (strcmp(type, "action") == 0) {
		cmd_action(r, cmd);
	} else if (strcmp(type, "assert_return") == 0) {
		cmd_assert_return(r, cmd);
	} else if (strcmp(type, "assert_trap") == 0) {
		cmd_assert_trap(r, cmd, 0);
	} else if (strcmp(type, "assert_exhaustion") == 0) {
		cmd_assert_trap(r, cmd, 1);
	} else if (strcmp(type, "assert_invalid") == 0 ||
		   strcmp(type, "assert_malformed") == 0) {
		cmd_assert_bad_module(r, cmd);
	} else if (strcmp(type, "assert_unlinkable") == 0) {
		cmd_assert_instantiate(r, cmd, 0);
	} else if (strcmp(type, "assert_uninstantiable") == 0) {
		cmd_assert_instantiate(r, cmd, 1);
	} else {
		fail(r, cmd, "unknown command '%s'", type);
	}
}

static int run_file(const char *path, int verbose)
{
	struct runner r;
	size_t len = 0;
	char *dir = strdup(path), *slash;
	uint8_t *text;
	struct json *doc;
	const struct json *cmds;

	memset(&r, 0, sizeof(r));
	r.verbose = verbose;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	r.dir = dir;
	text = read_file(".", path, &len);
	if (!text && path[0] == '/')
		text = read_file("", path, &len);
	doc = text ? json_parse((const char *)text, len) : NULL;
	cmds = json_get(doc, "commands");
	r.st = wasm_store_new(NULL);
	if (!cmds || cmds->type != JSON_ARR || !r.st || setup_spectest(&r)) {
		printf("%s: 0 passed, 1 failed, 0 skipped (cannot read)\n",
		       path);
		return 1;
	}
	for (size_t i = 0; i < cmds->n; i++)
		run_command(&r, cmds->items[i]);
	printf("%s: %d passed, %d failed, %d skipped\n", path, r.passed,
	       r.failed, r.skipped);
	for (size_t i = 0; i < nmodules; i++)
		wasm_module_free(modules[i]);
	nmodules = 0;
	for (size_t i = 0; i < r.nnames; i++)
		free(r.names[i].name);
	for (size_t i = 0; i < r.nregs; i++)
		free(r.regs[i].name);
	wasm_store_free(r.st);
	json_free(doc);
	free(text);
	free(dir);
	return r.failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int status = 0, verbose = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
			continue;
		}
		status |= run_file(argv[i], verbose);
	}
	return status;
}
