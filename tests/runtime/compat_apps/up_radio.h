/* The RF and mesh imports of upstream AkiraOS's "env" ABI (docs/compat.md "RF",
 * "Mesh"), declared from the facts there, for the radio test apps (uprf.c, upmesh.c).
 * Written here; upstream's SDK header is not used. */
#ifndef UP_RADIO_H
#define UP_RADIO_H

#include "up_env.h"

int rf_set_frequency(u32 freq_hz);
int rf_set_power(int dbm);
int rf_get_rssi(void);
int rf_send(const void *payload, u32 len);
int rf_select(int chip);
int rf_recv_pop(void *buf, u32 max_len, u32 timeout_ms);
int rf_receive(void *buf, u32 max_len, u32 timeout_ms);
int rf_set_modulation(int mod);
int rf_set_spreading_factor(int sf);
int rf_set_bandwidth(u32 bw_hz);
int rf_set_coding_rate(int cr);
int rf_set_bitrate(int bps);
int rf_tx_cw_start(void);
int rf_tx_cw_stop(void);
int rf_tx_cw_set_freq(u32 freq_hz);
int rf_set_sync_word(u32 sync);
int rf_raw_capture(void *buf, u32 max_bytes, u32 sample_rate_hz, int timeout_ms);
int rf_raw_replay(const void *buf, u32 len, u32 sample_rate_hz, int repeat);

int mesh_init(int node_id, const char *name, int role, u32 beacon_interval_ms);
int mesh_start(void);
int mesh_stop(void);
int mesh_send(const void *dest_id, const void *data, u32 len);
int mesh_broadcast(const void *data, u32 len, int max_hops);
int mesh_recv_pop(void *src_id_out, void *buf, u32 max_len, u32 timeout_ms);
int mesh_get_nodes(void *buf, u32 max_nodes);
int mesh_get_stats(void *buf);

/* the libc-style helpers of upstream's engine the tests add */
void *malloc(unsigned long n);
void free(void *p);
void *realloc(void *p, unsigned long n);
double strtod(const char *s, char **end);
void exit(int code);
void abort(void);

#define BAD_PTR       ((void *)0x7FFFFFF0)
#define R(name, expr) printf("%s: %d\n", name, (int)(expr))

#endif /* UP_RADIO_H */
