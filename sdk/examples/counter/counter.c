/*
 * counter: counts its own runs in storage, so the number survives app restarts and
 * device reboots. The count is a settings key ("boots", 4 bytes); each run also
 * appends one line to the file "history.txt" in the app's directory.
 */
#include <akira/akira.h>

static uint32_t fmt_u32(char *out, uint32_t v)
{
    char tmp[10];
    uint32_t n = 0, len = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        out[len++] = tmp[--n];
    return len;
}

__attribute__((export_name("main"))) int app_main(void)
{
    uint32_t boots = 0;
    int32_t rc = akira_setting_get("boots", &boots, sizeof(boots));
    if (rc != (int32_t)sizeof(boots) && rc != AKIRA_ENOENT) {
        akira_printf("cannot read the count: %d\n", (int)rc);
        return 1;
    }
    boots++;
    rc = akira_setting_set("boots", &boots, sizeof(boots));
    if (rc != 0) {
        akira_printf("cannot store the count: %d\n", (int)rc);
        return 1;
    }
    /* One line per run: "run N\n". Durable once close returns 0. */
    int32_t fd = akira_open("history.txt", AKIRA_O_WRITE | AKIRA_O_CREATE | AKIRA_O_APPEND);
    if (fd < 0) {
        akira_printf("cannot open history.txt: %d\n", (int)fd);
        return 1;
    }
    char line[16] = "run ";
    uint32_t len = 4 + fmt_u32(line + 4, boots);
    line[len++] = '\n';
    rc = akira_fs_write(fd, line, len);
    int32_t closed = akira_fs_close(fd);
    if (rc != (int32_t)len || closed != 0) {
        akira_printf("cannot write history.txt: %d %d\n", (int)rc, (int)closed);
        return 1;
    }
    struct akira_fs_stat st;
    akira_fs_stat("history.txt", 11, &st);
    akira_printf("run %u (history.txt %u bytes)\n", (unsigned)boots, (unsigned)st.size);
    return 0;
}
