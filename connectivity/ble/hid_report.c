/* HID report descriptor parsing and input report decoding (hid_report.h). */
#include <string.h>

#include "akira/hid_report.h"

#define MAX_IDS   16
#define MAX_DEPTH 4

struct globals {
    uint16_t page;
    int32_t lmin, lmax;
    uint32_t size, count;
    uint8_t id;
};

static uint32_t item_u(const uint8_t *d, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint32_t)d[i] << (8 * i);
    return v;
}

static int32_t item_s(const uint8_t *d, size_t n)
{
    uint32_t v = item_u(d, n);
    if (n == 1) return (int8_t)v;
    if (n == 2) return (int16_t)v;
    return (int32_t)v;
}

akira_err_t akira_hid_map_parse(akira_hid_map_t *m, const uint8_t *d, size_t len)
{
    memset(m, 0, sizeof(*m));
    struct globals g = {0}, stack[MAX_DEPTH];
    int sp = 0, depth = 0;
    uint16_t usages[AKIRA_HID_MAX_USAGES];
    uint8_t n_usages = 0;
    uint32_t umin = 0, umax = 0;
    bool have_min = false, have_max = false;
    uint8_t ids[MAX_IDS];
    uint16_t bits[MAX_IDS];
    size_t n_ids = 0;
    for (size_t at = 0; at < len;) {
        uint8_t b = d[at++];
        if (b == 0xfe) { /* long item: skipped whole */
            if (at + 2 > len) return AKIRA_EFORMAT;
            size_t n = d[at];
            if (at + 2 + n > len) return AKIRA_EFORMAT;
            at += 2 + n;
            continue;
        }
        size_t n = (b & 3) == 3 ? 4 : (b & 3);
        if (at + n > len) return AKIRA_EFORMAT;
        const uint8_t *v = d + at;
        at += n;
        uint8_t type = (b >> 2) & 3, tag = b >> 4;
        if (type == 1) { /* global */
            switch (tag) {
            case 0x0: g.page = (uint16_t)item_u(v, n); break;
            case 0x1: g.lmin = item_s(v, n); break;
            case 0x2: g.lmax = n < 4 && g.lmin >= 0 ? (int32_t)item_u(v, n) : item_s(v, n); break;
            case 0x7: g.size = item_u(v, n); break;
            case 0x8:
                g.id = (uint8_t)item_u(v, n);
                if (g.id == 0 || n != 1) return AKIRA_EFORMAT;
                m->uses_ids = true;
                break;
            case 0x9: g.count = item_u(v, n); break;
            case 0xa:
                if (sp == MAX_DEPTH) return AKIRA_ENOSPC;
                stack[sp++] = g;
                break;
            case 0xb:
                if (sp == 0) return AKIRA_EFORMAT;
                g = stack[--sp];
                break;
            default: break; /* unit, exponent, physical range: not needed to decode */
            }
        } else if (type == 2) { /* local */
            uint32_t u = item_u(v, n);
            if (n == 4) u &= 0xffff; /* extended usage: its page is the current one here */
            if (tag == 0x0) {
                if (n_usages == AKIRA_HID_MAX_USAGES) return AKIRA_ENOSPC;
                usages[n_usages++] = (uint16_t)u;
            } else if (tag == 0x1) {
                umin = u;
                have_min = true;
            } else if (tag == 0x2) {
                umax = u;
                have_max = true;
            }
        } else if (type == 0) { /* main */
            if (tag == 0xa) {
                if (++depth > 8) return AKIRA_ENOSPC;
            } else if (tag == 0xc) {
                if (--depth < 0) return AKIRA_EFORMAT;
            } else if (tag == 0x8) { /* Input */
                if (g.size == 0 || g.size > 32 || g.count == 0 || g.count > 255)
                    return AKIRA_EFORMAT;
                if (m->uses_ids && g.id == 0) return AKIRA_EFORMAT;
                size_t k = 0;
                while (k < n_ids && ids[k] != g.id)
                    k++;
                if (k == n_ids) {
                    if (n_ids == MAX_IDS) return AKIRA_ENOSPC;
                    ids[n_ids] = g.id;
                    bits[n_ids++] = 0;
                }
                uint32_t end = bits[k] + g.size * g.count;
                if (end > (AKIRA_HID_REPORT_MAX - 1) * 8) return AKIRA_ENOSPC;
                uint32_t flags = item_u(v, n);
                if (!(flags & 1)) { /* constant fields are padding: no field */
                    if (m->n_fields == AKIRA_HID_MAX_FIELDS) return AKIRA_ENOSPC;
                    akira_hid_field_t *f = &m->fields[m->n_fields++];
                    memset(f, 0, sizeof(*f));
                    f->report_id = g.id;
                    f->variable = flags & 2;
                    f->is_signed = g.lmin < 0;
                    f->size = (uint8_t)g.size;
                    f->count = (uint8_t)g.count;
                    f->bit = bits[k];
                    f->page = g.page;
                    f->logical_min = g.lmin;
                    f->usage_min = (uint16_t)(have_min ? umin : (n_usages ? usages[0] : 0));
                    f->usage_max = (uint16_t)(have_max ? umax : f->usage_min);
                    if (!have_min) {
                        f->n_usages = n_usages;
                        memcpy(f->usages, usages, n_usages * sizeof(usages[0]));
                    }
                }
                bits[k] = (uint16_t)end;
            }
            /* Output and Feature items are the host's to send, not to decode. Every main
             * item ends the local state. */
            n_usages = 0;
            have_min = have_max = false;
        }
    }
    if (depth != 0) return AKIRA_EFORMAT;
    return m->n_fields ? AKIRA_OK : AKIRA_EFORMAT;
}

static uint32_t bits_at(const uint8_t *p, uint32_t bit, uint8_t size)
{
    uint32_t v = 0;
    for (uint8_t i = 0; i < size; i++) {
        uint32_t b = bit + i;
        v |= (uint32_t)((p[b >> 3] >> (b & 7)) & 1) << i;
    }
    return v;
}

akira_err_t akira_hid_report_decode(const akira_hid_map_t *m, const uint8_t *r, size_t len,
                                    akira_hid_usage_fn fn, void *user)
{
    uint8_t id = 0;
    if (m->uses_ids) {
        if (len < 1) return AKIRA_EFORMAT;
        id = r[0];
        r++;
        len--;
    }
    bool any = false;
    for (size_t i = 0; i < m->n_fields; i++) {
        const akira_hid_field_t *f = &m->fields[i];
        if (f->report_id != id) continue;
        any = true;
        if ((uint32_t)f->bit + (uint32_t)f->size * f->count > len * 8) return AKIRA_EFORMAT;
    }
    if (!any) return AKIRA_ENOENT;
    for (size_t i = 0; i < m->n_fields; i++) {
        const akira_hid_field_t *f = &m->fields[i];
        if (f->report_id != id) continue;
        for (uint8_t e = 0; e < f->count; e++) {
            uint32_t raw = bits_at(r, f->bit + (uint32_t)e * f->size, f->size);
            int32_t val = (int32_t)raw;
            if (f->is_signed && f->size < 32 && (raw >> (f->size - 1)) & 1)
                val = (int32_t)(raw | (~0u << f->size));
            if (f->variable) {
                uint32_t usage = f->n_usages ? f->usages[e < f->n_usages ? e : f->n_usages - 1]
                                             : (uint32_t)f->usage_min + e;
                fn(user, f->page, (uint16_t)usage, val);
            } else {
                int64_t idx = (int64_t)val - f->logical_min;
                int64_t usage = (int64_t)f->usage_min + idx;
                if (idx < 0 || usage > f->usage_max || usage == 0) continue; /* none / rollover */
                fn(user, f->page, (uint16_t)usage, 1);
            }
        }
    }
    return AKIRA_OK;
}
