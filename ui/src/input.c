/* Events to owners, touch hit-testing and gestures, the focus ring and edit mode, time. */
#include "ui_priv.h"

void ui_event(akira_ui_obj_t *o, int type, int32_t value, int16_t x, int16_t y)
{
    akira_ui_t *ui = o->ui;
    if (ui->nevents == AKIRA_UI_MAX_EVENTS) {
        ui->dropped++;
    } else {
        akira_ui_event_t *e = &ui->events[ui->nevents++];
        e->type = (uint8_t)type;
        e->obj_type = o->cls->type;
        e->obj_id = o->id;
        e->owner_id = o->owner->id;
        e->user = o->user;
        e->value = value;
        e->x = x;
        e->y = y;
    }
    /* last: a component's handler may change the tree (never delete o itself) */
    if (o->handler) o->handler(o, type, value);
}

uint32_t akira_ui_events_dropped(const akira_ui_t *ui)
{
    return ui ? ui->dropped : 0;
}

/* Hand the queued events to their owners. A callback may call back into the ui (create,
 * delete, even feed input); events it causes are delivered by this same loop. */
static void deliver(akira_ui_t *ui)
{
    if (ui->delivering) return;
    ui->delivering = 1;
    while (ui->nevents) {
        akira_ui_event_t e = ui->events[0];
        ui->nevents--;
        memmove(&ui->events[0], &ui->events[1], sizeof e * (size_t)ui->nevents);
        for (int i = 0; i < AKIRA_UI_MAX_OWNERS; i++) {
            akira_ui_owner_t *ow = ui->owners[i];
            if (ow && ow->id == e.owner_id) {
                if (ow->cb) ow->cb(&e, ow->user);
                break;
            }
        }
    }
    ui->delivering = 0;
}

/* The tree that takes input now: a modal msgbox, else the active screen. */
static akira_ui_obj_t *input_root(akira_ui_t *ui)
{
    akira_ui_obj_t *m = NULL;
    for (akira_ui_obj_t *t = ui->top; t; t = t->next)
        if (t->cls->type == AKIRA_UI_MSGBOX) m = t;
    if (m) return m;
    return akira_ui_screen_active(ui);
}

static int usable(const akira_ui_obj_t *o)
{
    for (const akira_ui_obj_t *p = o; p; p = p->parent)
        if (p->flags & (F_HIDDEN | F_DISABLED)) return 0;
    return 1;
}

static akira_ui_obj_t *hit(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    if (o->flags & (F_HIDDEN | F_DISABLED)) return NULL;
    if (x < o->area.x1 || x > o->area.x2 || y < o->area.y1 || y > o->area.y2) return NULL;
    akira_ui_obj_t *r = NULL;
    for (akira_ui_obj_t *c = o->child; c; c = c->next) {
        akira_ui_obj_t *h = hit(c, x, y);
        if (h) r = h;
    }
    if (r) return r;
    return (o->flags & (F_CLICKABLE | F_SCROLLABLE)) ? o : NULL;
}

/* ---- focus ------------------------------------------------------------------------- */

typedef struct {
    akira_ui_obj_t *cur, *first, *last, *prev, *next;
    int seen;
} walk_t;

static void walk(akira_ui_obj_t *o, walk_t *w)
{
    for (; o; o = o->next) {
        if (o->flags & (F_HIDDEN | F_DISABLED)) continue;
        if (o->flags & F_FOCUSABLE) {
            if (!w->first) w->first = o;
            if (o == w->cur)
                w->seen = 1;
            else if (!w->seen)
                w->prev = o;
            else if (!w->next)
                w->next = o;
            w->last = o;
        }
        walk(o->child, w);
    }
}

static void set_focus(akira_ui_t *ui, akira_ui_obj_t *o)
{
    if (ui->focused == o) return;
    akira_ui_obj_t *old = ui->focused;
    ui->focused = o;
    ui->editing = 0;
    if (old) {
        akira_ui_invalidate(old);
        ui_event(old, AKIRA_UI_EV_DEFOCUSED, 0, -1, -1);
    }
    if (o) {
        /* bring it into view inside scrollable ancestors */
        for (akira_ui_obj_t *p = o->parent; p; p = p->parent)
            if (p->flags & F_SCROLLABLE) {
                akira_area_t cb = ui_content(p, p->area);
                int32_t sy = p->scroll_y;
                if (o->area.y1 < cb.y1)
                    sy -= cb.y1 - o->area.y1;
                else if (o->area.y2 > cb.y2)
                    sy += o->area.y2 - cb.y2;
                if (sy != p->scroll_y) akira_ui_set(p, AKIRA_UI_P_SCROLL_Y, sy);
            }
        akira_ui_invalidate(o);
        ui_event(o, AKIRA_UI_EV_FOCUSED, 0, -1, -1);
    }
}

int akira_ui_focus(akira_ui_obj_t *o)
{
    if (!o) return AKIRA_EINVAL;
    if (!(o->flags & F_FOCUSABLE) || !usable(o)) return AKIRA_ESTATE;
    set_focus(o->ui, o);
    return AKIRA_OK;
}

akira_ui_obj_t *akira_ui_focused(const akira_ui_t *ui)
{
    return ui ? ui->focused : NULL;
}

static void move_focus(akira_ui_t *ui, int dir)
{
    akira_ui_obj_t *root = input_root(ui);
    if (!root) return;
    walk_t w = {ui->focused, NULL, NULL, NULL, NULL, 0};
    walk(root->child, &w);
    if (root->flags & F_FOCUSABLE && !w.first) w.first = w.last = root;
    akira_ui_obj_t *n;
    if (!w.seen)
        n = dir > 0 ? w.first : w.last;
    else if (dir > 0)
        n = w.next ? w.next : w.first;
    else
        n = w.prev ? w.prev : w.last;
    if (n) set_focus(ui, n);
}

/* ---- keys ------------------------------------------------------------------------ */

static void activate(akira_ui_obj_t *o)
{
    if (o->cls->click) o->cls->click(o, -1, -1);
    ui_event(o, AKIRA_UI_EV_CLICKED, o->value, -1, -1);
}

static void key(akira_ui_t *ui, int k)
{
    akira_ui_obj_t *modal = input_root(ui);
    if (k == AKIRA_UI_KEY_A) k = AKIRA_UI_KEY_SELECT;
    if (k == AKIRA_UI_KEY_B) k = AKIRA_UI_KEY_BACK;
    if (modal && modal->cls->type == AKIRA_UI_MSGBOX) { /* a modal box takes every key */
        modal->cls->key(modal, k);
        return;
    }
    akira_ui_obj_t *f = ui->focused;
    if (f && !usable(f)) {
        set_focus(ui, NULL);
        f = NULL;
    }
    if (f && ui->editing) {
        if (k == AKIRA_UI_KEY_BACK || !f->cls->key(f, k)) {
            ui->editing = 0;
            if (ui->open == f) ui->open = NULL, akira_ui_invalidate_all(ui);
        }
        akira_ui_invalidate(f);
        return;
    }
    switch (k) {
    case AKIRA_UI_KEY_UP:
    case AKIRA_UI_KEY_LEFT: move_focus(ui, -1); break;
    case AKIRA_UI_KEY_DOWN:
    case AKIRA_UI_KEY_RIGHT: move_focus(ui, 1); break;
    case AKIRA_UI_KEY_SELECT:
        if (!f) {
            move_focus(ui, 1);
        } else if (f->cls->editable && f->cls->key) {
            ui->editing = 1;
            f->cls->key(f, 0); /* 0: edit mode entered */
            akira_ui_invalidate(f);
        } else {
            activate(f);
        }
        break;
    case AKIRA_UI_KEY_BACK:
        if (ui->depth > 1) akira_ui_screen_pop(ui, AKIRA_UI_ANIM_SLIDE_RIGHT, 250);
        break;
    default: break;
    }
}

/* ---- touch ----------------------------------------------------------------------- */

static akira_ui_obj_t *scroll_parent(akira_ui_obj_t *o)
{
    for (; o; o = o->parent)
        if (o->flags & F_SCROLLABLE) return o;
    return NULL;
}

/* The innermost widget under (x, y) that takes swipes (tabview, tileview), clickable or
 * not. */
static akira_ui_obj_t *gesture_at(akira_ui_obj_t *o, int32_t x, int32_t y, akira_ui_obj_t *best)
{
    if (o->flags & (F_HIDDEN | F_DISABLED)) return best;
    if (x < o->area.x1 || x > o->area.x2 || y < o->area.y1 || y > o->area.y2) return best;
    if (o->cls->gesture) best = o;
    for (akira_ui_obj_t *c = o->child; c; c = c->next)
        best = gesture_at(c, x, y, best);
    return best;
}

static void touch(akira_ui_t *ui, const akira_ui_input_t *in)
{
    int32_t x = in->x, y = in->y;
    if (in->pressed && !ui->touch_down) {
        ui->touch_down = 1;
        ui->dragging = 0;
        ui->long_sent = 0;
        ui->press_x = ui->last_x = (int16_t)x;
        ui->press_y = ui->last_y = (int16_t)y;
        ui->press_t = in->time_ms;
        akira_ui_obj_t *t = NULL;
        if (ui->open) {
            akira_area_t la;
            if (ui_dropdown_list_area(ui->open, &la) && x >= la.x1 && x <= la.x2 && y >= la.y1 &&
                y <= la.y2) {
                ui->pressed = NULL;
                ui_dropdown_list_click(ui->open, x - la.x1, y - la.y1);
                ui->touch_down = 2; /* consumed */
                return;
            }
            ui->open = NULL; /* a touch elsewhere closes the list */
            akira_ui_invalidate_all(ui);
        }
        akira_ui_obj_t *root = input_root(ui);
        if (root) t = hit(root, x, y);
        ui->pressed = t;
        ui->gesture_obj = root ? gesture_at(root, x, y, NULL) : NULL;
        ui->scroll_obj = t ? scroll_parent(t) : NULL;
        if (t) {
            t->flags |= F_PRESSED;
            akira_ui_invalidate(t);
            if (t->flags & F_FOCUSABLE) set_focus(ui, t);
            ui_event(t, AKIRA_UI_EV_PRESSED, 0, (int16_t)x, (int16_t)y);
            if (t->cls->touch) t->cls->touch(t, 0, x - t->area.x1, y - t->area.y1);
        }
        return;
    }
    if (!ui->touch_down) return; /* a move or release with nothing pressed */
    if (ui->touch_down == 2) {
        if (!in->pressed) ui->touch_down = 0;
        return;
    }
    akira_ui_obj_t *t = ui->pressed;
    int32_t dx = x - ui->press_x, dy = y - ui->press_y;
    if (!ui->dragging &&
        (int64_t)dx * dx + (int64_t)dy * dy > AKIRA_UI_DRAG_PX * AKIRA_UI_DRAG_PX) {
        ui->dragging = 1;
        if (t) {
            t->flags &= (uint16_t)~F_PRESSED;
            akira_ui_invalidate(t);
        }
    }
    if (ui->dragging && (x != ui->last_x || y != ui->last_y)) {
        if (t && t->cls->touch && !(t->flags & F_SCROLLABLE)) {
            t->cls->touch(t, 1, x - t->area.x1, y - t->area.y1);
        } else if (ui->scroll_obj) {
            akira_ui_obj_t *s = ui->scroll_obj;
            if (s->cls->touch)
                s->cls->touch(s, 1, x - s->area.x1, y - s->area.y1);
            else
                akira_ui_set(s, AKIRA_UI_P_SCROLL_Y, s->scroll_y - (y - ui->last_y));
        }
    }
    ui->last_x = (int16_t)x;
    ui->last_y = (int16_t)y;
    if (in->pressed) return;
    /* release */
    ui->touch_down = 0;
    if (t) {
        t->flags &= (uint16_t)~F_PRESSED;
        akira_ui_invalidate(t);
        if (t->cls->touch) t->cls->touch(t, 2, x - t->area.x1, y - t->area.y1);
        ui_event(t, AKIRA_UI_EV_RELEASED, 0, (int16_t)x, (int16_t)y);
        if (!ui->dragging && !ui->long_sent && x >= t->area.x1 && x <= t->area.x2 &&
            y >= t->area.y1 && y <= t->area.y2) {
            if (t->cls->click) t->cls->click(t, x - t->area.x1, y - t->area.y1);
            if (ui->pressed == t) /* the click may have deleted it */
                ui_event(t, AKIRA_UI_EV_CLICKED, t->value, (int16_t)x, (int16_t)y);
        }
        if (ui->pressed != t) t = NULL; /* gone */
    }
    /* a quick, long enough straight move is a swipe */
    uint32_t dt = in->time_ms - ui->press_t;
    int32_t adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
    int consumed_by_scroll = ui->scroll_obj && ady > adx;
    int slider_drag = t && t->cls->touch && !(t->flags & F_SCROLLABLE) && !t->cls->gesture;
    if (ui->dragging && dt <= 600 && !consumed_by_scroll && !slider_drag &&
        (adx >= 40 || ady >= 40)) {
        int dir = adx > ady ? (dx < 0 ? AKIRA_UI_DIR_LEFT : AKIRA_UI_DIR_RIGHT)
                            : (dy < 0 ? AKIRA_UI_DIR_UP : AKIRA_UI_DIR_DOWN);
        akira_ui_obj_t *gp = ui->gesture_obj;
        if (!(gp && gp->cls->gesture(gp, dir))) {
            akira_ui_obj_t *scr = input_root(ui);
            if (scr) ui_event(scr, AKIRA_UI_EV_GESTURE, dir, (int16_t)x, (int16_t)y);
        }
    }
    ui->pressed = NULL;
    ui->scroll_obj = NULL;
    ui->gesture_obj = NULL;
}

static void check_long_press(akira_ui_t *ui, uint32_t now)
{
    if (ui->touch_down == 1 && ui->pressed && !ui->dragging && !ui->long_sent &&
        now - ui->press_t >= AKIRA_UI_LONG_PRESS_MS) {
        ui->long_sent = 1;
        ui_event(ui->pressed, AKIRA_UI_EV_LONG_PRESSED, 0, ui->last_x, ui->last_y);
    }
}

int akira_ui_input(akira_ui_t *ui, const akira_ui_input_t *in)
{
    if (!ui || !in) return AKIRA_EINVAL;
    if (in->kind == AKIRA_UI_IN_BUTTON) {
        if (in->button < AKIRA_UI_KEY_UP || in->button > AKIRA_UI_KEY_B || in->pressed > 1)
            return AKIRA_EINVAL;
    } else if (in->kind == AKIRA_UI_IN_TOUCH) {
        if (in->pressed > 1) return AKIRA_EINVAL;
    } else {
        return AKIRA_EINVAL;
    }
    if ((int32_t)(in->time_ms - ui->now) > 0) ui->now = in->time_ms;
    if (ui->layout_dirty) ui_layout_now(ui); /* hit-test the current geometry */
    check_long_press(ui, in->time_ms);
    if (in->kind == AKIRA_UI_IN_BUTTON) {
        if (in->pressed) key(ui, in->button); /* keys act on press */
    } else {
        touch(ui, in);
    }
    deliver(ui);
    return AKIRA_OK;
}

static void tick_tree(akira_ui_obj_t *o, uint32_t now)
{
    for (akira_ui_obj_t *n; o; o = n) {
        n = o->next; /* a toast deletes itself */
        if (o->child) tick_tree(o->child, now);
        if (o->cls->tick && !(o->flags & F_HIDDEN)) o->cls->tick(o, now);
    }
}

int akira_ui_tick(akira_ui_t *ui, uint32_t now)
{
    if (!ui) return AKIRA_EINVAL;
    if ((int32_t)(now - ui->now) > 0) ui->now = now;
    check_long_press(ui, ui->now);
    if (ui->anim_from) {
        if (ui->now - ui->anim_start >= ui->anim_ms) ui->anim_from = NULL;
        akira_ui_invalidate_all(ui);
    }
    akira_ui_obj_t *s = akira_ui_screen_active(ui);
    if (s) tick_tree(s->child, ui->now);
    tick_tree(ui->top, ui->now);
    deliver(ui);
    return AKIRA_OK;
}
