/*
 * Proves that real module objects (built by tools/graft-module-build.sh
 * with gcc and with clang, and one assembly object per relocation type)
 * load, link against the program's exports and each other, run, unload,
 * and upgrade, with every byte of heap and every page given back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <graft/error.h>
#include "harness.h"
#include "testapi.h"
#include "kernel/mod/mod_internal.h"
#include "../tap.h"

static char err[256];

static int load(const char *dir, const char *name, struct mod **m)
{
	size_t len;
	uint8_t *buf = harness_fixture(dir, name, &len);
	struct mod_load_opts opts = {.source = name};
	int rc;

	if (!buf)
		return GRAFT_ENOENT;
	rc = mod_load(buf, len, &opts, m, err, sizeof(err));
	if (rc)
		diag("load %s/%s: %s", dir, name, err);
	harness_free_fixture(buf);
	return rc;
}

static int upgrade(const char *dir, const char *name, bool *fresh)
{
	size_t len;
	uint8_t *buf = harness_fixture(dir, name, &len);
	int rc;

	if (!buf)
		return GRAFT_ENOENT;
	rc = mod_upgrade(buf, len, NULL, NULL, fresh, err, sizeof(err));
	if (rc)
		diag("upgrade %s/%s: %s", dir, name, err);
	harness_free_fixture(buf);
	return rc;
}

static bool heap_same(const struct harness_heap *a)
{
	struct harness_heap b;

	harness_heap(&b);
	if (a->live != b.live || a->bytes != b.bytes)
		diag("heap: %ld allocations %zu bytes, was %ld %zu", b.live,
		     b.bytes, a->live, a->bytes);
	return a->live == b.live && a->bytes == b.bytes &&
	       harness_pages_mapped() == 0;
}

static void test_hello(const char *cc)
{
	struct harness_heap h;
	struct mod *m = NULL;
	struct mod_info info;
	const char *(*greet)(void);
	int notes = test_notes;

	harness_heap(&h);
	is_int(load(cc, "hello", &m), 0, "hello loads");
	if (!m)
		return;
	is_str(test_last_note, "hello init", "hello's init ran");
	mod_get_info(m, &info);
	is_str(info.name, "hello", "its name comes from GRAFT_MODULE");
	is_str(info.version, "1.0", "and its version");
	is_int(info.state, MOD_LIVE, "it is live");
	greet = (const char *(*)(void))mod_lookup("hello_greeting");
	ok(greet && strcmp(greet(), "hello, graft") == 0,
	   "its export is callable and reads its rodata");
	ok((uintptr_t)greet >= info.base &&
	       (uintptr_t)greet < info.base + info.size,
	   "the export lies in the module's memory");
	ok(info.trampolines >= 1,
	   "calls to the far program go through "
	   "trampolines (%u)",
	   info.trampolines);
	is_int(mod_unload("hello", err, sizeof(err)), 0, "hello unloads");
	is_str(test_last_note, "hello exit", "its exit ran");
	is_int(test_notes - notes, 2, "init and exit ran once each");
	ok(mod_lookup("hello_greeting") == NULL, "its export is gone");
	ok(heap_same(&h), "heap and pages are back where they were");
}

static void test_pair(const char *cc)
{
	struct harness_heap h;
	struct mod *lib = NULL, *user = NULL;
	struct mod_info info;
	int (*run)(int);

	harness_heap(&h);
	is_int(load(cc, "pair_user", &user), GRAFT_ENOENT,
	       "a module whose dependency is absent is refused");
	is_str(err,
	       "module 'pair-user': depends on 'pair-lib', which is not "
	       "loaded",
	       "naming the dependency");
	is_int(load(cc, "pair_lib", &lib), 0, "pair-lib loads");
	is_int(load(cc, "pair_user", &user), 0, "pair-user loads");
	if (!lib || !user)
		return;
	run = (int (*)(int))mod_lookup("pair_user_run");
	ok(run != NULL, "pair-user's export is visible");
	if (run)
		is_int(run(10), 2102,
		       "calls across two modules and the "
		       "program, reading the other module's data");
	mod_get_info(lib, &info);
	is_int(info.refs, 1, "pair-lib has one user");
	is_int(mod_unload("pair-lib", err, sizeof(err)), GRAFT_EBUSY,
	       "unloading a module in use is refused");
	is_str(err, "module 'pair-lib': cannot unload: in use by 'pair-user'",
	       "naming its user");
	is_int(mod_unload("pair-user", err, sizeof(err)), 0,
	       "the user unloads");
	mod_get_info(lib, &info);
	is_int(info.refs, 0, "and drops its reference");
	is_int(mod_unload("pair-lib", err, sizeof(err)), 0,
	       "then pair-lib unloads");
	ok(heap_same(&h), "heap and pages are back where they were");
}

static void test_upgrade(const char *cc)
{
	struct harness_heap h;
	int (*bump)(void), (*get)(void);
	bool fresh = true;
	struct mod *m = NULL;

	harness_heap(&h);
	is_int(load(cc, "counter_v1", &m), 0, "counter v1 loads");
	bump = (int (*)(void))mod_lookup("counter_bump");
	if (!bump)
		return;
	bump();
	bump();
	is_int(bump(), 3, "v1 counts to 3");
	is_int(upgrade(cc, "counter_bad", &fresh), GRAFT_EIO,
	       "an upgrade whose init fails is refused");
	is_str(err, "module 'counter': init failed: input/output error",
	       "with init's error");
	get = (int (*)(void))mod_lookup("counter_get");
	is_int(get ? get() : -1, 3, "and the old version keeps its state");
	is_str(mod_find("counter")->version, "1", "and keeps running");
	is_int(upgrade(cc, "counter_v2", &fresh), 0, "upgrade to v2");
	ok(!fresh, "state was handed over");
	is_str(mod_find("counter")->version, "2", "v2 is live");
	is_int(mod_count(), 1, "v1 is gone");
	bump = (int (*)(void))mod_lookup("counter_bump");
	get = (int (*)(void))mod_lookup("counter_get");
	is_int(get ? get() : -1, 3, "v2 adopted the count");
	is_int(bump ? bump() : -1, 13, "and counts on in its own way");
	is_int(upgrade(cc, "counter_fresh", &fresh), 0,
	       "upgrade to a version without restore");
	ok(fresh, "which starts fresh");
	ok(strstr(err, "started fresh") != NULL, "and says so: %s", err);
	get = (int (*)(void))mod_lookup("counter_get");
	is_int(get ? get() : -1, 0, "from zero");
	is_int(mod_unload("counter", err, sizeof(err)), 0, "counter unloads");
	ok(heap_same(&h), "heap and pages are back where they were");
}

static void test_resources(const char *cc)
{
	struct harness_heap h;
	int released = test_released;
	struct mod *m = NULL;

	harness_heap(&h);
	is_int(load(cc, "resources", &m), 0,
	       "a module registering resources"
	       " loads");
	is_int(test_released - released, 0, "nothing is released while live");
	is_int(mod_unload("resources", err, sizeof(err)), 0, "it unloads");
	is_int(test_released - released, 3,
	       "its three resources are "
	       "released at unload");
	released = test_released;
	is_int(load(cc, "init_fails", &m), GRAFT_EIO,
	       "a failing init is "
	       "refused with its error");
	is_str(err, "module 'init-fails': init failed: input/output error",
	       "naming the module");
	is_int(test_released - released, 2, "what it registered is released");
	is_int(mod_count(), 0, "nothing stays registered");
	ok(heap_same(&h), "heap and pages are back where they were");
}

static void test_cycles(void)
{
	struct harness_heap h;
	int i, failures = 0;
	struct timespec t0, t1;

	harness_heap(&h);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 1000; i++) {
		struct mod *m;

		if (load("gcc", "hello", &m) ||
		    mod_unload("hello", err, sizeof(err)))
			failures++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag("load+unload of hello: %.1f us each (hosted, mmap/mprotect)",
	     ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
		     1000 / 1e3);
	is_int(failures, 0, "1000 load/unload cycles");
	ok(heap_same(&h), "the heap is back to its starting size");
}

/* The fixture's relocations include one of type want. */
static bool has_reloc(const char *name, uint32_t want)
{
	struct mod_err e = {0};
	struct mod_elf elf;
	size_t len;
	uint8_t *buf = harness_fixture("asm", name, &len);
	bool found = false;
	unsigned i;
	uint64_t k;

	if (!buf || mod_elf_validate(buf, len, &elf, &e)) {
		harness_free_fixture(buf);
		return false;
	}
	for (i = 1; i < elf.shnum; i++) {
		const struct elf64_shdr *s = &elf.sh[i];

		if (s->sh_type != ELF_SHT_RELA ||
		    !mod_elf_loaded(&elf, s->sh_info))
			continue;
		for (k = 0; k < s->sh_size / sizeof(struct elf64_rela); k++) {
			struct elf64_rela r;

			memcpy(&r, buf + s->sh_offset + k * sizeof(r),
			       sizeof(r));
			found |= ELF_R_TYPE(r.r_info) == want;
		}
	}
	mod_elf_release(&elf);
	harness_free_fixture(buf);
	return found;
}

static void unload(const char *name)
{
	if (mod_unload(name, err, sizeof(err)))
		diag("unload %s: %s", name, err);
}

static void test_relocations_far(void)
{
	struct harness_heap h;
	struct mod *m;
	const void *p;

	harness_heap(&h);
	ok(has_reloc("r_64", R_X86_64_64), "r_64 has an R_X86_64_64");
	if (!load("asm", "r_64", &m)) {
		uint64_t *d = (uint64_t *)mod_lookup("r64_data");

		ok(d && d[0] == (uintptr_t)&test_var, "R_X86_64_64 to the far "
						      "program");
		ok(d && d[1] == (uintptr_t)d + 8, "R_X86_64_64 to itself + 8");
		unload("r_64");
	}
	ok(has_reloc("r_pc64", R_X86_64_PC64), "r_pc64 has an R_X86_64_PC64");
	if (!load("asm", "r_pc64", &m)) {
		int64_t *d = (int64_t *)mod_lookup("rpc64_data");

		ok(d && (uintptr_t)d + d[0] == (uintptr_t)&test_var,
		   "R_X86_64_PC64 reaches the far program");
		unload("r_pc64");
	}
	ok(has_reloc("r_pc32", R_X86_64_PC32), "r_pc32 has an R_X86_64_PC32");
	if (!load("asm", "r_pc32", &m)) {
		int32_t *d = (int32_t *)mod_lookup("rpc32_data");

		p = mod_lookup("rpc32_target");
		ok(d && (uintptr_t)d + d[0] == (uintptr_t)p,
		   "R_X86_64_PC32 from data to the module's code");
		unload("r_pc32");
	}
	ok(has_reloc("r_plt32", R_X86_64_PLT32),
	   "r_plt32 has an R_X86_64_PLT32");
	if (!load("asm", "r_plt32", &m)) {
		int (*f)(int) = (int (*)(int))mod_lookup("rplt32_fn");
		struct mod_info info;

		mod_get_info(m, &info);
		is_int(info.trampolines, 1,
		       "R_X86_64_PLT32 out of range gets "
		       "a trampoline");
		is_int(f ? f(41) : 0, 42, "and the far call arrives");
		unload("r_plt32");
	}
	ok(has_reloc("r_gotpcrel", R_X86_64_GOTPCREL),
	   "r_gotpcrel has an R_X86_64_GOTPCREL");
	if (!load("asm", "r_gotpcrel", &m)) {
		int *(*f)(void) = (int *(*)(void))mod_lookup("rgotpcrel_fn");

		ok(f && f() == &test_var, "R_X86_64_GOTPCREL through the GOT");
		unload("r_gotpcrel");
	}
	ok(has_reloc("r_gotpcrelx", R_X86_64_GOTPCRELX),
	   "r_gotpcrelx has an R_X86_64_GOTPCRELX");
	if (!load("asm", "r_gotpcrelx", &m)) {
		int (*f)(int) = (int (*)(int))mod_lookup("rgotpcrelx_fn");

		is_int(f ? f(1) : 0, 2,
		       "R_X86_64_GOTPCRELX jumps through the "
		       "GOT");
		unload("r_gotpcrelx");
	}
	ok(has_reloc("r_rexgotpcrelx", R_X86_64_REX_GOTPCRELX),
	   "r_rexgotpcrelx has an R_X86_64_REX_GOTPCRELX");
	if (!load("asm", "r_rexgotpcrelx", &m)) {
		int *(*f)(void) =
		    (int *(*)(void))mod_lookup("rrexgotpcrelx_fn");

		ok(f && f() == &test_var,
		   "R_X86_64_REX_GOTPCRELX loads from the GOT");
		unload("r_rexgotpcrelx");
	}
	ok(has_reloc("pc32_far", R_X86_64_PC32), "pc32_far has a PC32");
	is_int(load("asm", "pc32_far", &m), GRAFT_ERANGE,
	       "a PC32 data reference out of range is refused");
	is_str(err,
	       "module 'pc32_far': relocation R_X86_64_PC32 against "
	       "'test_var' in section .rela.data out of range",
	       "naming it");
	is_int(load("asm", "r_32", &m), GRAFT_ERANGE,
	       "R_X86_64_32 to a module above 4 GiB is refused");
	ok(heap_same(&h), "heap and pages are back where they were");
}

static void test_relocations_low(void)
{
	struct harness_heap h;
	struct mod *m;

	harness_heap(&h);
	harness_place(HARNESS_LOW);
	ok(has_reloc("r_32", R_X86_64_32), "r_32 has an R_X86_64_32");
	if (!load("asm", "r_32", &m)) {
		uint32_t *d = (uint32_t *)mod_lookup("r32_data");

		ok(d && d[0] == (uintptr_t)d, "R_X86_64_32 below 4 GiB");
		unload("r_32");
	}
	ok(has_reloc("r_32s", R_X86_64_32S), "r_32s has an R_X86_64_32S");
	if (!load("asm", "r_32s", &m)) {
		uint64_t (*f)(void) = (uint64_t(*)(void))mod_lookup("r32s_fn");

		ok(f && f() == (uintptr_t)f, "R_X86_64_32S below 2 GiB");
		unload("r_32s");
	}
	harness_place(HARNESS_FAR);
	ok(heap_same(&h), "heap and pages are back where they were");
}

int main(int argc, char **argv)
{
	static const char *const ccs[] = {"gcc", "clang"};
	unsigned i;

	harness_init(argv[0]);
	for (i = 0; i < 2; i++) {
		diag("modules built with %s", ccs[i]);
		test_hello(ccs[i]);
		test_pair(ccs[i]);
		test_upgrade(ccs[i]);
		test_resources(ccs[i]);
	}
	test_relocations_far();
	test_relocations_low();
	test_cycles();
	is_int(harness_wx_violations(), 0,
	       "no page was ever asked to be "
	       "writable and executable");
	return done_testing();
}
