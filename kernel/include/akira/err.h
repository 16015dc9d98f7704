/*
 * AkiraOS error codes: one enum of negative numbers shared by every layer.
 *
 * Functions that can fail return int: 0 (AKIRA_OK) or a non-negative count on success,
 * a negative akira_err_t on failure. Codes are stable numbers (they cross the WASM
 * boundary and the HTTP API), so new codes are only ever appended.
 */
#ifndef AKIRA_ERR_H
#define AKIRA_ERR_H

typedef enum akira_err {
    AKIRA_OK = 0,
    AKIRA_EINVAL = -1,        /* an argument is out of its documented range */
    AKIRA_ENOMEM = -2,        /* allocation failed (RAM) */
    AKIRA_ENOENT = -3,        /* no such object (name, key, file, app) */
    AKIRA_EEXIST = -4,        /* object already exists */
    AKIRA_EBUSY = -5,         /* object in use; retry later or stop the user first */
    AKIRA_ETIMEDOUT = -6,     /* a wait with a finite timeout ran out */
    AKIRA_EAGAIN = -7,        /* would block and the caller asked for AKIRA_NO_WAIT */
    AKIRA_EPERM = -8,         /* operation not permitted to this caller (not the owner) */
    AKIRA_EACCES = -9,        /* capability or access check denied */
    AKIRA_ENOSPC = -10,       /* storage or table full */
    AKIRA_EIO = -11,          /* device or transport I/O failure */
    AKIRA_ECORRUPT = -12,     /* stored data failed its integrity check (CRC, magic) */
    AKIRA_ERANGE = -13,       /* value does not fit the destination */
    AKIRA_ENOTSUP = -14,      /* valid request this build or device does not support */
    AKIRA_ECANCELED = -15,    /* operation cancelled before completion */
    AKIRA_ENAMETOOLONG = -16, /* a name exceeds its limit */
    AKIRA_EFAULT = -17,       /* a pointer (e.g. from a WASM app) is out of bounds */
    AKIRA_ENODEV = -18,       /* device missing or not ready */
    AKIRA_ESTATE = -19,       /* object is in the wrong state for this call */
    AKIRA_EOVERFLOW = -20,    /* a counter or buffer would overflow */
    AKIRA_ETOOBIG = -21,      /* input larger than the accepted maximum */
    AKIRA_EQUOTA = -22,       /* an app's resource quota is exhausted */
    AKIRA_EAUTH = -23,        /* authentication missing or wrong */
    AKIRA_ESIG = -24,         /* signature or hash verification failed */
    AKIRA_ETRAP = -25,        /* a WASM app trapped */
    AKIRA_EFORMAT = -26,      /* malformed input (binary, manifest, request) */
    AKIRA_ECONNREFUSED = -27, /* peer refused the connection */
    AKIRA_ECONNRESET = -28,   /* connection closed by the peer */
    AKIRA_ENOTCONN = -29,     /* not connected */
    AKIRA_EINTR = -30,        /* a wait was interrupted by shutdown */
    AKIRA_ENOEXEC = -31,      /* not an executable image / module */
    AKIRA_EDEADLK = -32,      /* the call would deadlock (e.g. a thread joining itself) */
    AKIRA_ENOTEMPTY = -33,    /* a directory to remove or replace still has entries */
    AKIRA_ERR_LAST_ = -33     /* internal: lowest defined code */
} akira_err_t;

/*
 * Human-readable name of an error code, e.g. "ETIMEDOUT (timed out)". Any thread may
 * call it. Never returns NULL: an unknown code gives "unknown error <n>" from a
 * thread-local buffer that stays valid until the same thread's next call with an
 * unknown code. 0 gives "OK".
 */
const char *akira_err_str(int err);

#endif /* AKIRA_ERR_H */
