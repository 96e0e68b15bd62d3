/*
 * The parts of the ELF64 format the module loader reads, defined here
 * because guest code has no <elf.h>.  Values are the System V ABI's and the
 * x86-64 psABI's.  Structures are only ever filled by memcpy from the
 * object's bytes, so the buffer need not be aligned.
 */
#ifndef GRAFT_MOD_ELF64_H
#define GRAFT_MOD_ELF64_H

#include <stdint.h>

#define ELF_NIDENT	    16
#define ELF_CLASS64	    2
#define ELF_DATA2LSB	    1
#define ELF_VERSION_CURRENT 1
#define ELF_OSABI_SYSV	    0
#define ELF_OSABI_GNU	    3
#define ELF_ET_REL	    1
#define ELF_EM_X86_64	    62

#define ELF_SHN_UNDEF	  0
#define ELF_SHN_LORESERVE 0xff00
#define ELF_SHN_ABS	  0xfff1
#define ELF_SHN_COMMON	  0xfff2
#define ELF_SHN_XINDEX	  0xffff

#define ELF_SHT_NULL	      0
#define ELF_SHT_PROGBITS      1
#define ELF_SHT_SYMTAB	      2
#define ELF_SHT_STRTAB	      3
#define ELF_SHT_RELA	      4
#define ELF_SHT_HASH	      5
#define ELF_SHT_DYNAMIC	      6
#define ELF_SHT_NOTE	      7
#define ELF_SHT_NOBITS	      8
#define ELF_SHT_REL	      9
#define ELF_SHT_DYNSYM	      11
#define ELF_SHT_INIT_ARRAY    14
#define ELF_SHT_FINI_ARRAY    15
#define ELF_SHT_PREINIT_ARRAY 16
#define ELF_SHT_GROUP	      17
#define ELF_SHT_SYMTAB_SHNDX  18
#define ELF_SHT_X86_64_UNWIND 0x70000001

#define ELF_SHF_WRITE	  0x1
#define ELF_SHF_ALLOC	  0x2
#define ELF_SHF_EXECINSTR 0x4
#define ELF_SHF_TLS	  0x400

#define ELF_STB_LOCAL	  0
#define ELF_STB_GLOBAL	  1
#define ELF_STB_WEAK	  2
#define ELF_STT_NOTYPE	  0
#define ELF_STT_OBJECT	  1
#define ELF_STT_FUNC	  2
#define ELF_STT_SECTION	  3
#define ELF_STT_FILE	  4
#define ELF_STT_COMMON	  5
#define ELF_STT_TLS	  6
#define ELF_STT_GNU_IFUNC 10
#define ELF_ST_BIND(i)	  ((i) >> 4)
#define ELF_ST_TYPE(i)	  ((i)&0xf)

#define ELF_R_SYM(i)  ((uint32_t)((i) >> 32))
#define ELF_R_TYPE(i) ((uint32_t)(i))

/* The relocation types the loader applies (x86-64 psABI numbers). */
#define R_X86_64_NONE	       0
#define R_X86_64_64	       1
#define R_X86_64_PC32	       2
#define R_X86_64_PLT32	       4
#define R_X86_64_GOTPCREL      9
#define R_X86_64_32	       10
#define R_X86_64_32S	       11
#define R_X86_64_PC64	       24
#define R_X86_64_GOTPCRELX     41
#define R_X86_64_REX_GOTPCRELX 42

struct elf64_ehdr {
	uint8_t e_ident[ELF_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct elf64_sym {
	uint32_t st_name;
	uint8_t st_info;
	uint8_t st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_shdr) == 64, "ELF64 section header");
_Static_assert(sizeof(struct elf64_sym) == 24, "ELF64 symbol");
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 rela");

#endif
