/* Upstream-style app without rf.transceive and mesh: their calls are -EPERM. */
#include "up_radio.h"

int main(void)
{
    R("rf_select_nocap", rf_select(1));
    R("rf_send_nocap", rf_send("x", 1));
    R("rf_set_sync_word_nocap", rf_set_sync_word(0x12)); /* -ENOTSUP with it */
    R("mesh_start_nocap", mesh_start());
    R("mesh_get_stats_nocap", mesh_get_stats(0));
    printf("upnocap: done\n");
    return 0;
}
