/* files: file I/O below a preopened directory (argv[1], given with --dir): create,
 * write, append, read back, seek, stat, truncate, list, rename, unlink, rmdir. Prints
 * what it observed; any unexpected failure prints the call and exits 1. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base;

static const char *at(const char *rel)
{
    static char buf[4][512];
    static int n;
    char *p = buf[n++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", base, rel);
    return p;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAILED line %d: %s (errno %d: %s)\n", __LINE__, #cond, errno,                  \
                   strerror(errno));                                                               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *rel)
{
    DIR *d = opendir(at(rel));
    CHECK(d != NULL);
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("ls %s:", rel);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    base = argv[1];

    CHECK(mkdir(at("d"), 0755) == 0);
    FILE *f = fopen(at("d/a.txt"), "w");
    CHECK(f != NULL);
    CHECK(fputs("hello file\n", f) >= 0);
    CHECK(fclose(f) == 0);
    f = fopen(at("d/a.txt"), "a");
    CHECK(f != NULL);
    CHECK(fputs("more\n", f) >= 0);
    CHECK(fclose(f) == 0);

    char buf[128];
    f = fopen(at("d/a.txt"), "r");
    CHECK(f != NULL);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    printf("content: %s", buf);

    struct stat st;
    CHECK(stat(at("d/a.txt"), &st) == 0);
    printf("size: %lld regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK(stat(at("d"), &st) == 0 && S_ISDIR(st.st_mode));

    int fd = open(at("d/a.txt"), O_RDWR);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    CHECK(read(fd, buf, 4) == 4);
    buf[4] = '\0';
    printf("at 6: %s, now at %lld\n", buf, (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
    CHECK(ftruncate(fd, 10) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK(close(fd) == 0);
    f = fopen(at("d/a.txt"), "r");
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    printf("after pwrite+truncate: %s (size %lld)\n", buf, (long long)st.st_size);

    fd = open(at("d/b.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    CHECK(close(fd) == 0);
    errno = 0;
    CHECK(open(at("d/b.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
    CHECK(mkdir(at("d/sub"), 0755) == 0);
    list("d");

    CHECK(rename(at("d/a.txt"), at("d/sub/c.txt")) == 0);
    errno = 0;
    CHECK(stat(at("d/a.txt"), &st) != 0 && errno == ENOENT);
    CHECK(stat(at("d/sub/c.txt"), &st) == 0 && st.st_size == 10);
    list("d");
    list("d/sub");

    errno = 0;
    CHECK(rmdir(at("d/sub")) != 0 && errno == ENOTEMPTY);
    CHECK(unlink(at("d/sub/c.txt")) == 0);
    CHECK(unlink(at("d/b.txt")) == 0);
    CHECK(rmdir(at("d/sub")) == 0);
    CHECK(rmdir(at("d")) == 0);
    errno = 0;
    CHECK(stat(at("d"), &st) != 0 && errno == ENOENT);
    list(".");

    /* a directory larger than libc's readdir buffer: listing continues by cookie */
    CHECK(mkdir(at("many"), 0755) == 0);
    for (int i = 0; i < 300; i++) {
        char name[64];
        snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
        fd = open(at(name), O_WRONLY | O_CREAT, 0644);
        CHECK(fd >= 0 && close(fd) == 0);
    }
    DIR *dir = opendir(at("many"));
    CHECK(dir != NULL);
    int entries = 0, sum = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.') continue;
        entries++;
        sum += atoi(e->d_name + strlen("entry-with-a-longish-name-"));
    }
    closedir(dir);
    printf("many: %d entries, index sum %d\n", entries, sum);
    for (int i = 0; i < 300; i++) {
        char name[64];
        snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
        CHECK(unlink(at(name)) == 0);
    }
    CHECK(rmdir(at("many")) == 0);

    /* links and timestamps */
    CHECK(mkdir(at("l"), 0755) == 0);
    f = fopen(at("l/t.txt"), "w");
    CHECK(f != NULL && fputs("linked\n", f) >= 0 && fclose(f) == 0);
    CHECK(symlink("t.txt", at("l/sym")) == 0);
    ssize_t ln = readlink(at("l/sym"), buf, sizeof buf - 1);
    CHECK(ln >= 0);
    buf[ln] = '\0';
    f = fopen(at("l/sym"), "r");
    CHECK(f != NULL);
    char via[32] = "";
    CHECK(fgets(via, sizeof via, f) != NULL);
    fclose(f);
    errno = 0;
    CHECK(symlink("/etc/passwd", at("l/abs")) != 0 && errno == ENOTCAPABLE);
    CHECK(link(at("l/t.txt"), at("l/hard")) == 0);
    CHECK(stat(at("l/t.txt"), &st) == 0);
    struct timespec ts[2] = {{1000, 0}, {2000, 500}};
    CHECK(utimensat(AT_FDCWD, at("l/t.txt"), ts, 0) == 0);
    struct stat st2;
    CHECK(stat(at("l/hard"), &st2) == 0);
    printf("readlink: %s, via link: %s", buf, via);
    printf("nlink: %d, mtime: %lld.%09ld\n", (int)st.st_nlink, (long long)st2.st_mtim.tv_sec,
           st2.st_mtim.tv_nsec);
    list("l");
    CHECK(unlink(at("l/sym")) == 0 && unlink(at("l/hard")) == 0 && unlink(at("l/t.txt")) == 0);
    CHECK(rmdir(at("l")) == 0);
    printf("files ok\n");
    return 0;
}
