/*
 * Validation of a module object before anything is allocated for it beyond
 * copies of its tables.  Each check_* function lists what it checks; when
 * mod_elf_validate() returns 0 these hold:
 *
 *  - the ELF header describes an ELF64 little-endian x86_64 ET_REL object
 *    whose section header table lies inside the buffer;
 *  - every section with file contents lies inside the buffer, and no two of
 *    them (nor the headers) overlap; alignments are powers of two, loaded
 *    ones at most a page; no section is both writable and executable;
 *  - section names, symbol names and string tables are NUL-terminated
 *    inside their tables;
 *  - there is exactly one symbol table; every symbol's section index is
 *    valid and its value lies inside its section;
 *  - every relocation applied (those of loaded sections) has a supported
 *    type, a valid symbol, and a field wholly inside its target section;
 *  - the .graft_module records are well formed, of this ABI version, with
 *    one INFO record, and entry points that are relocations against code;
 *  - .graft_symver and .graft_exports are well formed, and every export is
 *    a global symbol the module defines, with a declaration hash.
 *
 * Nothing here trusts an offset, size, index or count before checking it,
 * and all arithmetic on them is checked for overflow.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "mod_internal.h"

#define META_MAX_RECORDS (2 + MOD_MAX_DEPS + MOD_NENTRY)
#define ENTRY_FIELD_OFF	 offsetof(struct graft_module_rec, entry)

static bool in_buf(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static bool is_pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

static bool has_contents(const struct elf64_shdr *s)
{
	return s->sh_type != ELF_SHT_NOBITS && s->sh_type != ELF_SHT_NULL &&
	       s->sh_size > 0;
}

const char *mod_elf_secname(const struct mod_elf *elf, unsigned idx)
{
	if (idx >= elf->shnum || !elf->shstr)
		return "?";
	return elf->shstr + elf->sh[idx].sh_name;
}

const char *mod_elf_symname(const struct mod_elf *elf, unsigned idx)
{
	const struct elf64_sym *s = &elf->syms[idx];

	if (ELF_ST_TYPE(s->st_info) == ELF_STT_SECTION &&
	    s->st_shndx < elf->shnum)
		return mod_elf_secname(elf, s->st_shndx);
	return elf->str + s->st_name;
}

bool mod_elf_loaded(const struct mod_elf *elf, unsigned idx)
{
	return idx > 0 && idx < elf->shnum &&
	       (elf->sh[idx].sh_flags & ELF_SHF_ALLOC);
}

/* The ELF header: identification, type, machine, version, header sizes, no
 * program headers, a section count we accept, the section header table
 * inside the buffer, and the section-name table index. */
static int check_ehdr(struct mod_elf *elf, struct mod_err *e)
{
	const struct elf64_ehdr *h = &elf->eh;
	const uint8_t *id = h->e_ident;

	if (elf->len < sizeof(*h))
		return mod_fail(e, GRAFT_EFORMAT,
				"truncated: %zu bytes, shorter than an ELF "
				"header",
				elf->len);
	if (elf->len > MOD_MAX_OBJECT_SIZE)
		return mod_fail(e, GRAFT_EFORMAT,
				"object of %zu bytes is "
				"larger than %u",
				elf->len, MOD_MAX_OBJECT_SIZE);
	memcpy(&elf->eh, elf->buf, sizeof(elf->eh));
	if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		return mod_fail(e, GRAFT_EFORMAT, "not an ELF object");
	if (id[4] != ELF_CLASS64 || id[5] != ELF_DATA2LSB)
		return mod_fail(e, GRAFT_EFORMAT,
				"not a 64-bit little-endian ELF object");
	if (id[6] != ELF_VERSION_CURRENT || h->e_version != ELF_VERSION_CURRENT)
		return mod_fail(e, GRAFT_EFORMAT, "unknown ELF version");
	if (id[7] != ELF_OSABI_SYSV && id[7] != ELF_OSABI_GNU)
		return mod_fail(e, GRAFT_EFORMAT, "unknown ELF OS ABI %u",
				id[7]);
	if (h->e_type != ELF_ET_REL)
		return mod_fail(e, GRAFT_EFORMAT,
				"ELF type %u is not a relocatable object "
				"(build with graft module build)",
				h->e_type);
	if (h->e_machine != ELF_EM_X86_64)
		return mod_fail(e, GRAFT_EFORMAT, "machine %u is not x86_64",
				h->e_machine);
	if (h->e_ehsize != sizeof(struct elf64_ehdr) ||
	    h->e_shentsize != sizeof(struct elf64_shdr))
		return mod_fail(e, GRAFT_EFORMAT, "bad ELF header sizes");
	if (h->e_phnum != 0)
		return mod_fail(e, GRAFT_EFORMAT,
				"relocatable object with program headers");
	if (h->e_shnum == 0 || h->e_shnum > MOD_MAX_SECTIONS)
		return mod_fail(e, GRAFT_EFORMAT,
				"section count %u not in "
				"1..%u",
				h->e_shnum, MOD_MAX_SECTIONS);
	if (h->e_shoff < sizeof(*h) ||
	    !in_buf(elf->len, h->e_shoff,
		    (uint64_t)h->e_shnum * sizeof(struct elf64_shdr)))
		return mod_fail(e, GRAFT_EFORMAT,
				"section header table (offset %llu, %u entries)"
				" past the end of the %zu-byte object",
				(unsigned long long)h->e_shoff, h->e_shnum,
				elf->len);
	if (h->e_shstrndx == ELF_SHN_UNDEF || h->e_shstrndx >= h->e_shnum)
		return mod_fail(e, GRAFT_EFORMAT,
				"section name table index %u out of range",
				h->e_shstrndx);
	return 0;
}

/* A string table: of type STRTAB, inside the buffer, not empty, ending in a
 * NUL so that any offset inside it names a terminated string. */
static int check_strtab(struct mod_elf *elf, unsigned idx, const char *what,
			const char **str, size_t *len, struct mod_err *e)
{
	const struct elf64_shdr *s = &elf->sh[idx];

	if (s->sh_type != ELF_SHT_STRTAB || s->sh_size == 0)
		return mod_fail(e, GRAFT_EFORMAT,
				"%s (section %u) is not a string table", what,
				idx);
	if (!in_buf(elf->len, s->sh_offset, s->sh_size))
		return mod_fail(e, GRAFT_EFORMAT,
				"%s (section %u) past the end of the object",
				what, idx);
	if (elf->buf[s->sh_offset + s->sh_size - 1] != '\0')
		return mod_fail(e, GRAFT_EFORMAT,
				"%s (section %u) is not NUL-terminated", what,
				idx);
	*str = (const char *)elf->buf + s->sh_offset;
	*len = s->sh_size;
	return 0;
}

/* The kind of a loaded section: what the loader accepts in memory. */
static int check_loaded_section(struct mod_elf *elf, unsigned i,
				struct mod_err *e)
{
	const struct elf64_shdr *s = &elf->sh[i];
	const char *name = mod_elf_secname(elf, i);

	if ((s->sh_flags & ELF_SHF_WRITE) && (s->sh_flags & ELF_SHF_EXECINSTR))
		return mod_fail(e, GRAFT_EFORMAT,
				"section '%s' is writable and executable",
				name);
	if (s->sh_flags & ELF_SHF_TLS)
		return mod_fail(e, GRAFT_ENOTSUP,
				"section '%s': thread-local storage is not "
				"supported",
				name);
	switch (s->sh_type) {
	case ELF_SHT_PROGBITS:
	case ELF_SHT_NOBITS:
	case ELF_SHT_NOTE:
	case ELF_SHT_X86_64_UNWIND:
		break;
	case ELF_SHT_INIT_ARRAY:
	case ELF_SHT_FINI_ARRAY:
	case ELF_SHT_PREINIT_ARRAY:
		return mod_fail(e, GRAFT_ENOTSUP,
				"section '%s': constructors and destructors "
				"are not supported (use GRAFT_MODULE_INIT)",
				name);
	default:
		return mod_fail(e, GRAFT_ENOTSUP,
				"section '%s' of type %u cannot be loaded",
				name, s->sh_type);
	}
	if (s->sh_addralign > MOD_MAX_ALIGN)
		return mod_fail(e, GRAFT_EFORMAT,
				"section '%s' wants alignment %llu, more than "
				"a page",
				name, (unsigned long long)s->sh_addralign);
	if (s->sh_size > MOD_MAX_OBJECT_SIZE)
		return mod_fail(e, GRAFT_EFORMAT, "section '%s' is too large",
				name);
	return 0;
}

/* Every section header: name inside the name table, contents inside the
 * buffer, alignment a power of two, entry sizes of tables, no REL or
 * extended-index sections, loaded sections of a kind we load. */
static int check_sections(struct mod_elf *elf, struct mod_err *e)
{
	unsigned i;
	int rc;

	elf->shnum = elf->eh.e_shnum;
	elf->sh = malloc(elf->shnum * sizeof(*elf->sh));
	if (!elf->sh)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	memcpy(elf->sh, elf->buf + elf->eh.e_shoff,
	       elf->shnum * sizeof(*elf->sh));
	if (elf->sh[0].sh_type != ELF_SHT_NULL)
		return mod_fail(e, GRAFT_EFORMAT, "section 0 is not null");
	rc = check_strtab(elf, elf->eh.e_shstrndx, "section name table",
			  &elf->shstr, &elf->shstr_len, e);
	if (rc)
		return rc;
	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];

		if (s->sh_name >= elf->shstr_len)
			return mod_fail(e, GRAFT_EFORMAT,
					"section %u: name offset %u past the "
					"name table",
					i, s->sh_name);
		if (has_contents(s) &&
		    !in_buf(elf->len, s->sh_offset, s->sh_size))
			return mod_fail(e, GRAFT_EFORMAT,
					"section '%s': offset %llu size %llu "
					"past the end of the %zu-byte object",
					mod_elf_secname(elf, i),
					(unsigned long long)s->sh_offset,
					(unsigned long long)s->sh_size,
					elf->len);
		if (!is_pow2_or_zero(s->sh_addralign))
			return mod_fail(e, GRAFT_EFORMAT,
					"section '%s': alignment %llu is not a "
					"power of two",
					mod_elf_secname(elf, i),
					(unsigned long long)s->sh_addralign);
		if (s->sh_type == ELF_SHT_REL ||
		    s->sh_type == ELF_SHT_SYMTAB_SHNDX)
			return mod_fail(e, GRAFT_ENOTSUP,
					"section '%s' of type %u is not "
					"supported",
					mod_elf_secname(elf, i), s->sh_type);
		if (s->sh_flags & ELF_SHF_ALLOC) {
			rc = check_loaded_section(elf, i, e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

struct range {
	uint64_t start, end;
	unsigned sec; /* section index; 0: the ELF header; shnum: the table */
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static const char *range_name(const struct mod_elf *elf, unsigned sec)
{
	if (sec == 0)
		return "the ELF header";
	if (sec == elf->shnum)
		return "the section header table";
	return mod_elf_secname(elf, sec);
}

/* No two of: the ELF header, the section header table, and the contents of
 * each section, share a byte of the file. */
static int check_overlaps(struct mod_elf *elf, struct mod_err *e)
{
	struct range *r;
	unsigned i, n = 0;
	int rc = 0;

	r = malloc((elf->shnum + 1) * sizeof(*r));
	if (!r)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	r[n++] = (struct range){0, sizeof(struct elf64_ehdr), 0};
	r[n++] = (struct range){elf->eh.e_shoff,
				elf->eh.e_shoff +
				    elf->shnum * sizeof(struct elf64_shdr),
				elf->shnum};
	for (i = 1; i < elf->shnum; i++)
		if (has_contents(&elf->sh[i]))
			r[n++] = (struct range){
			    elf->sh[i].sh_offset,
			    elf->sh[i].sh_offset + elf->sh[i].sh_size, i};
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1; i < n; i++) {
		if (r[i].start < r[i - 1].end) {
			rc = mod_fail(e, GRAFT_EFORMAT,
				      "sections '%s' and '%s' overlap in the "
				      "file",
				      range_name(elf, r[i - 1].sec),
				      range_name(elf, r[i].sec));
			break;
		}
	}
	free(r);
	return rc;
}

/* One symbol: name inside the string table; a binding and type we handle;
 * undefined only if global or weak; a section index that is a real section
 * or ABS; a value (and size) inside its section. */
static int check_symbol(struct mod_elf *elf, unsigned i, struct mod_err *e)
{
	const struct elf64_sym *s = &elf->syms[i];
	unsigned bind = ELF_ST_BIND(s->st_info), type = ELF_ST_TYPE(s->st_info);
	const char *name;
	const struct elf64_shdr *sec;

	if (s->st_name >= elf->str_len)
		return mod_fail(e, GRAFT_EFORMAT,
				"symbol %u: name offset %u past the string "
				"table",
				i, s->st_name);
	name = elf->str + s->st_name;
	if (bind != ELF_STB_LOCAL && bind != ELF_STB_GLOBAL &&
	    bind != ELF_STB_WEAK)
		return mod_fail(e, GRAFT_ENOTSUP,
				"symbol '%s' has unsupported binding %u", name,
				bind);
	if (type == ELF_STT_TLS || type == ELF_STT_GNU_IFUNC ||
	    type > ELF_STT_TLS)
		return mod_fail(e, GRAFT_ENOTSUP,
				"symbol '%s' has unsupported type %u", name,
				type);
	if (s->st_shndx == ELF_SHN_UNDEF) {
		if (i != 0 && bind == ELF_STB_LOCAL)
			return mod_fail(e, GRAFT_EFORMAT,
					"local symbol '%s' is undefined", name);
		return 0;
	}
	if (s->st_shndx == ELF_SHN_ABS)
		return 0;
	if (s->st_shndx == ELF_SHN_COMMON)
		return mod_fail(e, GRAFT_ENOTSUP,
				"symbol '%s' is a common symbol (build with "
				"-fno-common)",
				name);
	if (s->st_shndx >= elf->shnum)
		return mod_fail(e, GRAFT_EFORMAT,
				"symbol '%s': section index %u out of range",
				name, s->st_shndx);
	if (i == 0)
		return mod_fail(e, GRAFT_EFORMAT, "symbol 0 is not null");
	sec = &elf->sh[s->st_shndx];
	if (s->st_value > sec->sh_size ||
	    (type != ELF_STT_SECTION &&
	     s->st_size > sec->sh_size - s->st_value))
		return mod_fail(e, GRAFT_EFORMAT,
				"symbol '%s' (value %llu size %llu) lies "
				"outside its section '%s'",
				name, (unsigned long long)s->st_value,
				(unsigned long long)s->st_size,
				mod_elf_secname(elf, s->st_shndx));
	return 0;
}

/* The symbol table: exactly one, entries of the right size, a string table
 * as its link, a sane first-global index, and every symbol valid. */
static int check_symtab(struct mod_elf *elf, struct mod_err *e)
{
	const struct elf64_shdr *s;
	unsigned i;
	int rc;

	for (i = 1; i < elf->shnum; i++) {
		if (elf->sh[i].sh_type != ELF_SHT_SYMTAB)
			continue;
		if (elf->symtab)
			return mod_fail(e, GRAFT_EFORMAT,
					"more than one symbol table");
		elf->symtab = i;
	}
	if (!elf->symtab)
		return mod_fail(e, GRAFT_EFORMAT, "no symbol table");
	s = &elf->sh[elf->symtab];
	if (s->sh_entsize != sizeof(struct elf64_sym) ||
	    s->sh_size % sizeof(struct elf64_sym) != 0 || s->sh_size == 0)
		return mod_fail(e, GRAFT_EFORMAT, "bad symbol table size");
	if (s->sh_size / sizeof(struct elf64_sym) > MOD_MAX_SYMBOLS)
		return mod_fail(e, GRAFT_EFORMAT, "more than %u symbols",
				MOD_MAX_SYMBOLS);
	elf->nsyms = s->sh_size / sizeof(struct elf64_sym);
	if (s->sh_info > elf->nsyms)
		return mod_fail(e, GRAFT_EFORMAT,
				"symbol table's first global %u out of range",
				s->sh_info);
	if (s->sh_link == 0 || s->sh_link >= elf->shnum)
		return mod_fail(e, GRAFT_EFORMAT,
				"symbol table's string table index %u out of "
				"range",
				s->sh_link);
	rc = check_strtab(elf, s->sh_link, "symbol string table", &elf->str,
			  &elf->str_len, e);
	if (rc)
		return rc;
	elf->syms = malloc(s->sh_size);
	if (!elf->syms)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	memcpy(elf->syms, elf->buf + s->sh_offset, s->sh_size);
	for (i = 0; i < elf->nsyms; i++) {
		rc = check_symbol(elf, i, e);
		if (rc)
			return rc;
	}
	return 0;
}

static struct elf64_rela rela_at(const struct mod_elf *elf,
				 const struct elf64_shdr *s, uint64_t k)
{
	struct elf64_rela r;

	memcpy(&r, elf->buf + s->sh_offset + k * sizeof(r), sizeof(r));
	return r;
}

/* One applied relocation: supported type, symbol index in range, field
 * inside the target section, symbol either undefined-global, absolute, or
 * defined in a loaded section. */
static int check_rela(struct mod_elf *elf, unsigned ri, unsigned target,
		      const struct elf64_rela *r, struct mod_err *e)
{
	uint32_t type = ELF_R_TYPE(r->r_info), sym = ELF_R_SYM(r->r_info);
	unsigned width = mod_reloc_width(type);
	const struct elf64_sym *s;

	if (sym >= elf->nsyms || (sym == 0 && type != R_X86_64_NONE))
		return mod_fail(e, GRAFT_EFORMAT,
				"relocation in section %s: symbol index %u out "
				"of range",
				mod_elf_secname(elf, ri), sym);
	if (type == R_X86_64_NONE)
		return 0;
	if (!width)
		return mod_fail(e, GRAFT_ENOTSUP,
				"unsupported relocation type %u in section %s",
				type, mod_elf_secname(elf, ri));
	if (!in_buf(elf->sh[target].sh_size, r->r_offset, width))
		return mod_fail(e, GRAFT_EFORMAT,
				"relocation at offset %llu in section %s lies "
				"outside its target '%s'",
				(unsigned long long)r->r_offset,
				mod_elf_secname(elf, ri),
				mod_elf_secname(elf, target));
	s = &elf->syms[sym];
	if (s->st_shndx != ELF_SHN_UNDEF && s->st_shndx != ELF_SHN_ABS &&
	    !mod_elf_loaded(elf, s->st_shndx))
		return mod_fail(e, GRAFT_EFORMAT,
				"relocation in section %s refers to '%s' in "
				"section '%s', which is not loaded",
				mod_elf_secname(elf, ri),
				mod_elf_symname(elf, sym),
				mod_elf_secname(elf, s->st_shndx));
	return 0;
}

/* Relocation sections: linked to the symbol table, target a valid section,
 * entries of the right size; for loaded targets (whose relocations are
 * applied; those of debug sections are ignored) every entry as above. */
static int check_relocs(struct mod_elf *elf, struct mod_err *e)
{
	unsigned i;
	uint64_t k;
	int rc;

	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];
		const char *name = mod_elf_secname(elf, i);

		if (s->sh_type != ELF_SHT_RELA)
			continue;
		if (s->sh_link != elf->symtab)
			return mod_fail(e, GRAFT_EFORMAT,
					"relocation section %s does not use "
					"the symbol table",
					name);
		if (s->sh_info == 0 || s->sh_info >= elf->shnum ||
		    s->sh_info == i)
			return mod_fail(e, GRAFT_EFORMAT,
					"relocation section %s: target section"
					" index %u out of range",
					name, s->sh_info);
		if (s->sh_entsize != sizeof(struct elf64_rela) ||
		    s->sh_size % sizeof(struct elf64_rela) != 0)
			return mod_fail(e, GRAFT_EFORMAT,
					"relocation section %s: bad entry "
					"size",
					name);
		if (!mod_elf_loaded(elf, s->sh_info))
			continue;
		if (elf->sh[s->sh_info].sh_type == ELF_SHT_NOBITS)
			return mod_fail(e, GRAFT_EFORMAT,
					"relocation section %s targets '%s', "
					"which has no contents",
					name, mod_elf_secname(elf, s->sh_info));
		for (k = 0; k < s->sh_size / sizeof(struct elf64_rela); k++) {
			struct elf64_rela r = rela_at(elf, s, k);

			rc = check_rela(elf, i, s->sh_info, &r, e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static bool is_meta_section(const struct mod_elf *elf, unsigned i)
{
	return strcmp(mod_elf_secname(elf, i), ".graft_module") == 0;
}

/* A module or dependency name: 1..31 bytes of [A-Za-z0-9._-]. */
bool mod_name_valid(const char *field, size_t size)
{
	size_t n = strnlen(field, size), i;

	if (n == 0 || n == size)
		return false;
	for (i = 0; i < n; i++) {
		char c = field[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

bool mod_field_terminated(const char *field, size_t size)
{
	return strnlen(field, size) < size;
}

/* One metadata record: magic, ABI version, kind, strings terminated and
 * names well formed. */
static int check_meta_record(struct mod_elf *elf,
			     const struct graft_module_rec *r, unsigned *ninfo,
			     struct mod_err *e)
{
	struct mod_meta *m = &elf->meta;

	if (r->magic != GRAFT_MODULE_MAGIC)
		return mod_fail(e, GRAFT_EFORMAT,
				"metadata record with bad magic 0x%08x",
				r->magic);
	if (r->abi_version != GRAFT_ABI_VERSION)
		return mod_fail(e, GRAFT_EABI,
				"built for module ABI version %u, this kernel "
				"has version %u",
				r->abi_version, GRAFT_ABI_VERSION);
	switch (r->kind) {
	case GRAFT_MREC_INFO:
		if (++*ninfo > 1)
			return mod_fail(e, GRAFT_EFORMAT,
					"more than one GRAFT_MODULE record");
		if (!mod_name_valid(r->name, sizeof(r->name)) ||
		    !mod_field_terminated(r->version, sizeof(r->version)) ||
		    !mod_field_terminated(r->licence, sizeof(r->licence)))
			return mod_fail(e, GRAFT_EFORMAT,
					"malformed name, version or licence in "
					"GRAFT_MODULE record");
		memcpy(m->name, r->name, sizeof(m->name));
		memcpy(m->version, r->version, sizeof(m->version));
		memcpy(m->licence, r->licence, sizeof(m->licence));
		return 0;
	case GRAFT_MREC_DEPENDS:
		if (!mod_name_valid(r->name, sizeof(r->name)))
			return mod_fail(e, GRAFT_EFORMAT,
					"malformed GRAFT_MODULE_DEPENDS name");
		if (m->ndeps == MOD_MAX_DEPS)
			return mod_fail(e, GRAFT_EFORMAT,
					"more than %u dependencies",
					MOD_MAX_DEPS);
		memcpy(m->deps[m->ndeps++], r->name, sizeof(r->name));
		return 0;
	case GRAFT_MREC_INIT:
	case GRAFT_MREC_EXIT:
	case GRAFT_MREC_SAVE:
	case GRAFT_MREC_RESTORE:
	case GRAFT_MREC_TIMER:
	case GRAFT_MREC_MESSAGE:
	case GRAFT_MREC_NET:
		return 0;
	}
	return mod_fail(e, GRAFT_EFORMAT, "metadata record of unknown kind %u",
			r->kind);
}

/* The .graft_module sections (there may be several, e.g. clang splits
 * records with and without relocations): loaded, not executable, a whole
 * number of records, one INFO record among them. */
static int check_meta(struct mod_elf *elf, struct mod_err *e)
{
	unsigned i, nrec = 0, ninfo = 0;
	uint64_t k;
	int rc;

	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];

		if (!is_meta_section(elf, i))
			continue;
		if (s->sh_type != ELF_SHT_PROGBITS ||
		    !(s->sh_flags & ELF_SHF_ALLOC) ||
		    (s->sh_flags & ELF_SHF_EXECINSTR) ||
		    s->sh_size % sizeof(struct graft_module_rec) != 0)
			return mod_fail(e, GRAFT_EFORMAT,
					"malformed .graft_module section");
		for (k = 0; k < s->sh_size / sizeof(struct graft_module_rec);
		     k++) {
			struct graft_module_rec r;

			if (++nrec > META_MAX_RECORDS)
				return mod_fail(e, GRAFT_EFORMAT,
						"more than %u metadata records",
						META_MAX_RECORDS);
			memcpy(&r, elf->buf + s->sh_offset + k * sizeof(r),
			       sizeof(r));
			rc = check_meta_record(elf, &r, &ninfo, e);
			if (rc)
				return rc;
		}
	}
	if (nrec == 0)
		return mod_fail(e, GRAFT_EFORMAT,
				"no .graft_module metadata (not a graft module:"
				" use GRAFT_MODULE())");
	if (ninfo == 0)
		return mod_fail(e, GRAFT_EFORMAT, "no GRAFT_MODULE record");
	e->label = elf->meta.name;
	for (i = 0; i < elf->meta.ndeps; i++)
		if (strcmp(elf->meta.deps[i], elf->meta.name) == 0)
			return mod_fail(e, GRAFT_EFORMAT, "depends on itself");
	return 0;
}

/* The relocation of one entry field: R_X86_64_64 against a symbol defined
 * in an executable loaded section, at an offset inside it, and only one per
 * kind of entry point. */
static int check_entry_rela(struct mod_elf *elf, unsigned meta,
			    const struct elf64_rela *r, struct mod_err *e)
{
	uint64_t rec = r->r_offset / sizeof(struct graft_module_rec);
	struct graft_module_rec rd;
	const struct elf64_sym *s;
	struct mod_entry_ref *ref;
	uint64_t off;

	if (ELF_R_TYPE(r->r_info) != R_X86_64_64 ||
	    r->r_offset % sizeof(struct graft_module_rec) != ENTRY_FIELD_OFF)
		return mod_fail(e, GRAFT_EFORMAT,
				"unexpected relocation in .graft_module");
	memcpy(&rd, elf->buf + elf->sh[meta].sh_offset + rec * sizeof(rd),
	       sizeof(rd));
	if (rd.kind < GRAFT_MREC_INIT || rd.kind > GRAFT_MREC_NET)
		return mod_fail(e, GRAFT_EFORMAT,
				"relocation of a metadata record without an "
				"entry point");
	ref = &elf->meta.entry[rd.kind - GRAFT_MREC_INIT];
	if (ref->set)
		return mod_fail(e, GRAFT_EFORMAT,
				"more than one %s entry point",
				mod_entry_names[rd.kind - GRAFT_MREC_INIT]);
	s = &elf->syms[ELF_R_SYM(r->r_info)];
	off = s->st_value + (uint64_t)r->r_addend;
	if (!mod_elf_loaded(elf, s->st_shndx) ||
	    !(elf->sh[s->st_shndx].sh_flags & ELF_SHF_EXECINSTR) ||
	    off >= elf->sh[s->st_shndx].sh_size || r->r_addend < 0)
		return mod_fail(e, GRAFT_EFORMAT,
				"%s entry point is not in the module's code",
				mod_entry_names[rd.kind - GRAFT_MREC_INIT]);
	ref->set = true;
	ref->shndx = s->st_shndx;
	ref->off = off;
	return 0;
}

/* Entry points: each INIT..NET record has exactly one relocation on its
 * entry field, and its stored value is zero (no absolute addresses). */
static int check_entries(struct mod_elf *elf, struct mod_err *e)
{
	unsigned i, nentry = 0, nref = 0, k;
	uint64_t j;
	int rc;

	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];

		if (s->sh_type == ELF_SHT_RELA &&
		    is_meta_section(elf, s->sh_info))
			for (j = 0; j < s->sh_size / sizeof(struct elf64_rela);
			     j++) {
				struct elf64_rela r = rela_at(elf, s, j);

				if (ELF_R_TYPE(r.r_info) == R_X86_64_NONE)
					continue;
				rc = check_entry_rela(elf, s->sh_info, &r, e);
				if (rc)
					return rc;
			}
		if (!is_meta_section(elf, i))
			continue;
		for (j = 0; j < s->sh_size / sizeof(struct graft_module_rec);
		     j++) {
			struct graft_module_rec r;

			memcpy(&r, elf->buf + s->sh_offset + j * sizeof(r),
			       sizeof(r));
			if (r.kind >= GRAFT_MREC_INIT && r.entry.raw != 0)
				return mod_fail(e, GRAFT_EFORMAT,
						"entry point holds an absolute "
						"address");
			nentry += r.kind >= GRAFT_MREC_INIT;
		}
	}
	for (k = 0; k < MOD_NENTRY; k++)
		nref += elf->meta.entry[k].set;
	if (nref != nentry)
		return mod_fail(e, GRAFT_EFORMAT,
				"%u entry point records but %u relocations for "
				"them",
				nentry, nref);
	return 0;
}

/* The .graft_symver sections: whole records, each of a known kind with a
 * non-empty terminated name. */
static int check_symver(struct mod_elf *elf, struct mod_err *e)
{
	unsigned i, n = 0;
	uint64_t k;

	for (i = 1; i < elf->shnum; i++)
		if (strcmp(mod_elf_secname(elf, i), ".graft_symver") == 0) {
			const struct elf64_shdr *s = &elf->sh[i];

			if (s->sh_type != ELF_SHT_PROGBITS ||
			    s->sh_size % sizeof(struct graft_symver) != 0 ||
			    s->sh_size / sizeof(struct graft_symver) >
				MOD_MAX_SYMBOLS)
				return mod_fail(e, GRAFT_EFORMAT,
						"malformed .graft_symver "
						"section");
			n += s->sh_size / sizeof(struct graft_symver);
		}
	if (n == 0)
		return 0;
	if (n > MOD_MAX_SYMBOLS)
		return mod_fail(e, GRAFT_EFORMAT,
				"too many .graft_symver "
				"records");
	elf->symver = malloc(n * sizeof(*elf->symver));
	if (!elf->symver)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];

		if (strcmp(mod_elf_secname(elf, i), ".graft_symver") != 0)
			continue;
		for (k = 0; k < s->sh_size / sizeof(struct graft_symver); k++) {
			struct graft_symver *v = &elf->symver[elf->nsymver++];

			memcpy(v, elf->buf + s->sh_offset + k * sizeof(*v),
			       sizeof(*v));
			if ((v->kind != GRAFT_SYMVER_IMPORT &&
			     v->kind != GRAFT_SYMVER_EXPORT) ||
			    !mod_field_terminated(v->name, sizeof(v->name)) ||
			    v->name[0] == '\0')
				return mod_fail(e, GRAFT_EFORMAT,
						"malformed .graft_symver record"
						" %u",
						elf->nsymver - 1);
		}
	}
	return 0;
}

const struct graft_symver *mod_elf_symver(const struct mod_elf *elf,
					  const char *name, uint8_t kind)
{
	unsigned i;

	for (i = 0; i < elf->nsymver; i++)
		if (elf->symver[i].kind == kind &&
		    strcmp(elf->symver[i].name, name) == 0)
			return &elf->symver[i];
	return NULL;
}

static bool defines_global(const struct mod_elf *elf, const char *name)
{
	unsigned i;

	for (i = 1; i < elf->nsyms; i++) {
		const struct elf64_sym *s = &elf->syms[i];

		if (ELF_ST_BIND(s->st_info) != ELF_STB_LOCAL &&
		    mod_elf_loaded(elf, s->st_shndx) &&
		    strcmp(elf->str + s->st_name, name) == 0)
			return true;
	}
	return false;
}

/* Count the names in one .graft_exports section, or -1 if malformed. */
static long count_names(const struct mod_elf *elf, const struct elf64_shdr *s)
{
	const char *p = (const char *)elf->buf + s->sh_offset;
	uint64_t k;
	long n = 0;

	if (s->sh_type != ELF_SHT_PROGBITS || (s->sh_flags & ELF_SHF_ALLOC) ||
	    (s->sh_size > 0 && p[s->sh_size - 1] != '\0'))
		return -1;
	for (k = 0; k < s->sh_size; k++) {
		size_t len = strlen(p + k);

		if (len == 0 || len >= GRAFT_SYMBOL_MAX)
			return -1;
		n++;
		k += len;
	}
	return n;
}

/* The .graft_exports sections: non-loaded, a sequence of terminated names
 * of 1..54 bytes; each a global the module defines, with an EXPORT
 * declaration hash. */
static int check_exports(struct mod_elf *elf, struct mod_err *e)
{
	unsigned i, n = 0, j;
	uint64_t k;

	for (i = 1; i < elf->shnum; i++) {
		long c;

		if (strcmp(mod_elf_secname(elf, i), ".graft_exports") != 0)
			continue;
		c = count_names(elf, &elf->sh[i]);
		if (c < 0 || n + (unsigned long)c > MOD_MAX_EXPORTS)
			return mod_fail(e, GRAFT_EFORMAT,
					"malformed .graft_exports section");
		n += (unsigned)c;
	}
	if (n == 0)
		return 0;
	elf->exports = malloc(n * sizeof(*elf->exports));
	if (!elf->exports)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	for (i = 1; i < elf->shnum; i++) {
		const char *p = (const char *)elf->buf + elf->sh[i].sh_offset;

		if (strcmp(mod_elf_secname(elf, i), ".graft_exports") != 0)
			continue;
		for (k = 0; k < elf->sh[i].sh_size; k += strlen(p + k) + 1)
			elf->exports[elf->nexports++] = p + k;
	}
	for (j = 0; j < elf->nexports; j++) {
		if (!defines_global(elf, elf->exports[j]))
			return mod_fail(e, GRAFT_EFORMAT,
					"exports '%s', which it does not define"
					" as a global",
					elf->exports[j]);
		if (!mod_elf_symver(elf, elf->exports[j], GRAFT_SYMVER_EXPORT))
			return mod_fail(e, GRAFT_EABI,
					"no declaration hash for exported "
					"symbol '%s' (build it with graft "
					"module build)",
					elf->exports[j]);
	}
	return 0;
}

void mod_elf_release(struct mod_elf *elf)
{
	free(elf->sh);
	free(elf->syms);
	free(elf->symver);
	free(elf->exports);
	elf->sh = NULL;
	elf->syms = NULL;
	elf->symver = NULL;
	elf->exports = NULL;
}

int mod_elf_validate(const void *buf, size_t len, struct mod_elf *elf,
		     struct mod_err *e)
{
	int rc;

	memset(elf, 0, sizeof(*elf));
	elf->buf = buf;
	elf->len = len;
	if (!buf && len)
		return mod_fail(e, GRAFT_EINVAL, "no buffer");
	rc = check_ehdr(elf, e);
	if (!rc)
		rc = check_sections(elf, e);
	if (!rc)
		rc = check_overlaps(elf, e);
	if (!rc)
		rc = check_meta(elf, e);
	if (!rc)
		rc = check_symtab(elf, e);
	if (!rc)
		rc = check_relocs(elf, e);
	if (!rc)
		rc = check_entries(elf, e);
	if (!rc)
		rc = check_symver(elf, e);
	if (!rc)
		rc = check_exports(elf, e);
	if (rc)
		mod_elf_release(elf);
	return rc;
}
