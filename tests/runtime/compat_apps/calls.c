/* Every bound env function called with good and bad arguments; each result is logged
 * as `name: value` for tests/runtime/test_compat_e2e.py. Runs while `invaders` owns the
 * display and holds timer handle 0, so drawing is -EBUSY (-16) and that handle -EPERM
 * (-1). The last call reads a string far outside memory: upstream's engine traps
 * there, and so does this firmware (the app ends FAILED, reason trap). */
#include "up_env.h"

#define R(name, expr) printf("%s: %d\n", name, (int)(expr))

/* upstream's optional import modules */
__attribute__((import_module("akira_log"), import_name("log_info"))) void log_info(const char *s);
__attribute__((import_module("akira_time"), import_name("get_time_ms"))) long long
get_time_ms(void);
__attribute__((import_module("akira_time"), import_name("sleep_ms"))) void sleep_ms(int ms);
#define BAD_PTR ((void *)0x7FFFFFF0)

static unsigned short px[4] = {0xF800, 0x07E0, 0x001F, 0xFFFF};
static char buf[256];
/* values the compiler cannot see through (so the libc calls stay imports) */
static const char *volatile hay = "hello upstream world";
static const char *volatile needle = "up";
static const char *volatile set_a = "ehlo";
static const char *volatile set_b = " ";
static const char *volatile upper = "HELLO";
static const char *volatile help = "HELP";
static const char *volatile num = "  -0x1F rest";
static const char *volatile bin = "101";
static const char *volatile big = "99999999999";
static const char *volatile neg = "-1";
static const char *volatile fmt_sd = "%s-%d";
static const char *volatile fmt_d = "%d";
static const char *volatile fmt_mix = "%x|%5d|%c";
static const char *volatile fmt_bad = "%n";
static volatile int vc = '7', vu = '_', vt = '\t', vF = 'F', vs = ' ', vq = 'q', vbig = 300;

/* the va_list forms, as an app's own variadic wrapper calls them */
static int my_vsnprintf(char *d, unsigned long n, const char *f, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, f);
    int r = vsnprintf(d, n, f, ap);
    __builtin_va_end(ap);
    return r;
}

static int my_vsprintf(char *d, const char *f, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, f);
    int r = vsprintf(d, f, ap);
    __builtin_va_end(ap);
    return r;
}

static int my_vprintf(const char *f, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, f);
    int r = vprintf(f, ap);
    __builtin_va_end(ap);
    return r;
}

int main(void)
{
    int w = -1, h = -1;
    /* logging, timing */
    R("printf_native", printf_native("hello from calls"));
    R("printf_native_null", printf_native(0));
    R("delay", delay(1500));
    log_info("akira_log line");
    long long t0 = get_time_ms();
    sleep_ms(20);
    sleep_ms(-5); /* ignored */
    R("get_time_ms", get_time_ms() - t0 >= 15);
    R("puts", puts("puts line"));
    putchar('o');
    putchar('k');
    putchar('\n');
    /* libc */
    strcpy(buf, "abc");
    R("strlen", strlen(buf));
    R("strcmp", strcmp(buf, "abd") < 0);
    R("strncmp", strncmp("abcx", "abcy", 3));
    R("atoi", atoi(" -1234x"));
    memcpy(buf + 10, "xyz", 4);
    R("memcpy", strcmp(buf + 10, "xyz"));
    /* display: another app owns it */
    R("display_clear", display_clear(C_BLACK));
    R("display_text", display_text(0, 0, "x", C_WHITE));
    R("display_flush", display_flush());
    R("display_bitmap_short", display_bitmap(0, 0, 4, 4, px, sizeof px));
    R("display_get_size", display_get_size(&w, &h));
    R("size_w", w);
    R("size_h", h);
    R("display_get_size_null", display_get_size(0, &h));
    R("display_get_width", display_get_width());
    /* input: not in front */
    up_input_event_t ev;
    R("input_poll_event_short", input_poll_event(&ev, 4));
    R("input_get_buttons", input_get_buttons());
    /* gpio */
    R("gpio_configure", gpio_configure(15, UP_GPIO_INPUT | UP_GPIO_PULL_DOWN));
    R("gpio_configure_bad_pin", gpio_configure(33, UP_GPIO_INPUT));
    R("gpio_configure_output_button", gpio_configure(15, UP_GPIO_OUTPUT));
    R("gpio_read", gpio_read(15));
    /* gpio0's other pins, through our gpio module (invaders holds none of them) */
    R("gpio_configure_out", gpio_configure(20, UP_GPIO_OUTPUT | UP_GPIO_OUTPUT_INIT_LOW));
    R("gpio_read_out_low", gpio_read(20));
    R("gpio_write", gpio_write(20, 7)); /* non-zero is 1 */
    R("gpio_read_out_high", gpio_read(20));
    R("gpio_configure_active_low", gpio_configure(21, UP_GPIO_OUTPUT | UP_GPIO_ACTIVE_LOW));
    R("gpio_write_active_low", gpio_write(21, 1)); /* drives the pin low */
    R("gpio_read_active_low", gpio_read(21));
    R("gpio_configure_active_low_high",
      gpio_configure(23, UP_GPIO_OUTPUT | UP_GPIO_OUTPUT_INIT_HIGH | UP_GPIO_ACTIVE_LOW));
    R("gpio_read_active_low_high", gpio_read(23)); /* high on the pin: logical 0 */
    R("gpio_write_input_pin", gpio_write(15, 1));
    R("gpio_write_unconfigured", gpio_write(22, 1));
    R("gpio_configure_bad_flags", gpio_configure(22, UP_GPIO_INPUT | (1u << 8)));
    R("gpio_configure_both_inits",
      gpio_configure(22, UP_GPIO_OUTPUT | UP_GPIO_OUTPUT_INIT_LOW | UP_GPIO_OUTPUT_INIT_HIGH));
    R("gpio_read_bad_pin", gpio_read(32));
    R("gpio_write_bad_pin", gpio_write(48, 0));
    printf_native("gpio done");
    /* memory */
    u32 p = mem_alloc(100);
    R("mem_alloc", p != 0);
    R("mem_alloc_zero", mem_alloc(0));
    R("mem_alloc_huge", mem_alloc(0x7FFFFFFF));
    mem_free(p);
    mem_free(0);
    /* timers: 0 is invaders' */
    int t = timer_create();
    R("timer_create", t > 0);
    R("timer_start", timer_start(t));
    delay(20000);
    R("timer_elapsed_ok", timer_elapsed(t) >= 15);
    R("timer_stop", timer_stop(t));
    R("timer_other_app", timer_start(0));
    R("timer_bad", timer_start(99));
    R("timer_free", timer_free(t));
    R("timer_freed", timer_elapsed(t));
    /* rtc */
    R("rtc_unset", rtc_get_unix_time());
    R("rtc_set", rtc_set_unix_time(1700000000));
    R("rtc_now", rtc_get_unix_time() >= 1700000000);
    R("rtc_uptime", rtc_get_uptime_ms() > 0);
    R("rtc_alarm", rtc_set_alarm(rtc_get_uptime_ms() + 10));
    delay(30000);
    R("rtc_alarm_fired", rtc_alarm_fired());
    R("rtc_alarm_again", rtc_alarm_fired());
    R("rtc_alarm_bad", rtc_set_alarm(0));
    /* the app log's burst (64 lines) is spent: let it refill (20 lines a second) */
    delay(3200000);
    /* pwm: pwm0's channels (8 on native_sim); the test reads channel 2 meanwhile */
    R("pwm_set", pwm_set(2, 1000, 25));
    R("pwm_set_bad_freq", pwm_set(2, 0, 50));
    R("pwm_set_bad_duty", pwm_set(2, 1000, 101));
    R("pwm_set_too_fast", pwm_set(2, 5000000, 50));
    R("pwm_set_bad_channel", pwm_set(8, 1000, 50));
    R("pwm_disable", pwm_disable(3));
    R("pwm_disable_bad_channel", pwm_disable(-1));
    printf_native("pwm done");
    delay(2000000);
    /* power: the simulated battery */
    int level = power_get_battery_level();
    unsigned char bat[12];
    R("power_level_range", level >= 0 && level <= 100);
    R("power_status", power_get_battery_status(bat, sizeof bat));
    R("power_status_level", bat[0] + 1 >= level && bat[0] <= level + 1);
    u32 mv = bat[4] | bat[5] << 8 | bat[6] << 16 | (u32)bat[7] << 24;
    R("power_status_mv", mv > 2500 && mv < 5000);
    R("power_status_short", power_get_battery_status(bat, 8));
    /* uart: port 0 is uart1 (a pty here), port 1 uart2 (none on native_sim) */
    R("uart_open", uart_open(0, 115200));
    R("uart_open_again", uart_open(0, 115200));
    R("uart_open_no_device", uart_open(1, 115200));
    R("uart_open_bad_port", uart_open(2, 9600));
    R("uart_open_bad_baud", uart_open(1, 0));
    R("uart_write", uart_write(0, "hi", 2));
    R("uart_read_none", uart_read(0, buf, 16));
    R("uart_write_not_open", uart_write(1, "x", 1));
    R("uart_close", uart_close(0));
    R("uart_close_again", uart_close(0));
    R("uart_read_closed", uart_read(0, buf, 16));
    /* i2c: the simulated chips on bus 0 (upstream's whole-bus capability) */
    unsigned char reg[4] = {0};
    R("i2c_read_bme280_id", i2c_read_reg(0, 0x76, 0xD0, reg, 1));
    R("i2c_bme280_id", reg[0]);
    R("i2c_read_lsm6ds3_id", i2c_read_reg(0, 0x6A, 0x0F, reg, 1));
    R("i2c_lsm6ds3_id", reg[0]);
    reg[0] = 0x12;
    reg[1] = 0x34;
    R("i2c_write_reg", i2c_write_reg(0, 0x6A, 0x06, reg, 2)); /* FIFO_CTRL1..2 */
    reg[0] = reg[1] = 0;
    R("i2c_read_back", i2c_read_reg(0, 0x6A, 0x06, reg, 2));
    R("i2c_read_back_data", reg[0] << 8 | reg[1]);
    R("i2c_read_no_ack", i2c_read_reg(0, 0x50, 0x00, reg, 1));
    R("i2c_write_no_ack", i2c_write_reg(0, 0x50, 0x00, reg, 1));
    R("i2c_read_no_bus", i2c_read_reg(1, 0x76, 0xD0, reg, 1));
    R("i2c_read_bad_bus", i2c_read_reg(2, 0x76, 0xD0, reg, 1));
    R("i2c_read_bad_addr", i2c_read_reg(0, 0x80, 0xD0, reg, 1));
    R("i2c_read_bad_reg", i2c_read_reg(0, 0x76, 0x100, reg, 1));
    R("i2c_read_zero", i2c_read_reg(0, 0x76, 0xD0, reg, 0));
    R("i2c_read_too_long", i2c_read_reg(0, 0x76, 0xD0, (unsigned char *)buf, 257));
    R("i2c_write_too_long", i2c_write_reg(0, 0x76, 0xF4, (unsigned char *)buf, 257));
    delay(2000000); /* the log's rate limit refills */
    /* fs: the app's own directory */
    up_stat_t st;
    R("fs_mkdir", fs_mkdir("d"));
    R("fs_mkdir_again", fs_mkdir("d"));
    int fd = fs_open("d/f.txt", UP_FS_WRITE | UP_FS_CREATE | UP_FS_TRUNC);
    R("fs_open_write", fd > 0);
    R("fs_write", fs_write(fd, "hello", 5));
    R("fs_tell", fs_tell(fd));
    R("fs_seek", fs_seek(fd, 1, 0));
    R("fs_seek_bad_whence", fs_seek(fd, 0, 7));
    R("fs_close", fs_close(fd));
    R("fs_close_again", fs_close(fd));
    R("fs_tell_closed", fs_tell(fd));
    fd = fs_open("d/f.txt", UP_FS_READ);
    R("fs_open_read", fd > 0);
    memset(buf, 0, 16);
    R("fs_read", fs_read(fd, buf, 16));
    R("fs_read_data", strcmp(buf, "hello"));
    R("fs_read_eof", fs_read(fd, buf, 16));
    fs_close(fd);
    R("fs_read_bad_fd", fs_read(99, buf, 4));
    R("fs_write_bad_fd", fs_write(fd, "x", 1));
    R("fs_stat", fs_stat("d/f.txt", &st));
    R("fs_stat_size", st.size);
    R("fs_stat_type", st.type);
    R("fs_stat_dir", fs_stat("d", &st));
    R("fs_stat_dir_type", st.type);
    R("fs_stat_none", fs_stat("nope", &st));
    R("fs_readdir", fs_readdir("d", buf, sizeof buf));
    R("fs_readdir_data", strcmp(buf, "f.txt\n"));
    R("fs_open_dotdot", fs_open("../invaders/x", UP_FS_READ));
    R("fs_open_bad_flags", fs_open("d/f.txt", 0x40));
    R("fs_open_none", fs_open("nope", UP_FS_READ));
    R("fs_unlink_dir_full", fs_unlink("d"));
    R("fs_unlink", fs_unlink("d/f.txt"));
    R("fs_unlink_dir", fs_unlink("d"));
    R("fs_unlink_none", fs_unlink("d"));
    delay(1500000); /* the log's rate limit refills */
    /* libc helpers of upstream's engine (arguments through volatiles: not folded) */
    char *e;
    R("snprintf", snprintf(buf, 8, fmt_sd, (const char *)hay, 42));
    R("snprintf_cut", strcmp(buf, "hello u"));
    R("snprintf_zero", snprintf(buf, 0, fmt_d, 12345));
    R("sprintf", sprintf(buf, fmt_mix, 255, vc, 'q'));
    R("sprintf_data", strcmp(buf, "ff|   55|q"));
    R("snprintf_bad_fmt", snprintf(buf, 16, fmt_bad, 1));
    R("vsnprintf", my_vsnprintf(buf, 4, fmt_d, 98765));
    R("vsnprintf_data", strcmp(buf, "987"));
    R("vsprintf", my_vsprintf(buf, fmt_sd, (const char *)needle, -3));
    R("vsprintf_data", strcmp(buf, "up--3"));
    R("vprintf", my_vprintf(fmt_sd, (const char *)set_a, 9));
    R("strstr", strstr(hay, needle) - hay);
    R("strstr_none", strstr(hay, fmt_bad) == 0);
    R("strspn", strspn(hay, set_a));
    R("strcspn", strcspn(hay, set_b));
    R("strncasecmp", strncasecmp(hay, upper, 5));
    R("strncasecmp_less", strncasecmp(hay, help, 4) < 0);
    R("strtol", strtol(num, &e, 0));
    R("strtol_end", e - num);
    R("strtol_base2", strtol(bin, 0, 2));
    R("strtol_overflow", strtol(big, 0, 10) == 2147483647);
    R("strtoul_neg", strtoul(neg, 0, 10) == 0xFFFFFFFFul);
    R("strtol_bad_base", strtol(bin, &e, 1));
    R("strtol_bad_base_end", e == bin);
    R("isdigit", isdigit(vc) != 0);
    R("isalpha", isalpha(vc) != 0);
    R("isalnum_underscore", isalnum(vu) != 0);
    R("isspace_tab", isspace(vt) != 0);
    R("isxdigit", isxdigit(vF) != 0);
    R("isupper", isupper(vF) != 0);
    R("islower", islower(vF) != 0);
    R("isgraph_space", isgraph(vs) != 0);
    R("toupper", toupper(vq));
    R("tolower", tolower(vF));
    R("tolower_not_char", tolower(vbig));
    /* apps */
    R("app_get_self_name", app_get_self_name(buf, sizeof buf));
    printf("self %s\n", buf);
    R("app_get_self_name_short", app_get_self_name(buf, 1));
    R("app_list", app_list(buf, sizeof buf) >= 2);
    R("app_status_invaders", app_get_status("invaders"));
    R("app_status_none", app_get_status("nosuchapp"));
    R("app_stop_self", app_stop("calls"));
    R("app_start_nocap", app_start("launcher"));
    R("app_switch_self", app_switch("calls"));
    R("app_switch_none", app_switch("nosuchapp"));
    printf_native("calls done");
    /* capabilities the manifest lacks (refused by the bridge, as upstream: -EPERM) */
    R("sensor_read_nocap", sensor_read(13));
    R("msg_publish_nocap", msg_publish("x", "y", 1));
    /* a string outside memory: trap */
    R("strlen_oob", strlen((const char *)BAD_PTR));
    printf_native("not reached");
    return 0;
}
