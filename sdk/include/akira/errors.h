/*
 * AkiraOS app SDK - the error codes native calls return (negative numbers). The same
 * stable values as the system's akira_err_t (kernel/include/akira/err.h); the ones an
 * app meets are listed here.
 */
#ifndef AKIRA_SDK_ERRORS_H
#define AKIRA_SDK_ERRORS_H

#define AKIRA_OK           0
#define AKIRA_EINVAL       (-1) /* an argument is out of range */
#define AKIRA_ENOMEM       (-2)
#define AKIRA_ENOENT       (-3) /* no such object (timer id, ...) */
#define AKIRA_EEXIST       (-4) /* already exists (file, subscription) */
#define AKIRA_EBUSY        (-5) /* in use (an open file, the volume's open files) */
#define AKIRA_ETIMEDOUT    (-6)
#define AKIRA_EAGAIN       (-7)  /* not now: no message waiting, write budget spent */
#define AKIRA_EACCES       (-9)  /* the app lacks the capability this call needs */
#define AKIRA_ENOSPC       (-10) /* a table is full (timers, ...) or storage is */
#define AKIRA_EIO          (-11) /* flash I/O failed */
#define AKIRA_ERANGE       (-13) /* the buffer given is too small */
#define AKIRA_ENAMETOOLONG (-16) /* a topic, path, component or key is too long */
#define AKIRA_EFAULT       (-17) /* a pointer or length leaves the app's memory */
#define AKIRA_ENODEV       (-18) /* the device has no storage up */
#define AKIRA_EOVERFLOW    (-20)
#define AKIRA_ETOOBIG      (-21) /* a message or value is larger than accepted */
#define AKIRA_EQUOTA       (-22) /* memory_quota, storage or settings share exhausted */
#define AKIRA_ENOTEMPTY    (-33) /* a directory to remove still has entries */
/* Hardware and network modules (gpio, i2c, uart, pwm, sensor, power, net). */
#define AKIRA_EPERM        (-8)  /* not allowed to apps at all (deep sleep) */
#define AKIRA_ENOTSUP      (-14) /* the device has no such channel or feature */
#define AKIRA_ESTATE       (-19) /* wrong state (set on an input pin, get before fetch) */
#define AKIRA_ECONNREFUSED (-27)
#define AKIRA_ECONNRESET   (-28)
#define AKIRA_ENOTCONN     (-29)

#endif /* AKIRA_SDK_ERRORS_H */
