/* Capability names <-> bits (akira/caps.h), from the one X-macro table. */
#include <string.h>

#include <akira/caps.h>

struct cap_row {
    akira_caps_t bit;
    const char *name;
};

#define CAP_ROW(bit, name) {bit, name},
static const struct cap_row cap_table[] = {AKIRA_CAPS(CAP_ROW)};
#undef CAP_ROW

_Static_assert(sizeof cap_table / sizeof cap_table[0] == AKIRA_CAP_COUNT_,
               "AKIRA_CAPS lists every capability bit exactly once");

akira_caps_t akira_cap_from_name(const char *name, size_t len)
{
    if (!name) return 0;
    for (size_t i = 0; i < AKIRA_CAP_COUNT_; i++) {
        if (strlen(cap_table[i].name) == len && memcmp(cap_table[i].name, name, len) == 0)
            return cap_table[i].bit;
    }
    return 0;
}

const char *akira_cap_name(akira_caps_t bit)
{
    for (size_t i = 0; i < AKIRA_CAP_COUNT_; i++) {
        if (cap_table[i].bit == bit) return cap_table[i].name;
    }
    return NULL;
}
