/*
 * value.h - text form of Wasm values for `akira-wasm run --invoke`.
 *
 * Arguments are parsed by the export's parameter types; results are printed one per
 * line as TYPE:VALUE (i32:-1, i64:42, f32:1.5, f64:nan, funcref:null), integers signed
 * in decimal, floats with enough digits to round-trip.
 */
#ifndef AKIRA_CLI_VALUE_H
#define AKIRA_CLI_VALUE_H

#include <akira/wasm.h>

#include <stdbool.h>
#include <stdio.h>

/* Parse `s` as a value of type `type` (an AW_* byte). Integers accept decimal, 0x hex
 * and the full signed and unsigned range of their width; floats accept what strtod
 * does (inf, nan, hex floats); references accept only "null". False if it does not
 * parse or is out of range. */
bool akira_cli_value_parse(uint8_t type, const char *s, aw_val *out);

/* "i32", "i64", "f32", "f64", "funcref", "externref" or "v128". */
const char *akira_cli_value_type_name(uint8_t type);

/* Print `v` of type `type` as TYPE:VALUE and a newline. */
void akira_cli_value_print(FILE *out, uint8_t type, aw_val v);

#endif /* AKIRA_CLI_VALUE_H */
