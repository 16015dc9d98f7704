#!/bin/sh
# gen_large.sh N - prints a C file of N functions (loops, switches, calls, tables,
# floats), compiled to a large module for the load-time benchmark. Deterministic.
n=${1:-2000}
awk -v n="$n" 'BEGIN {
    print "#include <stdint.h>"
    print "static uint32_t tbl[64] = {1, 2, 3, 5, 8, 13, 21, 34};"
    print "uint32_t f0(uint32_t a, uint32_t b) { return a * 31 + b; }"
    for (i = 1; i < n; i++) {
        c1 = (i * 2654435761) % 4294967296; r = i % 29 + 1
        printf "uint32_t f%d(uint32_t a, uint32_t b) {\n", i
        printf "    uint32_t s = a ^ %uu;\n", c1
        printf "    for (uint32_t k = 0; k < (b & 15); k++) {\n"
        printf "        switch ((s + k) & 3) {\n"
        printf "        case 0: s = s * %uu + k; break;\n", (c1 % 65521) * 2 + 1
        printf "        case 1: s ^= s >> %d; break;\n", r
        printf "        case 2: s += tbl[(s + k) & 63]; tbl[k & 63] = s; break;\n"
        printf "        default: s = f%d(s, k); break;\n", i - 1
        printf "        }\n    }\n"
        printf "    if (s & 1) s = (s << 3) | (s >> 29);\n"
        printf "    double d = (double)(s & 0xffff) * %d.25;\n", i % 97
        printf "    s += (uint32_t)d;\n"
        printf "    return s + b;\n}\n"
    }
}'
