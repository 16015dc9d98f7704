/*
 * json.h - a small JSON reader for the command lists that wabt's wast2json writes.
 *
 * Parses a whole document held in memory into a tree (RFC 8259: objects, arrays,
 * strings with every escape incl. surrogate pairs, numbers, true/false/null). Strings
 * keep their byte length, since Wasm names may contain NUL bytes. Used only by
 * akira-spectest; no OS calls beyond malloc.
 */
#ifndef AKIRA_SPEC_JSON_H
#define AKIRA_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum akira_spec_json_kind {
    AKIRA_SPEC_JSON_NULL,
    AKIRA_SPEC_JSON_BOOL,
    AKIRA_SPEC_JSON_NUMBER,
    AKIRA_SPEC_JSON_STRING,
    AKIRA_SPEC_JSON_ARRAY,
    AKIRA_SPEC_JSON_OBJECT,
} akira_spec_json_kind;

typedef struct akira_spec_json akira_spec_json;
typedef struct akira_spec_json_member akira_spec_json_member;

struct akira_spec_json {
    akira_spec_json_kind kind;
    bool boolean;
    double number;
    char *str;                       /* STRING: NUL-terminated copy, `len` bytes (may hold NULs) */
    size_t len;                      /* STRING: bytes; ARRAY: items; OBJECT: members */
    akira_spec_json *items;          /* ARRAY */
    akira_spec_json_member *members; /* OBJECT, in document order */
};

struct akira_spec_json_member {
    char *key;
    size_t key_len;
    akira_spec_json value;
};

/* Parse `len` bytes of `text`. Returns a tree to free with akira_spec_json_free(), or
 * NULL with a reason ("line 3: expected ':'") written to `why` (`why_size` bytes) on a
 * syntax error, nesting deeper than 64, trailing content or out of memory. */
akira_spec_json *akira_spec_json_parse(const char *text, size_t len, char *why, size_t why_size);

void akira_spec_json_free(akira_spec_json *v);

/* The member `key` of object `obj`, or NULL if `obj` is not an object or has none. */
const akira_spec_json *akira_spec_json_get(const akira_spec_json *obj, const char *key);

/* The string member `key` of `obj` (NULL if absent or not a string). */
const char *akira_spec_json_get_str(const akira_spec_json *obj, const char *key);

#endif /* AKIRA_SPEC_JSON_H */
