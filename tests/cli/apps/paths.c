/* paths: the path forms real libcs send all resolve inside the preopened directory
 * (argv[1]): "./x", "a/./b", "a/../b", doubled and trailing slashes, symlinks that stay
 * inside; trailing slashes demand a directory. And fd_readdir's cookies: telldir /
 * seekdir come back to the same entry. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"

static void rc(const char *what, int r)
{
    printf("%s: %s\n", what, r >= 0 ? "ok" : strerror(errno));
}

static void size_of(const char *rel)
{
    struct stat st;
    if (stat(at(rel), &st) != 0)
        printf("stat %s: %s\n", rel, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        printf("stat %s: dir\n", rel);
    else
        printf("stat %s: file %lld\n", rel, (long long)st.st_size);
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    base = argv[1];
    rc("mkdir d/", mkdir(at("d/"), 0755));
    rc("mkdir ./d/e", mkdir(at("./d/e"), 0755));
    int fd = open(at("./d/./f.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    rc("create ./d/./f.txt", fd);
    if (fd >= 0) {
        rc("write", (int)write(fd, "abc", 3));
        close(fd);
    }
    size_of("d/../d/f.txt");
    size_of("d//f.txt");
    size_of("d/e/../f.txt");
    size_of("d/");
    size_of("d/e//");
    size_of("./d/./e/.");
    rc("open d/f.txt/", open(at("d/f.txt/"), O_RDONLY));
    rc("stat d/f.txt/.", access(at("d/f.txt/."), F_OK));
    rc("open d/nope/../f.txt", open(at("d/nope/../f.txt"), O_RDONLY));
    rc("rename d/f.txt d/./g.txt", rename(at("d/f.txt"), at("d/./g.txt")));
    rc("access ./d/g.txt", access(at("./d/g.txt"), F_OK));
    rc("symlink d/ln -> e/../g.txt", symlink("e/../g.txt", at("d/ln")));
    size_of("d/ln");
    rc("symlink d/up -> ..", symlink("..", at("d/up")));
    size_of("d/up/d/g.txt");
    size_of("d/up/");
    rc("unlink d/g.txt/", unlink(at("d/g.txt/")));
    rc("rmdir d/e/", rmdir(at("d/e/")));
    rc("rmdir d/e/", rmdir(at("d/e/")));

    /* cookies: telldir / seekdir over a directory of 6 entries */
    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "c/%d", i);
        if (i == 0) mkdir(at("c"), 0755);
        close(open(at(name), O_WRONLY | O_CREAT, 0644));
    }
    DIR *dir = opendir(at("c/"));
    if (!dir) {
        printf("opendir c/: %s\n", strerror(errno));
        return 1;
    }
    int seen = 0;
    struct dirent *de;
    while (seen < 3 && (de = readdir(dir)))
        seen++;
    long loc = telldir(dir);
    char first[64] = "", again[64] = "";
    if ((de = readdir(dir))) snprintf(first, sizeof first, "%s", de->d_name);
    while (readdir(dir))
        ;
    seekdir(dir, loc);
    if ((de = readdir(dir))) snprintf(again, sizeof again, "%s", de->d_name);
    printf("seekdir back: %s\n", first[0] && strcmp(first, again) == 0 ? "same entry" : "DIFFERS");
    rewinddir(dir);
    int n = 0;
    while ((de = readdir(dir)))
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    printf("entries after rewind: %d\n", n);
    closedir(dir);

    /* clean up, so the test sees an empty directory again */
    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "c/%d", i);
        unlink(at(name));
    }
    rmdir(at("c"));
    unlink(at("d/ln"));
    unlink(at("d/up"));
    unlink(at("d/g.txt"));
    rc("rmdir ./d//", rmdir(at("./d//")));
    return 0;
}
