/*
 * mkexports: generate the export tables and declaration hashes of graft's
 * native module ABI.  Host program.
 *
 *   mkexports table [-n VAR] -d DECLS.i... -o OUT.c OBJECT|ARCHIVE...
 *	Collect the names that GRAFT_EXPORT() recorded in the objects'
 *	.graft_exports sections and write a C file defining
 *	`const struct mod_export VAR[]` (default mod_kernel_exports), sorted
 *	by name, and `const size_t VAR_n` (mod_kernel_nexports for the
 *	default), each entry {name, address, declaration hash}.
 *   mkexports module -d DECLS.i... -o OUT.s MODULE.o
 *	Write an assembly file with the module's .graft_symver records: one
 *	IMPORT record per undefined global symbol and one EXPORT record per
 *	GRAFT_EXPORT name, each with its declaration hash.
 *   mkexports hash -d DECLS.i... NAME...
 *	Print each name's hash and the declaration it was computed from.
 *
 * The declaration hash of a symbol is FNV-1a 64 over the tokens of the
 * first top-level declaration (a statement ending in ';', not a definition)
 * of that symbol in the DECLS files (preprocessed C, searched in order),
 * joined by single spaces, without a leading 'extern' and the final ';'.
 * Both sides hash what their compiler saw: the kernel its public headers,
 * a module its own preprocessed sources followed by the same headers.  A
 * changed return type, parameter type, qualifier, attribute or parameter
 * name changes the hash; the layout of a struct behind a pointer does not
 * (that is what GRAFT_ABI_VERSION is for).
 */
#include <ctype.h>
#include <elf.h>
#include <err.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYMBOL_MAX 55 /* GRAFT_SYMBOL_MAX in include/graft/module.h */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_add(struct strv *s, const char *str)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			err(1, "realloc");
	}
	s->v[s->n] = strdup(str);
	if (!s->v[s->n])
		err(1, "strdup");
	s->n++;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		err(1, "%s", path);
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				err(1, "realloc");
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	if (ferror(f))
		err(1, "%s", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- declarations ---- */

struct tok {
	const char *p;
	size_t len;
	int paren; /* parenthesis depth at the token */
};

struct stmt {
	struct tok *t;
	size_t n, cap;
};

static struct strv decl_files;

static void stmt_push(struct stmt *s, const char *p, size_t len, int paren)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->t = realloc(s->t, s->cap * sizeof(*s->t));
		if (!s->t)
			err(1, "realloc");
	}
	s->t[s->n++] = (struct tok){p, len, paren};
}

static bool tok_is(const struct tok *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->p, s, t->len) == 0;
}

/* Whether stmt declares name: name at parenthesis depth 0, or at depth 1
 * right after '*' (a pointer to function variable); and not the
 * `extern __typeof__(x) x;` that GRAFT_EXPORT expands to. */
static bool stmt_declares(const struct stmt *s, const char *name)
{
	size_t i;

	if (s->n >= 2 && tok_is(&s->t[0], "extern") &&
	    tok_is(&s->t[1], "__typeof__"))
		return false;
	for (i = 0; i < s->n; i++) {
		if (!tok_is(&s->t[i], name))
			continue;
		if (s->t[i].paren == 0)
			return true;
		if (s->t[i].paren == 1 && i > 0 && tok_is(&s->t[i - 1], "*"))
			return true;
	}
	return false;
}

static uint64_t fnv_add(uint64_t h, const char *p, size_t n)
{
	while (n--) {
		h ^= (uint8_t)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The normalised text of stmt: tokens joined by one space, no leading
 * extern, no final ';'.  Returns a malloc'd string. */
static char *stmt_text(const struct stmt *s)
{
	size_t i = 0, n = s->n, len = 1;
	char *out, *p;

	if (n && tok_is(&s->t[0], "extern"))
		i = 1;
	if (n && tok_is(&s->t[n - 1], ";"))
		n--;
	for (size_t k = i; k < n; k++)
		len += s->t[k].len + 1;
	out = p = malloc(len);
	if (!out)
		err(1, "malloc");
	for (size_t k = i; k < n; k++) {
		if (p != out)
			*p++ = ' ';
		memcpy(p, s->t[k].p, s->t[k].len);
		p += s->t[k].len;
	}
	*p = '\0';
	return out;
}

static size_t lex_one(const char *p)
{
	size_t n = 1;

	if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
		while (isalnum((unsigned char)p[n]) || p[n] == '_' ||
		       p[n] == '$')
			n++;
		return n;
	}
	if (isdigit((unsigned char)*p)) {
		while (isalnum((unsigned char)p[n]) || p[n] == '.' ||
		       p[n] == '_')
			n++;
		return n;
	}
	if (*p == '"' || *p == '\'') {
		while (p[n] && p[n] != *p) {
			if (p[n] == '\\' && p[n + 1])
				n++;
			n++;
		}
		return p[n] ? n + 1 : n;
	}
	if ((p[0] == '-' && p[1] == '>') ||
	    (p[0] == '.' && p[1] == '.' && p[2] == '.'))
		return p[0] == '-' ? 2 : 3;
	return 1;
}

/* Search one preprocessed file for the first declaration of name. */
static char *find_decl_in(const char *text, const char *name)
{
	struct stmt s = {0};
	const char *p = text;
	int brace = 0, paren = 0;
	bool head_paren = false; /* last depth-0 token before '{' was ')' */
	char *found = NULL;

	while (*p && !found) {
		size_t n;

		if (*p == '#' && (p == text || p[-1] == '\n')) {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		n = lex_one(p);
		if (*p == '{') {
			if (brace++ == 0)
				head_paren = s.n && tok_is(&s.t[s.n - 1], ")");
		} else if (*p == '}') {
			if (brace > 0 && --brace == 0 && head_paren) {
				s.n = 0; /* a function definition ends */
				paren = 0;
			}
		} else if (brace == 0) {
			if (*p == '(')
				paren++;
			stmt_push(&s, p, n, paren - (*p == '('));
			if (*p == ')' && paren > 0)
				paren--;
			if (*p == ';') {
				if (stmt_declares(&s, name))
					found = stmt_text(&s);
				s.n = 0;
				paren = 0;
			}
		}
		p += n;
	}
	free(s.t);
	return found;
}

struct decl_src {
	char *text;
	size_t len;
};
static struct decl_src *decls;

static void load_decls(void)
{
	size_t i;

	decls = calloc(decl_files.n, sizeof(*decls));
	if (!decls)
		err(1, "calloc");
	for (i = 0; i < decl_files.n; i++)
		decls[i].text = read_file(decl_files.v[i], &decls[i].len);
}

/* The declaration hash of name, or exit naming it if none is found. */
static uint64_t decl_hash(const char *name, char **text)
{
	size_t i;
	char *d = NULL;
	uint64_t h;

	for (i = 0; i < decl_files.n && !d; i++)
		d = find_decl_in(decls[i].text, name);
	if (!d)
		errx(1,
		     "no declaration of '%s' found in the headers (an "
		     "exported or imported symbol must be declared)",
		     name);
	h = fnv_add(0xcbf29ce484222325ULL, d, strlen(d));
	if (text)
		*text = d;
	else
		free(d);
	return h;
}

/* ---- ELF objects ---- */

struct obj_syms {
	struct strv exports; /* GRAFT_EXPORT names */
	struct strv undef;   /* undefined global symbols */
};

static bool range_ok(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static void scan_elf(const char *what, const uint8_t *b, size_t len,
		     struct obj_syms *out)
{
	const Elf64_Ehdr *eh = (const void *)b;
	const Elf64_Shdr *sh;
	const char *shstr;
	size_t i;

	if (len < sizeof(*eh) || memcmp(b, ELFMAG, SELFMAG) != 0 ||
	    b[EI_CLASS] != ELFCLASS64)
		errx(1, "%s: not an ELF64 object", what);
	if (!range_ok(len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh)) ||
	    eh->e_shstrndx >= eh->e_shnum)
		errx(1, "%s: bad section header table", what);
	sh = (const void *)(b + eh->e_shoff);
	if (!range_ok(len, sh[eh->e_shstrndx].sh_offset,
		      sh[eh->e_shstrndx].sh_size))
		errx(1, "%s: bad section name table", what);
	shstr = (const char *)b + sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		const char *p = (const char *)b + sh[i].sh_offset;
		uint64_t k;

		if (sh[i].sh_type == SHT_NOBITS ||
		    !range_ok(len, sh[i].sh_offset, sh[i].sh_size))
			continue;
		if (sh[i].sh_name < sh[eh->e_shstrndx].sh_size &&
		    strcmp(shstr + sh[i].sh_name, ".graft_exports") == 0) {
			if (sh[i].sh_size && p[sh[i].sh_size - 1] != '\0')
				errx(1, "%s: malformed .graft_exports", what);
			for (k = 0; k < sh[i].sh_size; k += strlen(p + k) + 1)
				strv_add(&out->exports, p + k);
		}
		if (sh[i].sh_type == SHT_SYMTAB) {
			const Elf64_Sym *sym = (const void *)p;
			const Elf64_Shdr *strs;
			uint64_t n = sh[i].sh_size / sizeof(*sym);

			if (sh[i].sh_link >= eh->e_shnum)
				errx(1, "%s: bad symbol table", what);
			strs = &sh[sh[i].sh_link];
			if (!range_ok(len, strs->sh_offset, strs->sh_size))
				errx(1, "%s: bad string table", what);
			for (k = 1; k < n; k++)
				if (sym[k].st_shndx == SHN_UNDEF &&
				    ELF64_ST_BIND(sym[k].st_info) !=
					STB_LOCAL &&
				    sym[k].st_name < strs->sh_size &&
				    strcmp((const char *)b + strs->sh_offset +
					       sym[k].st_name,
					   "_GLOBAL_OFFSET_TABLE_") != 0)
					strv_add(&out->undef,
						 (const char *)b +
						     strs->sh_offset +
						     sym[k].st_name);
		}
	}
}

static void scan_file(const char *path, struct obj_syms *out)
{
	size_t len, off = 8;
	uint8_t *b = (uint8_t *)read_file(path, &len);

	if (len >= 8 && memcmp(b, "!<arch>\n", 8) == 0) {
		while (off + 60 <= len) {
			const char *h = (const char *)b + off;
			size_t size = strtoul(h + 48, NULL, 10);

			off += 60;
			if (size > len - off)
				errx(1, "%s: truncated archive", path);
			if (size >= 4 && memcmp(b + off, ELFMAG, SELFMAG) == 0)
				scan_elf(path, b + off, size, out);
			off += size + (size & 1);
		}
	} else {
		scan_elf(path, b, len, out);
	}
	free(b);
}

/* ---- output ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_name(const char *name)
{
	if (strlen(name) > SYMBOL_MAX - 1)
		errx(1, "symbol '%s' is longer than %d bytes", name,
		     SYMBOL_MAX - 1);
}

static void write_table(FILE *f, const char *var, struct strv *names)
{
	size_t i;

	qsort(names->v, names->n, sizeof(*names->v), name_cmp);
	fprintf(f, "/* Generated by tools/mkexports: do not edit. */\n"
		   "#include <stddef.h>\n#include <stdint.h>\n\n"
		   "struct mod_export {\n\tconst char *name;\n"
		   "\tconst void *addr;\n\tuint64_t hash;\n};\n\n");
	/* Referenced by assembler name so that no C declaration (a builtin
	 * such as malloc) can clash with the placeholder type. */
	for (i = 0; i < names->n; i++)
		fprintf(f, "extern char mkexports_%zu[] __asm__(\"%s\");\n", i,
			names->v[i]);
	fprintf(f, "\nconst struct mod_export %s[] = {\n", var);
	for (i = 0; i < names->n; i++) {
		check_name(names->v[i]);
		fprintf(f, "\t{\"%s\", mkexports_%zu, 0x%016llxULL},\n",
			names->v[i], i,
			(unsigned long long)decl_hash(names->v[i], NULL));
	}
	if (!names->n)
		fprintf(f, "\t{NULL, NULL, 0},\n");
	fprintf(f, "};\n\nconst size_t %s_n = %zu;\n", var, names->n);
	if (strcmp(var, "mod_kernel_exports") == 0)
		fprintf(f, "const size_t mod_kernel_nexports = %zu;\n",
			names->n);
}

static void write_record(FILE *f, const char *name, int kind)
{
	check_name(name);
	fprintf(f,
		"\t.balign 8\n\t.quad 0x%016llx\n\t.byte %d\n"
		"\t.ascii \"%s\"\n\t.zero %zu\n",
		(unsigned long long)decl_hash(name, NULL), kind, name,
		SYMBOL_MAX - strlen(name));
}

static void write_symver(FILE *f, const struct obj_syms *o)
{
	size_t i;

	fprintf(f, "/* Generated by tools/mkexports: do not edit. */\n"
		   "\t.section .graft_symver,\"\",@progbits\n");
	for (i = 0; i < o->undef.n; i++)
		write_record(f, o->undef.v[i], 1);
	for (i = 0; i < o->exports.n; i++)
		write_record(f, o->exports.v[i], 2);
	fprintf(f, "\t.section .note.GNU-stack,\"\",@progbits\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mkexports table [-n var] -d decls.i... -o out.c "
		"object...\n"
		"       mkexports module -d decls.i... -o out.s module.o\n"
		"       mkexports hash -d decls.i... name...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode, *out = NULL, *var = "mod_kernel_exports";
	struct obj_syms o = {0};
	FILE *f;
	int c, i;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "d:n:o:h")) != -1) {
		switch (c) {
		case 'd':
			strv_add(&decl_files, optarg);
			break;
		case 'n':
			var = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	if (!decl_files.n || optind >= argc)
		usage();
	load_decls();
	if (strcmp(mode, "hash") == 0) {
		for (i = optind; i < argc; i++) {
			char *text;
			uint64_t h = decl_hash(argv[i], &text);

			printf("%016llx %s: %s\n", (unsigned long long)h,
			       argv[i], text);
			free(text);
		}
		return 0;
	}
	if (!out)
		usage();
	for (i = optind; i < argc; i++)
		scan_file(argv[i], &o);
	f = fopen(out, "w");
	if (!f)
		err(1, "%s", out);
	if (strcmp(mode, "table") == 0)
		write_table(f, var, &o.exports);
	else if (strcmp(mode, "module") == 0)
		write_symver(f, &o);
	else
		usage();
	if (fclose(f) != 0)
		err(1, "%s", out);
	return 0;
}
