/*
 * A small JSON reader for the files wast2json writes: objects, arrays,
 * strings (with the usual escapes), numbers kept as text, true, false and
 * null.  Hosted test code only.  json_parse returns NULL on malformed input.
 */
#ifndef GRAFT_TESTS_SPECTEST_JSON_H
#define GRAFT_TESTS_SPECTEST_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type type;
	char *str; /* string, or a number's text */
	size_t len; /* bytes in str (strings may hold NUL) */
	int boolean;
	struct json **items; /* array items or object values */
	char **keys; /* object keys */
	size_t n;
};

struct json *json_parse(const char *text, size_t len);
void json_free(struct json *j);
/* json_get - the value of key in an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* json_str - the string value of key, or NULL if absent or not a string. */
const char *json_str(const struct json *obj, const char *key);

#endif
