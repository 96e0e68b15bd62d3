/*
 * hvt boot, in ring 3 (see hvt_start.S): from the tender's boot information
 * to kernel_main.  Sets up the clock, the page pool for page-table splits,
 * and the plat_boot_info the kernel reads.
 */
#include <string.h>
#include <graft/platform.h>
#include "hvt_guest.h"

const struct hvt_boot_info *hvt_bi;

void hvt_boot_main(const struct hvt_boot_info *bi);

void hvt_boot_main(const struct hvt_boot_info *bi)
{
	static struct plat_boot_info pbi;
	static struct plat_boot_module modules[HVT_MAX_MODULES];
	uintptr_t heap_start = bi->heap_start;

	hvt_bi = bi;
	if (bi->abi_version != HVT_ABI_VERSION)
		plat_abort("hvt: tender speaks another ABI version");
	hvt_clock_init();
	hvt_mem_init(&heap_start, bi->mem_size);
	pbi.argc = bi->argc;
	pbi.argv = (char **)(uintptr_t)bi->argv;
	pbi.heap_start = heap_start;
	pbi.heap_size = bi->mem_size - HVT_STACK_SIZE - heap_start;
	pbi.mem_size = bi->mem_size;
	pbi.ndevices = bi->ndevices;
	pbi.target = "hvt";
	for (uint32_t i = 0; i < bi->nmodules && i < HVT_MAX_MODULES; i++) {
		const struct hvt_module *m = &bi->modules[i];

		modules[i].data = (const void *)(uintptr_t)m->addr;
		modules[i].len = m->len;
		modules[i].name = memchr(m->name, '\0', sizeof(m->name))
					  ? m->name
					  : "(boot module)";
		pbi.nmodules = i + 1;
	}
	pbi.modules = modules;
	kernel_main(&pbi);
}
