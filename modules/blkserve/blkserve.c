/*
 * blkserve: a driver-style module that serves the block range the instance
 * granted it, by messages.  Requests (text, one per message) and replies:
 *
 *	open DEVICE		"ok SECTORS" or "error N"
 *	read LBA		the sector's bytes, or "error N"
 *	write LBA DATA		DATA (zero-padded to a sector) written: "ok"
 *
 * Sector numbers count from the start of the granted range; the kernel
 * refuses anything outside it.
 */
#include <stdbool.h>
#include <graft/error.h>
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("blkserve", "1.0", "MIT");

#define SECTOR_MAX 4096

static int dev; /* handle, 0 until opened */
static uint32_t sector_size;
static char req[GRAFT_MOD_MSG_MAX + 1];
static uint8_t sector[SECTOR_MAX];

static bool starts(const char *s, const char *word)
{
	while (*word)
		if (*s++ != *word++)
			return false;
	return true;
}

static const char *parse_u64(const char *s, uint64_t *v)
{
	*v = 0;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9')
		*v = *v * 10 + (uint64_t)(*s++ - '0');
	return s;
}

static void reply_status(const char *to, const char *word, int64_t v)
{
	char msg[40];
	size_t n = 0;

	while (*word)
		msg[n++] = *word++;
	msg[n++] = ' ';
	if (v < 0) {
		msg[n++] = '-';
		v = -v;
	}
	n += graft_mod_utoa(msg + n, (uint64_t)v);
	graft_mod_send(to, msg, n);
}

static void do_open(const char *from, const char *name)
{
	uint64_t sectors;
	int h = graft_mod_dev_open(name);

	if (h < 0) {
		reply_status(from, "error", h);
		return;
	}
	graft_mod_blk_info(h, &sectors, &sector_size);
	if (sector_size > SECTOR_MAX) {
		reply_status(from, "error", GRAFT_ENOTSUP);
		return;
	}
	dev = h;
	reply_status(from, "ok", (int64_t)sectors);
}

static void do_read(const char *from, const char *arg)
{
	uint64_t lba;
	int rc;

	if (!parse_u64(arg, &lba)) {
		reply_status(from, "error", GRAFT_EINVAL);
		return;
	}
	rc = graft_mod_blk_read(dev, lba, sector, 1);
	if (rc)
		reply_status(from, "error", rc);
	else
		graft_mod_send(from, sector, sector_size);
}

static void do_write(const char *from, const char *arg, size_t len)
{
	const char *data;
	uint64_t lba;
	size_t n, i;
	int rc;

	data = parse_u64(arg, &lba);
	if (!data || *data != ' ') {
		reply_status(from, "error", GRAFT_EINVAL);
		return;
	}
	data++;
	n = len - (size_t)(data - req);
	if (n > sector_size)
		n = sector_size;
	for (i = 0; i < sector_size; i++)
		sector[i] = i < n ? (uint8_t)data[i] : 0;
	rc = graft_mod_blk_write(dev, lba, sector, 1);
	reply_status(from, rc ? "error" : "ok", rc);
}

static void blkserve_message(void)
{
	char from[GRAFT_MODULE_NAME_MAX];
	int n;

	while ((n = graft_mod_recv(from, req, GRAFT_MOD_MSG_MAX)) >= 0) {
		req[n] = '\0';
		if (starts(req, "open "))
			do_open(from, req + 5);
		else if (!dev)
			reply_status(from, "error", GRAFT_EBADF);
		else if (starts(req, "read "))
			do_read(from, req + 5);
		else if (starts(req, "write "))
			do_write(from, req + 6, (size_t)n);
		else
			reply_status(from, "error", GRAFT_EINVAL);
	}
}

GRAFT_MODULE_MESSAGE(blkserve_message);
