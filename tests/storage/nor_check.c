/* The storage tests' NOR-checking flash (nor_check.h). */
#include "nor_check.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/err.h>

static struct nor_check *of(const struct akira_device *dev)
{
    return (struct nor_check *)dev->data;
}

static void violation(struct nor_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void violation(struct nor_check *c, const char *fmt, ...)
{
    if (c->violations++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->first, sizeof c->first, fmt, ap);
        va_end(ap);
    }
}

static int chk_read(const struct akira_device *dev, uint32_t offset, void *buf, size_t len)
{
    return akira_flash_read(of(dev)->lower, offset, buf, len);
}

/* With the lock held: old = the bytes before, buf = what the layer writes. */
static int checked_write(struct nor_check *c, uint32_t offset, const uint8_t *src, size_t len,
                         uint8_t *old, uint8_t *back)
{
    if (akira_flash_read(c->lower, offset, old, len) != AKIRA_OK)
        return akira_flash_write(c->lower, offset, src, len); /* bad range, or no power */
    bool sets = false, clears = false;
    for (size_t i = 0; i < len; i++) {
        sets |= (old[i] & src[i]) != src[i];
        clears |= old[i] != src[i];
    }
    int rc = akira_flash_write(c->lower, offset, src, len);
    if (sets) {
        violation(c, "the layer wrote a 1 over a 0 at 0x%x (%zu bytes)", offset, len);
        if (rc == AKIRA_OK) violation(c, "the chip accepted a 1 over a 0 at 0x%x", offset);
        return rc;
    }
    if (rc != AKIRA_OK) return rc;
    if (akira_flash_read(c->lower, offset, back, len) != AKIRA_OK) return rc;
    if (memcmp(back, src, len) != 0) {
        violation(c, "a write at 0x%x does not read back as written", offset);
        return rc;
    }
    if (!clears) return rc;
    /* The chip must refuse to set those bits back, and keep what it has. */
    int probe = akira_flash_write(c->lower, offset, old, len);
    if (probe == AKIRA_EIO) return rc; /* power cut meanwhile: nothing to judge */
    if (probe != AKIRA_EINVAL)
        violation(c, "the chip answered %d, not EINVAL, to a 1 over a 0 at 0x%x", probe, offset);
    if (akira_flash_read(c->lower, offset, back, len) == AKIRA_OK && memcmp(back, src, len) != 0)
        violation(c, "a refused 1-over-0 write changed the bytes at 0x%x", offset);
    return rc;
}

static int chk_write(const struct akira_device *dev, uint32_t offset, const void *buf, size_t len)
{
    struct nor_check *c = of(dev);
    if (!buf || !len) return akira_flash_write(c->lower, offset, buf, len);
    uint8_t *old = malloc(len), *back = malloc(len);
    if (!old || !back) {
        free(old);
        free(back);
        return AKIRA_ENOMEM;
    }
    pthread_mutex_lock(&c->lock);
    int rc = checked_write(c, offset, buf, len, old, back);
    pthread_mutex_unlock(&c->lock);
    free(old);
    free(back);
    return rc;
}

static int chk_erase(const struct akira_device *dev, uint32_t offset, size_t len)
{
    struct nor_check *c = of(dev);
    pthread_mutex_lock(&c->lock);
    int rc = akira_flash_erase(c->lower, offset, len);
    uint8_t piece[256];
    for (size_t done = 0; rc == AKIRA_OK && done < len; done += sizeof piece) {
        size_t k = len - done < sizeof piece ? len - done : sizeof piece;
        if (akira_flash_read(c->lower, offset + (uint32_t)done, piece, k) != AKIRA_OK) break;
        for (size_t i = 0; i < k; i++) {
            if (piece[i] != AKIRA_FLASH_ERASED) {
                violation(c, "an erase at 0x%x left 0x%02x at 0x%zx", offset, piece[i],
                          offset + done + i);
                done = len;
                break;
            }
        }
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

static void chk_info(const struct akira_device *dev, struct akira_flash_info *info)
{
    akira_flash_info_get(of(dev)->lower, info);
}

static int chk_erase_count(const struct akira_device *dev, uint32_t offset, uint32_t *count)
{
    return akira_flash_erase_count_get(of(dev)->lower, offset, count);
}

static const struct akira_flash_api chk_api = {
    .read = chk_read,
    .write = chk_write,
    .erase = chk_erase,
    .info = chk_info,
    .erase_count = chk_erase_count,
};

void nor_check_init(struct nor_check *c, const char *name, const struct akira_device *lower)
{
    memset(c, 0, sizeof *c);
    c->lower = lower;
    pthread_mutex_init(&c->lock, NULL);
    c->dev.name = name;
    c->dev.api = &chk_api;
    c->dev.data = c;
    c->dev.state = &c->dev_state;
}

int nor_check_sim_open(struct nor_check *c, struct akira_sim_flash *f, const char *name,
                       uint32_t size, uint32_t sector_size, uint32_t write_block_size)
{
    int rc = akira_sim_flash_open(f, name, NULL, size, sector_size, write_block_size);
    if (rc == AKIRA_OK) nor_check_init(c, name, &f->dev);
    return rc;
}

void nor_check_fini(struct nor_check *c)
{
    pthread_mutex_destroy(&c->lock);
}

const char *nor_check_violation(struct nor_check *c)
{
    pthread_mutex_lock(&c->lock);
    const char *v = c->violations ? c->first : NULL;
    pthread_mutex_unlock(&c->lock);
    return v;
}
