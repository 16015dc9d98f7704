/* A sensor dashboard in upstream AkiraOS's style: reads temperature, pressure,
 * humidity and acceleration with sensor_read (values times 1000) ten times a second,
 * shows them as numbers and bars, and logs a line every second. A channel no sensor
 * has (the magnetometer here) answers the error value. B hands back to the launcher. */
#include "up_env.h"

static void row(int y, const char *label, int milli, int max, u32 color)
{
    display_text(8, y, label, C_GRAY);
    display_number(100, y, milli / 1000, C_WHITE);
    display_text(100 + 7 * 6, y, ".", C_WHITE);
    int frac = (milli < 0 ? -milli : milli) % 1000 / 10;
    display_number(100 + 7 * 7, y, frac, C_WHITE);
    display_progress_bar(180, y, 130, 10, milli / 1000, max, color, 0x2104u);
}

int main(void)
{
    int frames = 0;
    printf("magn %d\n", sensor_read(UP_SENSOR_MAGN_X));
    printf("bad channel %d\n", sensor_read(999));
    for (;;) {
        int t = sensor_read(UP_SENSOR_TEMP), p = sensor_read(UP_SENSOR_PRESS);
        int h = sensor_read(UP_SENSOR_HUM), az = sensor_read(UP_SENSOR_ACCEL_Z);
        display_clear(C_BLACK);
        display_rect(0, 0, 320, 20, 0x2104u);
        display_text_large(4, 1, "SENSORS", C_CYAN);
        row(40, "TEMP C", t, 50, C_RED);
        row(70, "PRESS kPa", p, 120, C_GREEN);
        row(100, "HUM %", h, 100, C_BLUE);
        row(130, "ACCEL Z", az, 20, C_YELLOW);
        display_circle(160, 190, 20, C_WHITE);
        display_circle_fill(160 + (sensor_read(UP_SENSOR_ACCEL_X) / 1000) * 4, 190, 5, C_YELLOW);
        display_flush();
        if (frames++ % 10 == 0) printf("temp %d press %d hum %d accel_z %d\n", t, p, h, az);
        if (input_get_buttons() & (1 << UP_KEY_B)) {
            app_switch("launcher");
            return 0;
        }
        delay(100000);
    }
}
