/*
 * Simulated NOR flash: the chip's rules, an mmap'ed image file and power-cut injection.
 */
#include <akira/sim_flash.h>

#include <akira/err.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct akira_sim_flash *sim_of(const struct akira_device *dev)
{
    return (struct akira_sim_flash *)dev->data;
}

static bool in_range(const struct akira_sim_flash *f, uint32_t offset, size_t len)
{
    return offset <= f->info.size && len <= (size_t)f->info.size - offset;
}

/* xorshift32: garbage for torn erases, reproducible from the seed. */
static uint8_t next_garbage(struct akira_sim_flash *f)
{
    uint32_t x = f->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f->rng = x;
    return (uint8_t)x;
}

/* Counts one mutating operation; true when power dies during this one. */
static bool cut_now(struct akira_sim_flash *f)
{
    if (f->cut_countdown == 0) return false;
    if (--f->cut_countdown > 0) return false;
    f->cut = true;
    return true;
}

static int sim_read_locked(const struct akira_device *dev, uint32_t offset, void *buf, size_t len)
{
    struct akira_sim_flash *f = sim_of(dev);
    if (f->cut) return AKIRA_EIO;
    if (!in_range(f, offset, len) || (len && !buf)) return AKIRA_EINVAL;
    memcpy(buf, f->mem + offset, len);
    f->stats.bytes_read += len;
    return AKIRA_OK;
}

static int sim_write_locked(const struct akira_device *dev, uint32_t offset, const void *buf,
                            size_t len)
{
    struct akira_sim_flash *f = sim_of(dev);
    const uint8_t *src = buf;
    uint32_t wbs = f->info.write_block_size;

    if (f->cut) return AKIRA_EIO;
    if (!in_range(f, offset, len) || offset % wbs || len % wbs || (len && !buf))
        return AKIRA_EINVAL;
    /* Checked before touching anything: a write that would need to set a bit is a
     * bug in the caller, and the chip would have corrupted the data. */
    for (size_t i = 0; i < len; i++) {
        if ((f->mem[offset + i] & src[i]) != src[i]) return AKIRA_EINVAL;
    }
    if (cut_now(f)) {
        if (f->cut_mode == AKIRA_SIM_CUT_TORN) {
            size_t half = (len / wbs / 2) * wbs;
            for (size_t i = 0; i < half; i++)
                f->mem[offset + i] &= src[i];
        }
        return AKIRA_EIO;
    }
    /* A weak cell: the first bit this write clears stays set (armed by tests). */
    size_t weak = len;
    uint8_t weak_mask = 0;
    if (f->weak_countdown) {
        for (size_t i = 0; i < len && weak == len; i++) {
            uint8_t clears = f->mem[offset + i] & (uint8_t)~src[i];
            if (clears) {
                weak = i;
                weak_mask = clears & (uint8_t)-clears;
            }
        }
        if (weak < len && --f->weak_countdown > 0) weak = len;
    }
    for (size_t i = 0; i < len; i++)
        f->mem[offset + i] &= src[i];
    if (weak < len) {
        f->mem[offset + weak] |= weak_mask;
        f->stats.weak_bits++;
    }
    f->stats.writes++;
    f->stats.bytes_written += len;
    return AKIRA_OK;
}

static int sim_erase_locked(const struct akira_device *dev, uint32_t offset, size_t len)
{
    struct akira_sim_flash *f = sim_of(dev);
    uint32_t ss = f->info.sector_size;

    if (f->cut) return AKIRA_EIO;
    if (!in_range(f, offset, len) || offset % ss || len % ss) return AKIRA_EINVAL;
    for (size_t s = 0; s < len; s += ss) {
        uint8_t *p = f->mem + offset + s;
        if (cut_now(f)) {
            if (f->cut_mode == AKIRA_SIM_CUT_TORN) {
                /* A real erase that loses power leaves cells anywhere between
                 * programmed and erased: model it as an erased front part and
                 * random bytes after it. */
                size_t done = ss / 2;
                memset(p, 0xFF, done);
                for (size_t i = done; i < ss; i++)
                    p[i] = next_garbage(f);
            }
            return AKIRA_EIO;
        }
        memset(p, 0xFF, ss);
        f->erase_count[(offset + s) / ss]++;
        f->stats.erases++;
    }
    return AKIRA_OK;
}

/* Every operation under the chip's lock: counters, the cut state and the bytes stay
 * consistent when several threads use the chip. */
static int sim_read(const struct akira_device *dev, uint32_t offset, void *buf, size_t len)
{
    struct akira_sim_flash *f = sim_of(dev);
    pthread_mutex_lock(&f->lock);
    int err = sim_read_locked(dev, offset, buf, len);
    pthread_mutex_unlock(&f->lock);
    return err;
}

static int sim_write(const struct akira_device *dev, uint32_t offset, const void *buf, size_t len)
{
    struct akira_sim_flash *f = sim_of(dev);
    pthread_mutex_lock(&f->lock);
    int err = sim_write_locked(dev, offset, buf, len);
    pthread_mutex_unlock(&f->lock);
    return err;
}

static int sim_erase(const struct akira_device *dev, uint32_t offset, size_t len)
{
    struct akira_sim_flash *f = sim_of(dev);
    pthread_mutex_lock(&f->lock);
    int err = sim_erase_locked(dev, offset, len);
    pthread_mutex_unlock(&f->lock);
    return err;
}

static void sim_info(const struct akira_device *dev, struct akira_flash_info *info)
{
    *info = sim_of(dev)->info;
}

static int sim_erase_count(const struct akira_device *dev, uint32_t offset, uint32_t *count)
{
    struct akira_sim_flash *f = sim_of(dev);
    if (offset >= f->info.size) return AKIRA_EINVAL;
    *count = akira_sim_flash_erase_count(f, offset);
    return AKIRA_OK;
}

static const struct akira_flash_api sim_api = {
    .read = sim_read,
    .write = sim_write,
    .erase = sim_erase,
    .info = sim_info,
    .erase_count = sim_erase_count,
};

static int map_file(struct akira_sim_flash *f, const char *path, uint32_t size)
{
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) return AKIRA_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0) goto io;
    if (st.st_size == 0) {
        /* New image: a chip fresh from the factory reads all ones. */
        uint8_t ones[4096];
        memset(ones, 0xFF, sizeof ones);
        for (uint32_t done = 0; done < size;) {
            size_t n = size - done < sizeof ones ? size - done : sizeof ones;
            ssize_t w = pwrite(fd, ones, n, done);
            if (w <= 0) goto io;
            done += (uint32_t)w;
        }
    } else if ((uint64_t)st.st_size != size) {
        close(fd);
        return AKIRA_EINVAL;
    }
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) goto io;
    f->mem = m;
    f->fd = fd;
    return AKIRA_OK;
io:
    close(fd);
    return AKIRA_EIO;
}

int akira_sim_flash_open(struct akira_sim_flash *f, const char *name, const char *path,
                         uint32_t size, uint32_t sector_size, uint32_t write_block_size)
{
    if (!f || !name || size == 0 || sector_size == 0 || write_block_size == 0 ||
        size % sector_size || sector_size % write_block_size)
        return AKIRA_EINVAL;
    memset(f, 0, sizeof *f);
    f->info.size = size;
    f->info.sector_size = sector_size;
    f->info.write_block_size = write_block_size;
    f->fd = -1;
    f->rng = 0x2545F491u;
    f->erase_count = calloc(size / sector_size, sizeof *f->erase_count);
    if (!f->erase_count) return AKIRA_ENOMEM;
    if (path) {
        int err = map_file(f, path, size);
        if (err) {
            free(f->erase_count);
            return err;
        }
    } else {
        void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            free(f->erase_count);
            return AKIRA_ENOMEM;
        }
        f->mem = m;
        memset(f->mem, 0xFF, size);
    }
    pthread_mutex_init(&f->lock, NULL);
    f->dev.name = name;
    f->dev.api = &sim_api;
    f->dev.data = f;
    f->dev.state = &f->dev_state;
    return AKIRA_OK;
}

void akira_sim_flash_close(struct akira_sim_flash *f)
{
    if (!f || !f->mem) return;
    if (f->fd >= 0) {
        msync(f->mem, f->info.size, MS_SYNC);
        munmap(f->mem, f->info.size);
        close(f->fd);
    } else {
        munmap(f->mem, f->info.size);
    }
    free(f->erase_count);
    pthread_mutex_destroy(&f->lock);
    f->mem = NULL;
    f->erase_count = NULL;
}

void akira_sim_flash_cut_after(struct akira_sim_flash *f, uint64_t n, enum akira_sim_cut_mode mode)
{
    pthread_mutex_lock(&f->lock);
    f->cut_countdown = n;
    f->cut_mode = mode;
    pthread_mutex_unlock(&f->lock);
}

void akira_sim_flash_weak_bit_after(struct akira_sim_flash *f, uint64_t n)
{
    pthread_mutex_lock(&f->lock);
    f->weak_countdown = n;
    pthread_mutex_unlock(&f->lock);
}

void akira_sim_flash_reboot(struct akira_sim_flash *f)
{
    pthread_mutex_lock(&f->lock);
    f->cut = false;
    f->cut_countdown = 0;
    pthread_mutex_unlock(&f->lock);
}

bool akira_sim_flash_is_cut(struct akira_sim_flash *f)
{
    pthread_mutex_lock(&f->lock);
    bool cut = f->cut;
    pthread_mutex_unlock(&f->lock);
    return cut;
}

uint32_t akira_sim_flash_erase_count(struct akira_sim_flash *f, uint32_t offset)
{
    if (offset >= f->info.size) return 0;
    pthread_mutex_lock(&f->lock);
    uint32_t n = f->erase_count[offset / f->info.sector_size];
    pthread_mutex_unlock(&f->lock);
    return n;
}

void akira_sim_flash_stats_get(struct akira_sim_flash *f, struct akira_sim_flash_stats *out)
{
    pthread_mutex_lock(&f->lock);
    *out = f->stats;
    pthread_mutex_unlock(&f->lock);
}

void akira_sim_flash_stats_reset(struct akira_sim_flash *f)
{
    pthread_mutex_lock(&f->lock);
    memset(&f->stats, 0, sizeof f->stats);
    pthread_mutex_unlock(&f->lock);
}

void akira_sim_flash_seed(struct akira_sim_flash *f, uint32_t seed)
{
    f->rng = seed ? seed : 1;
}
