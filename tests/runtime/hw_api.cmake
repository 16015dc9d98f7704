# Hardware and network API modules from WASM apps (engineer hwapi): manifest keys,
# gpio/i2c/uart/pwm/sensor/power/net modules against the native_sim devices and a
# loopback server, the SDK examples blink, weather, echo, fader and http-get.
akira_unit_test(test_hw_api_manifest SOURCES test_hw_api_manifest.c LIBS akira_runtime)

# Test apps: C compiled to freestanding wasm32 against the SDK headers (as mgr.cmake).
set(hw_app_dir ${CMAKE_CURRENT_BINARY_DIR}/hw_apps)
file(MAKE_DIRECTORY ${hw_app_dir})
set(hw_apps)
foreach(app responder hw_calls hw_net hw_listen)
  akira_wasm_app(${hw_app_dir}/${app}.wasm ${CMAKE_CURRENT_SOURCE_DIR}/apps/${app}.c
                 FLAGS -O2 -I${CMAKE_SOURCE_DIR}/sdk/include -Wl,-z,stack-size=8192
                       -Wl,--initial-memory=65536)
  list(APPEND hw_apps ${hw_app_dir}/${app}.wasm)
endforeach()
add_custom_target(runtime_hw_apps ALL DEPENDS ${hw_apps})

# The native_sim devices (an OBJECT library) are linked in: the modules drive them.
akira_unit_test(test_hw_api SOURCES test_hw_api.c mgr_util.c hw_test_util.c
                LIBS akira_runtime akira_native_sim)
target_compile_definitions(test_hw_api PRIVATE APP_DIR="${hw_app_dir}"
                           EXAMPLES_DIR="${AKIRA_HW_EXAMPLES_DIR}"
                           EXAMPLES_SRC="${CMAKE_SOURCE_DIR}/sdk/examples")
add_dependencies(test_hw_api runtime_hw_apps)

akira_unit_test(test_net_api SOURCES test_net_api.c mgr_util.c hw_test_util.c LIBS akira_runtime)
target_compile_definitions(test_net_api PRIVATE APP_DIR="${hw_app_dir}"
                           EXAMPLES_DIR="${AKIRA_HW_EXAMPLES_DIR}"
                           EXAMPLES_SRC="${CMAKE_SOURCE_DIR}/sdk/examples")
add_dependencies(test_net_api runtime_hw_apps sdk_hw_examples)

akira_unit_test(test_hw_examples SOURCES test_hw_examples.c mgr_util.c hw_test_util.c
                LIBS akira_runtime akira_native_sim)
target_compile_definitions(test_hw_examples PRIVATE APP_DIR="${hw_app_dir}"
                           EXAMPLES_DIR="${AKIRA_HW_EXAMPLES_DIR}"
                           EXAMPLES_SRC="${CMAKE_SOURCE_DIR}/sdk/examples")
add_dependencies(test_hw_examples runtime_hw_apps sdk_hw_examples)
