/*
 * Reading an application's manifest (manifest.h).  Every line is checked:
 * an unknown key, a repeated one, or a value of the wrong shape is an
 * error naming the file and the line.
 */
#include <ctype.h>
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static int valid_word(const char *w)
{
	if (!*w || *w == '.' || *w == '-')
		return 0;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && !strchr("-_.", *w))
			return 0;
	return 1;
}

/* One "key value..." line; words are in v (v[0] is the key). */
static const char *manifest_line(struct manifest *m, char **v, size_t n)
{
	if (strcmp(v[0], "name") == 0) {
		if (m->name)
			return "'name' given twice";
		if (n != 2 || !valid_word(v[1]))
			return "'name' takes one word of letters, digits, "
			       "'-', '_', '.'";
		m->name = graft_xstrdup(v[1]);
	} else if (strcmp(v[0], "libs") == 0) {
		for (size_t i = 1; i < n; i++) {
			if (!valid_word(v[i]))
				return "a library name is letters, digits, "
				       "'-', '_', '.'";
			graft_argv_add_once(&m->libs, v[i]);
		}
	} else if (strcmp(v[0], "static") == 0) {
		if (m->static_dir)
			return "'static' given twice";
		if (n != 2)
			return "'static' takes one directory";
		m->static_dir = graft_xstrdup(v[1]);
	} else {
		return "unknown key (known: name, libs, static)";
	}
	return NULL;
}

int manifest_read(const char *appdir, struct manifest *m)
{
	char *path = graft_path(appdir, "manifest"), *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	FILE *f;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	f = fopen(path, "r");
	if (!f) {
		warn("manifest '%s'", path);
		free(path);
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		struct graft_argv words = {0};
		const char *why;

		lineno++;
		*strchrnul(line, '#') = '\0';
		graft_argv_split(&words, line);
		why = words.n ? manifest_line(m, words.v, words.n) : NULL;
		if (why) {
			warnx("manifest '%s' line %u: '%s': %s", path, lineno,
			      words.v[0], why);
			graft_argv_free(&words);
			goto out;
		}
		graft_argv_free(&words);
	}
	if (!m->name) {
		warnx("manifest '%s': no 'name' line", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	free(path);
	if (rc < 0)
		manifest_free(m);
	return rc;
}

void manifest_free(struct manifest *m)
{
	free(m->name);
	free(m->static_dir);
	graft_argv_free(&m->libs);
	memset(m, 0, sizeof(*m));
}
