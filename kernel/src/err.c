/* Error code names. */
#include <stdio.h>

#include <akira/err.h>

static const char *const names[] = {
    [0] = "OK",
    [1] = "EINVAL (invalid argument)",
    [2] = "ENOMEM (out of memory)",
    [3] = "ENOENT (no such object)",
    [4] = "EEXIST (already exists)",
    [5] = "EBUSY (busy)",
    [6] = "ETIMEDOUT (timed out)",
    [7] = "EAGAIN (would block)",
    [8] = "EPERM (not permitted)",
    [9] = "EACCES (access denied)",
    [10] = "ENOSPC (no space left)",
    [11] = "EIO (I/O error)",
    [12] = "ECORRUPT (data corrupted)",
    [13] = "ERANGE (out of range)",
    [14] = "ENOTSUP (not supported)",
    [15] = "ECANCELED (cancelled)",
    [16] = "ENAMETOOLONG (name too long)",
    [17] = "EFAULT (bad address)",
    [18] = "ENODEV (no such device)",
    [19] = "ESTATE (wrong state)",
    [20] = "EOVERFLOW (overflow)",
    [21] = "ETOOBIG (too big)",
    [22] = "EQUOTA (quota exceeded)",
    [23] = "EAUTH (authentication failed)",
    [24] = "ESIG (signature check failed)",
    [25] = "ETRAP (app trapped)",
    [26] = "EFORMAT (malformed input)",
    [27] = "ECONNREFUSED (connection refused)",
    [28] = "ECONNRESET (connection reset)",
    [29] = "ENOTCONN (not connected)",
    [30] = "EINTR (interrupted)",
    [31] = "ENOEXEC (not executable)",
    [32] = "EDEADLK (would deadlock)",
    [33] = "ENOTEMPTY (directory not empty)",
};

/* A table indexed by -err keeps lookup O(1); the static assert catches an enum value
 * added without its name. */
_Static_assert(sizeof(names) / sizeof(names[0]) == 1 - AKIRA_ERR_LAST_,
               "every akira_err_t needs a name");

const char *akira_err_str(int err)
{
    if (err <= 0 && err >= AKIRA_ERR_LAST_ && names[-err] != NULL) return names[-err];
    /* Thread-local so concurrent callers with different unknown codes do not race. */
    static _Thread_local char buf[32];
    snprintf(buf, sizeof(buf), "unknown error %d", err);
    return buf;
}
