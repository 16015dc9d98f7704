/*
 * The app store: installed app packages in the "app-store" flash partition.
 *
 * Layout (docs/runtime.md): AKIRA_BOARD_APP_SLOTS equal slots, one more than
 * AKIRA_BOARD_APPS_INSTALLED_MAX, so an upgrade always has a free slot to write the
 * new version beside the old one. A slot is a header sector (commit record, CRC of
 * every 4 KiB chunk) followed by the package bytes.
 *
 * Install is streamed: begin, write the package in pieces of any size, finish. The
 * writer holds one 256-byte buffer, never the app. finish verifies everything before
 * anything becomes visible: the chunk CRCs read back from flash, the package (exactly
 * one manifest, signature placement), the trust policy (akira/trust.h, with the
 * storage service's settings), that the engine decodes and validates the module
 * read back from flash under the manifest's memory_quota (as at start), that every
 * import is one this firmware binds and every capability one of its API modules
 * serves, and that a manifest `entry` names an exported function.
 * Only then is the commit record written, last, and read back (a record the chip did
 * not program right fails the install with AKIRA_ECORRUPT); for an upgrade (a package whose
 * manifest name is installed) the old slot is erased after it.
 *
 * Upgrades: a package whose name is installed must be signed by the installed app's key
 * (same key id; an unsigned app may be replaced by an unsigned or a signed one, a
 * signed app never by an unsigned or differently signed one: AKIRA_ESIG, field
 * "signature"), and its version must not be lower (AKIRA_EPERM, field "version"),
 * unless the owner forces it (akira_appstore_install_allow). A refused upgrade changes
 * nothing: the installed version and its data stay.
 *
 * Power loss: a cut at any flash write or erase leaves, after the next init, either
 * the state before the call or the state after it: a new install is absent or
 * complete, an upgrade shows the old or the new version (never both, never neither),
 * an uninstall leaves the app or nothing. init repairs: uncommitted slots are free,
 * and of two committed slots with one name the higher sequence number wins and the
 * other is erased.
 *
 * The store keeps no app data: an app's files live in the file system under its
 * directory and its settings under app/<name>/, which upgrade and uninstall do not
 * touch (the app manager decides what uninstall removes).
 *
 * Thread-safe: every call takes the store's one lock (and, inside finish, the storage
 * lock after it: never call the store while holding the storage lock). Calls block on
 * flash I/O. Only system code calls it: no native-bridge entry exposes it to apps.
 * Errors: AKIRA_ESTATE (not initialised, or a writer not active), AKIRA_EINVAL,
 * AKIRA_ENOENT (no such app), AKIRA_ENOSPC (INSTALLED_MAX apps installed, or no free
 * slot), AKIRA_ETOOBIG (package larger than a slot holds), AKIRA_EIO (flash),
 * AKIRA_ECORRUPT (flash read back differs), package errors (akira/package.h),
 * AKIRA_ESIG (trust policy, upgrade signer), AKIRA_EPERM (downgrade), AKIRA_ENOEXEC
 * (the engine refuses the module, or an import cannot be bound: field "imports"),
 * AKIRA_EQUOTA (the module does not load within memory_quota), AKIRA_ENOTSUP (a
 * capability without an API module).
 */
#ifndef AKIRA_APPSTORE_H
#define AKIRA_APPSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/flash_map.h>
#include <akira/manifest.h>
#include <akira/trust.h>

/* Bytes the writer buffers between flash writes. */
#define AKIRA_APPSTORE_WBUF 256u

/* An installed app, as the store knows it. A plain value: copy it freely. */
struct akira_app_record {
    struct akira_manifest manifest;
    uint32_t size; /* package (.wasm file) bytes */
    uint32_t slot;
    uint32_t seq; /* install sequence: a later install or upgrade has a higher one */
    bool is_signed;
    uint8_t key_id[AKIRA_PKG_KEY_ID_LEN];        /* signer's key id, zeros unsigned */
    char key_name[AKIRA_TRUST_KEY_NAME_MAX + 1]; /* signer's trusted-key name, "" unsigned */
};

/* What only the owner may force on an upgrade (akira_appstore_install_allow). */
#define AKIRA_APPSTORE_REKEY     1u /* a signer other than the installed app's, or none */
#define AKIRA_APPSTORE_DOWNGRADE 2u /* a version lower than the installed one */

/* A streaming install in progress. Caller-owned (stack is fine); opaque fields. */
struct akira_appstore_writer {
    uint32_t gen_; /* store generation at begin (a re-init cancels the writer) */
    uint32_t slot_;
    uint32_t written_; /* package bytes received */
    uint32_t flushed_; /* bytes in flash */
    uint32_t chunk_crc_;
    uint32_t size_hint_;
    uint32_t flags_; /* AKIRA_APPSTORE_REKEY | AKIRA_APPSTORE_DOWNGRADE */
    bool active_;
    /* An upstream .akpkg (gzip tar) being turned into a package (runtime/src/akpkg.h),
     * and a first byte held back until the second says whether it is one. */
    bool has_lead_;
    uint8_t lead_;
    struct akira_akpkg *pkg_;
    uint8_t buf_[AKIRA_APPSTORE_WBUF];
};

/* Mount the store on the storage service's flash map ("app-store" partition), scanning
 * and repairing every slot: every installed byte is read once to check its chunk CRC.
 * Call after akira_storage_init(). Calling it again remounts (writers in progress are
 * cancelled). */
int akira_appstore_init(void);

/* Committed slots the last mount found corrupt (a chunk fails its CRC, or the package
 * no longer parses): each is logged as an error naming the app when it can, and is not
 * loaded, so the app is neither listed nor run. AKIRA_ESTATE when not mounted. */
int akira_appstore_corrupt_count(void);

/* The same on any writable area (tests, tools): slots are area size / SLOTS, rounded
 * down to sectors; at least 2 sectors each. */
int akira_appstore_init_area(const struct akira_flash_area *fa);

/* Forget the mount (tests, shutdown). Writers in progress are cancelled. */
void akira_appstore_deinit(void);

/* Largest package the store accepts (a slot minus its header sector). 0 when down. */
uint32_t akira_appstore_capacity(void);

/*
 * Start an install. size_hint is the package size when known (0 = unknown): a hint
 * over the capacity fails at once with AKIRA_ETOOBIG. Reserves a free slot
 * (AKIRA_ENOSPC when none: every slot is installed or being written). Every begun
 * writer must end in finish or abort: one dropped midway keeps its slot reserved
 * until the next init.
 */
int akira_appstore_install_begin(struct akira_appstore_writer *w, uint32_t size_hint);

/* Append bytes. Any error ends the install (the slot is released; abort is then a
 * no-op). AKIRA_ETOOBIG past the capacity. */
int akira_appstore_install_write(struct akira_appstore_writer *w, const void *buf, size_t len);

/*
 * Verify and commit (see above). On AKIRA_OK *out (may be NULL) describes the
 * installed app. On failure nothing changed in the store, err (may be NULL) names
 * the field and reason (a manifest key, "manifest", "signature", "module",
 * "store"), and the writer is finished either way.
 */
int akira_appstore_install_finish(struct akira_appstore_writer *w, struct akira_app_record *out,
                                  struct akira_manifest_error *err);

/* Let this install (after begin, before finish) do what only the owner may force:
 * AKIRA_APPSTORE_REKEY, AKIRA_APPSTORE_DOWNGRADE (see "Upgrades" above). Each forced
 * upgrade is logged as a warning. */
void akira_appstore_install_allow(struct akira_appstore_writer *w, uint32_t flags);

/* Bytes the engine took at most to load the last install's module (measurement). */
size_t akira_appstore_last_check_peak(void);

/* As akira_appstore_install_finish, and once everything is verified, just before the
 * commit, before(ctx, manifest) is called without the store's lock held (the app
 * manager stops the running old version there, since the commit erases its slot). A
 * non-zero return refuses the install (err field "store"). */
typedef int (*akira_appstore_commit_fn)(void *ctx, const struct akira_manifest *m);
int akira_appstore_install_finish_hook(struct akira_appstore_writer *w,
                                       akira_appstore_commit_fn before, void *before_ctx,
                                       struct akira_app_record *out,
                                       struct akira_manifest_error *err);

/* Drop an install in progress; nothing becomes visible. Safe on a finished writer. */
void akira_appstore_install_abort(struct akira_appstore_writer *w);

/* Remove an app's package (one erase: a cut leaves it installed or gone). */
int akira_appstore_uninstall(const char *name);

/* The record of an installed app. AKIRA_ENOENT when not installed. */
int akira_appstore_find(const char *name, struct akira_app_record *out);

/* Visit every installed app in install order (seq). visit runs without the store
 * lock held, on a copy (so it may call the store); an app installed meanwhile is
 * visited when its sequence comes later. A nonzero return stops and is returned. */
int akira_appstore_foreach(int (*visit)(void *ctx, const struct akira_app_record *r), void *ctx);

/* Installed apps now. */
int akira_appstore_count(void);

/*
 * Read package bytes of an installed app: an aw_read_fn for aw_module_load, with ctx =
 * the app's struct akira_app_record (from find or foreach), which must outlive the
 * reads. Returns 0, AKIRA_EINVAL (range past the package), AKIRA_ENOENT (the app was
 * uninstalled or upgraded since the record was taken), AKIRA_EIO.
 */
int akira_appstore_read(void *ctx, uint32_t offset, void *buf, uint32_t len);

/* All a reader of one installed version needs: its slot and install sequence. A holder
 * that keeps a reader context for as long as the app may be loaded (the app manager)
 * keeps this, not the whole record with its manifest. */
struct akira_appstore_ref {
    uint32_t slot;
    uint32_t seq;
};

/* As akira_appstore_read, with ctx = a struct akira_appstore_ref taken from a record
 * (r.slot, r.seq). */
int akira_appstore_ref_read(void *ctx, uint32_t offset, void *buf, uint32_t len);

/* Where the CPU reads the bytes [offset, offset+len) of the installed version `ctx` (a
 * struct akira_appstore_ref) in place, on a memory-mapped flash; NULL when the chip is
 * not mapped, the range is past the package or the version is gone. The bytes stay
 * there until the version is uninstalled or upgraded, which the app manager does only
 * with the app stopped (docs/aot.md, execute in place). */
const void *akira_appstore_ref_addr(void *ctx, uint32_t offset, uint32_t len);

#endif /* AKIRA_APPSTORE_H */
