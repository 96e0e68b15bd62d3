/*
 * Modules given with --module, bundled into the one file QEMU hands the
 * guest as its PVH module (include/abi/virtio.h): the header and entries,
 * then each module's bytes at a page-aligned offset.  The file lives in
 * memory (memfd), so nothing is left behind however the run ends.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtio.h"

#define ALIGN 4096

static int copy(int out, int in, uint64_t off, uint64_t len, const char *path)
{
	char buf[65536];

	while (len) {
		ssize_t n =
		    read(in, buf, len < sizeof(buf) ? len : sizeof(buf));

		if (n <= 0) {
			warnx("module '%s': %s", path,
			      n < 0 ? "read error" : "shorter than it was");
			return -1;
		}
		if (pwrite(out, buf, n, off) != n) {
			warn("module bundle");
			return -1;
		}
		off += n;
		len -= n;
	}
	return 0;
}

int virtio_module_bundle(struct virtio_launch *l)
{
	size_t hsize = sizeof(struct virtio_module_bundle) +
		       l->nmodule * sizeof(struct virtio_module_entry);
	struct virtio_module_bundle *b = calloc(1, hsize);
	uint64_t off = (hsize + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
	int out, rc = -1;

	if (!b)
		err(1, "module bundle");
	out = memfd_create("graft-virtio-modules", MFD_CLOEXEC);
	if (out < 0) {
		warn("module bundle");
		free(b);
		return -1;
	}
	memcpy(b->magic, VIRTIO_MODULE_MAGIC, sizeof(b->magic));
	b->count = l->nmodule;
	for (unsigned i = 0; i < l->nmodule; i++) {
		struct virtio_module_entry *e = &b->entries[i];
		int in = host_module_open(l->module[i], &e->len, e->name,
					  sizeof(e->name));

		if (in < 0)
			goto out;
		e->offset = off;
		rc = copy(out, in, off, e->len, l->module[i]);
		close(in);
		if (rc < 0)
			goto out;
		rc = -1;
		off = (off + e->len + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
	}
	if (pwrite(out, b, hsize, 0) != (ssize_t)hsize) {
		warn("module bundle");
		goto out;
	}
	rc = 0;
out:
	free(b);
	if (rc < 0)
		close(out);
	else
		l->bundle_fd = out;
	return rc;
}
