/*
 * The vDSO: the small shared object Linux maps into every process, whose
 * functions read the clocks from a page the kernel keeps current, without
 * entering the kernel.  unix_vdso_lookup finds one of its functions through
 * the dynamic symbol table, checking every offset, count and index against
 * the image's size first.  Freestanding: the unix target uses it at boot,
 * the hosted unit test (tests/unit/vdso.c) over its own vDSO and over
 * broken copies of it.
 */
#ifndef GRAFT_PLATFORM_UNIX_VDSO_H
#define GRAFT_PLATFORM_UNIX_VDSO_H

#include <stddef.h>
#include <stdint.h>

/* The auxiliary vector's key for the vDSO's address. */
#define UNIX_AT_SYSINFO_EHDR 33

/* unix_vdso_auxv_find - the vDSO's address from the auxiliary vector that
 * follows envp on the initial stack (sp points at argc), or NULL when the
 * kernel gave none. */
const void *unix_vdso_auxv_find(const uint64_t *sp);

/* unix_vdso_mapped_size - the size of the vDSO image at base, from its
 * program headers (the end of its loadable segment).  Reads only the ELF
 * header and the program headers, which must lie in the first page (a
 * mapping is at least one page).  Returns 0 and sets *why when the headers
 * are not a vDSO's. */
size_t unix_vdso_mapped_size(const void *base, const char **why);

/* unix_vdso_lookup - the address of the function name, of version version
 * (NULL: any), in the vDSO image at base whose first size bytes are
 * readable.  Returns NULL and sets *why (a static string naming what was
 * wrong) when the image is malformed or lacks the symbol. */
const void *unix_vdso_lookup(const void *base, size_t size, const char *name,
			     const char *version, const char **why);

#endif
