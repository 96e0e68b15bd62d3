/*
 * Finding a function in the vDSO (unix_vdso.h).  The image is the kernel's,
 * but it is read as untrusted input all the same: vdso_validate checks the
 * headers and every table the lookup reads against the image's size, and
 * the lookup then reads only what it checked.  Symbols are few (about a
 * dozen), so the lookup scans them in order; the hash tables serve only to
 * count them, as ELF gives no count of its own.
 */
#include <string.h>
#include "unix_vdso.h"

#define ELF_CLASS64	 2
#define ELF_DATA2LSB	 1
#define ELF_ET_DYN	 3
#define ELF_EM_X86_64	 62
#define ELF_PT_LOAD	 1
#define ELF_PT_DYNAMIC	 2
#define ELF_PF_X	 1
#define ELF_DT_NULL	 0
#define ELF_DT_HASH	 4
#define ELF_DT_STRTAB	 5
#define ELF_DT_SYMTAB	 6
#define ELF_DT_STRSZ	 10
#define ELF_DT_SYMENT	 11
#define ELF_DT_GNU_HASH	 0x6ffffef5
#define ELF_DT_VERSYM	 0x6ffffff0
#define ELF_DT_VERDEF	 0x6ffffffc
#define ELF_DT_VERDEFNUM 0x6ffffffd
#define ELF_STT_FUNC	 2
#define ELF_STB_GLOBAL	 1
#define ELF_STB_WEAK	 2
#define ELF_SHN_UNDEF	 0
#define ELF_VER_NDX_MASK 0x7fff
#define VDSO_MAX_VERDEFS 16   /* the kernel's has 2 */
#define VDSO_MAX_SYMS	 4096 /* the kernel's has about 14 */
#define VDSO_FIRST_PAGE	 4096

struct elf_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_dyn {
	int64_t tag;
	uint64_t val;
};

struct elf_sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

struct elf_verdef {
	uint16_t version, flags, ndx, cnt;
	uint32_t hash, aux, next;
};

struct elf_verdaux {
	uint32_t name, next;
};

/* What vdso_validate found, as offsets into the image, each checked. */
struct vdso {
	const uint8_t *img;
	size_t size;
	uint64_t load_vaddr, load_off, load_len;
	uint64_t symtab, strtab, strsz, nsyms;
	uint64_t versym, verdef, nverdefs; /* versym 0: unversioned */
};

/* Whether [off, off + len) lies within size bytes, without overflow. */
static int in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int check_ehdr(const struct elf_ehdr *eh, size_t size, const char **why)
{
	static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

	if ((uintptr_t)eh % 8)
		return *why = "image not 8-byte aligned", -1;
	if (size < sizeof(*eh))
		return *why = "image smaller than an ELF header", -1;
	if (memcmp(eh->ident, magic, 4) != 0)
		return *why = "no ELF magic", -1;
	if (eh->ident[4] != ELF_CLASS64 || eh->ident[5] != ELF_DATA2LSB ||
	    eh->type != ELF_ET_DYN || eh->machine != ELF_EM_X86_64)
		return *why = "not a 64-bit little-endian x86-64 shared object",
		       -1;
	if (eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 ||
	    !in_range(eh->phoff, (uint64_t)eh->phnum * sizeof(struct elf_phdr),
		      size) ||
	    eh->phoff % 8)
		return *why = "program headers out of bounds", -1;
	return 0;
}

/* The loadable segment, which must be single and executable, and the
 * dynamic segment, which must lie within it. */
static int check_phdrs(struct vdso *v, const struct elf_phdr **dyn,
		       const char **why)
{
	const struct elf_ehdr *eh = (const struct elf_ehdr *)v->img;
	const struct elf_phdr *ph =
	    (const struct elf_phdr *)(v->img + eh->phoff);
	const struct elf_phdr *load = NULL;

	*dyn = NULL;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type == ELF_PT_LOAD) {
			if (load)
				return *why = "more than one loadable segment",
				       -1;
			load = &ph[i];
		} else if (ph[i].type == ELF_PT_DYNAMIC) {
			*dyn = &ph[i];
		}
	}
	if (!load || !(load->flags & ELF_PF_X))
		return *why = "no executable loadable segment", -1;
	if (!in_range(load->offset, load->filesz, v->size))
		return *why = "loadable segment past the end of the image", -1;
	if (!*dyn)
		return *why = "no dynamic segment", -1;
	if (!in_range((*dyn)->offset, (*dyn)->filesz, v->size) ||
	    (*dyn)->offset % 8 || (*dyn)->filesz % sizeof(struct elf_dyn))
		return *why = "dynamic segment out of bounds", -1;
	v->load_vaddr = load->vaddr;
	v->load_off = load->offset;
	v->load_len = load->filesz;
	return 0;
}

/* An address from the dynamic table as an offset into the image, if
 * len bytes from it lie within the loadable segment. */
static int vaddr_to_off(const struct vdso *v, uint64_t vaddr, uint64_t len,
			uint64_t *off)
{
	if (vaddr < v->load_vaddr ||
	    !in_range(vaddr - v->load_vaddr, len, v->load_len))
		return -1;
	*off = vaddr - v->load_vaddr + v->load_off;
	return 0;
}

/* Symbols counted from the System V hash table: its chain has one entry
 * per symbol. */
static int count_sysv_hash(const struct vdso *v, uint64_t vaddr,
			   uint64_t *nsyms)
{
	uint64_t off;

	if (vaddr_to_off(v, vaddr, 8, &off) || off % 4)
		return -1;
	*nsyms = rd32(v->img + off + 4);
	return 0;
}

/* Symbols counted from the GNU hash table: the highest symbol any bucket
 * starts at, then along its chain to the entry that ends it (bit 0). */
static int count_gnu_hash(const struct vdso *v, uint64_t vaddr, uint64_t *nsyms)
{
	uint64_t off, nbuckets, symoffset, nbloom, buckets, chain, last = 0;

	if (vaddr_to_off(v, vaddr, 16, &off) || off % 4)
		return -1;
	nbuckets = rd32(v->img + off);
	symoffset = rd32(v->img + off + 4);
	nbloom = rd32(v->img + off + 8);
	buckets = off + 16 + nbloom * 8;
	if (nbuckets == 0 || nbuckets > VDSO_MAX_SYMS ||
	    nbloom > VDSO_MAX_SYMS ||
	    !in_range(buckets, nbuckets * 4, v->load_off + v->load_len))
		return -1;
	for (uint64_t i = 0; i < nbuckets; i++) {
		uint32_t b = rd32(v->img + buckets + 4 * i);
		if (b > last)
			last = b;
	}
	chain = buckets + nbuckets * 4;
	if (last == 0) {
		*nsyms = symoffset;
		return 0;
	}
	if (last < symoffset || last > VDSO_MAX_SYMS)
		return -1;
	for (;; last++) {
		uint64_t at = chain + (last - symoffset) * 4;
		if (last >= VDSO_MAX_SYMS ||
		    !in_range(at, 4, v->load_off + v->load_len))
			return -1;
		if (rd32(v->img + at) & 1)
			break;
	}
	*nsyms = last + 1;
	return 0;
}

/* The dynamic table's entries the lookup needs, each located and its
 * extent checked. */
static int check_dynamic(struct vdso *v, const struct elf_phdr *dynph,
			 const char **why)
{
	const struct elf_dyn *d =
	    (const struct elf_dyn *)(v->img + dynph->offset);
	uint64_t n = dynph->filesz / sizeof(*d);
	uint64_t symtab = 0, strtab = 0, hash = 0, gnu_hash = 0, versym = 0;
	uint64_t verdef = 0, syment = sizeof(struct elf_sym);
	int have_strsz = 0;

	v->nverdefs = 0;
	for (uint64_t i = 0; i < n && d[i].tag != ELF_DT_NULL; i++) {
		switch (d[i].tag) {
		case ELF_DT_SYMTAB:
			symtab = d[i].val;
			break;
		case ELF_DT_STRTAB:
			strtab = d[i].val;
			break;
		case ELF_DT_STRSZ:
			v->strsz = d[i].val;
			have_strsz = 1;
			break;
		case ELF_DT_SYMENT:
			syment = d[i].val;
			break;
		case ELF_DT_HASH:
			hash = d[i].val;
			break;
		case ELF_DT_GNU_HASH:
			gnu_hash = d[i].val;
			break;
		case ELF_DT_VERSYM:
			versym = d[i].val;
			break;
		case ELF_DT_VERDEF:
			verdef = d[i].val;
			break;
		case ELF_DT_VERDEFNUM:
			v->nverdefs = d[i].val;
			break;
		}
	}
	if (!symtab || !strtab || !have_strsz)
		return *why = "no symbol table, string table or its size", -1;
	if (syment != sizeof(struct elf_sym))
		return *why = "symbol entries of an unknown size", -1;
	if (vaddr_to_off(v, strtab, v->strsz, &v->strtab))
		return *why = "string table out of bounds", -1;
	if (hash       ? count_sysv_hash(v, hash, &v->nsyms)
	    : gnu_hash ? count_gnu_hash(v, gnu_hash, &v->nsyms)
		       : -1)
		return *why = "no readable hash table to count symbols", -1;
	if (v->nsyms > VDSO_MAX_SYMS ||
	    vaddr_to_off(v, symtab, v->nsyms * syment, &v->symtab) ||
	    v->symtab % 8)
		return *why = "symbol table out of bounds", -1;
	v->versym = 0;
	if (versym &&
	    (vaddr_to_off(v, versym, v->nsyms * 2, &v->versym) ||
	     v->versym % 2 || !verdef || v->nverdefs == 0 ||
	     v->nverdefs > VDSO_MAX_VERDEFS ||
	     vaddr_to_off(v, verdef, sizeof(struct elf_verdef), &v->verdef) ||
	     v->verdef % 4))
		return *why = "version tables out of bounds", -1;
	return 0;
}

/*
 * vdso_validate - check the image before anything reads it:
 *   - an image 8-byte aligned (the tables are read in place), with an
 *     ELF header for a 64-bit little-endian x86-64 shared object,
 *     whose program headers lie within the image;
 *   - exactly one loadable segment, executable, within the image; a
 *     dynamic segment within the image;
 *   - a symbol table, a string table and its size, symbol entries of the
 *     size we read, and a System V or GNU hash table to count symbols,
 *     every table within the loadable segment;
 *   - if the symbols are versioned, the version array (one per symbol)
 *     and the first version definition within the loadable segment, and
 *     a count of definitions; each further one is checked as it is read.
 * Returns 0, or -1 with *why naming the first check that failed.
 */
static int vdso_validate(struct vdso *v, const void *base, size_t size,
			 const char **why)
{
	const struct elf_phdr *dynph;

	v->img = base;
	v->size = size;
	if (check_ehdr(base, size, why) || check_phdrs(v, &dynph, why) ||
	    check_dynamic(v, dynph, why))
		return -1;
	return 0;
}

/* Whether the string at offset off in the string table is s, reading no
 * byte past the table. */
static int str_is(const struct vdso *v, uint64_t off, const char *s)
{
	size_t len = strlen(s);

	return off < v->strsz && len < v->strsz - off &&
	       memcmp(v->img + v->strtab + off, s, len) == 0 &&
	       v->img[v->strtab + off + len] == '\0';
}

/* Whether symbol i's version (by the version array) is named version. */
static int sym_version_is(const struct vdso *v, uint64_t i, const char *version)
{
	uint16_t ndx;
	uint64_t off = v->verdef;
	const uint64_t end = v->load_off + v->load_len;

	if (!version)
		return 1;
	if (!v->versym)
		return 0;
	memcpy(&ndx, v->img + v->versym + 2 * i, 2);
	ndx &= ELF_VER_NDX_MASK;
	for (uint64_t n = 0; n < v->nverdefs; n++) {
		struct elf_verdef vd;
		struct elf_verdaux va;

		if (!in_range(off, sizeof(vd), end) || off % 4)
			return 0;
		memcpy(&vd, v->img + off, sizeof(vd));
		if (vd.ndx == ndx) {
			if (vd.cnt == 0 ||
			    !in_range(off + (uint64_t)vd.aux, sizeof(va), end))
				return 0;
			memcpy(&va, v->img + off + vd.aux, sizeof(va));
			return str_is(v, va.name, version);
		}
		if (vd.next == 0)
			return 0;
		off += vd.next;
	}
	return 0;
}

const void *unix_vdso_lookup(const void *base, size_t size, const char *name,
			     const char *version, const char **why)
{
	struct vdso v;

	if (!base)
		return *why = "no vDSO", NULL;
	if (vdso_validate(&v, base, size, why))
		return NULL;
	for (uint64_t i = 1; i < v.nsyms; i++) {
		struct elf_sym s;
		uint64_t off;

		memcpy(&s, v.img + v.symtab + i * sizeof(s), sizeof(s));
		if (!str_is(&v, s.name, name))
			continue;
		if (!sym_version_is(&v, i, version))
			continue;
		if ((s.info & 15) != ELF_STT_FUNC ||
		    ((s.info >> 4) != ELF_STB_GLOBAL &&
		     (s.info >> 4) != ELF_STB_WEAK) ||
		    s.shndx == ELF_SHN_UNDEF)
			return *why = "symbol is not a defined function", NULL;
		if (vaddr_to_off(&v, s.value, 1, &off))
			return *why = "symbol outside the loadable segment",
			       NULL;
		return v.img + off;
	}
	return *why = "symbol not found", NULL;
}

size_t unix_vdso_mapped_size(const void *base, const char **why)
{
	const struct elf_ehdr *eh = base;
	const struct elf_phdr *ph;
	uint64_t end = 0;

	if (!base)
		return *why = "no vDSO", 0;
	if (check_ehdr(eh, VDSO_FIRST_PAGE, why))
		return 0;
	ph = (const struct elf_phdr *)((const uint8_t *)base + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != ELF_PT_LOAD)
			continue;
		if (ph[i].offset > UINT32_MAX || ph[i].filesz > UINT32_MAX)
			return *why = "loadable segment implausibly large", 0;
		if (ph[i].offset + ph[i].filesz > end)
			end = ph[i].offset + ph[i].filesz;
	}
	if (end == 0)
		return *why = "no loadable segment", 0;
	return end;
}

const void *unix_vdso_auxv_find(const uint64_t *sp)
{
	const uint64_t *p = sp + 1 + sp[0] + 1; /* past argc, argv, NULL */

	while (*p)
		p++;		     /* envp */
	for (p++; p[0] != 0; p += 2) /* auxv: key, value until AT_NULL */
		if (p[0] == UNIX_AT_SYSINFO_EHDR)
			return (const void *)(uintptr_t)p[1];
	return NULL;
}
