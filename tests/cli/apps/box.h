/* box.h: the test apps' directory argument: at("x") is "<base>/x" (two buffers, so two
 * paths can be used in one call). */
#ifndef CLI_APPS_BOX_H
#define CLI_APPS_BOX_H

#include <stdio.h>

static const char *base;

static const char *at(const char *rel)
{
    static char buf[2][512];
    static int n;
    char *p = buf[n++ % 2];
    snprintf(p, sizeof buf[0], "%s/%s", base, rel);
    return p;
}

#endif
