/*
 * virtio boot, in 64-bit mode on the boot stack (see virtio_start.S): from
 * the PVH start information to kernel_main.  The start information, the
 * command line and the memory map lie somewhere in low memory the loader
 * chose; everything needed from them is copied or checked here before the
 * kernel's heap can cover any of it.
 *
 * The command line becomes argv: words split at spaces, double quotes group
 * words and a backslash takes the next character literally (the launcher
 * quotes every argument so).  Its first word is argv[0], the image name.
 */
#include <string.h>
#include <graft/platform.h>
#include "virtio_dev.h"
#include "virtio_guest.h"

#define PVH_MAGIC   0x336ec578u
#define E820_RAM    1
#define CMDLINE_MAX 4096
#define MAX_ARGS    128
#define MIB	    (1ULL << 20)
/* Device memory (rings and buffers) at the top of RAM: room for two
 * nets' large buffers (virtio_net.c) and the rest when that leaves the
 * heap at least ARENA_HEAP_MIN, else rings and small buffers only (no
 * offloads). */
#define ARENA_SMALL    (512ULL << 10)
#define ARENA_LARGE    (5ULL << 19)
#define ARENA_HEAP_MIN (8 * MIB)

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

static char cmdline[CMDLINE_MAX];
static char *args[MAX_ARGS + 1];
static struct plat_boot_module modules[VIRTIO_MAX_MODULES];

static void boot_fail(const char *msg)
{
	virtio_console_emergency(msg, strlen(msg));
	virtio_shutdown(255);
}

/* Split cmdline in place into args; returns argc. */
static int split_cmdline(char *s)
{
	int argc = 0;

	while (*s && argc < MAX_ARGS) {
		char *out;
		int quoted = 0;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		args[argc++] = out = s;
		for (; *s && (quoted || *s != ' '); s++) {
			if (*s == '"') {
				quoted = !quoted;
			} else if (*s == '\\' && s[1]) {
				*out++ = *++s;
			} else {
				*out++ = *s;
			}
		}
		if (*s)
			s++;
		*out = '\0';
	}
	args[argc] = NULL;
	return argc;
}

/* The host's device descriptions and the device options out of argv
 * (virtio_mmio.c and virtio_net.c keep them); returns the new argc. */
static int take_device_args(int argc)
{
	int n = 0;

	for (int i = 0; i < argc; i++)
		if (i == 0 || (!virtio_mmio_cmdline(args[i]) &&
			       !virtio_net_cmdline(args[i])))
			args[n++] = args[i];
	args[n] = NULL;
	return n;
}

/* A pointer to a string below the mapped top, or NULL. */
static const char *low_string(uint64_t paddr)
{
	if (!paddr || paddr >= VIRTIO_MAPPED_TOP - CMDLINE_MAX)
		return NULL;
	return (const char *)(uintptr_t)paddr;
}

/* The RAM region holding the image, from the memory map; *total receives
 * all RAM.  Falls back to the CMOS size registers without a map. */
static void find_ram(const struct hvm_start_info *si, uint64_t *lo,
		     uint64_t *hi, uint64_t *total)
{
	uint64_t image = (uintptr_t)_end;

	*lo = *hi = *total = 0;
	if (si->version >= 1 && si->memmap_paddr && si->memmap_entries < 1024 &&
	    si->memmap_paddr < VIRTIO_MAPPED_TOP - 1024 * 24) {
		const struct hvm_memmap_entry *m =
		    (const void *)(uintptr_t)si->memmap_paddr;

		for (uint32_t i = 0; i < si->memmap_entries; i++) {
			uint64_t end = m[i].addr + m[i].size;

			if (m[i].type != E820_RAM || end < m[i].addr)
				continue;
			*total += m[i].size;
			if (m[i].addr <= image && image < end) {
				*lo = m[i].addr;
				*hi = end;
			}
		}
		return;
	}
	/* CMOS 0x34/0x35: RAM from 16 MiB to 4 GiB in 64 KiB units. */
	outb(0x70, 0x34);
	*hi = (uint64_t)inb(0x71) << 16;
	outb(0x70, 0x35);
	*hi |= (uint64_t)inb(0x71) << 24;
	*hi += 16 * MIB;
	*lo = MIB;
	*total = *hi;
}

/* The module bundle (include/abi/virtio.h) the launcher passed as the PVH
 * module, checked entry by entry; *lo receives its start so that the heap
 * can stop below it.  Returns the modules' count, 0 when there are none or
 * the bundle is malformed (said on the console). */
static uint32_t find_modules(const struct hvm_start_info *si, uint64_t *lo)
{
	static const char bad[] = "virtio: malformed module bundle ignored\n";
	const struct hvm_modlist_entry *ml;
	const struct virtio_module_bundle *b;
	uint64_t size;

	if (si->nr_modules == 0 || !si->modlist_paddr ||
	    si->modlist_paddr >= VIRTIO_MAPPED_TOP - sizeof(*ml))
		return 0;
	ml = (const void *)(uintptr_t)si->modlist_paddr;
	size = ml->size;
	if (ml->paddr < (uintptr_t)_end || size > VIRTIO_MAPPED_TOP ||
	    ml->paddr > VIRTIO_MAPPED_TOP - size)
		goto malformed;
	*lo = ml->paddr & ~(PLAT_PAGE_SIZE - 1);
	b = (const void *)(uintptr_t)ml->paddr;
	if (size < sizeof(*b) || memcmp(b->magic, VIRTIO_MODULE_MAGIC, 8) ||
	    b->count > VIRTIO_MAX_MODULES ||
	    size < sizeof(*b) + b->count * sizeof(b->entries[0]))
		goto malformed;
	for (uint32_t i = 0; i < b->count; i++) {
		const struct virtio_module_entry *e = &b->entries[i];

		if (e->offset > size || e->len > size - e->offset ||
		    !memchr(e->name, '\0', sizeof(e->name)))
			goto malformed;
		modules[i].data = (const char *)b + e->offset;
		modules[i].len = e->len;
		modules[i].name = e->name;
	}
	return b->count;
malformed:
	virtio_console_emergency(bad, sizeof(bad) - 1);
	return 0;
}

void virtio_boot_main(const struct hvm_start_info *si);

void virtio_boot_main(const struct hvm_start_info *si)
{
	static struct plat_boot_info bi;
	uint64_t lo, hi, total, heap, arena, mod_lo = ~0ULL;
	const char *cl;

	virtio_console_init();
	if (si->magic != PVH_MAGIC)
		boot_fail("virtio: not started by a PVH loader (bad start "
			  "info magic)\n");
	virtio_cpu_init();
	cl = low_string(si->cmdline_paddr);
	if (cl)
		strncpy(cmdline, cl, sizeof(cmdline) - 1);
	bi.argc = split_cmdline(cmdline);
	bi.argc = take_device_args(bi.argc);
	if (bi.argc == 0) {
		args[0] = "graft";
		args[1] = NULL;
		bi.argc = 1;
	}
	bi.argv = args;
	find_ram(si, &lo, &hi, &total);
	if (hi > VIRTIO_MAPPED_TOP)
		hi = VIRTIO_MAPPED_TOP;
	bi.nmodules = find_modules(si, &mod_lo);
	bi.modules = modules;
	if (bi.nmodules && mod_lo < hi)
		hi = mod_lo; /* the loader put them at the top of RAM */
	heap = ((uintptr_t)_end + PLAT_PAGE_SIZE - 1) & ~(PLAT_PAGE_SIZE - 1);
	if (hi < heap + ARENA_SMALL + MIB)
		boot_fail("virtio: no RAM after the image (is --mem too "
			  "small?)\n");
	hi &= ~(PLAT_PAGE_SIZE - 1);
	arena = hi - heap >= ARENA_LARGE + ARENA_HEAP_MIN ? ARENA_LARGE
							  : ARENA_SMALL;
	virtio_mem_init(&heap, hi - arena);
	bi.heap_start = heap;
	bi.heap_size = hi - heap - arena;
	bi.mem_size = total;
	/* Done with the loader's structures: page 0 goes, NULL faults. */
	virtio_pt0[0] = 0;
	__asm__ __volatile__("invlpg (%0)" ::"r"(0UL) : "memory");
	virtio_clock_init();
	virtio_devices_init(hi - arena, arena);
	bi.ndevices = virtio_ndevices();
	bi.target = "virtio";
	kernel_main(&bi);
}
