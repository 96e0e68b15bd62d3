/*
 * memprot: a guest that exercises page protection and seal on hvt, one
 * case per run, named by argv[1].  Cases that must fault print what they
 * are about to do and then do it; the test script (memprot.t) checks that
 * the tender reported the fault and the run ended non-zero.  Cases that
 * must not fault print "ok" and exit 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/heap.h>
#include <graft/init.h>
#include <graft/platform.h>
#include <abi/hvt.h>

#define PAGE	 4096
#define PTE_W	 (1ULL << 1)
#define PTE_NX	 (1ULL << 63)
#define PTE_PS	 (1ULL << 7)
#define PTE_ADDR 0x000ffffffffff000ULL
#define PML4	 0x2000UL /* HVT_PML4_ADDR */

static int fail(const char *what, int rc)
{
	printf("FAIL: %s: %s\n", what, graft_strerror(rc));
	return 1;
}

static uint8_t *page(void)
{
	uint8_t *p = graft_page_alloc(1);

	if (!p) {
		printf("FAIL: out of pages\n");
		graft_shutdown(1);
	}
	memset(p, 0, PAGE);
	return p;
}

/* mov $42, %eax; ret */
static const uint8_t ret42[] = {0xb8, 0x2a, 0, 0, 0, 0xc3};

static int run_code(uint8_t *p)
{
	return ((int (*)(void))(uintptr_t)p)();
}

/* The guest's own page-table entry for addr (4 KiB or 2 MiB). */
static volatile uint64_t *pte_of(uintptr_t addr)
{
	uint64_t *t = (uint64_t *)HVT_PML4_ADDR;
	int shift = 39;

	for (int level = 4; level > 1; level--, shift -= 9) {
		uint64_t e = t[(addr >> shift) & 511];

		if (level <= 3 && (e & PTE_PS))
			return &t[(addr >> shift) & 511];
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return &t[(addr >> 12) & 511];
}

static volatile int depth_sink;

static int recurse(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	depth_sink = pad[0];
	return n ? recurse(n - 1) + pad[0] : 0;
}

static void overflow(void *arg)
{
	printf("overflowing a 16 KiB fiber stack\n");
	recurse(1000);
	printf("FAIL: no fault\n");
	graft_shutdown(1);
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	uint8_t *p;
	int rc;

	if (!strcmp(c, "ro-write")) {
		p = page();
		rc = plat_mem_protect((uintptr_t)p, PAGE, PLAT_PROT_READ);
		if (rc)
			return fail("protect read-only", rc);
		printf("reading %p: %d\n", (void *)p, p[0]);
		printf("writing read-only page %p\n", (void *)p);
		p[8] = 1;
		printf("FAIL: no fault\n");
		return 1;
	}
	if (!strcmp(c, "ro-write-split")) {
		/* A page past the first 2 MiB sits in a 2 MiB mapping, which
		 * protection must split (and flush the whole TLB for). */
		uint8_t *big = graft_page_alloc(1024);

		if (!big)
			return fail("4 MiB allocation", GRAFT_ENOMEM);
		p = big + 1023 * PAGE;
		if ((uintptr_t)p < (4UL << 20))
			return fail("page below 4 MiB", GRAFT_EINVAL);
		p[0] = 1;
		rc = plat_mem_protect((uintptr_t)p, PAGE, PLAT_PROT_READ);
		if (rc)
			return fail("protect read-only", rc);
		big[0] =
		    2; /* its neighbours in the old 2 MiB page stay writable */
		printf("writing read-only page %p\n", (void *)p);
		p[8] = 1;
		printf("FAIL: no fault\n");
		return 1;
	}
	if (!strcmp(c, "none-read")) {
		p = page();
		rc = plat_mem_protect((uintptr_t)p, PAGE, 0);
		if (rc)
			return fail("protect none", rc);
		printf("reading inaccessible page %p\n", (void *)p);
		printf("%d\n", *(volatile uint8_t *)p);
		printf("FAIL: no fault\n");
		return 1;
	}
	if (!strcmp(c, "restore")) {
		p = page();
		rc = plat_mem_protect((uintptr_t)p, PAGE, PLAT_PROT_READ);
		if (!rc)
			rc = plat_mem_protect((uintptr_t)p, PAGE,
					      PLAT_PROT_READ | PLAT_PROT_WRITE);
		if (rc)
			return fail("protect and restore", rc);
		p[8] = 1;
		printf("ok\n");
		return 0;
	}
	if (!strcmp(c, "wx")) {
		p = page();
		rc = plat_mem_protect((uintptr_t)p, PAGE,
				      PLAT_PROT_READ | PLAT_PROT_WRITE |
					  PLAT_PROT_EXEC);
		if (rc != GRAFT_EINVAL)
			return fail("W+X not refused", rc);
		rc = plat_mem_protect((uintptr_t)p + 1, PAGE, PLAT_PROT_READ);
		if (rc != GRAFT_EINVAL)
			return fail("misaligned not refused", rc);
		rc = plat_mem_protect(0x100000, PAGE, PLAT_PROT_READ);
		if (rc != GRAFT_EINVAL)
			return fail("image text not refused", rc);
		printf("ok\n");
		return 0;
	}
	if (!strcmp(c, "exec")) {
		p = page();
		memcpy(p, ret42, sizeof(ret42));
		rc = plat_mem_protect((uintptr_t)p, PAGE,
				      PLAT_PROT_READ | PLAT_PROT_EXEC);
		if (rc)
			return fail("protect read+exec", rc);
		rc = run_code(p);
		printf(rc == 42 ? "ok\n" : "FAIL: code returned %d\n", rc);
		return rc == 42 ? 0 : 1;
	}
	if (!strcmp(c, "nx")) {
		p = page();
		memcpy(p, ret42, sizeof(ret42));
		printf("running code in a writable page %p\n", (void *)p);
		run_code(p);
		printf("FAIL: no fault\n");
		return 1;
	}
	if (!strcmp(c, "guard")) {
		rc = graft_fiber_spawn("deep", overflow, NULL, 16384, NULL);
		if (rc)
			return fail("spawn", rc);
		graft_sleep_ns(1000000000ULL);
		printf("FAIL: fiber came back\n");
		return 1;
	}
	if (!strcmp(c, "seal-text")) {
		rc = plat_seal();
		if (rc)
			return fail("seal", rc);
		printf("sealed; writing own text at %p\n", (void *)main);
		*(volatile uint8_t *)(uintptr_t)main = 0xc3;
		printf("FAIL: no fault\n");
		return 1;
	}
	if (!strcmp(c, "seal-protect")) {
		p = page();
		memcpy(p, ret42, sizeof(ret42));
		rc = plat_seal();
		if (rc)
			return fail("seal", rc);
		rc = plat_mem_protect((uintptr_t)p, PAGE,
				      PLAT_PROT_READ | PLAT_PROT_EXEC);
		if (rc != GRAFT_ESEALED)
			return fail("exec after seal not refused", rc);
		rc = plat_seal();
		if (rc != GRAFT_ESEALED)
			return fail("second seal not refused", rc);
		printf("ok\n");
		return 0;
	}
	if (!strcmp(c, "seal-pte-exec")) {
		volatile uint64_t *pte;

		p = page();
		memcpy(p, ret42, sizeof(ret42));
		rc = plat_seal();
		if (rc)
			return fail("seal", rc);
		pte = pte_of((uintptr_t)p);
		printf("sealed; clearing NX in the entry at %p\n",
		       (void *)(uintptr_t)pte);
		*pte &= ~PTE_NX;
		printf("FAIL: no fault; running it\n");
		printf("code returned %d\n", run_code(p));
		return 1;
	}
	if (!strcmp(c, "seal-pte-write")) {
		volatile uint64_t *pte = pte_of((uintptr_t)main);

		rc = plat_seal();
		if (rc)
			return fail("seal", rc);
		printf("sealed; making text writable in the entry at %p\n",
		       (void *)(uintptr_t)pte);
		*pte |= PTE_W;
		printf("FAIL: no fault\n");
		return 1;
	}
	if (!strcmp(c, "seal-hypercall")) {
		/* HVT_HC_CLOCK writes its answer where the guest says: here,
		 * over its own text. */
		volatile uint32_t *clock_port =
		    (volatile uint32_t *)(HVT_HYPERCALL_MMIO +
					  4 * HVT_HC_CLOCK);

		rc = plat_seal();
		if (rc)
			return fail("seal", rc);
		printf("sealed; asking the tender to write the clock at %p\n",
		       (void *)main);
		*clock_port = (uint32_t)(uintptr_t)main;
		printf("FAIL: the tender wrote into sealed text\n");
		return 1;
	}
	if (!strcmp(c, "seal-short")) {
		/* A seal that leaves the text out: the tender walks the page
		 * tables itself and refuses it. */
		static uint64_t ranges[2] = {HVT_GDT_ADDR, HVT_BOOT_INFO_ADDR};
		struct hvt_hc_seal a = {(uintptr_t)ranges, 1, 0};
		volatile uint32_t *seal_port =
		    (volatile uint32_t *)(HVT_HYPERCALL_MMIO + 4 * HVT_HC_SEAL);

		*seal_port = (uint32_t)(uintptr_t)&a;
		if (a.ret != GRAFT_EINVAL)
			return fail("short seal not refused", a.ret);
		rc = plat_seal();
		if (rc)
			return fail("seal after a refused one", rc);
		printf("ok\n");
		return 0;
	}
	printf("usage: memprot CASE\n");
	return 2;
}
