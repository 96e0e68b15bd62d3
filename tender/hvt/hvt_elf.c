/*
 * Loading an hvt image: a static x86_64 ELF executable whose PT_LOAD
 * segments lie at or above HVT_IMAGE_BASE and fit in guest memory below the
 * boot stack.  Every header field is checked against the file and memory
 * sizes before a byte is copied.  libelf parses; we check the numbers.
 */
#include <err.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvt.h"

int hvt_elf_load(struct hvt *h, const char *path)
{
	Elf *e = NULL;
	GElf_Ehdr eh;
	size_t phnum, fsize;
	const char *file;
	int fd, rc = -1;
	uint64_t limit = h->mem_size - HVT_STACK_SIZE, end = 0;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		warn("image '%s'", path);
		return -1;
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		warnx("image '%s': not an ELF file", path);
		goto out;
	}
	file = elf_rawfile(e, &fsize);
	if (eh.e_type != ET_EXEC || eh.e_machine != EM_X86_64 ||
	    gelf_getclass(e) != ELFCLASS64) {
		warnx("image '%s': not a static x86_64 ELF64 executable", path);
		goto out;
	}
	if (elf_getphdrnum(e, &phnum) != 0 || phnum == 0 || !file) {
		warnx("image '%s': truncated ELF image (no program headers)",
		      path);
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph)) {
			warnx("image '%s': truncated ELF image (program header %zu)",
			      path, i);
			goto out;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > fsize ||
		    ph.p_filesz > fsize - ph.p_offset) {
			warnx("image '%s': truncated ELF image (segment %zu past "
			      "the end of the file)", path, i);
			goto out;
		}
		if (ph.p_vaddr < HVT_IMAGE_BASE || ph.p_vaddr >= limit ||
		    ph.p_memsz > limit - ph.p_vaddr) {
			warnx("image '%s': segment %zu at 0x%llx+0x%llx does not "
			      "fit in %llu MiB of guest memory", path, i,
			      (unsigned long long)ph.p_vaddr,
			      (unsigned long long)ph.p_memsz,
			      (unsigned long long)(h->mem_size >> 20));
			goto out;
		}
		if (h->nsegs == 8) {
			warnx("image '%s': more than 8 loadable segments", path);
			goto out;
		}
		h->segs[h->nsegs].start = ph.p_vaddr;
		h->segs[h->nsegs].end = ph.p_vaddr + ph.p_memsz;
		h->segs[h->nsegs++].exec = !!(ph.p_flags & PF_X);
		memcpy(h->mem + ph.p_vaddr, file + ph.p_offset, ph.p_filesz);
		/* Guest memory is fresh anonymous memory: the rest of the
		 * segment (.bss) is already zero. */
		if (ph.p_vaddr + ph.p_memsz > end)
			end = ph.p_vaddr + ph.p_memsz;
	}
	if (end > (uint64_t)(HVT_PT_IMAGE_MAX + 1) << 21) {
		warnx("image '%s': larger than %u MiB", path,
		      (HVT_PT_IMAGE_MAX + 1) * 2);
		goto out;
	}
	if (end == 0 || eh.e_entry < HVT_IMAGE_BASE || eh.e_entry >= end) {
		warnx("image '%s': entry point 0x%llx is outside the image", path,
		      (unsigned long long)eh.e_entry);
		goto out;
	}
	h->entry = eh.e_entry;
	h->image_end = end;
	rc = 0;
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}
