/* The device registry (kernel/device.c): register, find by kind and name,
 * enumerate in order, refuse duplicates and bad arguments, unregister. */
#include "tap.h"
#include <graft/device.h>
#include <graft/error.h>

static struct graft_blkdev disk0 = {.name = "disk0"}, disk1;
static struct graft_netdev net0 = {.name = "net0"};

int main(void)
{
	const char *name = NULL;
	char tmp[8] = "disk1";

	is_int(graft_device_register(GRAFT_DEVICE_BLOCK, "disk0", &disk0), 0,
	       "register a block device");
	is_int(graft_device_register(GRAFT_DEVICE_NET, "net0", &net0), 0,
	       "register a net device");
	is_int(graft_device_register(GRAFT_DEVICE_BLOCK, tmp, &disk1), 0,
	       "register a second block device");
	tmp[0] = 'X';
	ok(graft_device_find(GRAFT_DEVICE_BLOCK, "disk1") == &disk1,
	   "the name is copied at registration");
	is_int(graft_device_register(GRAFT_DEVICE_NET, "disk0", &net0),
	       GRAFT_EEXIST, "a taken name is refused, whatever the kind");
	is_int(graft_device_register(7, "x", &net0), GRAFT_EINVAL,
	       "an unknown kind is refused");
	is_int(graft_device_register(GRAFT_DEVICE_NET, "", &net0), GRAFT_EINVAL,
	       "an empty name is refused");
	is_int(graft_device_register(GRAFT_DEVICE_NET, "n", NULL), GRAFT_EINVAL,
	       "a NULL device is refused");
	ok(graft_device_find(GRAFT_DEVICE_BLOCK, "disk0") == &disk0,
	   "find by kind and name");
	ok(graft_device_find(GRAFT_DEVICE_NET, "disk0") == NULL,
	   "find with the wrong kind: NULL");
	ok(graft_device_find(GRAFT_DEVICE_NET, "nope") == NULL,
	   "find an unknown name: NULL");
	ok(graft_device_nth(GRAFT_DEVICE_BLOCK, 1, &name) == &disk1 && name &&
	       strcmp(name, "disk1") == 0,
	   "nth counts within the kind, in registration order");
	ok(graft_device_nth(GRAFT_DEVICE_BLOCK, 0, NULL) == &disk0,
	   "nth 0 is the first registered");
	ok(graft_device_nth(GRAFT_DEVICE_BLOCK, 2, NULL) == NULL,
	   "nth past the end: NULL");
	ok(graft_device_nth(GRAFT_DEVICE_NET, 0, NULL) == &net0,
	   "nth of the other kind");
	is_int(graft_device_unregister("disk0"), 0, "unregister");
	is_int(graft_device_unregister("disk0"), GRAFT_ENOENT,
	       "unregister twice: GRAFT_ENOENT");
	ok(graft_device_nth(GRAFT_DEVICE_BLOCK, 0, NULL) == &disk1,
	   "the others move up");
	is_int(graft_device_register(GRAFT_DEVICE_BLOCK, "disk0", &disk0), 0,
	       "the name can be reused");
	ok(graft_device_nth(GRAFT_DEVICE_BLOCK, 1, NULL) == &disk0,
	   "a re-registered device comes last");
	return done_testing();
}
