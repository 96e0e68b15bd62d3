/*
 * Modules from a filesystem: one file (moddir_load_file), a directory
 * (moddir_load_all), and the boot step behind graft.module-dir, which runs
 * once the module manager has started (kernel_main starts it before the
 * boot steps) and before main().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/init.h>
#include <graft/log.h>

#include "lib/fs/fat/fat.h"
#include "lib/fs/moddir/moddir.h"

/* Read the whole file f (size bytes) into a new buffer. */
static int read_all(struct fs_file *f, uint64_t size, void **out)
{
	uint8_t *buf = malloc(size ? size : 1);
	uint64_t got = 0;
	size_t n;
	int err = 0;

	if (!buf)
		return GRAFT_ENOMEM;
	while (got < size && !(err = fs_read(f, buf + got, size - got, &n))) {
		if (!n)
			break; /* shorter than it said: mod_load judges */
		got += n;
	}
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return 0;
}

int moddir_load_file(struct fs *fs, const char *path, struct mod **out,
		     char *err, size_t errlen)
{
	struct mod_load_opts opts = {.source = path};
	struct fs_file *f;
	struct fs_stat st;
	void *buf;
	int rc = fs_open(fs, path, FS_O_READ, &f);

	if (!rc)
		rc = fs_fstat(f, &st);
	if (rc) {
		snprintf(err, errlen, "module file '%s': %s (%s)", path,
			 graft_strerror(rc), fs_error_detail(fs));
		fs_close(f);
		return rc;
	}
	if (st.size > MODDIR_FILE_MAX) {
		snprintf(err, errlen,
			 "module file '%s': %llu bytes, more than %u", path,
			 (unsigned long long)st.size, MODDIR_FILE_MAX);
		fs_close(f);
		return GRAFT_ERANGE;
	}
	rc = read_all(f, st.size, &buf);
	fs_close(f);
	if (rc) {
		snprintf(err, errlen, "module file '%s': %s (%s)", path,
			 graft_strerror(rc), fs_error_detail(fs));
		return rc;
	}
	err[0] = '\0';
	rc = mod_load(buf, st.size, &opts, out, err, errlen);
	free(buf);
	if (rc && !err[0])
		snprintf(err, errlen, "module file '%s': %s", path,
			 graft_strerror(rc));
	return rc;
}

static bool is_module_name(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && !strcasecmp(name + n - 2, ".o");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the module files in dir, sorted; *names is the caller's
 * (free each, then the array). */
static int list_modules(struct fs *fs, const char *dir, char ***names,
			unsigned *count)
{
	char **v = calloc(MODDIR_MAX, sizeof(*v));
	struct fs_dirent *e = malloc(sizeof(*e));
	struct fs_file *d = NULL;
	unsigned n = 0;
	int rc = v && e ? fs_open(fs, dir, FS_O_READ, &d) : GRAFT_ENOMEM;

	while (!rc && !(rc = fs_readdir(d, e))) {
		if (e->st.type != FS_TYPE_FILE || !is_module_name(e->name))
			continue;
		if (n == MODDIR_MAX) {
			rc = GRAFT_ERANGE;
			break;
		}
		if (!(v[n] = strdup(e->name))) {
			rc = GRAFT_ENOMEM;
			break;
		}
		n++;
	}
	fs_close(d);
	free(e);
	if (rc == GRAFT_ENOENT && d)
		rc = 0; /* the end of the directory */
	if (rc) {
		while (n)
			free(v[--n]);
		free(v);
		return rc;
	}
	qsort(v, n, sizeof(*v), by_name);
	*names = v;
	*count = n;
	return 0;
}

int moddir_load_all(struct fs *fs, const char *dir, unsigned *loaded, char *err,
		    size_t errlen)
{
	char **names, path[FS_PATH_MAX], why[256];
	unsigned n, ok = 0;
	int first = 0;
	int rc = list_modules(fs, dir, &names, &n);

	if (loaded)
		*loaded = 0;
	if (rc) {
		snprintf(err, errlen, "module directory '%s': %s (%s)", dir,
			 graft_strerror(rc),
			 rc == GRAFT_ERANGE ? "too many modules"
					    : fs_error_detail(fs));
		graft_log(GRAFT_LOG_ERROR, "mod", "%s", err);
		return rc;
	}
	for (unsigned i = 0; i < n; i++) {
		struct mod *m;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = moddir_load_file(fs, path, &m, why, sizeof(why));
		if (rc) {
			graft_log(GRAFT_LOG_ERROR, "mod", "%s: %s", path, why);
			if (!first) {
				first = rc;
				snprintf(err, errlen, "%s", why);
			}
		} else {
			graft_log(GRAFT_LOG_INFO, "mod",
				  "%s: module '%s' loaded", path, mod_name(m));
			ok++;
		}
		free(names[i]);
	}
	free(names);
	if (loaded)
		*loaded = ok;
	return first;
}

/* The boot step: mount the first disk read-only, load the directory the
 * kernel option names.  Nothing here stops the boot: failures are logged. */
static int moddir_boot(void)
{
	const char *dir = graft_option("module-dir"), *dev_name = NULL;
	struct graft_blkdev *dev =
	    graft_device_nth(GRAFT_DEVICE_BLOCK, 0, &dev_name);
	struct fs_mount_opts opts = {.read_only = true};
	struct fs *fs;
	char why[256];
	unsigned n;
	int rc;

	if (!dir)
		return 0;
	if (!*dir || !dev) {
		graft_log(GRAFT_LOG_ERROR, "mod", "module-dir '%s': %s", dir,
			  *dir ? "no block device" : "needs a directory");
		return 0;
	}
	rc = fat_mount(dev, &opts, &fs, why, sizeof(why));
	if (rc) {
		graft_log(GRAFT_LOG_ERROR, "mod",
			  "module-dir '%s': %s: %s (%s)", dir, dev_name,
			  graft_strerror(rc), why);
		return 0;
	}
	moddir_load_all(fs, dir, &n, why, sizeof(why)); /* it logs */
	graft_log(GRAFT_LOG_INFO, "mod", "module-dir '%s': %u loaded", dir, n);
	fs_unmount(fs);
	return 0;
}
GRAFT_INIT(moddir_boot, GRAFT_INIT_LATE);
