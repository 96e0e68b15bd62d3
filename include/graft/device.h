/*
 * Devices as the kernel and libraries see them: block devices and network
 * devices, each an object with operations.  The platform's devices are
 * registered at boot; modules may register more.  Libraries (lib/fs,
 * lib/net) take these objects and never call the platform directly, so the
 * same code runs over a platform disk, a file in a hosted test, or a
 * fault-injecting wrapper.
 */
#ifndef GRAFT_DEVICE_H
#define GRAFT_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <graft/nethdr.h>

struct graft_blkdev {
	const char *name;
	uint32_t sector_size; /* bytes, a power of two >= 512 */
	uint64_t sectors;
	bool read_only;
	/* Transfer count whole sectors starting at sector lba.  0 or
	 * GRAFT_EINVAL (range), GRAFT_EROFS, GRAFT_EIO. */
	int (*read)(struct graft_blkdev *d, uint64_t lba, void *buf,
		    uint32_t count);
	int (*write)(struct graft_blkdev *d, uint64_t lba, const void *buf,
		     uint32_t count);
	int (*flush)(struct graft_blkdev *d);
	void *priv;
};

struct graft_netdev {
	const char *name;
	uint8_t mac[6];
	uint16_t mtu; /* IP MTU; frames are at most mtu + 14 bytes */
	/* GRAFT_NET_OFF_* (graft/nethdr.h).  When nonzero, every frame that
	 * send and recv move starts with the header named there, and a
	 * frame may be up to GRAFT_NET_FRAME_MAX bytes with it. */
	uint32_t offloads;
	/* send one Ethernet frame; 0, GRAFT_EINVAL, GRAFT_EIO */
	int (*send)(struct graft_netdev *d, const void *frame, size_t len);
	/* receive one frame; GRAFT_EAGAIN if none is pending */
	int (*recv)(struct graft_netdev *d, void *buf, size_t size,
		    size_t *len);
	/* block the calling fiber until a frame may be pending or deadline */
	int (*wait)(struct graft_netdev *d, uint64_t deadline);
	void *priv;
};

enum graft_device_kind {
	GRAFT_DEVICE_BLOCK = 1,
	GRAFT_DEVICE_NET = 2,
};

/* graft_device_register - make a device findable by name.  The caller keeps
 * ownership of dev.  GRAFT_EEXIST if the name is taken, GRAFT_ENOMEM. */
int graft_device_register(int kind, const char *name, void *dev);
/* graft_device_unregister - remove it; GRAFT_ENOENT if absent. */
int graft_device_unregister(const char *name);
/* graft_device_find - the device called name of that kind, or NULL. */
void *graft_device_find(int kind, const char *name);
/* graft_device_nth - the n-th registered device of kind (0-based), or NULL;
 * *name (may be NULL) receives its name. */
void *graft_device_nth(int kind, unsigned n, const char **name);

#endif
