/*
 * Proves that malformed and hostile module objects are refused, one class
 * at a time, each with one message that names the problem, without a
 * crash, with nothing registered and the heap and module pages back where
 * they were.  The objects are real fixtures with one field broken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include <graft/module.h>
#include "harness.h"
#include "kernel/mod/mod_internal.h"
#include "../tap.h"

static char err[256];
static uint8_t *good;
static size_t good_len;
static struct mod_elf elf; /* the validated good object */

static int try_load(const uint8_t *buf, size_t len)
{
	struct mod_load_opts opts = {.source = "bad.o"};
	struct harness_heap a, b;
	unsigned before = mod_count();
	size_t pages = harness_pages_mapped();
	struct mod *m = NULL;
	int rc;

	harness_heap(&a);
	rc = mod_load(buf, len, &opts, &m, err, sizeof(err));
	harness_heap(&b);
	if (rc && (a.live != b.live || a.bytes != b.bytes ||
		   mod_count() != before || harness_pages_mapped() != pages)) {
		diag("leak after refusal: %ld/%zu -> %ld/%zu, pages %zu",
		     a.live, a.bytes, b.live, b.bytes, harness_pages_mapped());
		return 1; /* no GRAFT_E* code is positive */
	}
	return rc;
}

/* Load buf and check it is refused with rc and a message containing msg. */
static void refused(const uint8_t *buf, size_t len, int rc, const char *msg,
		    const char *what)
{
	int got = try_load(buf, len);

	if (!tap_ok(got == rc && strstr(err, msg) != NULL, "%s", what))
		diag("got %d '%s', want %d '...%s...'", got, err, rc, msg);
}

static unsigned section(const char *name)
{
	unsigned i;

	for (i = 1; i < elf.shnum; i++)
		if (strcmp(mod_elf_secname(&elf, i), name) == 0)
			return i;
	diag("no section %s in the fixture", name);
	return 0;
}

static uint8_t *copy(void)
{
	uint8_t *b = malloc(good_len);

	memcpy(b, good, good_len);
	return b;
}

static struct elf64_shdr *shdr(uint8_t *b, unsigned i)
{
	return (struct elf64_shdr *)(b + elf.eh.e_shoff) + i;
}

static struct elf64_sym *sym(uint8_t *b, unsigned i)
{
	return (struct elf64_sym *)(b + elf.sh[elf.symtab].sh_offset) + i;
}

static struct elf64_rela *rela(uint8_t *b, const char *sec, unsigned k)
{
	return (struct elf64_rela *)(b + elf.sh[section(sec)].sh_offset) + k;
}

static void test_truncated(void)
{
	size_t n, bad = 0;

	for (n = 0; n < good_len; n++) {
		uint8_t *b = malloc(n ? n : 1);

		memcpy(b, good, n);
		if (try_load(b, n) >= 0 || strncmp(err, "module 'bad.o': ", 16))
			bad++;
		free(b);
	}
	is_int(bad, 0, "every truncation of the object is refused cleanly");
	refused(good, 10, GRAFT_EFORMAT, "module 'bad.o': truncated: 10 bytes",
		"a 10-byte object: truncated");
	mod_load(good, 10, &(struct mod_load_opts){.source = "two\nlines.o"},
		 NULL, err, sizeof(err));
	ok(strncmp(err, "module 'two?lines.o': truncated: 10 bytes", 41) == 0,
	   "a source name with a newline is shown with '?': %s", err);
}

static void test_header(void)
{
	uint8_t *b = copy();

	b[1] = 'X';
	refused(b, good_len, GRAFT_EFORMAT, "not an ELF object", "bad magic");
	memcpy(b, good, good_len);
	((struct elf64_ehdr *)b)->e_machine = 3;
	refused(b, good_len, GRAFT_EFORMAT, "machine 3 is not x86_64",
		"another machine");
	memcpy(b, good, good_len);
	((struct elf64_ehdr *)b)->e_type = 2;
	refused(b, good_len, GRAFT_EFORMAT, "ELF type 2 is not a relocatable",
		"an executable");
	memcpy(b, good, good_len);
	((struct elf64_ehdr *)b)->e_shoff = good_len - 64;
	refused(b, good_len, GRAFT_EFORMAT, "section header table",
		"section header table past the end");
	memcpy(b, good, good_len);
	((struct elf64_ehdr *)b)->e_shstrndx = elf.shnum + 3;
	refused(b, good_len, GRAFT_EFORMAT, "section name table index",
		"bad section name table index");
	free(b);
}

static void test_sections(void)
{
	uint8_t *b = copy();
	unsigned text = section(".text"), meta = section(".graft_module");

	shdr(b, text)->sh_offset = good_len;
	refused(b, good_len, GRAFT_EFORMAT, "section '.text': offset",
		"a section offset past the end");
	memcpy(b, good, good_len);
	shdr(b, text)->sh_size = UINT64_MAX - 8;
	refused(b, good_len, GRAFT_EFORMAT, "past the end of the",
		"a section size past the end (and overflowing)");
	memcpy(b, good, good_len);
	shdr(b, meta)->sh_offset = shdr(b, text)->sh_offset;
	refused(b, good_len, GRAFT_EFORMAT, "overlap in the file",
		"overlapping sections");
	memcpy(b, good, good_len);
	shdr(b, text)->sh_flags |= ELF_SHF_WRITE;
	refused(b, good_len, GRAFT_EFORMAT,
		"section '.text' is writable and executable",
		"a writable and executable section");
	memcpy(b, good, good_len);
	shdr(b, text)->sh_addralign = 24;
	refused(b, good_len, GRAFT_EFORMAT, "is not a power of two",
		"an alignment that is not a power of two");
	memcpy(b, good, good_len);
	shdr(b, text)->sh_name = 0xfffffff;
	refused(b, good_len, GRAFT_EFORMAT, "name offset 268435455 past the",
		"a section name offset past its table");
	memcpy(b, good, good_len);
	b[elf.sh[elf.sh[elf.symtab].sh_link].sh_offset +
	  elf.sh[elf.sh[elf.symtab].sh_link].sh_size - 1] = 'x';
	refused(b, good_len, GRAFT_EFORMAT, "symbol string table (section",
		"a string table without NUL");
	memcpy(b, good, good_len);
	memcpy(b + elf.sh[elf.eh.e_shstrndx].sh_offset +
		   elf.sh[section(".graft_module")].sh_name,
	       ".graft_mudule", 13);
	refused(b, good_len, GRAFT_EFORMAT, "no .graft_module metadata",
		"an object without metadata");
	free(b);
}

static unsigned find_symbol(const char *name)
{
	unsigned i;

	for (i = 1; i < elf.nsyms; i++)
		if (strcmp(elf.str + elf.syms[i].st_name, name) == 0)
			return i;
	diag("no symbol %s", name);
	return 0;
}

static void test_symbols(void)
{
	uint8_t *b = copy();
	unsigned s = find_symbol("hello_greeting");

	sym(b, s)->st_shndx = elf.shnum + 1;
	refused(b, good_len, GRAFT_EFORMAT,
		"symbol 'hello_greeting': section "
		"index",
		"a symbol's section index out of range");
	memcpy(b, good, good_len);
	sym(b, s)->st_value = elf.sh[elf.syms[s].st_shndx].sh_size + 1;
	refused(b, good_len, GRAFT_EFORMAT, "lies outside its section",
		"a symbol outside its section");
	memcpy(b, good, good_len);
	sym(b, s)->st_name = 0x7fffffff;
	refused(b, good_len, GRAFT_EFORMAT, "past the string table",
		"a symbol name past its table");
	memcpy(b, good, good_len);
	sym(b, s)->st_shndx = ELF_SHN_COMMON;
	refused(b, good_len, GRAFT_ENOTSUP, "is a common symbol",
		"a common symbol");
	/* found by tests/mod/fuzz_manager.c: the name went into the
	 * message as it was, newline and all */
	memcpy(b, good, good_len);
	b[elf.sh[elf.sh[elf.symtab].sh_link].sh_offset + elf.syms[s].st_name] =
	    '\n';
	sym(b, s)->st_info = (uint8_t)(14 << 4 | ELF_STT_OBJECT);
	refused(b, good_len, GRAFT_ENOTSUP,
		"symbol '?ello_greeting' has unsupported binding 14",
		"a symbol name with a newline is shown with '?'");
	ok(!strchr(err, '\n'), "and the message stays one line");
	free(b);
}

static void test_relocations(void)
{
	uint8_t *b = copy();
	struct elf64_rela *r = rela(b, ".rela.text", 0);
	unsigned text = section(".text"), rt = section(".rela.text");

	r->r_info = (r->r_info & ~0xffffffffull) | 99;
	refused(b, good_len, GRAFT_ENOTSUP,
		"module 'hello': unsupported relocation type 99 in section "
		".rela.text",
		"an unknown relocation type, named");
	memcpy(b, good, good_len);
	r = rela(b, ".rela.text", 0);
	r->r_info = ((uint64_t)(elf.nsyms + 5) << 32) | (uint32_t)r->r_info;
	refused(b, good_len, GRAFT_EFORMAT, "symbol index",
		"a relocation's symbol index out of range");
	memcpy(b, good, good_len);
	r = rela(b, ".rela.text", 0);
	r->r_offset = elf.sh[text].sh_size - 2;
	refused(b, good_len, GRAFT_EFORMAT, "lies outside its target '.text'",
		"a relocation whose field crosses its section's end");
	memcpy(b, good, good_len);
	shdr(b, rt)->sh_info = 9999;
	refused(b, good_len, GRAFT_EFORMAT, "target section index 9999",
		"a relocation section with a bad target index");
	memcpy(b, good, good_len);
	shdr(b, rt)->sh_link = 0;
	refused(b, good_len, GRAFT_EFORMAT, "does not use the symbol table",
		"a relocation section linked to no symbol table");
	free(b);
}

static void test_metadata(void)
{
	uint8_t *b = copy();
	unsigned meta = section(".graft_module"), k;
	struct graft_module_rec *rec =
	    (struct graft_module_rec *)(b + elf.sh[meta].sh_offset);
	unsigned n = elf.sh[meta].sh_size / sizeof(*rec);

	for (k = 0; k < n; k++)
		rec[k].abi_version = GRAFT_ABI_VERSION + 1;
	refused(b, good_len, GRAFT_EABI, "built for module ABI version",
		"another module ABI version");
	memcpy(b, good, good_len);
	for (k = 0; k < n; k++)
		if (rec[k].kind == GRAFT_MREC_INFO)
			memset(rec[k].name, 'a', sizeof(rec[k].name));
	refused(b, good_len, GRAFT_EFORMAT, "malformed name",
		"an unterminated module name");
	memcpy(b, good, good_len);
	for (k = 0; k < n; k++)
		if (rec[k].kind == GRAFT_MREC_INFO)
			rec[k].kind = 77;
	refused(b, good_len, GRAFT_EFORMAT, "unknown kind 77",
		"a metadata record of unknown kind");
	free(b);
}

static void test_linking(void)
{
	size_t len;
	uint8_t *b;
	struct mod *m;

	b = harness_fixture("gcc", "missing_sym", &len);
	if (b)
		refused(b, len, GRAFT_ENOSYM,
			"module 'missing-sym': symbol "
			"'test_not_exported' not exported",
			"a missing symbol, named");
	harness_free_fixture(b);
	b = harness_fixture("gcc", "abi_mismatch", &len);
	if (b)
		refused(b, len, GRAFT_EABI,
			"module 'abi-mismatch': symbol "
			"'test_add_one': built against another declaration "
			"than the kernel exports (ABI mismatch)",
			"a changed declaration hash, named");
	harness_free_fixture(b);
	b = harness_fixture("gcc", "init_fails", &len);
	if (b)
		refused(b, len, GRAFT_EIO, "init failed: input/output error",
			"init returning an error");
	harness_free_fixture(b);
	is_int(mod_load(good, good_len, NULL, &m, err, sizeof(err)), 0,
	       "the good object loads");
	refused(good, good_len, GRAFT_EEXIST,
		"module 'hello': a module of "
		"that name is already loaded (version 1.0)",
		"a duplicate module name");
	is_int(mod_unload("hello", err, sizeof(err)), 0, "and unloads");
	is_int(mod_unload("hello", err, sizeof(err)), GRAFT_ENOENT,
	       "unloading it twice is refused");
	is_str(err, "module 'hello': not loaded", "saying so");
}

/* Every allocation of a load, made to fail in turn: each failure is
 * refused with GRAFT_ENOMEM and leaves nothing behind, until the load
 * succeeds. */
static void test_out_of_memory(void)
{
	long n;
	int rc = GRAFT_ENOMEM, bad = 0;

	for (n = 0; rc == GRAFT_ENOMEM && n < 1000; n++) {
		harness_fail_after(n);
		rc = try_load(good, good_len);
		harness_fail_after(-1);
		if (rc == GRAFT_ENOMEM && !strstr(err, "out of memory"))
			bad++;
	}
	ok(n > 3, "a load makes several allocations (%ld)", n);
	is_int(rc, 0, "the load succeeds once no allocation fails");
	is_int(bad, 0,
	       "each earlier failure said 'out of memory' and left "
	       "the heap and pages as they were");
	mod_unload("hello", err, sizeof(err));
}

int main(int argc, char **argv)
{
	struct mod_err e = {err, sizeof(err), "hello"};

	harness_init(argv[0]);
	good = harness_fixture("gcc", "hello", &good_len);
	if (!good || mod_elf_validate(good, good_len, &elf, &e)) {
		printf("Bail out! the good fixture does not validate: %s\n",
		       err);
		return 1;
	}
	test_truncated();
	test_header();
	test_sections();
	test_symbols();
	test_relocations();
	test_metadata();
	test_linking();
	test_out_of_memory();
	mod_manager_seal();
	refused(good, good_len, GRAFT_ESEALED, "instance is sealed",
		"a load after seal");
	mod_elf_release(&elf);
	harness_free_fixture(good);
	return done_testing();
}
