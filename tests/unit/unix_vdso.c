/*
 * The unix target's vDSO lookup (platform/unix/unix_vdso.c), over this
 * process's own vDSO: it finds __vdso_clock_gettime@LINUX_2.6, whose clocks
 * agree with the system call's; and over broken copies of it (truncated,
 * offsets and counts out of bounds, no hash table, a missing symbol or
 * version), each refused with the reason that names what was wrong.
 */
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"
#include "unix_vdso.h"

typedef int (*gettime_fn)(clockid_t, struct timespec *);

static const uint8_t *real;
static size_t real_size;

static uint64_t ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

static uint64_t sys_ns(clockid_t c)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, c, &ts);
	return ns(&ts);
}

/* A private copy of the vDSO, 8-byte aligned as the mapping is. */
static uint8_t *copy(void)
{
	uint8_t *c = aligned_alloc(4096, (real_size + 4095) & ~4095UL);

	memcpy(c, real, real_size);
	return c;
}

static Elf64_Dyn *dyn_entry(uint8_t *img, int64_t tag)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		for (Elf64_Dyn *d = (Elf64_Dyn *)(img + ph[i].p_offset);
		     d->d_tag != DT_NULL; d++)
			if (d->d_tag == tag)
				return d;
	}
	return NULL;
}

static Elf64_Phdr *phdr(uint8_t *img, uint32_t type)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == type)
			return &ph[i];
	return NULL;
}

/* The lookup in img (size bytes) is refused with reason want. */
static void refused(const uint8_t *img, size_t size, const char *name,
		    const char *version, const char *want, const char *what)
{
	const char *why = NULL;
	const void *f = unix_vdso_lookup(img, size, name, version, &why);

	if (!ok(f == NULL && why && strcmp(why, want) == 0, "%s: refused, %s",
		what, want))
		diag("got %p, '%s'", f, why ? why : "(none)");
}

static void test_real(void)
{
	const char *why = NULL;
	gettime_fn f, alias;
	struct timespec ts;
	uint64_t before, now, after, last;
	int backwards = 0;

	f = (gettime_fn)unix_vdso_lookup(
	    real, real_size, "__vdso_clock_gettime", "LINUX_2.6", &why);
	if (!ok(f != NULL, "__vdso_clock_gettime@LINUX_2.6 found"))
		diag("%s", why);
	if (!f)
		return;
	ok((const uint8_t *)f > real && (const uint8_t *)f < real + real_size,
	   "it lies within the vDSO");
	alias = (gettime_fn)unix_vdso_lookup(real, real_size, "clock_gettime",
					     NULL, &why);
	ok(alias == f, "its alias clock_gettime is the same function");

	before = sys_ns(CLOCK_MONOTONIC);
	ok(f(CLOCK_MONOTONIC, &ts) == 0, "monotonic clock read");
	now = ns(&ts);
	after = sys_ns(CLOCK_MONOTONIC);
	ok(before <= now && now <= after,
	   "monotonic clock between two system calls around it");
	before = sys_ns(CLOCK_REALTIME);
	ok(f(CLOCK_REALTIME, &ts) == 0, "wall clock read");
	now = ns(&ts);
	after = sys_ns(CLOCK_REALTIME);
	ok(before <= now + 1000000 && now <= after + 1000000,
	   "wall clock within 1 ms of two system calls around it");

	f(CLOCK_MONOTONIC, &ts);
	last = ns(&ts);
	for (int i = 0; i < 1000000; i++) {
		f(CLOCK_MONOTONIC, &ts);
		if (ns(&ts) < last)
			backwards++;
		last = ns(&ts);
	}
	is_int(backwards, 0, "monotonic never goes back over 1e6 reads");
}

static void test_malformed(void)
{
	uint8_t *c = copy();
	Elf64_Dyn *d;
	Elf64_Phdr *ph;
	const char *why = NULL;

	refused(NULL, 0, "__vdso_clock_gettime", NULL, "no vDSO", "no image");
	ok(unix_vdso_mapped_size(NULL, &why) == 0 &&
	       strcmp(why, "no vDSO") == 0,
	   "no image has no size");
	refused(c + 4, real_size - 4, "__vdso_clock_gettime", NULL,
		"image not 8-byte aligned", "a misaligned image");
	refused(c, 40, "__vdso_clock_gettime", NULL,
		"image smaller than an ELF header", "truncated to 40 bytes");
	refused(c, 100, "__vdso_clock_gettime", NULL,
		"program headers out of bounds", "truncated to 100 bytes");
	refused(c, real_size - 1, "__vdso_clock_gettime", NULL,
		"loadable segment past the end of the image",
		"truncated by one byte");

	c[1] = 'X';
	refused(c, real_size, "__vdso_clock_gettime", NULL, "no ELF magic",
		"bad magic");
	ok(unix_vdso_mapped_size(c, &why) == 0, "bad magic has no size");
	free(c);

	c = copy();
	((Elf64_Ehdr *)c)->e_phoff = 1UL << 40;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"program headers out of bounds", "program headers far away");
	free(c);

	c = copy();
	ph = phdr(c, PT_LOAD);
	ph->p_filesz = ~0UL - 8;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"loadable segment past the end of the image",
		"loadable segment's size overflows");
	ok(unix_vdso_mapped_size(c, &why) == 0,
	   "an implausible segment size gives no mapped size");
	free(c);

	c = copy();
	phdr(c, PT_DYNAMIC)->p_offset = real_size - 8;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"dynamic segment out of bounds", "dynamic segment at the end");
	free(c);

	c = copy();
	dyn_entry(c, DT_STRSZ)->d_un.d_val = 1UL << 62;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"string table out of bounds", "huge string table size");
	free(c);

	c = copy();
	dyn_entry(c, DT_SYMTAB)->d_un.d_ptr = real_size - 8;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"symbol table out of bounds", "symbol table at the end");
	free(c);

	c = copy();
	d = dyn_entry(c, DT_HASH);
	*(uint32_t *)(c + d->d_un.d_ptr + 4) = 0xffffffff;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"symbol table out of bounds", "hash table counts 2^32 symbols");
	free(c);

	c = copy();
	dyn_entry(c, DT_HASH)->d_tag = DT_SYMBOLIC;
	ok(unix_vdso_lookup(c, real_size, "__vdso_clock_gettime", "LINUX_2.6",
			    &why) != NULL,
	   "found with only the GNU hash table to count symbols");
	dyn_entry(c, DT_GNU_HASH)->d_tag = DT_SYMBOLIC;
	refused(c, real_size, "__vdso_clock_gettime", NULL,
		"no readable hash table to count symbols", "no hash table");
	free(c);

	c = copy();
	d = dyn_entry(c, DT_VERDEFNUM);
	d->d_un.d_val = 1000;
	refused(c, real_size, "__vdso_clock_gettime", "LINUX_2.6",
		"version tables out of bounds", "1000 version definitions");
	free(c);

	c = copy();
	refused(c, real_size, "__vdso_no_such_function", NULL,
		"symbol not found", "missing symbol");
	refused(c, real_size, "__vdso_clock_gettime", "LINUX_9.9",
		"symbol not found", "missing version");
	refused(c, real_size, "__vdso_clock_gettim", NULL, "symbol not found",
		"a prefix of a name");
	free(c);
}

/* Every single-byte corruption of the headers and tables: the lookup
 * either refuses or returns an address inside the copy. */
static void test_corrupted_bytes(void)
{
	uint8_t *c = copy();
	size_t tables =
	    phdr(c, PT_DYNAMIC)->p_offset + phdr(c, PT_DYNAMIC)->p_filesz;
	int outside = 0;

	for (size_t i = 0; i < tables; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			const char *why;
			const uint8_t *f;

			c[i] ^= (uint8_t)(1 << bit) | 0x80;
			f = unix_vdso_lookup(c, real_size,
					     "__vdso_clock_gettime",
					     "LINUX_2.6", &why);
			if (f && (f < c || f >= c + real_size))
				outside++;
			c[i] = real[i];
		}
	}
	is_int(outside, 0, "no corrupted byte yields an address outside");
	free(c);
}

int main(void)
{
	const char *why = NULL;

	real = (const uint8_t *)getauxval(AT_SYSINFO_EHDR);
	if (!real) {
		printf("1..0 # SKIP this process has no vDSO\n");
		return 0;
	}
	real_size = unix_vdso_mapped_size(real, &why);
	if (!ok(real_size > sizeof(Elf64_Ehdr), "vDSO size from its headers"))
		return done_testing();
	test_real();
	test_malformed();
	test_corrupted_bytes();
	return done_testing();
}
