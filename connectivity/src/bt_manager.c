/* BT manager: the link layer on the board's radio, advertising the device (akira/bt.h). */
#include <stdio.h>
#include <string.h>

#include <akira/ble_ctrl.h>
#include <akira/bt.h>
#include <akira/bt_host.h>
#include <akira/drivers/radio.h>

static char name[24];
static struct akira_ble_adv_params own_adv; /* the device's set (interval 0: none yet) */

akira_err_t akira_bt_adv_params(struct akira_ble_adv_params *out)
{
    if (!own_adv.interval_ms) return AKIRA_ENODEV;
    *out = own_adv;
    return AKIRA_OK;
}

const char *akira_bt_name(void)
{
    return name;
}

akira_err_t akira_bt_start(char *detail, size_t cap)
{
    const struct akira_device *radio = akira_radio_default();
    struct akira_radio_info info;
    if (!radio || akira_radio_info_get(radio, &info) != 0) return AKIRA_ENODEV;
    akira_err_t rc = akira_ble_ctrl_start(radio);
    if (rc != AKIRA_OK) return rc;
    snprintf(name, sizeof(name), "akira-%u", (unsigned)info.node_id);
    /* The host (L2CAP, GATT, SMP: docs/ble_host.md) before advertising, so the first
     * connection already finds it. */
    rc = akira_bt_host_start(name);
    if (rc != AKIRA_OK) return rc;
    struct akira_ble_adv_params p = {.type = AKIRA_BLE_ADV_IND, .interval_ms = 100};
    size_t nl = strlen(name);
    /* AD structures: Flags (LE General Discoverable, BR/EDR not supported), then the
     * Complete Local Name; the scan response repeats the name. */
    uint8_t ad[] = {2, 0x01, 0x06};
    memcpy(p.data, ad, sizeof(ad));
    p.data[3] = (uint8_t)(nl + 1);
    p.data[4] = 0x09;
    memcpy(p.data + 5, name, nl);
    p.data_len = (uint8_t)(5 + nl);
    p.scan_rsp[0] = (uint8_t)(nl + 1);
    p.scan_rsp[1] = 0x09;
    memcpy(p.scan_rsp + 2, name, nl);
    p.scan_rsp_len = (uint8_t)(2 + nl);
    rc = akira_ble_ctrl_adv_start(&p);
    if (rc != AKIRA_OK) return rc;
    own_adv = p;
    akira_ble_addr_t a;
    char as[18];
    akira_ble_ll_own_addr(&a);
    akira_ble_addr_format(&a, as);
    if (cap > 0) snprintf(detail, cap, "%s \"%s\", advertising", as, name);
    return AKIRA_OK;
}
