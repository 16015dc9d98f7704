/*
 * The screen service (akira/screen.h): display ownership, the back buffer of the app
 * in front, the UI and launcher, and the thread that routes input and redraws.
 *
 * One lock (S.lock) guards everything here and the ui, which is not locked itself: the
 * service thread takes it for each input event and redraw, the app natives for each
 * call. It is never held across a call that waits for an app (starting or stopping one
 * from the launcher runs after the thread lets go of it), so an app blocked on it is
 * never waited for while it is held.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/board_config.h>
#include <akira/clock.h>
#include <akira/drivers/display.h>
#include <akira/drivers/input.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/thread.h>

#include "screen_priv.h"

AKIRA_LOG_MODULE_REGISTER(screen);

#define SLOTS         AKIRA_BOARD_APPS_RUNNING_MAX
#define LIST_MAX      AKIRA_BOARD_APPS_INSTALLED_MAX
#define INPUT_WAIT_MS 20
#define SYNC_MS       500u /* launcher re-reads the app list this often */

enum pending_kind { PENDING_NONE = 0, PENDING_START, PENDING_STOP };

static struct {
    bool up;
    const struct akira_device *disp, *in;
    uint16_t w, h;
    akira_heap_t *pool;
    akira_mutex_t *lock;
    akira_thread_t *thread;
    atomic_bool quit;
    /* back buffer of the app in front */
    akira_color_t *back;
    akira_gfx_port_t back_port;
    akira_gfx_t back_g;
    akira_area_t dirty;
    bool dirty_any;
    uint64_t last_draw_ms;
    /* the UI and its band */
    akira_color_t *band;
    akira_gfx_port_t ui_port;
    akira_gfx_t ui_g;
    akira_ui_t ui;
    akira_ui_owner_t sys;
    akira_ui_obj_t *launcher;
    akira_ui_launcher_provider_t prov;
    uint64_t last_sync_ms;
    char clock[16]; /* the status bar's text now */
    bool ui_visible;
    char focus[AKIRA_APP_NAME_MAX + 1]; /* "" : the system screen */
    struct scr_app apps[SLOTS];
    /* launcher's view of the apps, and the action it asked for */
    struct akira_app_info list[LIST_MAX];
    int nlist;
    uint32_t list_sig; /* of the names and states the launcher shows */
    enum pending_kind pending;
    char pending_name[AKIRA_APP_NAME_MAX + 1];
    atomic_uint_fast64_t loops;
    struct akira_screen_stats st;
} S;

static uint32_t list_signature(void);

static void *mem_alloc(size_t n)
{
    return S.pool ? akira_heap_alloc(S.pool, n) : malloc(n);
}

static void mem_free(void *p)
{
    if (!p) return;
    if (S.pool)
        akira_heap_free(S.pool, p);
    else
        free(p);
}

static void *sys_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return mem_alloc(n);
}

static void sys_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    mem_free(p);
}

/* --- panel ports ------------------------------------------------------------------ */

static int panel_write(const akira_area_t *a, const akira_color_t *px, uint16_t pitch)
{
    struct akira_display_buf d = {
        .width = (uint16_t)akira_area_w(a), .height = (uint16_t)akira_area_h(a), .pitch = pitch};
    d.buf_size = ((uint32_t)pitch * (d.height - 1u) + d.width) * 2u;
    return akira_display_write(S.disp, (uint16_t)a->x1, (uint16_t)a->y1, &d, px);
}

static int ui_flush(void *ctx, const akira_area_t *area, const akira_color_t *px)
{
    (void)ctx;
    return panel_write(area, px, (uint16_t)akira_area_w(area));
}

static int ui_read(void *ctx, const akira_area_t *area, akira_color_t *px)
{
    (void)ctx;
    uint16_t w = (uint16_t)akira_area_w(area), h = (uint16_t)akira_area_h(area);
    struct akira_display_buf d = {.width = w, .height = h, .pitch = w, .buf_size = w * h * 2u};
    return akira_display_read(S.disp, (uint16_t)area->x1, (uint16_t)area->y1, &d, px);
}

/* The back buffer's own port: flushing it writes the dirty part (scr_flush_locked). */
static int back_flush(void *ctx, const akira_area_t *area, const akira_color_t *px)
{
    (void)ctx;
    (void)px;
    akira_area_t a;
    akira_area_t scr = {0, 0, (int16_t)(S.w - 1), (int16_t)(S.h - 1)};
    if (!akira_area_intersect(&a, area, &scr)) return 0;
    return panel_write(&a, S.back + (size_t)a.y1 * S.w + a.x1, S.w);
}

/* --- slots and focus (lock held) -------------------------------------------------- */

static struct scr_app *slot_of(const struct akira_app_ctx *app)
{
    for (unsigned i = 0; i < SLOTS; i++)
        if (S.apps[i].app == app) return &S.apps[i];
    return NULL;
}

static struct scr_app *slot_named(const char *name)
{
    if (!name[0]) return NULL;
    for (unsigned i = 0; i < SLOTS; i++)
        if (S.apps[i].app && !strcmp(S.apps[i].app->name, name)) return &S.apps[i];
    return NULL;
}

static void post(struct scr_app *s, uint32_t type, uint32_t a, uint32_t b, uint32_t c)
{
    if (!s || !s->app || !s->app->evq) return;
    struct akira_event e = {type, a, b, c};
    akira_evq_post(s->app->evq, &e);
}

static void back_clear(void)
{
    akira_area_t all = {0, 0, (int16_t)(S.w - 1), (int16_t)(S.h - 1)};
    akira_gfx_fill(&S.back_g, &all, 0x0000);
    S.dirty = all;
    S.dirty_any = true;
}

static void focus_locked(const char *name)
{
    if (!strcmp(S.focus, name)) return;
    post(slot_named(S.focus), AKIRA_EVENT_FOCUS, 0, 0, 0);
    snprintf(S.focus, sizeof S.focus, "%s", name);
    struct scr_app *s = slot_named(name);
    if (s) s->claimed = true;
    post(s, AKIRA_EVENT_FOCUS, 1, 0, 0);
    /* An app begins on a black screen, as on the reference firmware. */
    back_clear();
    if (!name[0]) {
        S.ui_visible = S.launcher != NULL;
        if (S.launcher) {
            akira_ui_screen_load(&S.ui, S.launcher, AKIRA_UI_ANIM_NONE, 0);
            akira_ui_launcher_sync(S.launcher);
            S.list_sig = list_signature();
        }
        S.dirty_any = false;
    } else if (s && s->screen) {
        S.ui_visible = true;
        akira_ui_screen_load(&S.ui, s->screen, AKIRA_UI_ANIM_NONE, 0);
        S.dirty_any = false;
    } else {
        S.ui_visible = false;
        scr_flush_locked();
    }
    if (S.ui_visible) akira_ui_invalidate_all(&S.ui);
    AKIRA_LOG_INF("display: %s", name[0] ? name : "system screen");
}

/* --- for the API modules ---------------------------------------------------------- */

static int enter(struct akira_app_ctx *app, struct scr_app **slot, enum scr_claim mode)
{
    if (!S.up) return AKIRA_ENODEV;
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
    struct scr_app *s = slot_of(app);
    if (!s) {
        for (unsigned i = 0; i < SLOTS && !s; i++)
            if (!S.apps[i].app) s = &S.apps[i];
        if (!s) {
            akira_mutex_unlock(S.lock);
            return AKIRA_ENOSPC;
        }
        *s = (struct scr_app){.app = app};
    }
    if (mode != SCR_LOOK && strcmp(S.focus, app->name) != 0) {
        /* Only an app that can show something takes a free display (an input-only
         * app asking for the buttons would leave the screen black). */
        bool can_show = atomic_load(&app->caps) & (AKIRA_CAP_DISPLAY | AKIRA_CAP_UI);
        if (!S.focus[0] && !s->claimed && can_show) {
            focus_locked(app->name);
        } else if (mode == SCR_OWN) {
            s->claimed = true;
            S.st.busy++;
            akira_mutex_unlock(S.lock);
            return AKIRA_EBUSY;
        }
    }
    if (mode != SCR_LOOK) s->claimed = true;
    *slot = s;
    return 0;
}

int scr_enter(struct akira_app_ctx *app, struct scr_app **slot, enum scr_claim mode)
{
    return enter(app, slot, mode);
}

bool scr_in_front(const struct scr_app *s)
{
    return !strcmp(S.focus, s->app->name);
}

void scr_leave(void)
{
    akira_mutex_unlock(S.lock);
}

akira_gfx_t *scr_back(void)
{
    return &S.back_g;
}

void scr_drawn(const akira_area_t *touched)
{
    S.st.draws++;
    S.last_draw_ms = akira_uptime_ms();
    akira_area_t scr = {0, 0, (int16_t)(S.w - 1), (int16_t)(S.h - 1)}, a;
    if (!touched || !akira_area_intersect(&a, touched, &scr)) return;
    if (S.dirty_any)
        akira_area_union(&S.dirty, &S.dirty, &a);
    else
        S.dirty = a;
    S.dirty_any = true;
}

int scr_flush_locked(void)
{
    if (!S.dirty_any) return 0;
    S.dirty_any = false;
    S.st.flushes++;
    return back_flush(NULL, &S.dirty, NULL);
}

uint16_t scr_width(void)
{
    return S.w;
}

uint16_t scr_height(void)
{
    return S.h;
}

akira_ui_t *scr_ui(void)
{
    return &S.ui;
}

/* Widget memory: charged to the app's quota (and the owner's budget by the ui). */
static void *app_alloc(void *ctx, size_t size)
{
    struct akira_app_ctx *app = ctx;
    return akira_quota_realloc(app->quota, NULL, 0, size);
}

static void app_free(void *ctx, void *ptr, size_t size)
{
    struct akira_app_ctx *app = ctx;
    akira_quota_realloc(app->quota, ptr, size, 0);
}

/* A widget event of an app's: into its event queue. */
static void app_event(const akira_ui_event_t *ev, void *user)
{
    struct scr_app *s = user;
    uint32_t a = ((uint32_t)ev->type << 24) | ((uint32_t)ev->obj_type << 16) | ev->obj_id;
    post(s, AKIRA_EVENT_UI, a, (uint32_t)ev->value,
         ((uint32_t)(uint16_t)ev->x << 16) | (uint16_t)ev->y);
}

int scr_app_ui(struct scr_app *s)
{
    if (!s->owner_added) {
        s->owner = (akira_ui_owner_t){.id = 0x100u + (uint32_t)(s - S.apps),
                                      .alloc = {app_alloc, app_free, s->app},
                                      .budget = AKIRA_SCREEN_APP_UI_BUDGET,
                                      .cb = app_event,
                                      .user = s};
        int rc = akira_ui_owner_add(&S.ui, &s->owner);
        if (rc) return rc;
        s->owner_added = true;
    }
    if (!s->screen) {
        int rc = akira_ui_screen_create(&S.ui, &s->owner, &s->screen);
        if (rc) return rc;
        if (!strcmp(S.focus, s->app->name)) {
            S.ui_visible = true;
            akira_ui_screen_load(&S.ui, s->screen, AKIRA_UI_ANIM_NONE, 0);
            akira_ui_invalidate_all(&S.ui);
        }
    }
    return 0;
}

const akira_color_t *scr_app_pixels(struct akira_app_ctx *app, int32_t w, int32_t h, uint32_t ptr,
                                    uint32_t len, int32_t max_side, int *rc)
{
    *rc = AKIRA_EINVAL;
    if (w <= 0 || h <= 0) return NULL;
    if (w > max_side || h > max_side) {
        *rc = AKIRA_ETOOBIG;
        return NULL;
    }
    uint64_t need = (uint64_t)w * (uint64_t)h * 2u;
    if (need > len || (ptr & 1u)) return NULL;
    const akira_color_t *px = akira_bridge_mem(app, ptr, (uint32_t)need);
    *rc = px ? 0 : AKIRA_EFAULT;
    return px;
}

void scr_app_end(struct akira_app_ctx *app)
{
    if (!S.up) return;
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
    struct scr_app *s = slot_of(app);
    bool front = !strcmp(S.focus, app->name);
    if (s) {
        if (s->owner_added) akira_ui_owner_release(&S.ui, &s->owner);
        *s = (struct scr_app){0};
    }
    if (front) focus_locked("");
    akira_mutex_unlock(S.lock);
}

/* --- launcher's provider (lock held: called from the ui on the service thread) ---- */

static int lp_count(void *ctx)
{
    (void)ctx;
    size_t n = akira_app_list(S.list, LIST_MAX);
    S.nlist = (int)(n > LIST_MAX ? LIST_MAX : n);
    return S.nlist;
}

static int lp_name(void *ctx, int i, char *buf, size_t cap)
{
    (void)ctx;
    if (i < 0 || i >= S.nlist || !buf || !cap) return AKIRA_EINVAL;
    snprintf(buf, cap, "%s", S.list[i].manifest.name);
    return 0;
}

static int lp_state(void *ctx, int i)
{
    (void)ctx;
    if (i < 0 || i >= S.nlist) return AKIRA_EINVAL;
    switch (S.list[i].state) {
    case AKIRA_APP_RUNNING: return AKIRA_UI_APP_RUNNING;
    case AKIRA_APP_FAILED: return AKIRA_UI_APP_FAILED;
    default: return AKIRA_UI_APP_STOPPED;
    }
}

/* Starting and stopping wait for the app: done by the thread once the lock is free. */
static int lp_action(int i, enum pending_kind k)
{
    if (i < 0 || i >= S.nlist) return AKIRA_EINVAL;
    if (S.pending != PENDING_NONE) return AKIRA_EBUSY;
    S.pending = k;
    snprintf(S.pending_name, sizeof S.pending_name, "%s", S.list[i].manifest.name);
    return 0;
}

static int lp_start(void *ctx, int i)
{
    (void)ctx;
    return lp_action(i, PENDING_START);
}

static int lp_stop(void *ctx, int i)
{
    (void)ctx;
    return lp_action(i, PENDING_STOP);
}

/* A hash of the installed apps' names and states: the launcher is re-read only when it
 * changes (re-reading redraws the tiles, which a still screen should not). */
static uint32_t list_signature(void)
{
    int n = lp_count(NULL);
    uint32_t h = 2166136261u ^ (uint32_t)n;
    for (int i = 0; i < n; i++) {
        for (const char *c = S.list[i].manifest.name; *c; c++)
            h = (h ^ (uint8_t)*c) * 16777619u;
        h = (h ^ (uint32_t)lp_state(NULL, i)) * 16777619u;
    }
    return h;
}

/* --- the thread ------------------------------------------------------------------- */

static void route(const struct akira_input_event *e)
{
    S.st.inputs++;
    akira_ui_input_t in = {.kind = e->type == AKIRA_INPUT_TOUCH ? AKIRA_UI_IN_TOUCH
                                                                : AKIRA_UI_IN_BUTTON,
                           .button = (uint8_t)(e->code + 1u), /* AKIRA_UI_KEY_* order */
                           .pressed = e->pressed,
                           .x = e->x,
                           .y = e->y,
                           .time_ms = (uint32_t)(e->time_us / 1000u)};
    if (!S.focus[0]) {
        if (S.ui_visible) akira_ui_input(&S.ui, &in);
        return;
    }
    struct scr_app *s = slot_named(S.focus);
    if (!s) return;
    if (atomic_load(&s->app->caps) & AKIRA_CAP_INPUT)
        post(s, AKIRA_EVENT_INPUT,
             ((uint32_t)e->type << 16) | ((uint32_t)e->code << 8) | e->pressed,
             (uint32_t)(int32_t)e->x, (uint32_t)(int32_t)e->y);
    if (s->screen && S.ui_visible) akira_ui_input(&S.ui, &in);
}

/* The status bar's clock (time since boot: the device has no wall clock), set only when
 * it changes, so a still launcher sends nothing to the panel or to a live view. */
static void status_line(void)
{
    uint64_t s = akira_uptime_ms() / 1000u;
    char clock[sizeof S.clock];
    snprintf(clock, sizeof clock, "%02u:%02u", (unsigned)(s / 3600u % 100u),
             (unsigned)(s / 60u % 60u));
    if (!strcmp(clock, S.clock)) return;
    memcpy(S.clock, clock, sizeof clock);
    akira_ui_launcher_status(S.launcher, clock, -1);
}

static void run_pending(void)
{
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
    enum pending_kind k = S.pending;
    char name[sizeof S.pending_name];
    memcpy(name, S.pending_name, sizeof name);
    S.pending = PENDING_NONE;
    akira_mutex_unlock(S.lock);
    if (k == PENDING_START) {
        struct akira_app_info info;
        int rc = akira_app_start_wait(name, 2000, &info);
        if (rc == 0 || rc == AKIRA_EBUSY) rc = akira_screen_focus(name);
        if (rc) AKIRA_LOG_WRN("launcher: start %s: %s", name, akira_err_str(rc));
    } else if (k == PENDING_STOP) {
        int rc = akira_app_stop(name);
        if (rc) AKIRA_LOG_WRN("launcher: stop %s: %s", name, akira_err_str(rc));
    }
}

static int thread_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&S.quit)) {
        struct akira_input_event e;
        int rc = akira_input_read(S.in, &e, INPUT_WAIT_MS);
        if (rc == AKIRA_ENODEV) akira_sleep_ms(INPUT_WAIT_MS);
        akira_mutex_lock(S.lock, AKIRA_FOREVER);
        if (rc == 0) route(&e);
        uint64_t now = akira_uptime_ms();
        akira_ui_tick(&S.ui, (uint32_t)now);
        if (!S.focus[0] && S.launcher && now - S.last_sync_ms >= SYNC_MS) {
            S.last_sync_ms = now;
            uint32_t sig = list_signature();
            if (sig != S.list_sig) {
                S.list_sig = sig;
                akira_ui_launcher_sync(S.launcher);
            }
            status_line();
        }
        if (S.ui_visible && akira_ui_refresh(&S.ui) > 0) S.st.ui_refreshes++;
        if (S.focus[0] && S.dirty_any && now - S.last_draw_ms >= AKIRA_SCREEN_AUTOFLUSH_MS)
            scr_flush_locked();
        bool pending = S.pending != PENDING_NONE;
        akira_mutex_unlock(S.lock);
        if (pending) run_pending();
        atomic_fetch_add(&S.loops, 1);
    }
    return 0;
}

/* --- public ----------------------------------------------------------------------- */

int akira_screen_start(const struct akira_screen_config *cfg)
{
    if (S.up) return AKIRA_EBUSY;
    const struct akira_device *disp = akira_display_default();
    struct akira_display_caps c;
    if (akira_display_caps_get(disp, &c) != 0 || c.format != AKIRA_DISPLAY_RGB565)
        return AKIRA_ENODEV;
    memset(&S, 0, sizeof S);
    S.disp = disp;
    S.in = akira_input_default();
    S.w = c.width;
    S.h = c.height;
    S.pool = cfg ? cfg->pool : NULL;
    size_t back_px = (size_t)S.w * S.h, band_px = (size_t)S.w * AKIRA_SCREEN_BAND_ROWS;
    S.back = mem_alloc(back_px * 2u);
    S.band = mem_alloc(band_px * 2u);
    int rc = S.back && S.band ? akira_mutex_create(&S.lock) : AKIRA_ENOMEM;
    if (rc) goto fail;
    S.st.back_bytes = (uint32_t)(back_px * 2u);
    S.st.band_bytes = (uint32_t)(band_px * 2u);
    S.st.state_bytes = (uint32_t)sizeof S;
    S.back_port = (akira_gfx_port_t){S.w, S.h, NULL, back_flush, NULL};
    S.ui_port = (akira_gfx_port_t){S.w, S.h, NULL, ui_flush, ui_read};
    akira_area_t all = {0, 0, (int16_t)(S.w - 1), (int16_t)(S.h - 1)};
    if ((rc = akira_gfx_init(&S.back_g, &S.back_port, S.back, back_px)) != 0 ||
        (rc = akira_gfx_band_begin(&S.back_g, &all)) != 0 ||
        (rc = akira_gfx_init(&S.ui_g, &S.ui_port, S.band, band_px)) != 0 ||
        (rc = akira_ui_init(&S.ui, &S.ui_g, &akira_ui_theme_dark)) != 0)
        goto fail;
    akira_gfx_fill(&S.back_g, &all, 0x0000);
    S.sys =
        (akira_ui_owner_t){.id = 1, .alloc = {sys_alloc, sys_free, NULL}, .budget = 256u * 1024u};
    S.prov = (akira_ui_launcher_provider_t){lp_count, lp_name, lp_state, lp_start, lp_stop, NULL};
    rc = akira_ui_owner_add(&S.ui, &S.sys);
    if (!rc) rc = akira_ui_launcher_create(&S.ui, &S.sys, &S.prov, &S.launcher);
    if (rc) goto fail_ui;
    akira_ui_screen_load(&S.ui, S.launcher, AKIRA_UI_ANIM_NONE, 0);
    S.ui_visible = true;
    status_line();
    akira_ui_invalidate_all(&S.ui);
    akira_ui_refresh(&S.ui);
    S.up = true;
    rc = akira_thread_create(&S.thread, "screen", thread_main, NULL, 5, 32u * 1024u);
    if (rc) {
        S.up = false;
        goto fail_ui;
    }
    return 0;
fail_ui:
    akira_ui_deinit(&S.ui);
fail:
    if (S.lock) akira_mutex_destroy(S.lock);
    mem_free(S.back);
    mem_free(S.band);
    memset(&S, 0, sizeof S);
    return rc;
}

void akira_screen_stop(void)
{
    if (!S.up) return;
    atomic_store(&S.quit, true);
    akira_thread_join(S.thread, AKIRA_FOREVER, NULL);
    S.up = false;
    akira_ui_deinit(&S.ui);
    akira_mutex_destroy(S.lock);
    mem_free(S.back);
    mem_free(S.band);
    memset(&S, 0, sizeof S);
}

int akira_screen_focus(const char *name)
{
    if (!S.up) return AKIRA_ENODEV;
    if (!name) name = "";
    if (name[0]) {
        struct akira_app_info info;
        int rc = akira_app_info(name, &info);
        if (rc) return rc;
        if (info.state != AKIRA_APP_RUNNING) return AKIRA_ENOENT;
        if (!(info.caps & (AKIRA_CAP_DISPLAY | AKIRA_CAP_UI))) return AKIRA_EACCES;
    }
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
    focus_locked(name);
    akira_mutex_unlock(S.lock);
    return 0;
}

int akira_screen_focus_get(char *buf, size_t cap)
{
    if (!S.up) return AKIRA_ENODEV;
    if (!buf || !cap) return AKIRA_EINVAL;
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
    snprintf(buf, cap, "%s", S.focus);
    akira_mutex_unlock(S.lock);
    return 0;
}

int akira_screen_stats_get(struct akira_screen_stats *out)
{
    if (!S.up) return AKIRA_ENODEV;
    akira_mutex_lock(S.lock, AKIRA_FOREVER);
    *out = S.st;
    akira_mutex_unlock(S.lock);
    return 0;
}

int akira_screen_settle(int32_t timeout_ms)
{
    if (!S.up) return AKIRA_ENODEV;
    uint64_t deadline = akira_uptime_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        struct akira_input_state in = {0};
        akira_input_state_get(S.in, &in);
        uint_fast64_t l0 = atomic_load(&S.loops);
        if (in.queued == 0) {
            /* Two whole passes after the queue was seen empty: the last event is
             * routed and its redraw done. */
            while (atomic_load(&S.loops) < l0 + 2) {
                if (akira_uptime_ms() > deadline) return AKIRA_ETIMEDOUT;
                akira_sleep_ms(2);
            }
            return 0;
        }
        if (akira_uptime_ms() > deadline) return AKIRA_ETIMEDOUT;
        akira_sleep_ms(2);
    }
}
