/* The management tunnel over the mesh (mesh_tunnel.c); private to connectivity. */
#ifndef AKIRA_MESH_TUNNEL_H
#define AKIRA_MESH_TUNNEL_H

#include <stdint.h>

/* Serves the device API to management streams from other nodes (after the mesh
 * service has its lock: akira_mesh_service_register). */
int akira_mesh_tunnel_start(void);
void akira_mesh_tunnel_stop(void);
/* Relays connections to a loopback port (*port, chosen here) to node's API. Repeating
 * it for the same node gives the same port; AKIRA_EBUSY while relaying to another. */
int akira_mesh_tunnel_proxy(uint16_t node, uint16_t *port);

#endif
