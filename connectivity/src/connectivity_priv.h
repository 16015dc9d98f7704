/* Connectivity internals shared by its source files (not a public header). */
#ifndef AKIRA_CONNECTIVITY_PRIV_H
#define AKIRA_CONNECTIVITY_PRIV_H

#include <akira/connectivity.h>
#include <akira/http.h>

/* http_api.c: adds the device API routes; cfg must outlive the server. */
int akira_connectivity_api_routes(struct akira_http_server *s,
                                  const struct akira_connectivity_config *cfg);
/* Keys no network client may read or write (the token, akira/security/...). */
bool akira_connectivity_key_secret(const char *key);

/* shell_net.c: the network shell service. */
struct akira_shell_net;
struct akira_shell_net_config {
    struct akira_net_addr addr;
    unsigned sessions;         /* at once; more are refused with a message */
    uint32_t login_timeout_ms; /* to type the token */
    uint32_t idle_timeout_ms;  /* silence that ends a session */
    uint32_t fail_delay_ms;    /* pause after a wrong token */
    void (*on_exit)(enum akira_shell_exit why);
};
int akira_shell_net_start(struct akira_shell_net **out, const struct akira_shell_net_config *cfg,
                          const char *token);
int akira_shell_net_addr(const struct akira_shell_net *s, struct akira_net_addr *out);
void akira_shell_net_stop(struct akira_shell_net *s);

#endif /* AKIRA_CONNECTIVITY_PRIV_H */
