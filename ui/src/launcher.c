/*
 * The system screen: a status bar and a grid of app tiles (initial, name, state) fed by
 * a provider. Selecting a tile starts a stopped app or stops a running one.
 */
#include "ui_priv.h"

#include <stdio.h>

typedef struct {
    const akira_ui_launcher_provider_t *p;
    uint16_t bar, grid, empty;
    uint16_t tiles[AKIRA_UI_LAUNCHER_MAX_APPS];
    int32_t ntiles;
} launcher_t;

static const akira_color_t icon_colors[] = {
    AKIRA_RGB(0x1E, 0x6F, 0xE8), AKIRA_RGB(0x16, 0xA3, 0x4A), AKIRA_RGB(0xE1, 0x1D, 0x48),
    AKIRA_RGB(0xF5, 0x9E, 0x0B), AKIRA_RGB(0x7C, 0x3A, 0xED), AKIRA_RGB(0x08, 0x91, 0xB2),
};

static launcher_t *state_of(akira_ui_obj_t *scr)
{
    if (!scr || scr->cls->type != AKIRA_UI_SCREEN || !scr->priv ||
        scr->priv_size != sizeof(launcher_t))
        return NULL;
    return scr->priv;
}

/* Write name and state of app i into its tile's labels. */
static void tile_fill(akira_ui_obj_t *tile, launcher_t *L, int32_t i)
{
    char name[32] = "?", init[4] = "?";
    if (L->p->name(L->p->ctx, i, name, sizeof name) < 0)
        snprintf(name, sizeof name, "app %ld", (long)i);
    name[sizeof name - 1] = 0;
    int st = L->p->state(L->p->ctx, i);
    int32_t n = akira_utf8_next(name, (int32_t)strlen(name), &(uint32_t){0});
    memcpy(init, name, (size_t)(n < 3 ? n : 3));
    init[n < 3 ? n : 3] = 0;
    if (init[0] >= 'a' && init[0] <= 'z') init[0] = (char)(init[0] - 32);
    akira_ui_obj_t *icon = akira_ui_child(tile, 0), *lname = akira_ui_child(tile, 1),
                   *lstate = akira_ui_child(tile, 2);
    const akira_ui_theme_t *th = tile->ui->theme;
    akira_ui_set_text(icon, init);
    unsigned h = 0;
    for (const char *s = name; *s; s++)
        h = h * 31 + (unsigned char)*s;
    akira_ui_set(icon, AKIRA_UI_P_BG_COLOR, icon_colors[h % 6]);
    akira_ui_set_text(lname, name);
    akira_ui_set_text(lstate, st == AKIRA_UI_APP_RUNNING  ? AKIRA_SYM_PLAY " running"
                              : st == AKIRA_UI_APP_FAILED ? AKIRA_SYM_WARNING " failed"
                              : st >= 0                   ? AKIRA_SYM_STOP " stopped"
                                                          : "unknown");
    akira_ui_set(lstate, AKIRA_UI_P_FG_COLOR,
                 st == AKIRA_UI_APP_RUNNING  ? th->ok
                 : st == AKIRA_UI_APP_FAILED ? th->danger
                                             : th->text_muted);
}

static void tile_event(akira_ui_obj_t *tile, int ev, int32_t value)
{
    (void)value;
    if (ev != AKIRA_UI_EV_CLICKED) return;
    akira_ui_obj_t *scr = tile;
    while (scr->parent)
        scr = scr->parent;
    launcher_t *L = state_of(scr);
    if (!L) return;
    int32_t i = (int32_t)tile->user;
    int st = L->p->state(L->p->ctx, i);
    int r = st == AKIRA_UI_APP_RUNNING ? L->p->stop(L->p->ctx, i) : L->p->start(L->p->ctx, i);
    if (r < 0) {
        char name[32] = "app", msg[96];
        L->p->name(L->p->ctx, i, name, sizeof name);
        name[sizeof name - 1] = 0;
        snprintf(msg, sizeof msg, "%s %s: %s",
                 st == AKIRA_UI_APP_RUNNING ? "Cannot stop" : "Cannot start", name,
                 akira_err_str(r));
        akira_ui_toast(tile->ui, tile->owner, msg, 2500, NULL);
    }
    tile_fill(tile, L, i); /* in place: the tile being clicked stays alive */
}

static int add_tile(akira_ui_obj_t *grid, launcher_t *L, int32_t i, uint16_t *id)
{
    akira_ui_t *ui = grid->ui;
    akira_ui_owner_t *ow = grid->owner;
    akira_ui_obj_t *t, *icon, *name, *state;
    int r = akira_ui_create(ui, ow, grid, AKIRA_UI_CONTAINER, &t);
    if (r) return r;
    akira_ui_set(t, AKIRA_UI_P_H, 96);
    akira_ui_set(t, AKIRA_UI_P_RADIUS, 12);
    akira_ui_set(t, AKIRA_UI_P_LAYOUT, AKIRA_UI_LAYOUT_COLUMN);
    akira_ui_set(t, AKIRA_UI_P_CROSS, AKIRA_UI_ALIGN_CENTER);
    akira_ui_set(t, AKIRA_UI_P_GAP, 2);
    akira_ui_set(t, AKIRA_UI_P_CLICKABLE, 1);
    akira_ui_set(t, AKIRA_UI_P_FOCUSABLE, 1);
    if ((r = akira_ui_create(ui, ow, t, AKIRA_UI_LABEL, &icon)) ||
        (r = akira_ui_create(ui, ow, t, AKIRA_UI_LABEL, &name)) ||
        (r = akira_ui_create(ui, ow, t, AKIRA_UI_LABEL, &state))) {
        akira_ui_delete(t);
        return r;
    }
    akira_ui_set(icon, AKIRA_UI_P_W, 36);
    akira_ui_set(icon, AKIRA_UI_P_H, 36);
    akira_ui_set(icon, AKIRA_UI_P_RADIUS, 18);
    akira_ui_set(icon, AKIRA_UI_P_BG_OPA, 255);
    akira_ui_set(icon, AKIRA_UI_P_PAD, 8);
    akira_ui_set(icon, AKIRA_UI_P_TEXT_ALIGN, 1);
    akira_ui_set(icon, AKIRA_UI_P_FG_COLOR, AKIRA_RGB(0xFF, 0xFF, 0xFF));
    akira_ui_set(name, AKIRA_UI_P_W, AKIRA_UI_PCT(100));
    akira_ui_set(name, AKIRA_UI_P_TEXT_ALIGN, 1);
    akira_ui_set(name, AKIRA_UI_P_H, 18);
    akira_ui_set(state, AKIRA_UI_P_FONT, 12);
    t->user = (uint32_t)i;
    t->handler = tile_event;
    tile_fill(t, L, i);
    *id = t->id;
    return AKIRA_OK;
}

int akira_ui_launcher_sync(akira_ui_obj_t *scr)
{
    launcher_t *L = state_of(scr);
    if (!L) return AKIRA_EINVAL;
    akira_ui_t *ui = scr->ui;
    akira_ui_obj_t *grid = akira_ui_find(ui, scr->owner, L->grid);
    akira_ui_obj_t *empty = akira_ui_find(ui, scr->owner, L->empty);
    if (!grid || !empty) return AKIRA_ESTATE;
    int n = L->p->count(L->p->ctx);
    if (n < 0) return n;
    if (n > AKIRA_UI_LAUNCHER_MAX_APPS) n = AKIRA_UI_LAUNCHER_MAX_APPS;
    while (L->ntiles > n) {
        akira_ui_obj_t *t = akira_ui_find(ui, scr->owner, L->tiles[--L->ntiles]);
        if (t) akira_ui_delete(t);
    }
    for (int32_t i = 0; i < L->ntiles; i++) {
        akira_ui_obj_t *t = akira_ui_find(ui, scr->owner, L->tiles[i]);
        if (t) tile_fill(t, L, i);
    }
    while (L->ntiles < n) {
        int r = add_tile(grid, L, L->ntiles, &L->tiles[L->ntiles]);
        if (r) return r;
        L->ntiles++;
    }
    akira_ui_set(empty, AKIRA_UI_P_HIDDEN, n != 0);
    return n;
}

int akira_ui_launcher_status(akira_ui_obj_t *scr, const char *clock, int32_t battery)
{
    launcher_t *L = state_of(scr);
    if (!L) return AKIRA_EINVAL;
    akira_ui_obj_t *bar = akira_ui_find(scr->ui, scr->owner, L->bar);
    if (!bar) return AKIRA_ESTATE;
    int r = akira_ui_set(bar, AKIRA_UI_P_VALUE, battery);
    if (r) return r;
    return akira_ui_set_text(bar, clock);
}

int akira_ui_launcher_create(akira_ui_t *ui, akira_ui_owner_t *owner,
                             const akira_ui_launcher_provider_t *p, akira_ui_obj_t **out)
{
    if (!ui || !owner || !p || !out || !p->count || !p->name || !p->state || !p->start || !p->stop)
        return AKIRA_EINVAL;
    akira_ui_obj_t *scr, *bar, *grid, *empty;
    int r = akira_ui_screen_create(ui, owner, &scr);
    if (r) return r;
    int err = 0;
    launcher_t *L = ui_mem_alloc(owner, sizeof *L, &err);
    if (!L) {
        akira_ui_screen_delete(scr);
        return err;
    }
    L->p = p;
    scr->priv = L;
    scr->priv_size = sizeof *L;
    if ((r = akira_ui_create(ui, owner, scr, AKIRA_UI_STATUSBAR, &bar)) ||
        (r = akira_ui_set_title(bar, "AkiraOS")) ||
        (r = akira_ui_create(ui, owner, scr, AKIRA_UI_CONTAINER, &grid)) ||
        (r = akira_ui_create(ui, owner, grid, AKIRA_UI_LABEL, &empty)) ||
        (r = akira_ui_set_text(empty, "No apps installed"))) {
        akira_ui_screen_delete(scr);
        return r;
    }
    int32_t bh = ui_font(bar)->line_height + 2 * bar->st.pad + 1;
    akira_ui_set(grid, AKIRA_UI_P_Y, bh);
    akira_ui_set(grid, AKIRA_UI_P_W, AKIRA_UI_PCT(100));
    akira_ui_set(grid, AKIRA_UI_P_H, ui->gfx->port->height - bh);
    akira_ui_set(grid, AKIRA_UI_P_LAYOUT, AKIRA_UI_LAYOUT_GRID);
    akira_ui_set(grid, AKIRA_UI_P_GRID_COLS, ui->gfx->port->width >= 300 ? 3 : 2);
    akira_ui_set(grid, AKIRA_UI_P_GAP, 10);
    akira_ui_set(grid, AKIRA_UI_P_PAD, 10);
    akira_ui_set(grid, AKIRA_UI_P_BORDER_W, 0);
    akira_ui_set(grid, AKIRA_UI_P_BG_OPA, 0);
    akira_ui_set(grid, AKIRA_UI_P_SCROLLABLE, 1);
    akira_ui_set(empty, AKIRA_UI_P_FG_COLOR, ui->theme->text_muted);
    L->bar = bar->id;
    L->grid = grid->id;
    L->empty = empty->id;
    r = akira_ui_launcher_sync(scr);
    if (r < 0) {
        akira_ui_screen_delete(scr);
        return r;
    }
    *out = scr;
    return AKIRA_OK;
}
