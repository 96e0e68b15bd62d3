/*
 * mkstatic - turn a directory into C source for lib/fs/static.
 *
 *	mkstatic [-n symbol] dir out.c
 *
 * Walks dir (regular files and directories; symbolic links and anything
 * else are skipped with a warning), sorts the entries by path, lists each
 * directory's children, and writes one `const struct fs_static_image
 * symbol` (default fs_static_root) with the file data.  Names must be valid
 * UTF-8 without control characters: those are what lib/fs accepts.
 */
#include <dirent.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs/fs.h"

struct ent {
	char *path; /* relative, normalized; "" for the root */
	char *host;
	int is_dir;
	uint64_t size;
	int64_t mtime;
	uint32_t first_child, nchildren;
};

static struct ent *ents;
static size_t nents, cap;

static void add(const char *path, const char *host, const struct stat *st)
{
	if (nents == cap) {
		cap = cap ? cap * 2 : 64;
		ents = realloc(ents, cap * sizeof(*ents));
		if (!ents)
			err(1, "realloc");
	}
	ents[nents++] = (struct ent){
	    .path = strdup(path),
	    .host = strdup(host),
	    .is_dir = S_ISDIR(st->st_mode),
	    .size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0,
	    .mtime = st->st_mtime,
	};
}

static void walk(const char *host, const char *path)
{
	DIR *d = opendir(host);
	struct dirent *de;

	if (!d)
		err(1, "%s", host);
	while ((de = readdir(d))) {
		char h[4096], p[FS_PATH_MAX], norm[FS_PATH_MAX];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(h, sizeof(h), "%s/%s", host, de->d_name);
		if ((size_t)snprintf(p, sizeof(p), "%s%s%s", path,
				     *path ? "/" : "", de->d_name) >= sizeof(p))
			errx(1, "%s: path too long", h);
		if (fs_path_normalize(p, norm) || strcmp(norm, p))
			errx(1, "%s: name not usable in graft", h);
		if (lstat(h, &st))
			err(1, "%s", h);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			warnx("%s: skipped (not a file or directory)", h);
			continue;
		}
		add(p, h, &st);
		if (S_ISDIR(st.st_mode))
			walk(h, p);
	}
	closedir(d);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->path,
		      ((const struct ent *)b)->path);
}

/* The index of path's parent (entries sorted, so bsearch). */
static size_t parent_of(const char *path)
{
	char parent[FS_PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct ent key = {.path = parent}, *e;

	snprintf(parent, sizeof(parent), "%.*s",
		 slash ? (int)(slash - path) : 0, path);
	e = bsearch(&key, ents, nents, sizeof(*ents), by_path);
	if (!e)
		errx(1, "internal: no parent for %s", path);
	return (size_t)(e - ents);
}

static void emit_data(FILE *out, size_t i)
{
	FILE *in = fopen(ents[i].host, "rb");
	int c, col = 0;
	uint64_t n = 0;

	if (!in)
		err(1, "%s", ents[i].host);
	fprintf(out, "static const uint8_t d%zu[] = {\n", i);
	while ((c = getc(in)) != EOF) {
		fprintf(out, "%s%d,", col ? "" : "\t", c);
		if (++col == 20) {
			fputc('\n', out);
			col = 0;
		}
		n++;
	}
	fprintf(out, "%s};\n", col ? "\n" : "");
	fclose(in);
	if (n != ents[i].size)
		errx(1, "%s: changed while reading", ents[i].host);
}

static void emit_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '?' || c >= 0x7f)
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void usage(void)
{
	fprintf(stderr, "usage: mkstatic [-n symbol] dir out.c\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *sym = "fs_static_root";
	struct stat st;
	uint32_t *children, nch = 0;
	FILE *out;
	int ch;

	while ((ch = getopt(argc, argv, "n:h")) != -1) {
		if (ch == 'n')
			sym = optarg;
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	if (stat(argv[optind], &st) || !S_ISDIR(st.st_mode))
		errx(1, "%s: not a directory", argv[optind]);
	add("", argv[optind], &st);
	walk(argv[optind], "");
	qsort(ents, nents, sizeof(*ents), by_path);
	/* children in path order are in name order: one pass per parent */
	children = calloc(nents, sizeof(*children));
	if (!children)
		err(1, "calloc");
	for (size_t d = 0; d < nents; d++) {
		if (!ents[d].is_dir)
			continue;
		ents[d].first_child = nch;
		for (size_t i = d + 1; i < nents; i++) {
			if (strncmp(ents[i].path, ents[d].path,
				    strlen(ents[d].path)))
				break; /* left d's subtree */
			if (parent_of(ents[i].path) == d)
				children[nch++] = (uint32_t)i;
		}
		ents[d].nchildren = nch - ents[d].first_child;
	}
	out = fopen(argv[optind + 1], "w");
	if (!out) {
		warn("%s", argv[optind + 1]);
		return 1;
	}
	fprintf(out,
		"/* Made by tools/mkstatic from %s: do not edit. */\n"
		"#include \"lib/fs/static/static.h\"\n\n",
		argv[optind]);
	for (size_t i = 0; i < nents; i++)
		if (!ents[i].is_dir && ents[i].size)
			emit_data(out, i);
	fprintf(out, "\nstatic const struct fs_static_entry entries[] = {\n");
	for (size_t i = 0; i < nents; i++) {
		struct ent *e = &ents[i];
		fprintf(out, "\t{");
		emit_string(out, e->path);
		if (!e->is_dir && e->size)
			fprintf(out, ", d%zu", i);
		else
			fprintf(out, ", 0");
		fprintf(out, ", %lluu, %lld, %d, %u, %u},\n",
			(unsigned long long)e->size, (long long)e->mtime,
			e->is_dir, e->first_child, e->nchildren);
	}
	fprintf(out, "};\n\nstatic const uint32_t children[] = {");
	for (uint32_t i = 0; i < nch; i++)
		fprintf(out, "%s%u,", i % 16 ? " " : "\n\t", children[i]);
	fprintf(out,
		"%s};\n\nconst struct fs_static_image %s = {\n"
		"\tFS_STATIC_MAGIC, %zu, entries, %u, children,\n};\n",
		nch ? "\n" : "0", sym, nents, nch);
	if (fclose(out))
		err(1, "%s", argv[optind + 1]);
	return 0;
}
