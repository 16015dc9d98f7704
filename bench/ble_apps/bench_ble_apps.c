/*
 * RAM of the app API modules ble and hid (bench/RESULTS.md, "Bluetooth LE for apps"):
 * the modules' fixed tables, what one app service and one app using the module take,
 * what registering a module costs the bridge, and the attributes an app service takes
 * in the host's table; each beside the BLE host instance's RAM measured in the same run
 * (akira_ble_host_ram_bytes) as the reference.
 */
#include <stdio.h>

#include <akira/api_ble.h>

int main(void)
{
    size_t per_svc, per_app;
    size_t ble = akira_api_ble_ram(&per_svc, &per_app);
    size_t hid = akira_api_hid_ram();
    size_t per_conn;
    size_t host = akira_ble_host_ram_bytes(&per_conn);
    /* The bridge keeps one pointer per registered module; the entries are constant. */
    size_t reg = sizeof(const struct akira_bridge_module *);
    size_t ble_rodata = sizeof(struct akira_bridge_module) +
                        akira_api_ble.count * sizeof(struct akira_bridge_entry);
    size_t hid_rodata = sizeof(struct akira_bridge_module) +
                        akira_api_hid.count * sizeof(struct akira_bridge_entry);
    /* An ESS-like service (3 characteristics with notify) in the host's table: the
     * service, per characteristic a declaration, a value and a CCCD. */
    size_t attrs = 1 + 3 * 3;
    printf("ble module tables (%u apps, %u services): %zu B RAM\n", AKIRA_API_BLE_APPS,
           AKIRA_API_BLE_SVC_MAX, ble);
    printf("  per app service (%u characteristics of %u B): %zu B\n", AKIRA_API_BLE_CHR_MAX,
           AKIRA_API_BLE_VAL_MAX, per_svc);
    printf("  per app using ble (%u records queued, client buffers): %zu B\n", AKIRA_API_BLE_RING,
           per_app);
    printf("hid module table: %zu B RAM\n", hid);
    printf("registering a module: %zu B RAM in the bridge; constant tables ble %zu B, hid %zu B\n",
           reg, ble_rodata, hid_rodata);
    printf("an ESS-like app service in the host's attribute table: %zu of %u attributes, 3 of "
           "%u CCCDs (preallocated)\n",
           attrs, AKIRA_BLE_GATT_MAX_ATTRS, AKIRA_BLE_GATT_MAX_CCCD);
    printf("reference, same run: BLE host instance %zu B (%zu B per connection)\n", host, per_conn);
    printf("ratio: ble+hid modules / host instance = %.3f; one app service / host = %.3f\n",
           (double)(ble + hid) / (double)host, (double)per_svc / (double)host);
    return 0;
}
