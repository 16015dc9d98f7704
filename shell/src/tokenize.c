/*
 * Command-line tokenizer: words, quotes and backslash escapes, in place.
 *
 * Writing the words back into the line (shifting left over removed quotes) keeps the
 * tokenizer allocation-free; the output is never longer than the input.
 */
#include <akira/shell.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

int akira_shell_tokenize(char *line, char **argv, int argv_max)
{
    int argc = 0;
    char *in = line;
    char *out = line;

    for (;;) {
        while (is_space(*in))
            in++;
        if (*in == '\0') break;
        if (argc == argv_max) return AKIRA_ETOOBIG;
        argv[argc++] = out;
        /* One word: runs until an unquoted space or the end. */
        while (*in != '\0' && !is_space(*in)) {
            char c = *in++;
            if (c == '\\') {
                if (*in == '\0') return AKIRA_EINVAL;
                *out++ = *in++;
            } else if (c == '"') {
                while (*in != '"') {
                    if (*in == '\0') return AKIRA_EINVAL;
                    if (*in == '\\' && (in[1] == '"' || in[1] == '\\')) in++;
                    *out++ = *in++;
                }
                in++;
            } else if (c == '\'') {
                while (*in != '\'') {
                    if (*in == '\0') return AKIRA_EINVAL;
                    *out++ = *in++;
                }
                in++;
            } else {
                *out++ = c;
            }
        }
        /* `in` is on the separator or the end; the terminator may overwrite the
         * separator because `out` never passes `in`. */
        bool end = *in == '\0';
        *out++ = '\0';
        if (end) break;
        in++;
    }
    return argc;
}
