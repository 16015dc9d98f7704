# The app endpoints and the `akira` device commands end to end (engineer httpapps):
# test apps built with the SDK's akira_app(), then test_api_apps.py against the booted
# firmware, one CTest per scenario.
include(${CMAKE_SOURCE_DIR}/sdk/cmake/akira_app.cmake)
set(api_apps_dir ${CMAKE_CURRENT_BINARY_DIR}/api_apps)
file(MAKE_DIRECTORY ${api_apps_dir})
akira_app(api_ticker SOURCES apps/ticker.c MANIFEST apps/ticker.manifest
          FLAGS -I${CMAKE_SOURCE_DIR}/sdk/include
          LINK_FLAGS -Wl,-z,stack-size=8192 -Wl,--initial-memory=65536
          OUTPUT ${api_apps_dir}/ticker.wasm)
# About 200 KB (204 800 bytes of data): the upload benchmark's app (bench/http).
akira_app(api_big SOURCES apps/ticker.c MANIFEST apps/big.manifest
          FLAGS -I${CMAKE_SOURCE_DIR}/sdk/include -DTICKER_PAD=204800
          LINK_FLAGS -Wl,-z,stack-size=16384 OUTPUT ${api_apps_dir}/big.wasm)

foreach(s lifecycle cli auth hostile full powercut race)
  add_test(NAME api_apps_${s}
           COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_api_apps.py
                   $<TARGET_FILE:akiraos> $<TARGET_FILE:akira> ${api_apps_dir}
                   ${CMAKE_CURRENT_BINARY_DIR}/api_apps_work ${s})
  set_tests_properties(api_apps_${s} PROPERTIES TIMEOUT 120)
endforeach()

# The CLI's HTTP client and JSON reader against a scripted loopback server.
akira_unit_test(test_api_apps_client SOURCES test_api_apps_client.c
                ${CMAKE_SOURCE_DIR}/tools/akira/http_client.c ${CMAKE_SOURCE_DIR}/tools/akira/json_read.c
                ${CMAKE_SOURCE_DIR}/tools/akira/tls_client.c
                LIBS akira_http ${AKIRA_TOOL_MBEDTLS} ${AKIRA_TOOL_MBEDX509} ${AKIRA_TOOL_MBEDCRYPTO})
target_include_directories(test_api_apps_client PRIVATE ${CMAKE_SOURCE_DIR}/tools/akira)
