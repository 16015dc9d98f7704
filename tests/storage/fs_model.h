/*
 * A model of a small file system state for the FS tests: four file paths and one
 * directory, with the file contents the FS must show.
 */
#ifndef TEST_FS_MODEL_H
#define TEST_FS_MODEL_H

#include <akira/err.h>
#include <akira/fs.h>

#include <stdint.h>
#include <string.h>

#define M_FILES 4
#define M_MAXSZ 16384

static const char *const m_paths[M_FILES] = {"/f0", "/f1", "/d/f2", "/d/f3"};

struct m_state {
    int dir; /* /d exists */
    int exists[M_FILES];
    uint32_t len[M_FILES];
    uint8_t data[M_FILES][M_MAXSZ];
};

/* 0 when the FS shows exactly state s. */
static int m_compare(const struct akira_fs *fs, const struct m_state *s)
{
    static uint8_t buf[M_MAXSZ + 16];
    struct akira_fs_stat st;
    int err = akira_fs_stat(fs, "/d", &st);
    if (s->dir != (err == AKIRA_OK)) return 1;
    for (int i = 0; i < M_FILES; i++) {
        err = akira_fs_stat(fs, m_paths[i], &st);
        if (!s->exists[i]) {
            if (err != AKIRA_ENOENT) return 10 + i;
            continue;
        }
        if (err || st.type != AKIRA_FS_TYPE_FILE || st.size != s->len[i]) return 20 + i;
        struct akira_fs_file f;
        if (akira_fs_open(fs, m_paths[i], AKIRA_FS_O_READ, &f)) return 30 + i;
        int n = akira_fs_read(&f, buf, sizeof buf);
        akira_fs_close(&f);
        if (n != (int)s->len[i] || memcmp(buf, s->data[i], s->len[i]) != 0) return 40 + i;
    }
    /* Nothing else: count the entries. */
    struct akira_fs_dir d;
    int count = 0, want = s->dir;
    for (int i = 0; i < 2; i++)
        want += s->exists[i];
    if (akira_fs_opendir(fs, "/", &d)) return 50;
    while (akira_fs_readdir(&d, &st) == 1)
        count++;
    if (count != want) return 51;
    if (s->dir) {
        count = 0;
        want = s->exists[2] + s->exists[3];
        if (akira_fs_opendir(fs, "/d", &d)) return 52;
        while (akira_fs_readdir(&d, &st) == 1)
            count++;
        if (count != want) return 53;
    }
    return 0;
}

#endif
