/*
 * hid_report.h - HID report descriptors (HID 1.11 section 6.2.2): a bounded parser that
 * turns a report map into the fields of its input reports, and a decoder that walks one
 * input report's fields. Used by the HID host (ble_hogp.h); pure C, no allocation.
 */
#ifndef AKIRA_HID_REPORT_H
#define AKIRA_HID_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "akira/err.h"

#define AKIRA_HID_MAX_FIELDS 32
#define AKIRA_HID_MAX_USAGES 8  /* explicit Usage items per main item */
#define AKIRA_HID_REPORT_MAX 64 /* bytes of one input report */

typedef struct {
    uint8_t report_id; /* 0: the map uses no report IDs */
    bool variable;     /* Input(Var): one value per usage; else an array of usage indexes */
    bool is_signed;    /* logical minimum below 0 */
    uint8_t size;      /* bits per element, 1..32 */
    uint8_t count;     /* elements */
    uint16_t bit;      /* offset in the report, after the ID byte */
    uint16_t page;
    uint16_t usage_min, usage_max;
    uint8_t n_usages; /* explicit usages (variable fields), else min..max */
    uint16_t usages[AKIRA_HID_MAX_USAGES];
    int32_t logical_min;
} akira_hid_field_t;

typedef struct {
    akira_hid_field_t fields[AKIRA_HID_MAX_FIELDS];
    uint8_t n_fields;
    bool uses_ids;
} akira_hid_map_t;

/** Parse a report map; AKIRA_EFORMAT for a malformed one, AKIRA_ENOSPC past the bounds. */
akira_err_t akira_hid_map_parse(akira_hid_map_t *m, const uint8_t *desc, size_t len);

/**
 * Decode one input report (with its ID byte first when the map uses IDs). For each
 * variable element fn gets (page, usage, value); for each array element that names a
 * usage fn gets (page, usage, 1). AKIRA_ENOENT when no field has that report ID,
 * AKIRA_EFORMAT when the report is shorter than its fields.
 */
typedef void (*akira_hid_usage_fn)(void *user, uint16_t page, uint16_t usage, int32_t value);
akira_err_t akira_hid_report_decode(const akira_hid_map_t *m, const uint8_t *report, size_t len,
                                    akira_hid_usage_fn fn, void *user);

#endif /* AKIRA_HID_REPORT_H */
