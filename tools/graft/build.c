/*
 * graft build: an application directory to an image.
 *
 * The image is what every graft image is: the platform binding (linked
 * whole, so that its target note and entry point stay), the application's
 * objects, the export table of everything linked (tools/mkexports), the
 * manifest's libraries (whole, so that their boot steps stay), the module
 * manager, the kernel and libgcc, laid
 * out by the platform's linker script.  The compiler, its flags and the
 * rest come from the build configuration (tools/graft/build.mk), so an
 * application is compiled exactly as the tree's own guest code is.
 *
 * The compiler runs in the source tree, where the flags' relative paths
 * point; the application's sources also see the tree's root on their
 * include path, for library headers such as "lib/fs/fs.h".
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graft.h"
#include "manifest.h"

static int cmd_build(const struct graft_cmd *self, int argc, char **argv);

GRAFT_COMMAND(
    build, .name = "build",
    .synopsis = "build -t TARGET [-o IMAGE] [--objdir DIR] [-v] APPDIR",
    .summary = "build an application directory into an image",
    .options =
	"Compiles APPDIR's *.c files for TARGET and links them with the\n"
	"libraries its manifest names into an image.\n"
	"  -t, --target TARGET  the target, one of those listed below\n"
	"  -o, --output IMAGE   the image to write (default NAME.TARGET here)\n"
	"  --objdir DIR         keep objects and make dependency files in DIR\n"
	"                       (default: a temporary directory, removed)\n"
	"  -v, --verbose        print each command\n"
	"  -h, --help           this text\n"
	"\n"
	"APPDIR/manifest: 'name NAME', 'libs LIB...' (BUILD/guest/libLIB.a),\n"
	"'static DIR' (DIR embedded as the read-only filesystem "
	"fs_static_root).\n",
    .run = cmd_build);

struct build {
	const char *target;
	const char *image_arg; /* -o as given: the target of dependency files */
	char *image;	       /* absolute */
	char *appdir;	       /* absolute */
	char *objdir;	       /* absolute */
	int keep_objdir;
	int verbose;
	struct manifest m;
	struct graft_argv objs;	    /* the app's objects, absolute */
	struct graft_argv archives; /* libs, libmod.a, libkernel.a */
	char *plat_archive;
};

/* An absolute path for p, which need not exist yet. */
static char *absolute(const char *p)
{
	char cwd[4096];

	if (p[0] == '/')
		return graft_xstrdup(p);
	if (!getcwd(cwd, sizeof(cwd)))
		err(1, "getcwd");
	return graft_path(cwd, p);
}

/* A path from the build configuration: relative to the source tree. */
static char *tree_path(const char *p)
{
	return p[0] == '/' ? graft_xstrdup(p) : graft_path(graft_root(), p);
}

/* The image's directory must exist: a typo in -o is an error, not a tree. */
static int check_output(const char *image)
{
	char *dir = graft_xstrdup(image);
	int rc = 0;

	*strrchr(dir, '/') = '\0';
	if (access(*dir ? dir : "/", W_OK) < 0) {
		warn("image '%s'", image);
		rc = -1;
	}
	free(dir);
	return rc;
}

static int need_file(const char *path, const char *what)
{
	if (access(path, R_OK) == 0)
		return 0;
	warnx("%s: '%s': %s (run make)", what, path, strerror(errno));
	return -1;
}

static int mkdir_p(const char *dir)
{
	char *p = graft_xstrdup(dir);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	warn("objdir '%s'", p);
	free(p);
	return -1;
}

static int is_c_source(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 2 && d->d_name[0] != '.' &&
	       strcmp(d->d_name + n - 2, ".c") == 0;
}

/* Like -MP does for headers: an empty rule for the source itself, so that
 * make is not stopped by a source that was deleted since. */
static int depfile_add_source(const char *depfile, const char *src)
{
	FILE *f = fopen(depfile, "a");

	if (!f || fprintf(f, "%s:\n", src) < 0 || fclose(f) != 0) {
		warn("dependency file '%s'", depfile);
		return -1;
	}
	return 0;
}

/* The compiler with this tree's guest flags, for src into obj; its
 * dependency file names the image, so that make relinks it when a header
 * changes.  Generated sources (depfile NULL) have none. */
static int compile(struct build *b, const char *src, const char *obj,
		   const char *depfile)
{
	struct graft_argv a = {0};
	int rc;

	graft_argv_split(&a, graft_config("cc"));
	graft_argv_split(&a, graft_config("cflags"));
	graft_argv_add(&a, "-I.");
	graft_argv_addf(&a, "-MF%s", depfile ? depfile : "/dev/null");
	graft_argv_addf(&a, "-MT%s", b->image_arg);
	graft_argv_add(&a, "-c");
	graft_argv_add(&a, src);
	graft_argv_add(&a, "-o");
	graft_argv_add(&a, obj);
	rc = graft_spawn(&a, graft_root(), b->verbose);
	graft_argv_free(&a);
	if (rc != 0) {
		warnx("compiling '%s' failed", src);
		return -1;
	}
	graft_argv_add(&b->objs, obj);
	return depfile ? depfile_add_source(depfile, src) : 0;
}

static int compile_sources(struct build *b)
{
	struct dirent **ents;
	int n = scandir(b->appdir, &ents, is_c_source, alphasort), rc = 0;

	if (n < 0) {
		warn("application '%s'", b->appdir);
		return -1;
	}
	if (n == 0) {
		warnx("application '%s': no C sources (*.c)", b->appdir);
		rc = -1;
	}
	for (int i = 0; i < n; i++) {
		char *src = graft_path(b->appdir, ents[i]->d_name);
		char *base = graft_path(b->objdir, ents[i]->d_name);
		char *obj, *dep;

		base[strlen(base) - 2] = '\0';
		if (asprintf(&obj, "%s.o", base) < 0 ||
		    asprintf(&dep, "%s.d", base) < 0)
			err(1, "asprintf");
		if (rc == 0 && compile(b, src, obj, dep) < 0)
			rc = -1;
		free(src);
		free(base);
		free(obj);
		free(dep);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* 'static DIR': mkstatic writes the table as C, compiled like the app. */
static int compile_static(struct build *b)
{
	struct graft_argv a = {0};
	char *dir, *src, *obj, *tool = NULL;
	struct stat st;
	int rc = -1;

	dir = b->m.static_dir[0] == '/'
		  ? graft_xstrdup(b->m.static_dir)
		  : graft_path(b->appdir, b->m.static_dir);
	src = graft_path(b->objdir, "graft-static.c");
	obj = graft_path(b->objdir, "graft-static.o");
	if (stat(dir, &st) < 0) {
		warn("manifest: static '%s'", dir);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		warnx("manifest: static '%s': not a directory", dir);
		goto out;
	}
	tool = tree_path(graft_config("mkstatic"));
	if (need_file(tool, "mkstatic") < 0)
		goto out;
	graft_argv_add(&a, tool);
	graft_argv_add(&a, dir);
	graft_argv_add(&a, src);
	if (graft_spawn(&a, NULL, b->verbose) != 0) {
		warnx("manifest: static '%s': mkstatic failed", dir);
		goto out;
	}
	if (compile(b, src, obj, NULL) < 0)
		goto out;
	graft_argv_add_once(&b->m.libs, "static");
	graft_argv_add_once(&b->m.libs, "fs");
	rc = 0;
out:
	graft_argv_free(&a);
	free(tool);
	free(dir);
	free(src);
	free(obj);
	return rc;
}

/* The archives, checked to exist: the platform's, the manifest's
 * libraries, then the module manager and the kernel. */
static int find_archives(struct build *b)
{
	static const char *const core[] = {"mod", "kernel"};
	char *libdir = tree_path(graft_config("libdir")), *p;
	int rc = 0;

	if (asprintf(&b->plat_archive, "%s/libplat-%s.a", libdir, b->target) <
	    0)
		err(1, "asprintf");
	if (need_file(b->plat_archive, "target's platform archive") < 0)
		rc = -1;
	for (size_t i = 0; i < b->m.libs.n; i++) {
		if (asprintf(&p, "%s/lib%s.a", libdir, b->m.libs.v[i]) < 0)
			err(1, "asprintf");
		if (access(p, R_OK) < 0) {
			warnx("manifest: library '%s': no '%s' (not a graft "
			      "library, or not built: run make)",
			      b->m.libs.v[i], p);
			rc = -1;
		}
		graft_argv_add(&b->archives, p);
		free(p);
	}
	for (size_t i = 0; i < 2; i++) {
		if (asprintf(&p, "%s/lib%s.a", libdir, core[i]) < 0)
			err(1, "asprintf");
		if (need_file(p, "kernel archive") < 0)
			rc = -1;
		graft_argv_add(&b->archives, p);
		free(p);
	}
	free(libdir);
	return rc;
}

/* exports.c from every object and archive the image links, compiled. */
static int export_table(struct build *b)
{
	struct graft_argv a = {0}, decls = {0};
	char *src = graft_path(b->objdir, "graft-exports.c");
	char *obj = graft_path(b->objdir, "graft-exports.o");
	char *tool = tree_path(graft_config("mkexports"));
	int rc = -1;

	graft_argv_add(&a, tool);
	graft_argv_add(&a, "table");
	free(tool);
	if (need_file(a.v[0], "mkexports") < 0)
		goto out;
	graft_argv_split(&decls, graft_config("decls"));
	for (size_t i = 0; i < decls.n; i++) {
		graft_argv_add(&a, "-d");
		graft_argv_add(&a, decls.v[i]);
	}
	graft_argv_add(&a, "-o");
	graft_argv_add(&a, src);
	graft_argv_add(&a, b->plat_archive);
	for (size_t i = 0; i < b->objs.n; i++)
		graft_argv_add(&a, b->objs.v[i]);
	for (size_t i = 0; i < b->archives.n; i++)
		graft_argv_add(&a, b->archives.v[i]);
	if (graft_spawn(&a, graft_root(), b->verbose) != 0) {
		warnx("export table: mkexports failed");
		goto out;
	}
	rc = compile(b, src, obj, NULL);
out:
	graft_argv_free(&a);
	graft_argv_free(&decls);
	free(src);
	free(obj);
	return rc;
}

static int link_image(struct build *b)
{
	struct graft_argv a = {0};
	char *key;
	const char *lds;
	int rc;

	if (asprintf(&key, "lds.%s", b->target) < 0)
		err(1, "asprintf");
	lds = graft_config(key);
	free(key);
	graft_argv_split(&a, graft_config("cc"));
	graft_argv_split(&a, graft_config("ldflags"));
	if (*lds) {
		graft_argv_add(&a, "-T");
		graft_argv_add(&a, lds);
	}
	graft_argv_add(&a, "-o");
	graft_argv_add(&a, b->image);
	graft_argv_add(&a, "-Wl,--whole-archive");
	graft_argv_add(&a, b->plat_archive);
	graft_argv_add(&a, "-Wl,--no-whole-archive");
	for (size_t i = 0; i < b->objs.n; i++)
		graft_argv_add(&a, b->objs.v[i]);
	/* The manifest's libraries whole: a library registers itself with
	 * boot steps (GRAFT_INIT) that nothing else references. */
	graft_argv_add(&a, "-Wl,--start-group");
	graft_argv_add(&a, "-Wl,--whole-archive");
	for (size_t i = 0; i < b->m.libs.n; i++)
		graft_argv_add(&a, b->archives.v[i]);
	graft_argv_add(&a, "-Wl,--no-whole-archive");
	for (size_t i = b->m.libs.n; i < b->archives.n; i++)
		graft_argv_add(&a, b->archives.v[i]);
	graft_argv_add(&a, graft_config("libgcc"));
	graft_argv_add(&a, "-Wl,--end-group");
	rc = graft_spawn(&a, graft_root(), b->verbose);
	graft_argv_free(&a);
	if (rc != 0) {
		warnx("linking '%s' failed", b->image);
		return -1;
	}
	return 0;
}

/* Remove dir's files whose names end in suffix ("" for all). */
static void remove_files(const char *dir_path, const char *suffix)
{
	size_t slen = strlen(suffix);
	struct dirent *d;
	DIR *dir = opendir(dir_path);

	while (dir && (d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		char *p;

		if (d->d_name[0] == '.' || n < slen ||
		    strcmp(d->d_name + n - slen, suffix) != 0)
			continue;
		p = graft_path(dir_path, d->d_name);
		unlink(p);
		free(p);
	}
	if (dir)
		closedir(dir);
}

static int make_objdir(struct build *b, const char *objdir)
{
	char tmpl[] = "/tmp/graft-build.XXXXXX";
	const char *tmp = getenv("TMPDIR");

	if (objdir) {
		b->objdir = absolute(objdir);
		b->keep_objdir = 1;
		if (mkdir_p(b->objdir) < 0)
			return -1;
		/* The dependency files of sources that are gone would keep
		 * naming them; this build writes those of the sources that
		 * are there. */
		remove_files(b->objdir, ".d");
		return 0;
	}
	if (tmp && *tmp) {
		b->objdir = graft_path(tmp, "graft-build.XXXXXX");
	} else {
		b->objdir = graft_xstrdup(tmpl);
	}
	if (!mkdtemp(b->objdir)) {
		warn("temporary directory '%s'", b->objdir);
		return -1;
	}
	return 0;
}

static void remove_objdir(struct build *b)
{
	if (!b->objdir || b->keep_objdir)
		return;
	remove_files(b->objdir, "");
	rmdir(b->objdir);
}

static int build_image(struct build *b)
{
	if (compile_sources(b) < 0)
		return -1;
	if (b->m.static_dir && compile_static(b) < 0)
		return -1;
	if (find_archives(b) < 0 || export_table(b) < 0)
		return -1;
	return link_image(b);
}

static int cmd_build(const struct graft_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"output", required_argument, NULL, 'o'},
	    {"objdir", required_argument, NULL, 'O'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct build b = {0};
	const char *objdir = NULL;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "t:o:vh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			b.target = optarg;
			break;
		case 'o':
			b.image_arg = optarg;
			break;
		case 'O':
			objdir = optarg;
			break;
		case 'v':
			b.verbose = 1;
			break;
		case 'h':
			graft_usage(self, stdout);
			printf("\ntargets: %s\n", graft_targets());
			return 0;
		default:
			return graft_bad_usage(self);
		}
	}
	if (optind + 1 != argc || !b.target)
		return graft_bad_usage(self);
	if (!graft_is_target(b.target))
		errx(1, "unknown target '%s' (targets: %s)", b.target,
		     graft_targets());
	b.appdir = realpath(argv[optind], NULL);
	if (!b.appdir)
		err(1, "application '%s'", argv[optind]);
	if (manifest_read(b.appdir, &b.m) < 0)
		return 1;
	if (!b.image_arg) {
		if (asprintf((char **)&b.image_arg, "%s.%s", b.m.name,
			     b.target) < 0)
			err(1, "asprintf");
	}
	b.image = absolute(b.image_arg);
	if (check_output(b.image) < 0)
		return 1;
	if (make_objdir(&b, objdir) == 0 && build_image(&b) == 0)
		rc = 0;
	remove_objdir(&b);
	return rc;
}
