/* Every import the SDK headers declare, called once (never run: the test only binds
 * it). Binding it proves each SDK declaration names a bridge entry with the same
 * signature; the test also checks that no bridge entry is missing from the SDK. The
 * modules of layers above the runtime (akira/mesh.h: connectivity's, registered at
 * boot) are not in the runtime's table this test binds against: not called here. */
#include <akira/akira.h>

__attribute__((export_name("use_all"))) int use_all(void)
{
    int sum = 0;
    sum += (int)(akira_log(0, 0, 0));
    sum += (int)(akira_display_clear(0));
    sum += (int)(akira_display_pixel(0, 0, 0));
    sum += (int)(akira_display_line(0, 0, 0, 0, 0));
    sum += (int)(akira_display_rect(0, 0, 0, 0, 0));
    sum += (int)(akira_display_rect_outline(0, 0, 0, 0, 0));
    sum += (int)(akira_display_rounded_rect(0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_rounded_rect_fill(0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_circle(0, 0, 0, 0));
    sum += (int)(akira_display_circle_fill(0, 0, 0, 0));
    sum += (int)(akira_display_triangle(0, 0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_triangle_fill(0, 0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_text(0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_text_width(0, 0, 0));
    sum += (int)(akira_display_bitmap(0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_bitmap_key(0, 0, 0, 0, 0, 0, 0));
    sum += (int)(akira_display_flush());
    sum += (int)(akira_display_size(0));
    sum += (int)(akira_input_state(0));
    sum += (int)(akira_ui_create(0, 0));
    sum += (int)(akira_ui_delete(0));
    sum += (int)(akira_ui_set(0, 0, 0));
    sum += (int)(akira_ui_get(0, 0, 0));
    sum += (int)(akira_ui_set_text(0, 0, 0));
    sum += (int)(akira_ui_set_title(0, 0, 0));
    sum += (int)(akira_ui_set_options(0, 0, 0));
    sum += (int)(akira_ui_get_text(0, 0, 0));
    sum += (int)(akira_ui_image(0, 0, 0, 0, 0, 0));
    sum += (int)(akira_ui_focus(0));
    sum += (int)(akira_printf(""));
    sum += (int)(akira_delay(0));
    sum += (int)(akira_uptime_ms());
    sum += (int)(akira_gpio_configure(0, 0));
    sum += (int)(akira_gpio_get(0));
    sum += (int)(akira_gpio_set(0, 0));
    sum += (int)(akira_gpio_toggle(0));
    sum += (int)(akira_gpio_irq(0, 0));
    sum += (int)(akira_i2c_transfer(0, 0, 0, 0, 0, 0, 0));
    sum += (int)(akira_ipc_subscribe(0, 0));
    sum += (int)(akira_ipc_unsubscribe(0));
    sum += (int)(akira_ipc_publish(0, 0, 0, 0));
    sum += (int)(akira_ipc_recv(0, 0, 0));
    sum += (int)(akira_ipc_dropped(0));
    sum += (int)(akira_event_poll(0));
    sum += (int)(akira_event_wait(0, 0));
    sum += (int)(akira_event_dropped());
    sum += (int)(akira_mem_alloc(0));
    sum += (int)(akira_mem_free(0));
    sum += (int)(akira_mem_used());
    sum += (int)(akira_net_socket(0));
    sum += (int)(akira_net_connect(0, 0, 0, 0));
    sum += (int)(akira_net_send(0, 0, 0));
    sum += (int)(akira_net_recv(0, 0, 0));
    sum += (int)(akira_net_close(0));
    sum += (int)(akira_power_battery(0));
    sum += (int)(akira_power_level());
    sum += (int)(akira_power_charging());
    sum += (int)(akira_power_sleep(0, 0));
    sum += (int)(akira_pwm_set(0, 0, 0, 0, 0));
    sum += (int)(akira_pwm_get(0, 0, 0, 0));
    sum += (int)(akira_rf_configure(0, 0, 0));
    sum += (int)(akira_rf_send(0, 0));
    sum += (int)(akira_rf_recv(0, 0, 0, 0));
    sum += (int)(akira_rf_release());
    sum += (int)(akira_rf_dropped());
    sum += (int)(akira_sensor_channels(0, 0));
    sum += (int)(akira_sensor_fetch(0, 0));
    sum += (int)(akira_sensor_get(0, 0, 0, 0));
    sum += (int)(akira_sensor_attr_set(0, 0, 0, 0, 0, 0));
    sum += (int)(akira_fs_open(0, 0, 0));
    sum += (int)(akira_fs_read(0, 0, 0));
    sum += (int)(akira_fs_write(0, 0, 0));
    sum += (int)(akira_fs_seek(0, 0, 0));
    sum += (int)(akira_fs_close(0));
    sum += (int)(akira_fs_unlink(0, 0));
    sum += (int)(akira_fs_mkdir(0, 0));
    sum += (int)(akira_fs_stat(0, 0, 0));
    sum += (int)(akira_fs_list(0, 0, 0, 0, 0));
    sum += (int)(akira_fs_usage());
    sum += (int)(akira_settings_get(0, 0, 0, 0));
    sum += (int)(akira_settings_set(0, 0, 0, 0));
    sum += (int)(akira_settings_delete(0, 0));
    sum += (int)(akira_timer_start(0, 0));
    sum += (int)(akira_timer_stop(0));
    sum += (int)(akira_uart_open(0, 0));
    sum += (int)(akira_uart_write(0, 0, 0));
    sum += (int)(akira_uart_read(0, 0, 0));
    sum += (int)(akira_uart_close(0));

    return sum;
}

__attribute__((export_name("main"))) int app_main(void)
{
    return 0;
}
