# IPC and storage API tests and the SDK example tests (engineer apps). The test apps are
# C compiled to freestanding wasm32 against the SDK headers, like mgr.cmake's; the
# examples come from sdk/examples (build/apps/*.wasm, packed by akira_app()).
set(api_app_dir ${CMAKE_CURRENT_BINARY_DIR}/api_apps)
file(MAKE_DIRECTORY ${api_app_dir})
set(api_apps)
foreach(app responder ipc_calls ipc_slow ipc_flood ipc_big storage_calls storage_bomb
            wear_loop)
  akira_wasm_app(${api_app_dir}/${app}.wasm ${CMAKE_CURRENT_SOURCE_DIR}/apps/${app}.c
                 FLAGS -O2 -I${CMAKE_SOURCE_DIR}/sdk/include -Wl,-z,stack-size=8192
                       -Wl,--initial-memory=65536)
  list(APPEND api_apps ${api_app_dir}/${app}.wasm)
endforeach()
add_custom_target(runtime_api_apps ALL DEPENDS ${api_apps})

foreach(t test_ipc test_storage_api)
  akira_unit_test(${t}_runtime SOURCES ${t}.c mgr_util.c LIBS akira_runtime akira_native_sim_flash)
  target_compile_definitions(${t}_runtime PRIVATE APP_DIR="${api_app_dir}")
  add_dependencies(${t}_runtime runtime_api_apps)
endforeach()

akira_unit_test(test_examples_runtime SOURCES test_examples.c mgr_util.c
                LIBS akira_runtime akira_native_sim_flash)
target_compile_definitions(test_examples_runtime PRIVATE APP_DIR="${AKIRA_EXAMPLES_DIR}")
add_dependencies(test_examples_runtime sdk_examples)

# `make run` with the examples: the firmware installs them at boot (--install), once.
find_program(AKIRA_PYTHON3 python3 REQUIRED)
add_test(NAME test_examples_boot
         COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_examples_boot.py
                 $<TARGET_FILE:akiraos> ${AKIRA_EXAMPLES_DIR} $<TARGET_FILE:akira>)
set_tests_properties(test_examples_boot PROPERTIES TIMEOUT 60)

# An installed app whose bytes rot on the flash image is reported corrupt, not run.
add_test(NAME test_appstore_corrupt
         COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_appstore_corrupt.py
                 $<TARGET_FILE:akiraos> ${AKIRA_EXAMPLES_DIR})
set_tests_properties(test_appstore_corrupt PROPERTIES TIMEOUT 90)
