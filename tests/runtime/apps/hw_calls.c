/* Every hardware module called from a WASM app (tests/runtime/test_hw_api.c).
 *
 * Without the capabilities every call must come back AKIRA_EACCES ("hw: denied N of
 * N"). With them and the test's manifest lists (gpio_pins: 2,5,13; i2c: i2c0:0x76
 * and 0x50, i2c3:0x10; uart: uart0, uart7; pwm: pwm0:0-3, pwm5:0; sensors: bme280,
 * nosuch2: the listed devices that do not exist must be AKIRA_ENODEV), every pin, bus, address,
 * channel or sensor outside the lists must be AKIRA_EACCES, every bad number AKIRA_EINVAL, every
 * wild pointer or length AKIRA_EFAULT, and the allowed calls must work ("hw: N calls
 * not as expected", 0 = all). Then it keeps pin 13 (input, both edges), pin 2 (output
 * high), pwm0 channel 1 and uart0 and logs each GPIO event until STOP. Pin 5 and pwm0
 * channel 2 are the test's own: the app's refused calls on them must change nothing. */
#include <akira/akira.h>

#define WILD 0xfffff000u
#define HUGE 0x7fffffffu

static int bad;

static void expect(int32_t got, int32_t want, const char *what)
{
    if (got == want) return;
    akira_printf("hw: %s gave %d, expected %d\n", what, (int)got, (int)want);
    bad++;
}

static void expect_in(int32_t got, int32_t lo, int32_t hi, const char *what)
{
    if (got >= lo && got <= hi) return;
    akira_printf("hw: %s gave %d, expected %d..%d\n", what, (int)got, (int)lo, (int)hi);
    bad++;
}

static int denied_all(void)
{
    uint8_t b[16];
    struct akira_sensor_value v;
    struct akira_pwm_setting s;
    struct akira_power_battery bat;
    int32_t r[] = {
        akira_gpio_configure(2, AKIRA_GPIO_OUTPUT),
        akira_gpio_get(2),
        akira_gpio_set(2, 1),
        akira_gpio_toggle(2),
        akira_gpio_irq(2, 3),
        akira_i2c_transfer("i2c0", 4, 0x76, b, 1, b, 1),
        akira_uart_open("uart0", 5),
        akira_uart_write(1, b, 1),
        akira_uart_read(1, b, 1),
        akira_uart_close(1),
        akira_pwm_set("pwm0", 4, 0, 1000000, 0),
        akira_pwm_get("pwm0", 4, 0, &s),
        akira_sensor_channels("bme280", 6),
        akira_sensor_fetch("bme280", 6),
        akira_sensor_get("bme280", 6, 0, &v),
        akira_sensor_attr_set("bme280", 6, 0, 1, 1, 0),
        akira_power_battery(&bat),
        akira_power_level(),
        akira_power_charging(),
        akira_power_sleep(0, 1),
        akira_net_socket(AKIRA_NET_TCP),
        akira_net_connect(1, AKIRA_NET_IPV4(127, 0, 0, 1), 80, 100),
        akira_net_send(1, b, 1),
        akira_net_recv(1, b, 1),
        akira_net_close(1),
    };
    int n = (int)(sizeof r / sizeof r[0]), denied = 0;
    for (int i = 0; i < n; i++)
        denied += r[i] == AKIRA_EACCES;
    akira_printf("hw: denied %d of %d\n", denied, n);
    return denied;
}

/* The address n bytes before the end of linear memory. A buffer one byte longer than
 * n crosses the end by one: its whole length must be checked, not only its start. */
static void *mem_end(uint32_t n)
{
    return (void *)(uintptr_t)(__builtin_wasm_memory_size(0) * 65536u - n);
}

static void gpio_checks(void)
{
    expect(akira_gpio_configure(32, AKIRA_GPIO_OUTPUT), AKIRA_EINVAL, "gpio pin 32");
    expect(akira_gpio_configure(-1, AKIRA_GPIO_OUTPUT), AKIRA_EINVAL, "gpio pin -1");
    expect(akira_gpio_get(1000), AKIRA_EINVAL, "gpio get pin 1000");
    expect(akira_gpio_configure(3, AKIRA_GPIO_OUTPUT), AKIRA_EACCES, "gpio pin 3 not listed");
    expect(akira_gpio_get(31), AKIRA_EACCES, "gpio get pin 31 not listed");
    expect(akira_gpio_set(3, 1), AKIRA_EACCES, "gpio set pin 3");
    expect(akira_gpio_irq(20, 3), AKIRA_EACCES, "gpio irq pin 20");
    expect(akira_gpio_configure(2, 1u << 7), AKIRA_EINVAL, "gpio unknown flag");
    expect(akira_gpio_configure(2, AKIRA_GPIO_INPUT | AKIRA_GPIO_OUTPUT), AKIRA_EINVAL,
           "gpio in and out");
    expect(akira_gpio_irq(2, 7), AKIRA_EINVAL, "gpio irq mode 7");
    /* Pin 5 is the test's own output: a refused configure must not claim it. */
    expect(akira_gpio_configure(5, AKIRA_GPIO_INPUT | AKIRA_GPIO_OUTPUT), AKIRA_EINVAL,
           "gpio 5 in and out");
    expect(akira_gpio_configure(2, AKIRA_GPIO_OUTPUT | AKIRA_GPIO_OUTPUT_INIT_HIGH), 0,
           "gpio 2 output high");
    expect(akira_gpio_get(2), 1, "gpio 2 reads high");
    expect(akira_gpio_set(2, 0), 0, "gpio 2 low");
    expect(akira_gpio_get(2), 0, "gpio 2 reads low");
    expect(akira_gpio_toggle(2), 0, "gpio 2 toggle");
    expect(akira_gpio_get(2), 1, "gpio 2 high again");
    expect(akira_gpio_configure(13, AKIRA_GPIO_INPUT | AKIRA_GPIO_PULL_DOWN), 0, "gpio 13 input");
    expect(akira_gpio_set(13, 1), AKIRA_ESTATE, "gpio set an input");
    expect(akira_gpio_irq(13, AKIRA_GPIO_IRQ_BOTH), 0, "gpio 13 both edges");
}

static void i2c_checks(void)
{
    uint8_t reg = 0xD0, id = 0, big[300];
    expect(akira_i2c_transfer("i2c0", 4, 0x76, &reg, 1, &id, 1), 0, "i2c chip id read");
    expect(id, 0x60, "BME280 chip id");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, 0, 0, 0, 0), 0, "i2c probe");
    expect(akira_i2c_transfer("i2c0", 4, 0x77, &reg, 1, &id, 1), AKIRA_EACCES, "i2c 0x77");
    expect(akira_i2c_transfer("i2c0", 4, 0x6a, &reg, 1, &id, 1), AKIRA_EACCES, "i2c 0x6a");
    expect(akira_i2c_transfer("i2c9", 4, 0x76, &reg, 1, &id, 1), AKIRA_EACCES, "i2c bus i2c9");
    /* Listed, but nobody there: no ACK; no such bus. */
    expect(akira_i2c_transfer("i2c0", 4, 0x50, &reg, 1, &id, 1), AKIRA_EIO, "i2c 0x50 no chip");
    expect(akira_i2c_transfer("i2c3", 4, 0x10, &reg, 1, &id, 1), AKIRA_ENODEV, "i2c3 no bus");
    expect(akira_i2c_transfer("i2c0", 4, 0x80, &reg, 1, &id, 1), AKIRA_EINVAL, "i2c addr 0x80");
    expect(akira_i2c_transfer("i2c0", 4, -1, &reg, 1, &id, 1), AKIRA_EINVAL, "i2c addr -1");
    expect(akira_i2c_transfer("i2c0", 0, 0x76, &reg, 1, &id, 1), AKIRA_EINVAL, "i2c empty bus");
    expect(akira_i2c_transfer("i2c0", 40, 0x76, &reg, 1, &id, 1), AKIRA_EINVAL, "i2c long bus");
    expect(akira_i2c_transfer((const char *)WILD, 4, 0x76, &reg, 1, &id, 1), AKIRA_EFAULT,
           "i2c wild bus name");
    expect(akira_i2c_transfer("i2c0", HUGE, 0x76, &reg, 1, &id, 1), AKIRA_EFAULT,
           "i2c huge bus length");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, (const void *)WILD, 1, &id, 1), AKIRA_EFAULT,
           "i2c wild write buffer");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, &reg, 1, (void *)WILD, 64), AKIRA_EFAULT,
           "i2c wild read buffer");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, &reg, HUGE, &id, 1), AKIRA_EFAULT,
           "i2c huge write length");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, &reg, 1, mem_end(1), 2), AKIRA_EFAULT,
           "i2c read across the end");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, &reg, 1, mem_end(1), 1), 0, "i2c read at the end");
    expect(akira_i2c_transfer(mem_end(2), 4, 0x76, &reg, 1, &id, 1), AKIRA_EFAULT,
           "i2c bus name across the end");
    expect(akira_i2c_transfer("i2c0", 4, 0x76, &reg, 1, big, sizeof big), AKIRA_ETOOBIG,
           "i2c 300-byte read");
}

static void uart_checks(void)
{
    char buf[16];
    struct akira_event ev;
    expect(akira_uart_open("uart1", 5), AKIRA_EACCES, "uart1 not listed");
    expect(akira_uart_open((const char *)WILD, 5), AKIRA_EFAULT, "uart wild name");
    expect(akira_uart_open("uart7", 5), AKIRA_ENODEV, "uart7 listed but absent");
    expect(akira_uart_open("uart0", 0), AKIRA_EINVAL, "uart empty name");
    int32_t h = akira_uart_open("uart0", 5);
    expect(h, 1, "uart0 open");
    expect(akira_uart_open("uart0", 5), AKIRA_EBUSY, "uart0 twice");
    expect(akira_uart_write(h, (const void *)WILD, 8), AKIRA_EFAULT, "uart wild write");
    expect(akira_uart_write(h, buf, HUGE), AKIRA_EFAULT, "uart huge write");
    expect(akira_uart_read(h, (void *)WILD, 8), AKIRA_EFAULT, "uart wild read");
    expect(akira_uart_read(h, mem_end(7), 8), AKIRA_EFAULT, "uart read across the end");
    expect(akira_uart_write(h, mem_end(7), 8), AKIRA_EFAULT, "uart write across the end");
    expect(akira_uart_write(7, "x", 1), AKIRA_ENOENT, "uart bad handle");
    expect(akira_uart_read(0, buf, 1), AKIRA_ENOENT, "uart handle 0");
    expect(akira_uart_write(h, "abc", 3), 3, "uart write");
    int32_t got = 0, r = 0;
    for (int i = 0; i < 50 && got < 3; i++) {
        if (akira_event_wait(&ev, 20) == 1 && ev.type != AKIRA_EVENT_UART) continue;
        while ((r = akira_uart_read(h, buf + got, (uint32_t)(sizeof buf - got))) > 0)
            got += r;
    }
    expect(got, 3, "uart loopback bytes");
    expect(buf[0] == 'a' && buf[2] == 'c', 1, "uart loopback content");
    expect(akira_uart_read(h, buf, sizeof buf), AKIRA_EAGAIN, "uart nothing more");
    expect(akira_uart_close(h), 0, "uart close");
    expect(akira_uart_close(h), AKIRA_ENOENT, "uart close twice");
    /* Held to the end: the module must close it when the app ends. */
    expect(akira_uart_open("uart0", 5), 1, "uart0 open again");
}

static void pwm_checks(void)
{
    struct akira_pwm_setting s = {0, 0};
    expect(akira_pwm_set("pwm0", 4, 1, 1000000, 250000), 0, "pwm0.1 set");
    expect(akira_pwm_get("pwm0", 4, 1, &s), 0, "pwm0.1 get");
    expect(s.period_ns == 1000000 && s.pulse_ns == 250000, 1, "pwm0.1 setting kept");
    expect(akira_pwm_set("pwm0", 4, 4, 1000000, 0), AKIRA_EACCES, "pwm0.4 not listed");
    expect(akira_pwm_set("pwm0", 4, 8, 1000000, 0), AKIRA_EINVAL, "pwm0.8 no such channel");
    expect(akira_pwm_set("pwm0", 4, -1, 1000000, 0), AKIRA_EINVAL, "pwm channel -1");
    expect(akira_pwm_set("pwm0", 4, 1, 1000000, 2000000), AKIRA_EINVAL, "pwm pulse > period");
    expect(akira_pwm_set("pwm0", 4, 1, 10, 0), AKIRA_EINVAL, "pwm period 10 ns");
    expect(akira_pwm_get("pwm0", 4, 1, &s), 0, "pwm0.1 get again");
    expect(s.pulse_ns, 250000, "pwm refused settings changed nothing");
    /* Channel 2 is the test's own: a refused setting must not claim it. */
    expect(akira_pwm_set("pwm0", 4, 2, 10, 0), AKIRA_EINVAL, "pwm0.2 period 10 ns");
    expect(akira_pwm_set("pwm5", 4, 0, 1000000, 0), AKIRA_ENODEV, "pwm5 listed but absent");
    expect(akira_pwm_set("pwm1", 4, 0, 1000000, 0), AKIRA_EACCES, "pwm1 not listed");
    expect(akira_pwm_get("pwm0", 4, 1, (struct akira_pwm_setting *)WILD), AKIRA_EFAULT,
           "pwm wild out");
    expect(akira_pwm_set((const char *)WILD, 4, 1, 1000000, 0), AKIRA_EFAULT, "pwm wild name");
    expect(akira_pwm_get("pwm0", 4, 1, mem_end(7)), AKIRA_EFAULT, "pwm out across the end");
    expect(akira_pwm_get("pwm0", 4, 1, mem_end(8)), 0, "pwm out at the end");
}

static void sensor_checks(void)
{
    struct akira_sensor_value v = {0, 0};
    expect(akira_sensor_channels("bme280", 6), 7, "bme280 channels");
    expect(akira_sensor_fetch("bme280", 6), 0, "bme280 fetch");
    expect(akira_sensor_get("bme280", 6, AKIRA_SENSOR_AMBIENT_TEMP, &v), 0, "bme280 temp");
    expect_in(v.val1, -40, 85, "bme280 temp range");
    expect(akira_sensor_get("bme280", 6, AKIRA_SENSOR_PRESS, &v), 0, "bme280 press");
    expect_in(v.val1, 30, 110, "bme280 pressure kPa");
    expect(akira_sensor_get("bme280", 6, AKIRA_SENSOR_ACCEL_X, &v), AKIRA_ENOTSUP,
           "bme280 has no accel");
    expect(akira_sensor_get("bme280", 6, 10, &v), AKIRA_EINVAL, "sensor channel 10");
    expect(akira_sensor_get("bme280", 6, -1, &v), AKIRA_EINVAL, "sensor channel -1");
    expect(akira_sensor_get("bme280", 6, 0, (struct akira_sensor_value *)WILD), AKIRA_EFAULT,
           "sensor wild out");
    expect(akira_sensor_get("bme280", 6, 0, mem_end(7)), AKIRA_EFAULT, "sensor out across the end");
    expect(akira_sensor_get("bme280", 6, 0, mem_end(8)), 0, "sensor out at the end");
    expect(akira_sensor_fetch("lsm6ds3", 7), AKIRA_EACCES, "lsm6ds3 not listed");
    expect(akira_sensor_fetch("nosuch2", 7), AKIRA_ENODEV, "sensor listed but absent");
    expect(akira_sensor_fetch("nosuch", 6), AKIRA_EACCES, "unknown sensor");
    expect(akira_sensor_fetch((const char *)WILD, 6), AKIRA_EFAULT, "sensor wild name");
    expect(akira_sensor_attr_set("bme280", 6, 0, 1, 1, -5), AKIRA_EINVAL, "sensor val2 sign");
    expect(akira_sensor_attr_set("bme280", 6, 0, 9, 1, 0), AKIRA_EINVAL, "sensor attribute 9");
}

static void power_checks(void)
{
    struct akira_power_battery b = {0, 0, 0, 0};
    expect(akira_power_battery(&b), 0, "power battery");
    expect_in((int32_t)b.voltage_mv, 2800, 4300, "battery mV");
    expect_in((int32_t)b.percent, 0, 100, "battery percent");
    expect_in(akira_power_level(), 0, 100, "power level");
    expect_in(akira_power_charging(), 0, 2, "power charging");
    akira_printf("hw: battery %u%% state %u level %d\n", (unsigned)b.percent, (unsigned)b.state,
                 (int)akira_power_level());
    expect(akira_power_battery((struct akira_power_battery *)WILD), AKIRA_EFAULT, "power wild out");
    expect(akira_power_battery(mem_end(15)), AKIRA_EFAULT, "power out across the end");
    expect(akira_power_battery(mem_end(16)), 0, "power out at the end");
    expect(akira_power_sleep(AKIRA_POWER_SLEEP_DEEP, 10), AKIRA_EPERM, "deep sleep");
    expect(akira_power_sleep(5, 10), AKIRA_EINVAL, "sleep mode 5");
    expect(akira_power_sleep(0, 0), AKIRA_EINVAL, "sleep 0 ms");
    expect(akira_power_sleep(0, 70000), AKIRA_EINVAL, "sleep 70 s");
    int64_t t0 = akira_uptime_ms();
    expect(akira_power_sleep(AKIRA_POWER_SLEEP_LIGHT, 30), 0, "light sleep");
    expect(akira_uptime_ms() - t0 >= 30, 1, "light sleep lasted");
}

static void net_checks(void)
{
    uint8_t b[8];
    expect(akira_net_socket(3), AKIRA_EINVAL, "net type 3");
    int32_t s[5];
    for (int i = 0; i < 5; i++)
        s[i] = akira_net_socket(i % 2 ? AKIRA_NET_UDP : AKIRA_NET_TCP);
    expect(s[0], 1, "first socket");
    expect(s[3], 4, "fourth socket");
    expect(s[4], AKIRA_ENOSPC, "fifth socket");
    int32_t lo = AKIRA_NET_IPV4(127, 0, 0, 1);
    expect(akira_net_connect(1, AKIRA_NET_IPV4(10, 0, 0, 1), 9, 100), AKIRA_EACCES,
           "net 10.0.0.1 not listed");
    expect(akira_net_connect(1, lo, 10, 100), AKIRA_EACCES, "net port 10 not listed");
    expect(akira_net_connect(2, AKIRA_NET_IPV4(127, 0, 0, 2), 9, 100), AKIRA_EACCES,
           "net udp 127.0.0.2 not listed");
    expect(akira_net_connect(1, lo, 0, 100), AKIRA_EINVAL, "net port 0");
    expect(akira_net_connect(1, lo, 70000, 100), AKIRA_EINVAL, "net port 70000");
    expect(akira_net_connect(1, lo, 9, 0), AKIRA_EINVAL, "net timeout 0");
    expect(akira_net_connect(9, lo, 9, 100), AKIRA_ENOENT, "net bad handle");
    expect(akira_net_send(1, b, 1), AKIRA_ENOTCONN, "net send unconnected");
    expect(akira_net_recv(1, b, 1), AKIRA_ENOTCONN, "net recv unconnected");
    expect(akira_net_send(1, (const void *)WILD, 8), AKIRA_EFAULT, "net wild send");
    expect(akira_net_recv(1, b, HUGE), AKIRA_EFAULT, "net huge recv");
    expect(akira_net_send(1, mem_end(7), 8), AKIRA_EFAULT, "net send across the end");
    expect(akira_net_recv(1, mem_end(7), 8), AKIRA_EFAULT, "net recv across the end");
    expect(akira_net_connect(2, lo, 9, 100), 0, "net udp peer");
    expect(akira_net_recv(2, b, sizeof b), AKIRA_EAGAIN, "net udp nothing yet");
    expect(akira_net_send(2, b, 2000), AKIRA_ETOOBIG, "net udp 2000 bytes");
    expect(akira_net_connect(2, lo, 9, 100), AKIRA_ESTATE, "net udp connect twice");
    for (int i = 0; i < 4; i++)
        expect(akira_net_close(s[i]), 0, "net close");
    expect(akira_net_close(1), AKIRA_ENOENT, "net close twice");
}

__attribute__((export_name("main"))) int app_main(void)
{
    if (akira_gpio_get(2) == AKIRA_EACCES && akira_net_socket(1) == AKIRA_EACCES)
        return denied_all();
    gpio_checks();
    i2c_checks();
    uart_checks();
    pwm_checks();
    sensor_checks();
    power_checks();
    net_checks();
    akira_printf("hw: %d calls not as expected\n", bad);

    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return bad;
        if (ev.type == AKIRA_EVENT_GPIO)
            akira_printf("hw: gpio event pin %u level %u\n", (unsigned)ev.a, (unsigned)ev.b);
    }
}
