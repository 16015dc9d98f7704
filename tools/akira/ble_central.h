/* `akira --ble NODE`: the tool's node on the radio medium (docs/ble.md, "Management
 * over BLE"). The tool starts a helper akiraos on the medium as the central, connects
 * it to NODE, and has it bridge its uart1 (a host pty) to NODE's management service
 * (`bt link`); the serial client (serial_client.h) then speaks the framed protocol on
 * that pty as on a serial line. The helper is powered off (then killed by pid) at exit. */
#ifndef AKIRA_TOOL_BLE_CENTRAL_H
#define AKIRA_TOOL_BLE_CENTRAL_H

#include <stddef.h>

/* node: a node id ("1"), a name ("akira-1") or an address ("C0:00:00:00:00:01");
 * radio: the medium's socket; pos: "X,Y" or NULL. Fills pty with the bridge's path.
 * 0, or -1 with the reason in err. */
int ble_central_start(const char *node, const char *radio, const char *pos, char *pty,
                      size_t pty_cap, char *err, size_t cap);
void ble_central_stop(void);

#endif
