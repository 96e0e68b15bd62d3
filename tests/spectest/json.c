/*
 * The JSON reader of the spectest runner: recursive descent over a buffer,
 * depth-limited, every read bounds-checked.  Unicode escapes are kept only
 * in the ASCII range (wast2json escapes nothing else in the fields we use).
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

struct jp {
	const char *p, *end;
	int depth;
};

static void skip_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
				 *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static struct json *new_value(enum json_type t)
{
	struct json *v = calloc(1, sizeof(*v));
	if (v)
		v->type = t;
	return v;
}

static char *parse_string(struct jp *j, size_t *len)
{
	size_t cap = 16, n = 0;
	char *s = malloc(cap);
	if (!s || j->p >= j->end || *j->p != '"')
		goto fail;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;
		if (c == '\\') {
			if (j->p >= j->end)
				goto fail;
			c = *j->p++;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'u': {
				char hex[5] = {0};
				if (j->end - j->p < 4)
					goto fail;
				memcpy(hex, j->p, 4);
				j->p += 4;
				c = (char)strtoul(hex, NULL, 16);
				break;
			}
			default:
				break;
			}
		}
		if (n + 2 > cap) {
			char *ns = realloc(s, cap *= 2);
			if (!ns)
				goto fail;
			s = ns;
		}
		s[n++] = c;
	}
	if (j->p >= j->end)
		goto fail;
	j->p++;
	s[n] = 0;
	if (len)
		*len = n;
	return s;
fail:
	free(s);
	return NULL;
}

static struct json *parse_value(struct jp *j);

static int append(struct json *v, struct json *item, char *key)
{
	struct json **ni = realloc(v->items, (v->n + 1) * sizeof(*ni));
	if (!ni)
		return -1;
	v->items = ni;
	if (v->type == JSON_OBJ) {
		char **nk = realloc(v->keys, (v->n + 1) * sizeof(*nk));
		if (!nk)
			return -1;
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

static struct json *parse_container(struct jp *j, char close)
{
	struct json *v = new_value(close == '}' ? JSON_OBJ : JSON_ARR);
	if (!v)
		return NULL;
	j->p++;
	skip_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;
		skip_ws(j);
		if (close == '}') {
			key = parse_string(j, NULL);
			skip_ws(j);
			if (!key || j->p >= j->end || *j->p != ':') {
				free(key);
				goto fail;
			}
			j->p++;
		}
		item = parse_value(j);
		if (!item || append(v, item, key)) {
			free(key);
			json_free(item);
			goto fail;
		}
		skip_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return v;
		}
		goto fail;
	}
fail:
	json_free(v);
	return NULL;
}

static struct json *parse_value(struct jp *j)
{
	struct json *v;
	skip_ws(j);
	if (j->p >= j->end || ++j->depth > 64)
		return NULL;
	switch (*j->p) {
	case '{':
		v = parse_container(j, '}');
		break;
	case '[':
		v = parse_container(j, ']');
		break;
	case '"':
		v = new_value(JSON_STR);
		if (v && !(v->str = parse_string(j, &v->len))) {
			free(v);
			v = NULL;
		}
		break;
	case 't':
	case 'f':
	case 'n': {
		const char *words[] = {"true", "false", "null"};
		int k = *j->p == 't' ? 0 : *j->p == 'f' ? 1 : 2;
		size_t len = strlen(words[k]);
		if ((size_t)(j->end - j->p) < len ||
		    memcmp(j->p, words[k], len) != 0)
			return NULL;
		j->p += len;
		v = new_value(k == 2 ? JSON_NULL : JSON_BOOL);
		if (v)
			v->boolean = k == 0;
		break;
	}
	default: {
		const char *s = j->p;
		while (j->p < j->end && strchr("+-0123456789.eE", *j->p))
			j->p++;
		if (j->p == s)
			return NULL;
		v = new_value(JSON_NUM);
		if (v && (v->str = malloc((size_t)(j->p - s) + 1))) {
			memcpy(v->str, s, (size_t)(j->p - s));
			v->str[j->p - s] = 0;
		}
	}
	}
	j->depth--;
	return v;
}

struct json *json_parse(const char *text, size_t len)
{
	struct jp j = {text, text + len, 0};
	return parse_value(&j);
}

void json_free(struct json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

const char *json_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);
	return v && v->type == JSON_STR ? v->str : NULL;
}
