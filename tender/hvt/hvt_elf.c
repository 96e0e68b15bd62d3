/*
 * Loading an hvt image: a static x86_64 ELF executable whose PT_LOAD
 * segments lie at or above HVT_IMAGE_BASE and fit in guest memory below the
 * boot stack.  The file is mapped, its headers are checked against the file
 * and memory sizes (elf_check_header, elf_check_segment) and only then is
 * a byte copied.  We parse the few ELF fields we need ourselves rather than
 * link libelf: a shared library costs boot time on every run.
 */
#include <elf.h>
#include <err.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvt.h"

#define HVT_MAX_SEGS                                                           \
	(sizeof(((struct hvt *)0)->segs) / sizeof(((struct hvt *)0)->segs[0]))

/* The ELF header: identification, type, machine, and a program header
 * table of well-formed entries that lies inside the file. */
static const char *elf_check_header(const uint8_t *file, size_t size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return "not an ELF file";
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_EXEC ||
	    eh->e_machine != EM_X86_64)
		return "not a static x86_64 ELF64 executable";
	if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
		return "truncated ELF image (program headers)";
	if (eh->e_phoff % 8)
		return "misaligned program headers";
	return NULL;
}

/* A PT_LOAD segment: its bytes inside the file, its memory inside guest
 * memory at or above HVT_IMAGE_BASE and below limit. */
static const char *elf_check_segment(const Elf64_Phdr *ph, size_t size,
				     uint64_t limit)
{
	if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
	    ph->p_filesz > size - ph->p_offset)
		return "truncated ELF image (segment past the end of the file)";
	if (ph->p_vaddr < HVT_IMAGE_BASE || ph->p_vaddr >= limit ||
	    ph->p_memsz > limit - ph->p_vaddr)
		return "not in guest memory between 1 MiB and the boot stack";
	return NULL;
}

static int load_segments(struct hvt *h, const char *path, const uint8_t *file,
			 size_t size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	const Elf64_Phdr *phdrs = (const Elf64_Phdr *)(file + eh->e_phoff);
	uint64_t limit = h->mem_size - HVT_STACK_SIZE, end = 0;
	const char *why;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		why = elf_check_segment(ph, size, limit);
		if (why) {
			warnx("image '%s': segment %u at 0x%llx+0x%llx: %s",
			      path, i, (unsigned long long)ph->p_vaddr,
			      (unsigned long long)ph->p_memsz, why);
			return -1;
		}
		if (h->nsegs == HVT_MAX_SEGS) {
			warnx("image '%s': more than %zu loadable segments",
			      path, HVT_MAX_SEGS);
			return -1;
		}
		h->segs[h->nsegs].start = ph->p_vaddr;
		h->segs[h->nsegs].end = ph->p_vaddr + ph->p_memsz;
		h->segs[h->nsegs++].exec = !!(ph->p_flags & PF_X);
		memcpy(h->mem + ph->p_vaddr, file + ph->p_offset, ph->p_filesz);
		/* Guest memory is fresh anonymous memory: the rest of the
		 * segment (.bss) is already zero. */
		if (ph->p_vaddr + ph->p_memsz > end)
			end = ph->p_vaddr + ph->p_memsz;
	}
	if (end > (uint64_t)(HVT_PT_IMAGE_MAX + 1) << 21) {
		warnx("image '%s': larger than %u MiB", path,
		      (HVT_PT_IMAGE_MAX + 1) * 2);
		return -1;
	}
	if (end == 0 || eh->e_entry < HVT_IMAGE_BASE || eh->e_entry >= end) {
		warnx("image '%s': entry point 0x%llx is outside the image",
		      path, (unsigned long long)eh->e_entry);
		return -1;
	}
	h->entry = eh->e_entry;
	h->image_end = end;
	return 0;
}

int hvt_elf_load(struct hvt *h, const char *path)
{
	struct stat st;
	const char *why;
	uint8_t *file;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		warn("image '%s'", path);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		warn("image '%s'", path);
		goto out;
	}
	if (st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		warnx("image '%s': not an ELF file", path);
		goto out;
	}
	file = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED) {
		warn("image '%s'", path);
		goto out;
	}
	why = elf_check_header(file, st.st_size);
	if (why)
		warnx("image '%s': %s", path, why);
	else
		rc = load_segments(h, path, file, st.st_size);
	munmap(file, st.st_size);
out:
	close(fd);
	return rc;
}
