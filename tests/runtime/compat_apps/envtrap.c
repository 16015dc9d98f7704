/* One mqtt_* / ha_light_* / crypto_* call with a pointer out of memory where
 * upstream's engine traps (its `$`, `*` and `*~` arguments): the case number comes on
 * IPC topic "envtrap.case"; the app must end with a trap, never reach the last line. */
#include "up_env_conn.h"

#define BAD ((void *)0x7FFFFFF0)
static unsigned char a[128], b[128];
static char msg[16];

int main(void)
{
    int x = 0;
    msg_subscribe("envtrap.case");
    printf_native("envtrap waiting");
    int n = msg_recv("envtrap.case", msg, sizeof msg - 1, 10000);
    msg[n > 0 ? n : 0] = 0;
    int c = atoi(msg);
    printf("case %d\n", c);
    switch (c) {
    case 1: mqtt_publish(BAD, "x", 1, 0, 0); break;
    case 2: mqtt_publish("t", BAD, 4, 0, 0); break;
    case 3: mqtt_subscribe(BAD); break;
    case 4: mqtt_poll(BAD, 8, a, 8, 0); break;
    case 5: mqtt_poll((char *)a, 8, a, -1, 0); break; /* a negative length is a huge one */
    case 6: ha_light_register(BAD, "x"); break;
    case 7: ha_light_register("lamp", BAD); break;
    case 8: ha_light_report(BAD, 1, 1, 1, 1, 1); break;
    case 9: ha_light_poll("lamp", &x, &x, BAD, &x, &x, 0); break;
    case 10: crypto_sha256(BAD, 4, b); break;
    case 11: crypto_aes256_encrypt(a, a, BAD, 16, b); break;
    case 12: crypto_aes256_decrypt(BAD, a, a, 16, b); break;
    case 13: crypto_hmac_sha256(BAD, 4, a, 4, b); break;
    case 14: crypto_random(BAD, 4); break;
    case 15: crypto_ed25519_keygen(BAD, b); break;
    case 16: crypto_ed25519_sign(a, BAD, 4, b); break;
    case 17: crypto_aes256_ctr(a, a, a, 16, BAD); break;
    case 18: crypto_p256_keygen(a, BAD); break;
    case 19: crypto_p256_sign(a, a, 4, BAD); break;
    default: printf_native("no such case"); return 1;
    }
    printf_native("not reached");
    return 0;
}
