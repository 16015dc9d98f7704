/*
 * `app`: the app manager and the app store from the shell.
 *   app list                       one line per installed app
 *   app info NAME                  manifest, state and reason, signature, stats
 *   app install PATH [--rekey] [--downgrade]
 *                                  stream a package file into the store (board hook);
 *                                  the options force an upgrade by another signer or to
 *                                  a lower version (owner only: the console's user)
 *   app start|stop|uninstall NAME
 *   app pause|resume NAME          post the lifecycle event to a running app
 *   app logs NAME                  the app's log ring
 *   app caps NAME [grant|revoke CAP]  show or change its capabilities (next call)
 *   app focus [NAME|-]             which app owns the display; give it to NAME, or to
 *                                  the system screen (launcher) with -
 *   app tier NAME [interp|auto]    show the tier, or force the interpreter (next start)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/shell.h>
#include <akira/shell_app.h>
#include <akira/shell_cmds.h>

/* Bytes read from the file and written to the store per step: bounded RAM. */
#define INSTALL_CHUNK 1024u

static const struct akira_shell_file_ops *files;
static const struct akira_shell_focus_ops *focus_ops;

void akira_shell_app_focus_set(const struct akira_shell_focus_ops *ops)
{
    focus_ops = ops;
}

static int cmd_focus(struct akira_shell *sh, int argc, char **argv)
{
    if (!focus_ops) {
        akira_shell_puts(sh, "app focus: this board has no display\n");
        return AKIRA_ENODEV;
    }
    if (argc == 2) {
        const char *name = strcmp(argv[1], "-") ? argv[1] : "";
        int rc = focus_ops->set(name);
        if (rc) {
            akira_shell_print(sh, "app focus %s: %s%s\n", argv[1], akira_err_str(rc),
                              rc == AKIRA_ENOENT   ? " (not running)"
                              : rc == AKIRA_EACCES ? " (no display or ui capability)"
                                                   : "");
            return rc;
        }
    }
    char now[64];
    int rc = focus_ops->get(now, sizeof now);
    if (rc) {
        akira_shell_print(sh, "app focus: %s\n", akira_err_str(rc));
        return rc;
    }
    akira_shell_print(sh, "display: %s\n", now[0] ? now : "system screen (launcher)");
    return 0;
}

void akira_shell_app_files_set(const struct akira_shell_file_ops *ops)
{
    files = ops;
}

static void caps_str(akira_caps_t caps, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < AKIRA_CAP_COUNT_; i++) {
        const char *name = (caps >> i) & 1u ? akira_cap_name(1u << i) : NULL;
        if (!name) continue;
        int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "", name);
        if (w < 0 || (size_t)w >= cap - n) break;
        n += (size_t)w;
    }
    if (n == 0) snprintf(buf, cap, "-");
}

static const char *state_str(const struct akira_app_info *i, char *buf, size_t cap)
{
    if (i->state == AKIRA_APP_FAILED)
        snprintf(buf, cap, "failed(%s)%s", akira_app_reason_name(i->reason),
                 i->restart_pending ? "+restart" : "");
    else
        snprintf(buf, cap, "%s", akira_app_info_state(i));
    return buf;
}

static int cmd_list(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* One snapshot at a time: the shell's stack holds names, not 8 manifests. */
    char names[AKIRA_BOARD_APPS_INSTALLED_MAX][AKIRA_APP_NAME_MAX + 1];
    size_t n = akira_app_names(names, AKIRA_BOARD_APPS_INSTALLED_MAX);
    if (n > AKIRA_BOARD_APPS_INSTALLED_MAX) n = AKIRA_BOARD_APPS_INSTALLED_MAX;
    akira_shell_print(sh, "%-16s %-10s %-24s %8s %8s %s\n", "NAME", "VERSION", "STATE", "MEM",
                      "SIZE", "CAPS");
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        struct akira_app_info a;
        if (akira_app_info(names[i], &a) != 0) continue; /* removed meanwhile */
        char st[40], caps[128];
        caps_str(a.caps, caps, sizeof(caps));
        akira_shell_print(sh, "%-16s %-10s %-24s %7zuK %7" PRIu32 "  %s%s\n", a.manifest.name,
                          a.manifest.version, state_str(&a, st, sizeof(st)),
                          a.stats.mem_used / 1024, a.module_size, caps,
                          a.is_signed ? "" : " (unsigned)");
        shown++;
    }
    n = shown;
    akira_shell_print(sh, "%zu installed, at most %d running\n", n, AKIRA_BOARD_APPS_RUNNING_MAX);
    return 0;
}

static int cmd_info(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    struct akira_app_info i;
    int rc = akira_app_info(argv[1], &i);
    if (rc != 0) {
        akira_shell_print(sh, "app %s: not installed\n", argv[1]);
        return rc;
    }
    const struct akira_manifest *m = &i.manifest;
    char st[40], caps[128];
    struct akira_app_record rec;
    bool in_store = akira_appstore_find(m->name, &rec) == 0;
    akira_shell_print(sh, "name:        %s %s\n", m->name, m->version);
    if (m->description[0]) akira_shell_print(sh, "description: %s\n", m->description);
    if (m->author[0]) akira_shell_print(sh, "author:      %s\n", m->author);
    akira_shell_print(sh, "state:       %s%s%s\n", state_str(&i, st, sizeof(st)),
                      i.detail[0] ? ": " : "", i.detail);
    if (in_store && rec.is_signed)
        akira_shell_print(sh, "signature:   signed by '%s'\n", rec.key_name);
    else
        akira_shell_print(sh, "signature:   unsigned\n");
    akira_shell_print(sh, "package:     %" PRIu32 " bytes%s\n", i.module_size,
                      in_store ? "" : " (not from the app store)");
    akira_shell_print(sh, "tier:        %s%s\n", i.tier[0] ? i.tier : "not run yet",
                      i.force_interp || m->force_interp ? " (interpreter forced)" : "");
    caps_str(i.caps, caps, sizeof(caps));
    akira_shell_print(sh, "caps:        %s\n", caps);
    akira_shell_print(sh, "quota:       %" PRIu32 " bytes (stack %" PRIu32 ", heap %" PRIu32 ")\n",
                      m->memory_quota, m->stack_size, m->heap_size);
    size_t ts_charged, ts = akira_app_thread_stack(m, &ts_charged);
    akira_shell_print(sh, "thread:      stack %zu bytes (%s)\n", ts,
                      ts_charged ? "thread_stack, charged to the quota" : "the board's default");
    akira_shell_print(sh, "autostart:   %s, restart %s", m->autostart ? "yes" : "no",
                      m->restart == AKIRA_RESTART_ON_FAILURE ? "on-failure" : "never");
    if (m->restart == AKIRA_RESTART_ON_FAILURE)
        akira_shell_print(sh, " (max_retries=%" PRIu32 " delay_ms=%" PRIu32 ", %" PRIu32 " used)",
                          m->restart_max_retries, m->restart_delay_ms, i.retries);
    akira_shell_puts(sh, "\n");
    const struct akira_app_stats *s = &i.stats;
    akira_shell_print(sh,
                      "stats:       cpu %" PRIu64 ".%03" PRIu64 " s, native calls %" PRIu64
                      ", denied %" PRIu64 ", memory %zu (peak %zu; operand stack %zu allocated)"
                      ", traps %" PRIu32 ", restarts %" PRIu32 ", starts %" PRIu32
                      ", events dropped %" PRIu32 ", log lines dropped %" PRIu64 "\n",
                      s->cpu_us / 1000000u, (s->cpu_us / 1000u) % 1000u, s->native_calls,
                      s->denied_calls, s->mem_used, s->mem_peak, s->stack_held, s->traps,
                      s->restarts, s->starts, s->events_dropped, s->log_dropped);
    akira_shell_app_storage_print(sh, m->name, m);
    return 0;
}

static int cmd_install(struct akira_shell *sh, int argc, char **argv)
{
    /* What only the owner may force on an upgrade: a new signer, a lower version. */
    uint32_t force = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--rekey") == 0) {
            force |= AKIRA_APPSTORE_REKEY;
        } else if (strcmp(argv[i], "--downgrade") == 0) {
            force |= AKIRA_APPSTORE_DOWNGRADE;
        } else {
            akira_shell_print(sh, "app install: unknown option %s (--rekey, --downgrade)\n",
                              argv[i]);
            return AKIRA_EINVAL;
        }
    }
    if (!files) {
        akira_shell_puts(sh, "app install: this board has no file access for the shell\n");
        return AKIRA_ENOTSUP;
    }
    void *h;
    uint32_t size;
    int rc = files->open(argv[1], &h, &size);
    if (rc != 0) {
        akira_shell_print(sh, "%s: cannot open: %s\n", argv[1], akira_err_str(rc));
        return rc;
    }
    static struct akira_appstore_writer w; /* 300 bytes: not on the shell's stack */
    static uint8_t chunk[INSTALL_CHUNK];
    rc = akira_appstore_install_begin(&w, size);
    if (rc == 0) akira_appstore_install_allow(&w, force);
    uint32_t total = 0;
    while (rc == 0) {
        int n = files->read(h, chunk, sizeof(chunk));
        if (n <= 0) {
            if (n < 0) {
                rc = n;
                akira_appstore_install_abort(&w);
            }
            break;
        }
        rc = akira_appstore_install_write(&w, chunk, (size_t)n);
        total += (uint32_t)n;
    }
    files->close(h);
    if (rc != 0) {
        akira_shell_print(sh, "%s: install failed after %" PRIu32 " bytes: %s\n", argv[1], total,
                          akira_err_str(rc));
        return rc;
    }
    struct akira_app_record rec;
    struct akira_manifest_error err = {{0}, {0}};
    rc = akira_app_install_finish(&w, &rec, &err);
    if (rc != 0) {
        if (err.field[0])
            akira_shell_print(sh, "%s: refused: %s: %s (%s)\n", argv[1], err.field, err.reason,
                              akira_err_str(rc));
        else
            akira_shell_print(sh, "%s: refused: %s\n", argv[1], akira_err_str(rc));
        return rc;
    }
    akira_shell_print(sh, "installed %s %s (%" PRIu32 " bytes, %s%s)\n", rec.manifest.name,
                      rec.manifest.version, rec.size, rec.is_signed ? "signed by " : "unsigned",
                      rec.is_signed ? rec.key_name : "");
    if (rec.manifest.compat && rec.manifest.compat_ignored[0])
        akira_shell_print(sh, "warning: capabilities that grant nothing here: %s\n",
                          rec.manifest.compat_ignored);
    return 0;
}

static int report(struct akira_shell *sh, const char *what, const char *name, int rc)
{
    switch (rc) {
    case 0: akira_shell_print(sh, "%s: %s\n", name, what); break;
    case AKIRA_ENOENT: akira_shell_print(sh, "app %s: not installed\n", name); break;
    case AKIRA_EBUSY: akira_shell_print(sh, "app %s: already running\n", name); break;
    case AKIRA_ESTATE: akira_shell_print(sh, "app %s: not running\n", name); break;
    case AKIRA_ENOSPC:
        akira_shell_print(sh, "app %s: not started: %d apps are already running (board limit)\n",
                          name, AKIRA_BOARD_APPS_RUNNING_MAX);
        break;
    default: akira_shell_print(sh, "app %s: %s\n", name, akira_err_str(rc)); break;
    }
    return rc;
}

static int cmd_start(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    struct akira_app_info info;
    int rc = akira_app_start_wait(argv[1], 2000, &info);
    if (rc == AKIRA_ENOEXEC) {
        akira_shell_print(sh, "app %s: start failed: %s%s%s\n", argv[1],
                          akira_app_reason_name(info.reason), info.detail[0] ? ": " : "",
                          info.detail);
        return rc;
    }
    return report(sh, "started", argv[1], rc);
}

static int cmd_stop(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    return report(sh, "stopped", argv[1], akira_app_stop(argv[1]));
}

static int cmd_pause(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    return report(sh, "pause requested", argv[1], akira_app_pause(argv[1]));
}

static int cmd_resume(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    return report(sh, "resume requested", argv[1], akira_app_resume(argv[1]));
}

static int cmd_uninstall(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    return report(sh, "uninstalled", argv[1], akira_app_uninstall(argv[1]));
}

static int cmd_logs(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    struct akira_app_info i;
    if (akira_app_info(argv[1], &i) != 0) return report(sh, "", argv[1], AKIRA_ENOENT);
    size_t n = 0;
    while (akira_app_log_next(argv[1], &cur, &ln) == 0) {
        akira_shell_print(sh, "[%8" PRIu64 ".%03" PRIu64 "] <%s> %s\n", ln.uptime_ms / 1000u,
                          ln.uptime_ms % 1000u, akira_log_level_name(ln.level), ln.text);
        n++;
    }
    if (n == 0) akira_shell_print(sh, "app %s: no log lines\n", argv[1]);
    return 0;
}

static int cmd_caps(struct akira_shell *sh, int argc, char **argv)
{
    const char *name = argv[1];
    if (argc == 4) {
        bool grant = strcmp(argv[2], "grant") == 0;
        if (!grant && strcmp(argv[2], "revoke") != 0) return AKIRA_EINVAL;
        akira_caps_t bit = akira_cap_from_name(argv[3], strlen(argv[3]));
        if (!bit) {
            akira_shell_print(sh, "unknown capability '%s'\n", argv[3]);
            return AKIRA_EINVAL;
        }
        int rc = grant ? akira_app_caps_grant(name, bit) : akira_app_caps_revoke(name, bit);
        if (rc != 0) return report(sh, "", name, rc);
    } else if (argc != 2) {
        return AKIRA_EINVAL;
    }
    struct akira_app_info i;
    int rc = akira_app_info(name, &i);
    if (rc != 0) return report(sh, "", name, rc);
    char caps[128], declared[128];
    caps_str(i.caps, caps, sizeof(caps));
    caps_str(i.manifest.caps, declared, sizeof(declared));
    akira_shell_print(sh, "%s: %s (manifest: %s)\n", name, caps, declared);
    return 0;
}

static int cmd_tier(struct akira_shell *sh, int argc, char **argv)
{
    const char *name = argv[1];
    if (argc == 3) {
        bool interp = strcmp(argv[2], "interp") == 0;
        if (!interp && strcmp(argv[2], "auto") != 0) {
            akira_shell_print(sh, "app tier: %s: expected interp or auto\n", argv[2]);
            return AKIRA_EINVAL;
        }
        int rc = akira_app_force_interp(name, interp);
        if (rc != 0) return report(sh, "", name, rc);
    }
    struct akira_app_info i;
    if (akira_app_info(name, &i) != 0) return report(sh, "", name, AKIRA_ENOENT);
    akira_shell_print(sh, "%s: %s%s\n", name, i.tier[0] ? i.tier : "not run yet",
                      i.force_interp || i.manifest.force_interp
                          ? " (interpreter forced from the next start)"
                          : "");
    return 0;
}

AKIRA_SHELL_SUBCMDS(
    app_sub, AKIRA_SHELL_CMD("list", "installed apps and their state", NULL, cmd_list, NULL, 0, 0),
    AKIRA_SHELL_CMD("info", "manifest, state, signature, stats", "NAME", cmd_info, NULL, 1, 1),
    AKIRA_SHELL_CMD("install", "install a package file (--rekey: new signer, --downgrade)",
                    "PATH [--rekey] [--downgrade]", cmd_install, NULL, 1, 3),
    AKIRA_SHELL_CMD("start", "start an app", "NAME", cmd_start, NULL, 1, 1),
    AKIRA_SHELL_CMD("stop", "stop an app", "NAME", cmd_stop, NULL, 1, 1),
    AKIRA_SHELL_CMD("pause", "post PAUSE to a running app", "NAME", cmd_pause, NULL, 1, 1),
    AKIRA_SHELL_CMD("resume", "post RESUME to a running app", "NAME", cmd_resume, NULL, 1, 1),
    AKIRA_SHELL_CMD("uninstall", "stop and remove an app", "NAME", cmd_uninstall, NULL, 1, 1),
    AKIRA_SHELL_CMD("logs", "an app's log lines", "NAME", cmd_logs, NULL, 1, 1),
    AKIRA_SHELL_CMD("caps", "show, grant or revoke capabilities", "NAME [grant|revoke CAP]",
                    cmd_caps, NULL, 1, 3),
    AKIRA_SHELL_CMD("focus", "which app owns the display; give it to one (- : launcher)",
                    "[NAME|-]", cmd_focus, NULL, 0, 1),
    AKIRA_SHELL_CMD("tier", "show the tier (aot/interp), or force the interpreter",
                    "NAME [interp|auto]", cmd_tier, NULL, 1, 2));

AKIRA_SHELL_CMD_REGISTER(app, "app", "install, run and inspect apps", NULL, NULL, app_sub, 0, 0);
