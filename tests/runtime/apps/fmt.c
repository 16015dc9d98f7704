/* printf's conversions as C defines them: the test formats the same calls with the
 * host's snprintf and expects the app's log lines to be identical. */
#include <akira/common.h>

__attribute__((export_name("main"))) int app_main(void)
{
    int n = akira_printf("%d|%5i|%-4u|%x|%X|%o|%c|%hhd|%hhu|%hd|%hu|%hx|", -42, 7, 3u, 0xbeefu,
                         0xbeefu, 8u, 'q', 300, 300, 70000, 70000, 0x12345);
    int m = akira_printf("%ld|%lld|%llu|%zu|%jd|", -5L, -1234567890123LL, 18446744073709551615ull,
                         (__SIZE_TYPE__)77, (long long)-9);
    int k = akira_printf("%08.3f|%e|%g|%.2s|%%|%+d|% d|%#x|%-6s|", 3.14159, 12345.678, 0.0001,
                         "hello", 5, 5, 255u, "ab");
    return n < 0 || m < 0 || k < 0 ? -1 : n + m + k;
}
