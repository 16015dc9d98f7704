# Apps built for upstream AkiraOS (docs/compat.md), compiled here with upstream's build
# flags (its per-app Makefiles: -nostdlib, every undefined symbol an env import, one
# 64 KiB page, main exported, debug and names stripped) and the JSON manifest appended
# as upstream's embed step does; then installed on the firmware and driven by buttons
# (test_compat_e2e.py), with golden snapshots in tests/ui/golden/compat_*.png.
find_program(AKIRA_PYTHON3 python3 REQUIRED)
akira_app_find_tools_()
set(compat_dir ${CMAKE_CURRENT_BINARY_DIR}/compat_apps)
set(compat_src ${CMAKE_CURRENT_SOURCE_DIR}/compat_apps)
file(MAKE_DIRECTORY ${compat_dir})
set(compat_outputs)
set(compat_apps invaders launcher calls dashboard spin notes entry netcli envmqtt envcrypto envnocap envtrap)
# the radio apps (test_compat_radio_e2e.py): RF, a second RF app, mesh, neither capability
list(APPEND compat_apps uprf uprf2 upmesh upnocap)
foreach(app ${compat_apps})
  add_custom_command(
    OUTPUT ${compat_dir}/${app}.wasm
    COMMAND ${AKIRA_APP_CLANG} --target=wasm32 -O2 -nostdlib -Wall -Wextra
            -Wno-unused-parameter -Wno-unknown-attributes -Werror
            -Wl,--no-entry -Wl,--export=main -Wl,--allow-undefined -Wl,--strip-all
            -z stack-size=4096 -Wl,--initial-memory=65536 -Wl,--max-memory=65536
            $<$<STREQUAL:${app},entry>:-Wl,--export=_start>
            ${compat_src}/${app}.c -o ${compat_dir}/${app}.raw.wasm
    COMMAND ${AKIRA_PYTHON3} ${compat_src}/embed_manifest.py ${compat_dir}/${app}.raw.wasm
            ${compat_src}/${app}.json ${compat_dir}/${app}.wasm
    DEPENDS ${compat_src}/${app}.c ${compat_src}/${app}.json ${compat_src}/up_env.h
            ${compat_src}/up_radio.h
            ${compat_src}/up_env_conn.h
            ${compat_src}/embed_manifest.py ${CMAKE_SOURCE_DIR}/tools/akira-wasm/wasi_p0.py
    COMMENT "upstream-style app ${app}" VERBATIM)
  list(APPEND compat_outputs ${compat_dir}/${app}.wasm)
endforeach()
add_custom_target(runtime_compat_apps ALL DEPENDS ${compat_outputs})
akira_unit_test(test_runtime_compat_manifest SOURCES test_compat_manifest.c LIBS akira_runtime)
akira_unit_test(test_runtime_compat_akpkg SOURCES test_compat_akpkg.c
                LIBS akira_runtime akira_native_sim_flash)
# signs an .akpkg's members as the firmware checks sig.ed25519 (the e2e's signed install)
add_executable(compat_akpkg_sign compat_akpkg_sign.c)
target_link_libraries(compat_akpkg_sign PRIVATE akira_runtime)
add_dependencies(runtime_compat_apps compat_akpkg_sign)
foreach(scenario game launcher calls dashboard data net)
  add_test(NAME compat_e2e_${scenario}
           COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_compat_e2e.py ${scenario}
                   $<TARGET_FILE:akiraos> ${compat_dir} ${CMAKE_SOURCE_DIR}/tests/ui/golden
                   $<TARGET_FILE:compat_akpkg_sign>)
  set_tests_properties(compat_e2e_${scenario} PROPERTIES TIMEOUT 60)
endforeach()
# Upstream's RF and mesh calls across native_sim nodes on the radio medium (akira-radio,
# killed by pid): compat_rf_e2e_link, compat_mesh_e2e_link.
if(AKIRA_MESH)
  foreach(scenario rf mesh)
    add_test(NAME compat_${scenario}_e2e_link
             COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_compat_radio_e2e.py
                     ${scenario} $<TARGET_FILE:akiraos> $<TARGET_FILE:akira-radio> ${compat_dir})
    set_tests_properties(compat_${scenario}_e2e_link PROPERTIES TIMEOUT 120)
  endforeach()
endif()
# Upstream's env mqtt_*, ha_light_* and crypto_* (connectivity/src/env_*.c): the
# apps env*.c against a mosquitto the test starts on a free loopback port, the crypto
# outputs against the standards' vectors and openssl, denials and traps.
find_program(AKIRA_MOSQUITTO mosquitto PATHS /usr/sbin)
foreach(scenario mqtt crypto nocap trap)
  if(scenario STREQUAL "mqtt" AND NOT AKIRA_MOSQUITTO)
    message(WARNING "mosquitto not found (scripts/packages.txt): compat_mqtt_e2e is not run")
    continue()
  endif()
  set(name compat_env_e2e_${scenario})
  if(scenario STREQUAL "mqtt" OR scenario STREQUAL "crypto")
    set(name compat_${scenario}_e2e)
  endif()
  add_test(NAME ${name}
           COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_compat_env_e2e.py
                   ${scenario} $<TARGET_FILE:akiraos> ${compat_dir} "${AKIRA_MOSQUITTO}")
  set_tests_properties(${name} PROPERTIES TIMEOUT 90)
endforeach()
