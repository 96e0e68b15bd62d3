/*
 * The device registry: a list of (kind, name, device) in registration
 * order, so graft_device_nth is stable.  Names are copied; devices are the
 * caller's.  Few devices exist, so lookups are linear.
 */
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/module.h>

#include "krange.h"

struct entry {
	struct entry *next;
	int kind;
	void *dev;
	char name[];
};

static struct entry *devices;

static struct entry **find_slot(const char *name)
{
	struct entry **pp;

	for (pp = &devices; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0)
			return pp;
	return pp;
}

int graft_device_register(int kind, const char *name, void *dev)
{
	struct entry **slot, *e;
	size_t len;

	if (!name || !*name || !dev ||
	    (kind != GRAFT_DEVICE_BLOCK && kind != GRAFT_DEVICE_NET))
		return GRAFT_EINVAL;
	slot = find_slot(name);
	if (*slot)
		return GRAFT_EEXIST;
	len = strlen(name);
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return GRAFT_ENOMEM;
	e->next = NULL;
	e->kind = kind;
	e->dev = dev;
	memcpy(e->name, name, len + 1);
	*slot = e; /* the list's end: keeps registration order */
	return 0;
}
GRAFT_EXPORT(graft_device_register);

int graft_device_unregister(const char *name)
{
	struct entry **slot = find_slot(name), *e = *slot;

	if (!e)
		return GRAFT_ENOENT;
	*slot = e->next;
	free(e);
	return 0;
}
GRAFT_EXPORT(graft_device_unregister);

unsigned device_unregister_range(uintptr_t lo, uintptr_t hi)
{
	struct entry **pp = &devices, *e;
	unsigned dropped = 0;

	while ((e = *pp)) {
		if ((uintptr_t)e->dev >= lo && (uintptr_t)e->dev < hi) {
			*pp = e->next;
			free(e);
			dropped++;
			continue;
		}
		pp = &e->next;
	}
	return dropped;
}

void *graft_device_find(int kind, const char *name)
{
	struct entry *e = *find_slot(name);

	return e && e->kind == kind ? e->dev : NULL;
}
GRAFT_EXPORT(graft_device_find);

void *graft_device_nth(int kind, unsigned n, const char **name)
{
	for (struct entry *e = devices; e; e = e->next) {
		if (e->kind != kind || n--)
			continue;
		if (name)
			*name = e->name;
		return e->dev;
	}
	return NULL;
}
GRAFT_EXPORT(graft_device_nth);
