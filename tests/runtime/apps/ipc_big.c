/* Publishes messages of 128, 200, 256 and 257 bytes on "big" and logs what each
 * publish answered: "big: 128 R1, 200 R2, 256 R3, 257 R4". Run with an upstream
 * (compat) manifest it may publish up to AKIRA_IPC_COMPAT_MSG_MAX (256) bytes; a
 * subscriber whose ring holds 128-byte messages drops the longer ones. */
#include <akira/akira.h>

static uint8_t msg[300];

__attribute__((export_name("main"))) int app_main(void)
{
    static const uint32_t sizes[4] = {128, 200, 256, 257};
    int32_t r[4];
    for (uint32_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)i;
    for (int i = 0; i < 4; i++)
        r[i] = akira_ipc_pub("big", msg, sizes[i]);
    akira_printf("big: 128 %d, 200 %d, 256 %d, 257 %d\n", (int)r[0], (int)r[1], (int)r[2],
                 (int)r[3]);
    return 0;
}
