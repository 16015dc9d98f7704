/* Shell command `serial`: the serial management link's counters (bad frames refused). */
#include <akira/connectivity.h>
#include <akira/err.h>
#include <akira/serial_link.h>
#include <akira/shell.h>

static int cmd_serial(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_serial_link_stats st;
    int rc = akira_connectivity_serial_stats(&st);
    if (rc) {
        akira_shell_print(sh, "serial link: off\n");
        return 0;
    }
    const struct akira_serial_counters *c = &st.frames;
    akira_shell_print(sh, "serial link on %s\n", akira_connectivity_serial_uart());
    akira_shell_print(sh, "sessions %u resumed %u, stream bytes in %llu out %llu\n",
                      (unsigned)st.sessions, (unsigned)st.resumes, (unsigned long long)st.rx_bytes,
                      (unsigned long long)st.tx_bytes);
    akira_shell_print(sh, "frames ok %u, retransmitted %u, duplicates %u\n", (unsigned)c->frames_ok,
                      (unsigned)c->retransmits, (unsigned)c->duplicates);
    akira_shell_print(sh,
                      "refused: crc %u length %u coding %u too-long %u seq %u; uart overruns %u\n",
                      (unsigned)c->bad_crc, (unsigned)c->bad_length, (unsigned)c->bad_coding,
                      (unsigned)c->too_long, (unsigned)c->bad_seq, (unsigned)st.overruns);
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(serial, "serial", "serial management link: sessions, refused frames", NULL,
                         cmd_serial, NULL, 0, 0);
