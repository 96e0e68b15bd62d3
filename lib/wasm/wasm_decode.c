/*
 * The binary format decoder: module bytes -> struct wasm_module.
 *
 * Checks the structure only (section order and sizes, LEB128 encodings,
 * counts, UTF-8 names, the shape of constant expressions); indices and
 * types are left to wasm_validate.c.  Every count is capped by what the
 * remaining bytes could possibly encode before anything is allocated, so a
 * hostile count cannot make us allocate more than a small multiple of the
 * module's own size.  Function bodies are only delimited here; the
 * validator walks their instructions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_read.h"

int wasm_errf(struct wasm_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	if (e->code)
		return e->code;
	e->code = code;
	if (e->buf && e->len) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->len, fmt, ap);
		va_end(ap);
	}
	return code;
}

/*
 * A count of items each taking at least min_bytes: refuse it before
 * allocating if the rest of the section cannot hold that many.
 */
static uint32_t rd_count(struct wasm_reader *r, size_t min_bytes,
			 uint32_t limit, const char *what)
{
	uint32_t n = rd_u32(r);
	if (r->failed)
		return 0;
	if (min_bytes && n > rd_left(r) / min_bytes) {
		rd_fail(r, GRAFT_EFORMAT, what);
		return 0;
	}
	if (n > limit) {
		rd_fail(r, GRAFT_ENOTSUP, what);
		return 0;
	}
	return n;
}

static void *rd_array(struct wasm_reader *r, uint32_t n, size_t size)
{
	void *p;
	if (r->failed)
		return NULL;
	p = calloc(n ? n : 1, size);
	if (!p)
		rd_fail(r, GRAFT_ENOMEM, "out of memory");
	return p;
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp;
		size_t len;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* A name: length, UTF-8 bytes; returned NUL-terminated and owned. */
static char *rd_name(struct wasm_reader *r, uint32_t *len)
{
	uint32_t n = rd_u32(r);
	char *s;
	if (r->failed)
		return NULL;
	if (n > rd_left(r)) {
		rd_fail(r, GRAFT_EFORMAT, "unexpected end (name length)");
		return NULL;
	}
	if (n > WASM_MAX_NAME_BYTES) {
		rd_fail(r, GRAFT_ENOTSUP, "name too long");
		return NULL;
	}
	if (!utf8_valid(r->p, n)) {
		rd_fail(r, GRAFT_EFORMAT, "malformed UTF-8 encoding");
		return NULL;
	}
	s = malloc(n + 1);
	if (!s) {
		rd_fail(r, GRAFT_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(s, r->p, n);
	s[n] = 0;
	if (len)
		*len = n;
	r->p += n;
	return s;
}

static bool is_valtype(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 ||
	       t == WASM_F64 || t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static uint8_t rd_valtype(struct wasm_reader *r)
{
	uint8_t t = rd_u8(r);
	if (!r->failed && !is_valtype(t))
		rd_fail(r, GRAFT_EFORMAT, "malformed value type");
	return t;
}

static uint8_t rd_reftype(struct wasm_reader *r)
{
	uint8_t t = rd_u8(r);
	if (!r->failed && t != WASM_FUNCREF && t != WASM_EXTERNREF)
		rd_fail(r, GRAFT_EFORMAT, "malformed reference type");
	return t;
}

static void rd_limits(struct wasm_reader *r, struct wasm_limits *l)
{
	uint8_t flag = rd_u8(r);
	if (r->failed)
		return;
	if (flag > 1) {
		rd_fail(r, GRAFT_EFORMAT, "integer too large (limits flag)");
		return;
	}
	l->min = rd_u32(r);
	l->has_max = flag == 1;
	l->max = l->has_max ? rd_u32(r) : UINT32_MAX;
}

static void rd_tabletype(struct wasm_reader *r, struct wasm_tabletype *t)
{
	t->elem = rd_reftype(r);
	rd_limits(r, &t->lim);
}

static void rd_globaltype(struct wasm_reader *r, struct wasm_globaltype *g)
{
	uint8_t mut;
	g->type = rd_valtype(r);
	mut = rd_u8(r);
	if (!r->failed && mut > 1)
		rd_fail(r, GRAFT_EFORMAT, "malformed mutability");
	g->mut = mut == 1;
}

/* A constant expression: one constant instruction, then end. */
static void rd_constexpr(struct wasm_reader *r, struct wasm_constexpr *c)
{
	uint8_t op = rd_u8(r);
	c->op = op;
	switch (op) {
	case 0x41:
		c->val = (uint64_t)(uint32_t)rd_s32(r);
		break;
	case 0x42:
		c->val = (uint64_t)rd_s64(r);
		break;
	case 0x43:
		c->val = rd_fixed32(r);
		break;
	case 0x44:
		c->val = rd_fixed64(r);
		break;
	case 0xd0:
		c->val = rd_reftype(r);
		break;
	case 0xd2:
	case 0x23:
		c->val = rd_u32(r);
		break;
	default:
		rd_fail(r, GRAFT_EINVAL, "constant expression required");
		return;
	}
	if (rd_u8(r) != 0x0b)
		rd_fail(r, GRAFT_EINVAL,
			"constant expression required (one instruction)");
}

static int dec_types(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 3, WASM_MAX_TYPES, "too many types");
	m->types = rd_array(r, n, sizeof(*m->types));
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct wasm_functype *t = &m->types[i];
		uint32_t np, nr;
		if (rd_u8(r) != 0x60) {
			rd_fail(r, GRAFT_EFORMAT, "malformed function type");
			break;
		}
		np = rd_count(r, 1, WASM_MAX_PARAMS, "too many params");
		if (r->failed)
			break;
		t->types = malloc(np + 1);
		if (!t->types) {
			rd_fail(r, GRAFT_ENOMEM, "out of memory");
			break;
		}
		m->ntypes = i + 1;
		t->nparams = np;
		for (uint32_t k = 0; k < np; k++)
			t->types[k] = rd_valtype(r);
		nr = rd_count(r, 1, WASM_MAX_RESULTS, "too many results");
		if (r->failed)
			break;
		uint8_t *nt = realloc(t->types, np + nr + 1);
		if (!nt) {
			rd_fail(r, GRAFT_ENOMEM, "out of memory");
			break;
		}
		t->types = nt;
		t->nresults = nr;
		for (uint32_t k = 0; k < nr; k++)
			t->types[np + k] = rd_valtype(r);
		wasm_functype_hash(t);
	}
	return r->failed ? -1 : 0;
}

static int dec_imports(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 4, WASM_MAX_IMPORTS, "too many imports");
	m->imports = rd_array(r, n, sizeof(*m->imports));
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct wasm_import *im = &m->imports[i];
		m->nimports = i + 1;
		im->module = rd_name(r, NULL);
		im->name = rd_name(r, NULL);
		im->kind = rd_u8(r);
		if (r->failed)
			break;
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			im->u.type = rd_u32(r);
			m->nfunc_imports++;
			break;
		case WASM_EXTERN_TABLE:
			rd_tabletype(r, &im->u.table);
			m->ntable_imports++;
			break;
		case WASM_EXTERN_MEMORY:
			rd_limits(r, &im->u.mem);
			m->nmem_imports++;
			break;
		case WASM_EXTERN_GLOBAL:
			rd_globaltype(r, &im->u.global);
			m->nglobal_imports++;
			break;
		default:
			rd_fail(r, GRAFT_EFORMAT, "malformed import kind");
		}
	}
	return r->failed ? -1 : 0;
}

/*
 * Imports come first in every index space: build the function, table,
 * memory and global arrays with room for the imports plus `extra` defined
 * entries of the kind being decoded.
 */
static int dec_funcs(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 1, WASM_MAX_FUNCS, "too many functions");
	uint32_t k = 0;
	m->func_types = rd_array(r, m->nfunc_imports + n, sizeof(uint32_t));
	if (r->failed)
		return -1;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_FUNC)
			m->func_types[k++] = m->imports[i].u.type;
	for (uint32_t i = 0; i < n; i++)
		m->func_types[k++] = rd_u32(r);
	m->nfuncs = k;
	m->codes = rd_array(r, n, sizeof(*m->codes));
	m->ncodes = n;
	return r->failed ? -1 : 0;
}

static int dec_tables(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 3, WASM_MAX_TABLES, "too many tables");
	uint32_t k = 0;
	free(m->tables);
	m->tables = rd_array(r, m->ntable_imports + n, sizeof(*m->tables));
	if (r->failed)
		return -1;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_TABLE)
			m->tables[k++] = m->imports[i].u.table;
	for (uint32_t i = 0; i < n; i++)
		rd_tabletype(r, &m->tables[k++]);
	m->ntables = k;
	return r->failed ? -1 : 0;
}

static int dec_mems(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 2, WASM_MAX_TABLES, "too many memories");
	uint32_t k = 0;
	free(m->mems);
	m->mems = rd_array(r, m->nmem_imports + n, sizeof(*m->mems));
	if (r->failed)
		return -1;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_MEMORY)
			m->mems[k++] = m->imports[i].u.mem;
	for (uint32_t i = 0; i < n; i++)
		rd_limits(r, &m->mems[k++]);
	m->nmems = k;
	return r->failed ? -1 : 0;
}

static int dec_globals(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 4, WASM_MAX_GLOBALS, "too many globals");
	uint32_t k = 0;
	free(m->globals);
	m->globals = rd_array(r, m->nglobal_imports + n, sizeof(*m->globals));
	if (r->failed)
		return -1;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_GLOBAL)
			m->globals[k++].type = m->imports[i].u.global;
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		rd_globaltype(r, &m->globals[k].type);
		rd_constexpr(r, &m->globals[k].init);
		k++;
	}
	m->nglobals = k;
	return r->failed ? -1 : 0;
}

static int dec_exports(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 3, WASM_MAX_EXPORTS, "too many exports");
	m->exports = rd_array(r, n, sizeof(*m->exports));
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct wasm_export *ex = &m->exports[i];
		m->nexports = i + 1;
		ex->name = rd_name(r, &ex->name_len);
		ex->kind = rd_u8(r);
		ex->idx = rd_u32(r);
		if (!r->failed && ex->kind > WASM_EXTERN_GLOBAL)
			rd_fail(r, GRAFT_EFORMAT, "malformed export kind");
	}
	return r->failed ? -1 : 0;
}

static void rd_elem_items(struct wasm_reader *r, struct wasm_elem *el,
			  bool exprs)
{
	uint32_t n = rd_count(r, 1, UINT32_MAX, "too many elements");
	el->items = rd_array(r, n, sizeof(*el->items));
	if (r->failed)
		return;
	el->count = n;
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		if (exprs) {
			rd_constexpr(r, &el->items[i]);
		} else {
			el->items[i].op = 0xd2;
			el->items[i].val = rd_u32(r);
		}
	}
}

static void rd_elemkind(struct wasm_reader *r)
{
	if (rd_u8(r) != 0x00 && !r->failed)
		rd_fail(r, GRAFT_EFORMAT, "malformed element kind");
}

static int dec_elems(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 2, WASM_MAX_ELEM_SEGMENTS,
			      "too many element segments");
	m->elems = rd_array(r, n, sizeof(*m->elems));
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct wasm_elem *el = &m->elems[i];
		uint32_t flags = rd_u32(r);
		m->nelems = i + 1;
		el->type = WASM_FUNCREF;
		if (r->failed)
			break;
		if (flags > 7) {
			rd_fail(r, GRAFT_EFORMAT, "malformed elements segment kind");
			break;
		}
		el->mode = (flags & 1) ? ((flags & 2) ? WASM_SEG_DECLARATIVE
						      : WASM_SEG_PASSIVE)
				       : WASM_SEG_ACTIVE;
		if (el->mode == WASM_SEG_ACTIVE) {
			if (flags & 2)
				el->table = rd_u32(r);
			rd_constexpr(r, &el->offset);
		}
		if (flags & 3) {
			if (flags & 4)
				el->type = rd_reftype(r);
			else
				rd_elemkind(r);
		}
		rd_elem_items(r, el, flags & 4);
	}
	return r->failed ? -1 : 0;
}

static int dec_datas(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_count(r, 2, WASM_MAX_DATA_SEGMENTS,
			      "too many data segments");
	m->datas = rd_array(r, n, sizeof(*m->datas));
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct wasm_data *d = &m->datas[i];
		uint32_t flags = rd_u32(r);
		m->ndatas = i + 1;
		if (r->failed)
			break;
		if (flags > 2) {
			rd_fail(r, GRAFT_EFORMAT, "malformed data segment kind");
			break;
		}
		d->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
		if (flags == 2 && rd_u32(r) != 0 && !r->failed)
			rd_fail(r, GRAFT_EINVAL, "unknown memory");
		if (d->mode == WASM_SEG_ACTIVE)
			rd_constexpr(r, &d->offset);
		d->len = rd_u32(r);
		if (r->failed)
			break;
		if (d->len > rd_left(r)) {
			rd_fail(r, GRAFT_EFORMAT,
				"unexpected end of section or function");
			break;
		}
		d->bytes = r->p;
		r->p += d->len;
	}
	return r->failed ? -1 : 0;
}

static int dec_code(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n = rd_u32(r);
	if (r->failed)
		return -1;
	if (n != m->ncodes) {
		rd_fail(r, GRAFT_EFORMAT,
			"function and code section have inconsistent lengths");
		return -1;
	}
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct wasm_fcode *c = &m->codes[i];
		uint32_t size = rd_u32(r), ngroups;
		struct wasm_reader body;
		uint64_t total = 0;
		const uint8_t *locals_at;
		if (r->failed)
			break;
		if (size > rd_left(r)) {
			rd_fail(r, GRAFT_EFORMAT, "unexpected end (code size)");
			break;
		}
		body = *r;
		body.end = r->p + size;
		c->func_index = m->nfunc_imports + i;
		ngroups = rd_count(&body, 2, UINT32_MAX, "too many locals");
		locals_at = body.p;
		for (uint32_t g = 0; g < ngroups && !body.failed; g++) {
			total += rd_u32(&body);
			rd_valtype(&body);
			if (total > WASM_MAX_LOCALS)
				rd_fail(&body, GRAFT_EFORMAT, "too many locals");
		}
		if (body.failed) {
			r->failed = true;
			break;
		}
		c->nlocals = (uint32_t)total;
		/* second pass: expand the local types now that they fit */
		c->local_types = malloc(total + 1);
		if (!c->local_types) {
			rd_fail(r, GRAFT_ENOMEM, "out of memory");
			break;
		}
		body.p = locals_at;
		for (uint32_t g = 0, k = 0; g < ngroups; g++) {
			uint32_t cnt = rd_u32(&body);
			uint8_t t = rd_valtype(&body);
			memset(c->local_types + k, t, cnt);
			k += cnt;
		}
		c->body_start = rd_off(&body);
		c->body_end = (uint32_t)(body.end - body.base);
		r->p = body.end;
	}
	return r->failed ? -1 : 0;
}

/* Section ids in the order the spec requires them (datacount is 12). */
static int section_rank(uint8_t id)
{
	static const int8_t rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12,
					10};
	return id < 13 ? rank[id] : -1;
}

static int dec_section(struct wasm_reader *r, struct wasm_module *m,
		       uint8_t id, bool *have_code, bool *have_funcs)
{
	switch (id) {
	case 0: {
		char *name = rd_name(r, NULL);
		free(name);
		r->p = r->end;
		return r->failed ? -1 : 0;
	}
	case 1:
		return dec_types(r, m);
	case 2:
		return dec_imports(r, m);
	case 3:
		*have_funcs = true;
		return dec_funcs(r, m);
	case 4:
		return dec_tables(r, m);
	case 5:
		return dec_mems(r, m);
	case 6:
		return dec_globals(r, m);
	case 7:
		return dec_exports(r, m);
	case 8:
		m->has_start = true;
		m->start = rd_u32(r);
		return r->failed ? -1 : 0;
	case 9:
		return dec_elems(r, m);
	case 10:
		*have_code = true;
		return dec_code(r, m);
	case 11:
		return dec_datas(r, m);
	case 12:
		m->has_datacount = true;
		m->datacount = rd_u32(r);
		return r->failed ? -1 : 0;
	}
	rd_fail(r, GRAFT_EFORMAT, "malformed section id");
	return -1;
}

/* Fill in index spaces that had no section of their own. */
static int dec_finish(struct wasm_reader *r, struct wasm_module *m,
		      bool have_code, bool have_funcs)
{
	struct wasm_reader empty = *r;
	uint8_t zero = 0;
	empty.p = &zero;
	empty.end = &zero + 1;
	if (!have_funcs && dec_funcs(&empty, m))
		return -1;
	empty.p = &zero;
	if (!m->tables && dec_tables(&empty, m))
		return -1;
	empty.p = &zero;
	if (!m->mems && dec_mems(&empty, m))
		return -1;
	empty.p = &zero;
	if (!m->globals && dec_globals(&empty, m))
		return -1;
	if (m->ncodes && !have_code) {
		rd_fail(r, GRAFT_EFORMAT,
			"function and code section have inconsistent lengths");
		return -1;
	}
	if (m->has_datacount && m->datacount != m->ndatas) {
		rd_fail(r, GRAFT_EFORMAT,
			"data count and data section have inconsistent lengths");
		return -1;
	}
	return 0;
}

int wasm_decode(struct wasm_module *m, struct wasm_err *e)
{
	struct wasm_reader r = {m->bytes, m->bytes, m->bytes + m->len, e,
				false};
	int last = 0;
	bool have_code = false, have_funcs = false;

	if (rd_fixed32(&r) != 0x6d736100) {
		rd_fail(&r, GRAFT_EFORMAT, "magic header not detected");
		goto fail;
	}
	if (rd_fixed32(&r) != 1) {
		rd_fail(&r, GRAFT_EFORMAT, "unknown binary version");
		goto fail;
	}
	while (!r.failed && r.p < r.end) {
		uint8_t id = rd_u8(&r);
		uint32_t size = rd_u32(&r);
		struct wasm_reader sec;
		int rank = section_rank(id);
		if (r.failed)
			goto fail;
		if (rank < 0) {
			rd_fail(&r, GRAFT_EFORMAT, "malformed section id");
			goto fail;
		}
		if (size > rd_left(&r)) {
			rd_fail(&r, GRAFT_EFORMAT,
				"section size past the end (length out of "
				"bounds)");
			goto fail;
		}
		if (rank) {
			if (rank <= last) {
				rd_fail(&r, GRAFT_EFORMAT,
					"unexpected content after last section "
					"(section out of order or repeated)");
				goto fail;
			}
			last = rank;
		}
		sec = r;
		sec.end = r.p + size;
		if (dec_section(&sec, m, id, &have_code, &have_funcs)) {
			r.failed = true;
			goto fail;
		}
		if (sec.p != sec.end) {
			rd_fail(&sec, GRAFT_EFORMAT, "section size mismatch");
			goto fail;
		}
		r.p = sec.end;
	}
	if (dec_finish(&r, m, have_code, have_funcs))
		goto fail;
	return 0;
fail:
	return e->code ? e->code : GRAFT_EFORMAT;
}
