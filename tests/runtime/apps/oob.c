/* Hostile: hands the system pointers outside its memory. Every call must come back with
 * AKIRA_EFAULT (nothing crashes, nothing traps); returns how many did not (0 = all). */
#include <akira/lifecycle.h>

#define WILD ((const char *)0xfffff000u)

__attribute__((export_name("main"))) int main(void)
{
    int bad = 0;
    bad += akira_log(AKIRA_LOG_INF, WILD, 64) != AKIRA_EFAULT;
    bad += akira_log(AKIRA_LOG_INF, "x", 0x7fffffffu) != AKIRA_EFAULT;
    bad += akira_printf(WILD) != AKIRA_EFAULT;
    bad += akira_printf("%s", WILD) != AKIRA_EFAULT;
    bad += akira_event_poll((struct akira_event *)0xfffffff8u) != AKIRA_EFAULT;
    bad += akira_event_wait((struct akira_event *)0x7ffffff0u, 10) != AKIRA_EFAULT;
    akira_printf("oob: %d calls not refused\n", bad);
    return bad;
}
