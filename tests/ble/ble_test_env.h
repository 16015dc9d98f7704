/* Two hosts on a fake link, a test GATT database, settings on a RAM flash. */
#ifndef BLE_TEST_ENV_H
#define BLE_TEST_ENV_H

#include <akira/flash_map.h>
#include <akira/settings.h>
#include <akira/sim_flash.h>

#include "fake_link.h"

struct env_side {
    unsigned connected, disconnected, sec_changes, pair_done, notifies, ind_done, subs;
    uint8_t sec_level, pair_reason, last_disc_reason;
    bool bonded;
    akira_err_t sec_err, ind_err;
    uint32_t displayed, compared;
    bool entry_asked;
    uint16_t notify_handle;
    uint8_t notify_data[256];
    size_t notify_len;
    bool notify_ind;
};

struct env {
    struct fake_link link;
    struct env_side side[2];
    struct akira_sim_flash flash[2];
    struct akira_flash_area fa[2];
    struct akira_settings st[2];
    bool have_store;
    /* server values (side 1) */
    uint16_t h_name, h_long, h_rw, h_notify, h_enc, h_auth, h_dsc;
    uint8_t rw[600];
    size_t rw_len;
    unsigned rw_writes;
    /* every notification side 0 gets also goes here */
    void (*notify_hook)(uint16_t conn, uint16_t handle, const uint8_t *d, size_t n);
};

extern struct env E;

/* GATT client results of the last procedure. */
struct result {
    bool done;
    int err;
    size_t len;
    akira_ble_gattc_item_t items[32];
    size_t n_items;
};

void env_setup_store(void);
/* Create both hosts (io caps, mitm) on the settings store if set up. */
void env_hosts(uint8_t io0, uint8_t io1, bool mitm);
void env_db(void); /* the test database on side 1 */
void env_teardown(void);
void env_done_cb(void *user, uint16_t conn, int err, size_t len);
void env_item_cb(void *user, uint16_t conn, const akira_ble_gattc_item_t *it);

#endif
