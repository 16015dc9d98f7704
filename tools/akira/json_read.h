/* A small JSON reader for the `akira` tool's device answers: parses a document into a
 * tree (one malloc'd array of nodes) and looks values up by key. Host tool only. */
#ifndef AKIRA_TOOL_JSON_READ_H
#define AKIRA_TOOL_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum jr_type { JR_NULL, JR_BOOL, JR_NUM, JR_STR, JR_ARR, JR_OBJ };

struct jr_node {
    enum jr_type type;
    char *key;  /* member name inside an object, else NULL */
    char *str;  /* JR_STR: the decoded text (NUL-terminated) */
    double num; /* JR_NUM */
    bool boolean;
    size_t first; /* JR_ARR/JR_OBJ: index of the first child, 0 when none */
    size_t next;  /* next sibling, 0 when last */
};

struct jr_doc {
    struct jr_node *nodes; /* nodes[0] is the root */
    size_t count, cap;
    char *strings; /* decoded keys and strings */
};

/* Parses text[0..len). 0, or -1 (malformed; doc is then empty). Free with jr_free. */
int jr_parse(struct jr_doc *doc, const char *text, size_t len);
void jr_free(struct jr_doc *doc);

/* The member `key` of object node obj, or NULL. */
const struct jr_node *jr_get(const struct jr_doc *d, const struct jr_node *obj, const char *key);
/* Children of an array or object: first, then jr_next until NULL. */
const struct jr_node *jr_first(const struct jr_doc *d, const struct jr_node *n);
const struct jr_node *jr_next(const struct jr_doc *d, const struct jr_node *n);
/* Typed shorthands for a member (def when absent or of another type). */
const char *jr_str(const struct jr_doc *d, const struct jr_node *obj, const char *key,
                   const char *def);
double jr_num(const struct jr_doc *d, const struct jr_node *obj, const char *key, double def);
bool jr_bool(const struct jr_doc *d, const struct jr_node *obj, const char *key, bool def);

#endif
