# Hardware and network API modules from WASM apps (engineer hwapi): manifest keys,
# gpio/i2c/uart/pwm/sensor/power/net modules against the native_sim devices and a
# loopback server, the SDK examples blink, weather, echo, fader and http-get.
akira_unit_test(test_hw_api_manifest SOURCES test_hw_api_manifest.c LIBS akira_runtime)
