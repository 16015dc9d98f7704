/* The imports of upstream AkiraOS's "env" ABI that the compatibility test apps use,
 * declared from the facts in docs/compat.md (names, argument types, results). Written
 * here; upstream's SDK header is not used. Apps are built the way upstream's per-app
 * Makefiles build them (-nostdlib, --allow-undefined, one 64 KiB page, --export=main),
 * so every function below becomes an import of module "env". */
#ifndef UP_ENV_H
#define UP_ENV_H

typedef unsigned int u32;

int printf_native(const char *message);
int printf(const char *fmt, ...);
int delay(u32 microseconds);
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
unsigned long strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, unsigned long n);
char *strcpy(char *d, const char *s);
int atoi(const char *s);
int snprintf(char *dst, unsigned long size, const char *fmt, ...);
int sprintf(char *dst, const char *fmt, ...);
int vsnprintf(char *dst, unsigned long size, const char *fmt, __builtin_va_list ap);
int vsprintf(char *dst, const char *fmt, __builtin_va_list ap);
int vprintf(const char *fmt, __builtin_va_list ap);
char *strstr(const char *h, const char *n);
unsigned long strspn(const char *s, const char *accept);
unsigned long strcspn(const char *s, const char *reject);
int strncasecmp(const char *a, const char *b, unsigned long n);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int isalnum(int c);
int isalpha(int c);
int isdigit(int c);
int isxdigit(int c);
int isspace(int c);
int isupper(int c);
int islower(int c);
int isgraph(int c);
int tolower(int c);
int toupper(int c);
int puts(const char *s);
int putchar(int c);

int display_clear(u32 color);
int display_pixel(int x, int y, u32 color);
int display_rect(int x, int y, int w, int h, u32 color);
int display_rect_outline(int x, int y, int w, int h, u32 color);
int display_text(int x, int y, const char *text, u32 color);
int display_text_large(int x, int y, const char *text, u32 color);
int display_text_huge(int x, int y, const char *text, u32 color);
int display_number(int x, int y, int value, u32 color);
int display_flush(void);
int display_get_size(int *w, int *h);
int display_get_width(void);
int display_get_height(void);
int display_line(int x0, int y0, int x1, int y1, u32 color);
int display_hline(int x, int y, int len, u32 color);
int display_vline(int x, int y, int len, u32 color);
int display_circle(int cx, int cy, int r, u32 color);
int display_circle_fill(int cx, int cy, int r, u32 color);
int display_triangle(int x0, int y0, int x1, int y1, int x2, int y2, u32 color);
int display_triangle_fill(int x0, int y0, int x1, int y1, int x2, int y2, u32 color);
int display_rounded_rect(int x, int y, int w, int h, int r, u32 color);
int display_rounded_rect_fill(int x, int y, int w, int h, int r, u32 color);
int display_progress_bar(int x, int y, int w, int h, int value, int max, u32 fg, u32 bg);
int display_bitmap(int x, int y, int w, int h, const unsigned short *data, u32 size);
int display_bitmap_transparent(int x, int y, int w, int h, const unsigned short *data, u32 size,
                               u32 key);
int display_raw_write(int x, int y, int w, int h, const unsigned short *data, u32 size);

typedef struct {
    u32 button_id;
    u32 pressed;
} up_input_event_t;
int input_get_buttons(void);
int input_poll_event(up_input_event_t *evt, u32 len);

#define UP_GPIO_INPUT            (1u << 0)
#define UP_GPIO_OUTPUT           (1u << 1)
#define UP_GPIO_OUTPUT_INIT_LOW  (1u << 2)
#define UP_GPIO_OUTPUT_INIT_HIGH (1u << 3)
#define UP_GPIO_PULL_UP          (1u << 4)
#define UP_GPIO_PULL_DOWN        (1u << 5)
#define UP_GPIO_ACTIVE_LOW       (1u << 6)
int gpio_configure(u32 pin, u32 flags);
int gpio_read(u32 pin);
int gpio_write(u32 pin, u32 value);

u32 mem_alloc(u32 size);
void mem_free(u32 ptr);
int timer_create(void);
int timer_start(int h);
int timer_stop(int h);
int timer_elapsed(int h);
int timer_free(int h);
int rtc_get_unix_time(void);
int rtc_get_uptime_ms(void);
int rtc_set_unix_time(int t);
int rtc_set_alarm(int uptime_ms);
int rtc_alarm_fired(void);

/* Sensor channels (Zephyr's numbers); values come back times 1000. */
#define UP_SENSOR_ACCEL_X 0
#define UP_SENSOR_ACCEL_Z 2
#define UP_SENSOR_MAGN_X  8
#define UP_SENSOR_TEMP    13
#define UP_SENSOR_PRESS   14
#define UP_SENSOR_HUM     16
#define UP_SENSOR_ERROR   (-2147483647 - 1)
int sensor_read(int channel);

#define UP_STORAGE_READ   0
#define UP_STORAGE_WRITE  1
#define UP_STORAGE_APPEND 2
int storage_open(const char *path, int flags);
int storage_read(int fd, void *buf, int len);
int storage_write(int fd, const void *buf, int len);
void storage_close(int fd);
int storage_delete(const char *path);
int storage_list(const char *path, char *buf, int len);
#define UP_FS_READ   0x00
#define UP_FS_WRITE  0x01
#define UP_FS_APPEND 0x02
#define UP_FS_RDWR   0x04
#define UP_FS_CREATE 0x08
#define UP_FS_TRUNC  0x10
typedef struct {
    u32 size;
    unsigned char type, pad[3];
    unsigned long long mtime_ms;
} up_stat_t;
int pwm_set(int channel, int freq_hz, int duty_pct);
int pwm_disable(int channel);
int power_get_battery_level(void);
int power_get_battery_status(void *buf, int len);
int uart_open(int port, int baud);
int uart_write(int handle, const void *buf, u32 len);
int uart_read(int handle, void *buf, u32 len);
int uart_close(int handle);
int i2c_write_reg(int bus_id, int dev_addr, int reg_addr, const unsigned char *buf, u32 len);
int i2c_read_reg(int bus_id, int dev_addr, int reg_addr, unsigned char *buf, u32 len);
int net_open(int type);
int net_connect(int handle, const char *host, int port);
int net_close(int handle);
int net_tx_bind(int handle, void *tx_buf, int total_size);
int net_rx_bind(int handle, void *rx_buf, int total_size);
int net_tx_flush(int handle);
int net_event_pop(void *buf, int len);
int net_get_ip(char *buf, int len);
#define UP_NET_TCP            0
#define UP_NET_UDP            1
#define UP_NET_EVT_CONNECTED  1
#define UP_NET_EVT_DISCONNECT 2
#define UP_NET_EVT_DATA_READY 3
#define UP_NET_EVT_ERROR      5
int fs_open(const char *path, int flags);
int fs_close(int fd);
int fs_read(int fd, void *buf, u32 len);
int fs_write(int fd, const void *buf, u32 len);
int fs_seek(int fd, int offset, int whence);
int fs_tell(int fd);
int fs_stat(const char *path, up_stat_t *out);
int fs_unlink(const char *path);
int fs_mkdir(const char *path);
int fs_readdir(const char *path, char *buf, u32 len);
int settings_get(const char *key, char *buf, int len);
int settings_set(const char *key, const char *value);
int settings_delete(const char *key);

int msg_subscribe(const char *topic);
int msg_unsubscribe(const char *topic);
int msg_publish(const char *topic, const void *data, u32 len);
int msg_recv(const char *topic, void *buf, u32 len, int timeout_ms);
int msg_try_recv(const char *topic, void *buf, u32 len);
int msg_pending(const char *topic);

int app_get_status(const char *name);
int app_list(char *buf, u32 len);
int app_get_self_name(char *buf, u32 len);
int app_start(const char *name);
int app_stop(const char *name);
int app_switch(const char *name);

/* Key codes of the button bitmask and events. */
#define UP_KEY_SETTINGS 1
#define UP_KEY_UP       2
#define UP_KEY_DOWN     3
#define UP_KEY_LEFT     4
#define UP_KEY_RIGHT    5
#define UP_KEY_A        6
#define UP_KEY_B        7
#define UP_KEY_Y        9

#define C_BLACK  0x0000u
#define C_WHITE  0xFFFFu
#define C_RED    0xF800u
#define C_GREEN  0x07E0u
#define C_BLUE   0x001Fu
#define C_YELLOW 0xFFE0u
#define C_CYAN   0x07FFu
#define C_GRAY   0x7BEFu

#endif
