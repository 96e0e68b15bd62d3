/*
 * The linker: turns a validated object (struct mod_elf) into code in
 * memory.  Steps, each of which can refuse before the next begins:
 *
 *   resolve   every undefined symbol against the export tables only, with
 *             the declaration hash the module was built against;
 *   plan      one GOT slot per symbol used through GOTPCREL*, one
 *             trampoline per external symbol called through PLT32;
 *   lay out   [text | trampolines] [rodata | metadata | GOT] [data | bss],
 *             each group starting on a page, so that text can become
 *             read+execute and the rest never executable;
 *   copy, relocate, protect.
 *
 * Memory is written only while it is read+write, and protected only when
 * it is complete: text is never writable and executable at once.  Every
 * failure returns the memory and the tables it allocated.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "mod_internal.h"

#define NO_SLOT	      UINT32_MAX
#define TRAMP_SIZE    16
#define MOD_MAX_IMAGE (256u << 20)
/* Referenced (unused) by every gcc -fpic object: the module's own GOT. */
#define GOT_SYMBOL "_GLOBAL_OFFSET_TABLE_"

struct link {
	const struct mod_elf *elf;
	struct mod *m;
	struct mod_err *e;
	void *block;	   /* one allocation for the arrays below */
	uint64_t *symaddr; /* [nsyms] */
	uint32_t *got;	   /* [nsyms] GOT slot or NO_SLOT */
	uint32_t *tramp;   /* [nsyms] trampoline slot or NO_SLOT */
	size_t *secoff;	   /* [shnum] offset in the image or SIZE_MAX */
	size_t tramp_off, got_off;
	unsigned ngot, ntramp;
};

static size_t align_up(size_t x, size_t a)
{
	return a > 1 ? (x + a - 1) & ~(a - 1) : x;
}

static size_t page_up(size_t x)
{
	return align_up(x, MOD_PAGE);
}

static int link_alloc(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	size_t n = elf->nsyms, s = elf->shnum;
	uint8_t *p;

	p = malloc(n * (8 + 4 + 4) + s * sizeof(size_t));
	if (!p)
		return mod_fail(l->e, GRAFT_ENOMEM, "out of memory");
	l->block = p;
	l->symaddr = (uint64_t *)p;
	l->secoff = (size_t *)(p + n * 8);
	l->got = (uint32_t *)(p + n * 8 + s * sizeof(size_t));
	l->tramp = l->got + n;
	memset(l->symaddr, 0, n * 8);
	memset(l->got, 0xff, n * 4);
	memset(l->tramp, 0xff, n * 4);
	memset(l->secoff, 0xff, s * sizeof(size_t));
	return 0;
}

static void add_use(struct mod *m, struct mod *p)
{
	unsigned i;

	for (i = 0; i < m->nuses; i++)
		if (m->uses[i] == p)
			return;
	m->uses[m->nuses++] = p;
}

/* Dependencies named by GRAFT_MODULE_DEPENDS must be live already. */
static int link_deps(struct link *l)
{
	const struct mod_meta *meta = &l->elf->meta;
	unsigned i;

	for (i = 0; i < meta->ndeps; i++) {
		struct mod *d = mod_find(meta->deps[i]);

		if (!d || d->state != MOD_LIVE)
			return mod_fail(l->e, GRAFT_ENOENT,
					"depends on '%s', which is not loaded",
					meta->deps[i]);
		add_use(l->m, d);
	}
	return 0;
}

/* One undefined symbol: exported (or weak), with the declaration hash this
 * module was built against equal to the exporter's. */
static int resolve_one(struct link *l, unsigned i)
{
	const struct mod_elf *elf = l->elf;
	const char *name = elf->str + elf->syms[i].st_name;
	const struct graft_symver *v;
	struct mod *provider;
	uint64_t hash;
	uintptr_t addr;

	if (strcmp(name, GOT_SYMBOL) == 0)
		return 0;
	if (!mod_export_find(name, &addr, &hash, &provider)) {
		if (ELF_ST_BIND(elf->syms[i].st_info) == ELF_STB_WEAK)
			return 0;
		return mod_fail(l->e, GRAFT_ENOSYM, "symbol '%s' not exported",
				name);
	}
	v = mod_elf_symver(elf, name, GRAFT_SYMVER_IMPORT);
	if (!v)
		return mod_fail(l->e, GRAFT_EABI,
				"no declaration hash for imported symbol '%s' "
				"(build it with graft module build)",
				name);
	if (v->hash != hash)
		return mod_fail(l->e, GRAFT_EABI,
				"symbol '%s': built against another declaration"
				" than %s%s%s exports (ABI mismatch)",
				name, provider ? "module '" : "the kernel",
				provider ? provider->name : "",
				provider ? "'" : "");
	l->symaddr[i] = addr;
	if (provider)
		add_use(l->m, provider);
	return 0;
}

static int link_resolve(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	unsigned i, nundef = 0;
	int rc;

	for (i = 1; i < elf->nsyms; i++)
		nundef += elf->syms[i].st_shndx == ELF_SHN_UNDEF;
	l->m->uses =
	    malloc((elf->meta.ndeps + nundef + 1) * sizeof(*l->m->uses));
	if (!l->m->uses)
		return mod_fail(l->e, GRAFT_ENOMEM, "out of memory");
	rc = link_deps(l);
	for (i = 1; !rc && i < elf->nsyms; i++)
		if (elf->syms[i].st_shndx == ELF_SHN_UNDEF)
			rc = resolve_one(l, i);
	return rc;
}

static const struct elf64_sym *export_sym(const struct mod_elf *elf,
					  const char *name)
{
	unsigned i;

	for (i = 1; i < elf->nsyms; i++) {
		const struct elf64_sym *s = &elf->syms[i];

		if (ELF_ST_BIND(s->st_info) != ELF_STB_LOCAL &&
		    mod_elf_loaded(elf, s->st_shndx) &&
		    strcmp(elf->str + s->st_name, name) == 0)
			return s;
	}
	return NULL;
}

/* The module's own exports: names not taken by the kernel or a live
 * module; duplicates within the module (two files marking one symbol)
 * collapse.  Addresses are filled in after layout. */
static int link_exports(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	struct mod *m = l->m, *provider;
	unsigned i, j;
	uintptr_t addr;
	uint64_t hash;

	if (!elf->nexports)
		return 0;
	m->exports = calloc(elf->nexports, sizeof(*m->exports));
	if (!m->exports)
		return mod_fail(l->e, GRAFT_ENOMEM, "out of memory");
	for (i = 0; i < elf->nexports; i++) {
		const char *name = elf->exports[i];

		for (j = 0; j < m->nexports; j++)
			if (strcmp(m->exports[j].name, name) == 0)
				break;
		if (j < m->nexports)
			continue;
		if (mod_export_find(name, &addr, &hash, &provider))
			return mod_fail(l->e, GRAFT_EEXIST,
					"exports '%s', which %s%s%s already "
					"exports",
					name,
					provider ? "module '" : "the kernel",
					provider ? provider->name : "",
					provider ? "'" : "");
		strcpy(m->exports[m->nexports].name, name);
		m->exports[m->nexports].hash =
		    mod_elf_symver(elf, name, GRAFT_SYMVER_EXPORT)->hash;
		m->nexports++;
	}
	return 0;
}

static bool external(const struct mod_elf *elf, unsigned sym)
{
	return elf->syms[sym].st_shndx == ELF_SHN_UNDEF;
}

/* GOT slots and trampolines: one per symbol that needs one. */
static void link_plan(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	unsigned i;
	uint64_t k;

	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];

		if (s->sh_type != ELF_SHT_RELA ||
		    !mod_elf_loaded(elf, s->sh_info))
			continue;
		for (k = 0; k < s->sh_size / sizeof(struct elf64_rela); k++) {
			struct elf64_rela r;
			uint32_t sym, type;

			memcpy(&r, elf->buf + s->sh_offset + k * sizeof(r),
			       sizeof(r));
			sym = ELF_R_SYM(r.r_info);
			type = ELF_R_TYPE(r.r_info);
			if (mod_reloc_uses_got(type) && l->got[sym] == NO_SLOT)
				l->got[sym] = l->ngot++;
			if (type == R_X86_64_PLT32 && external(elf, sym) &&
			    l->symaddr[sym] && l->tramp[sym] == NO_SLOT)
				l->tramp[sym] = l->ntramp++;
		}
	}
}

enum group { G_TEXT, G_RO, G_DATA };

static enum group section_group(const struct mod_elf *elf, unsigned i)
{
	const struct elf64_shdr *s = &elf->sh[i];

	if (s->sh_flags & ELF_SHF_EXECINSTR)
		return G_TEXT;
	/* Metadata is never written after loading, whatever the compiler
	 * marked it. */
	if (!(s->sh_flags & ELF_SHF_WRITE) ||
	    strcmp(mod_elf_secname(elf, i), ".graft_module") == 0)
		return G_RO;
	return G_DATA;
}

static size_t place_group(struct link *l, enum group g, size_t off)
{
	const struct mod_elf *elf = l->elf;
	unsigned i;

	for (i = 1; i < elf->shnum; i++) {
		if (!mod_elf_loaded(elf, i) || section_group(elf, i) != g)
			continue;
		off = align_up(off, elf->sh[i].sh_addralign);
		l->secoff[i] = off;
		off += elf->sh[i].sh_size;
	}
	return off;
}

/* Assign every loaded section, the trampolines and the GOT an offset. */
static int link_layout(struct link *l)
{
	struct mod *m = l->m;
	size_t off;

	off = place_group(l, G_TEXT, 0);
	l->tramp_off = align_up(off, TRAMP_SIZE);
	m->text_len = page_up(l->tramp_off + (size_t)l->ntramp * TRAMP_SIZE);
	off = place_group(l, G_RO, m->text_len);
	l->got_off = align_up(off, 8);
	off = page_up(l->got_off + (size_t)l->ngot * 8);
	m->ro_len = off - m->text_len;
	off = place_group(l, G_DATA, off);
	m->data_len = page_up(off) - m->text_len - m->ro_len;
	m->npages = page_up(off) / MOD_PAGE;
	if (m->npages == 0)
		m->npages = 1;
	if (m->npages * MOD_PAGE > MOD_MAX_IMAGE)
		return mod_fail(l->e, GRAFT_ENOMEM,
				"needs %zu pages, more than a module may have",
				m->npages);
	return 0;
}

/* Copy contents, zero bss, compute the address of every defined symbol,
 * fill the GOT and write the trampolines (jmp *0(%rip); .quad target). */
static void link_copy(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	uint8_t *base = l->m->base;
	unsigned i;

	for (i = 1; i < elf->shnum; i++) {
		const struct elf64_shdr *s = &elf->sh[i];

		if (l->secoff[i] == SIZE_MAX)
			continue;
		if (s->sh_type == ELF_SHT_NOBITS)
			memset(base + l->secoff[i], 0, s->sh_size);
		else if (s->sh_size)
			memcpy(base + l->secoff[i], elf->buf + s->sh_offset,
			       s->sh_size);
	}
	for (i = 1; i < elf->nsyms; i++) {
		const struct elf64_sym *s = &elf->syms[i];

		if (s->st_shndx == ELF_SHN_ABS)
			l->symaddr[i] = s->st_value;
		else if (s->st_shndx == ELF_SHN_UNDEF &&
			 strcmp(elf->str + s->st_name, GOT_SYMBOL) == 0)
			l->symaddr[i] = (uintptr_t)base + l->got_off;
		else if (s->st_shndx != ELF_SHN_UNDEF &&
			 l->secoff[s->st_shndx] != SIZE_MAX)
			l->symaddr[i] = (uintptr_t)base +
					l->secoff[s->st_shndx] + s->st_value;
	}
	for (i = 1; i < elf->nsyms; i++) {
		if (l->got[i] != NO_SLOT)
			memcpy(base + l->got_off + l->got[i] * 8ul,
			       &l->symaddr[i], 8);
		if (l->tramp[i] != NO_SLOT) {
			uint8_t *t = base + l->tramp_off + l->tramp[i] * 16ul;
			static const uint8_t jmp[6] = {0xff, 0x25, 0, 0, 0, 0};

			memcpy(t, jmp, sizeof(jmp));
			memcpy(t + 6, &l->symaddr[i], 8);
			t[14] = t[15] = 0xcc;
		}
	}
}

static int link_relocate_section(struct link *l, unsigned ri)
{
	const struct mod_elf *elf = l->elf;
	const struct elf64_shdr *s = &elf->sh[ri];
	uint8_t *target = l->m->base + l->secoff[s->sh_info];
	uint64_t k;

	for (k = 0; k < s->sh_size / sizeof(struct elf64_rela); k++) {
		struct elf64_rela r;
		struct mod_reloc_ctx c;
		uint32_t sym, type;

		memcpy(&r, elf->buf + s->sh_offset + k * sizeof(r), sizeof(r));
		sym = ELF_R_SYM(r.r_info);
		type = ELF_R_TYPE(r.r_info);
		c.p = (uintptr_t)target + r.r_offset;
		c.s = l->symaddr[sym];
		c.a = r.r_addend;
		c.g = l->got[sym] == NO_SLOT
			  ? 0
			  : (uintptr_t)l->m->base + l->got_off +
				l->got[sym] * 8ul;
		c.t = l->tramp[sym] == NO_SLOT
			  ? 0
			  : (uintptr_t)l->m->base + l->tramp_off +
				l->tramp[sym] * 16ul;
		if (mod_reloc_apply(type, target + r.r_offset, &c))
			return mod_fail(l->e, GRAFT_ERANGE,
					"relocation %s against '%s' in section "
					"%s out of range",
					mod_reloc_name(type),
					mod_elf_symname(elf, sym),
					mod_elf_secname(elf, ri));
	}
	return 0;
}

static int link_relocate(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	unsigned i;
	int rc;

	for (i = 1; i < elf->shnum; i++) {
		if (elf->sh[i].sh_type != ELF_SHT_RELA ||
		    !mod_elf_loaded(elf, elf->sh[i].sh_info))
			continue;
		rc = link_relocate_section(l, i);
		if (rc)
			return rc;
	}
	return 0;
}

/* The loaded sections' names and addresses (for gdb), and the entry
 * points and exports' addresses. */
static int link_describe(struct link *l)
{
	const struct mod_elf *elf = l->elf;
	struct mod *m = l->m;
	uintptr_t entry[MOD_NENTRY] = {0};
	size_t names = 0, len;
	unsigned i, n = 0;
	char *p;

	for (i = 1; i < elf->shnum; i++)
		if (l->secoff[i] != SIZE_MAX && elf->sh[i].sh_size) {
			names += strlen(mod_elf_secname(elf, i)) + 1;
			n++;
		}
	m->sections = malloc(n * sizeof(*m->sections) + 1);
	m->secnames = malloc(names + 1);
	if (!m->sections || !m->secnames)
		return mod_fail(l->e, GRAFT_ENOMEM, "out of memory");
	p = m->secnames;
	for (i = 1; i < elf->shnum; i++) {
		struct mod_section *sec = &m->sections[m->nsections];

		if (l->secoff[i] == SIZE_MAX || !elf->sh[i].sh_size)
			continue;
		len = strlen(mod_elf_secname(elf, i)) + 1;
		memcpy(p, mod_elf_secname(elf, i), len);
		sec->name = p;
		sec->addr = (uintptr_t)m->base + l->secoff[i];
		sec->size = elf->sh[i].sh_size;
		p += len;
		m->nsections++;
	}
	for (i = 0; i < MOD_NENTRY; i++)
		if (elf->meta.entry[i].set)
			entry[i] = (uintptr_t)m->base +
				   l->secoff[elf->meta.entry[i].shndx] +
				   elf->meta.entry[i].off;
	for (i = 0; i < MOD_NENTRY; i++) {
		m->entry[i] = entry[i];
		if (entry[i])
			m->entries |= MOD_ENTRY_BIT(i);
	}
	for (i = 0; i < m->nexports; i++) {
		const struct elf64_sym *s = export_sym(elf, m->exports[i].name);

		m->exports[i].addr =
		    (uintptr_t)m->base + l->secoff[s->st_shndx] + s->st_value;
	}
	m->trampolines = l->ntramp;
	m->got_entries = l->ngot;
	return 0;
}

static int link_protect(struct link *l, const struct mod_mem_ops *mem)
{
	struct mod *m = l->m;
	int rc = 0;

	if (m->text_len)
		rc = mem->protect(m->base, m->text_len,
				  PLAT_PROT_READ | PLAT_PROT_EXEC);
	if (!rc && m->ro_len)
		rc = mem->protect(m->base + m->text_len, m->ro_len,
				  PLAT_PROT_READ);
	if (rc)
		return mod_fail(l->e, rc, "cannot protect its memory: %s",
				graft_strerror(rc));
	return 0;
}

void mod_image_free(struct mod *m, const struct mod_mem_ops *mem)
{
	if (m->base) {
		mem->protect(m->base, m->npages * MOD_PAGE,
			     PLAT_PROT_READ | PLAT_PROT_WRITE);
		mem->free(m->base, m->npages);
	}
	free(m->sections);
	free(m->secnames);
	free(m->exports);
	free(m->uses);
	m->base = NULL;
	m->sections = NULL;
	m->secnames = NULL;
	m->exports = NULL;
	m->uses = NULL;
	m->nsections = m->nexports = m->nuses = 0;
}

int mod_elf_link(const struct mod_elf *elf, struct mod *m,
		 const struct mod_mem_ops *mem, struct mod_err *e)
{
	struct link l = {.elf = elf, .m = m, .e = e};
	int rc;

	memcpy(m->name, elf->meta.name, sizeof(m->name));
	memcpy(m->version, elf->meta.version, sizeof(m->version));
	memcpy(m->licence, elf->meta.licence, sizeof(m->licence));
	rc = link_alloc(&l);
	if (!rc)
		rc = link_resolve(&l);
	if (!rc)
		rc = link_exports(&l);
	if (!rc) {
		link_plan(&l);
		rc = link_layout(&l);
	}
	if (!rc) {
		m->base = mem->alloc(m->npages);
		if (!m->base)
			rc = mod_fail(e, GRAFT_ENOMEM,
				      "out of memory for %zu pages", m->npages);
	}
	if (!rc) {
		link_copy(&l);
		rc = link_relocate(&l);
	}
	if (!rc)
		rc = link_describe(&l);
	if (!rc)
		rc = link_protect(&l, mem);
	free(l.block);
	if (rc)
		mod_image_free(m, mem);
	return rc;
}
