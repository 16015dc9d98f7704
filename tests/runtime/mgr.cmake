# App manager, bridge and hostile-app tests (engineer mgr). Apps are C compiled to
# freestanding wasm32 at build time against the SDK headers.
include(${CMAKE_SOURCE_DIR}/tools/akira-wasm/wasm_apps.cmake)
akira_wasm_toolchain()

set(mgr_app_dir ${CMAKE_CURRENT_BINARY_DIR}/mgr_apps)
file(MAKE_DIRECTORY ${mgr_app_dir})
set(mgr_apps)
foreach(app responder handler oob spin recurse deep calltree spincall spinleaf indirect bomb
            nocap missing heap slow sdk_all fmt logflood ticker noentry)
  akira_wasm_app(${mgr_app_dir}/${app}.wasm ${CMAKE_CURRENT_SOURCE_DIR}/apps/${app}.c
                 FLAGS -O2 -I${CMAKE_SOURCE_DIR}/sdk/include -Wl,-z,stack-size=8192
                       -Wl,--initial-memory=65536)
  list(APPEND mgr_apps ${mgr_app_dir}/${app}.wasm)
endforeach()
akira_wasm_app(${mgr_app_dir}/wasi_hello.wasm ${CMAKE_CURRENT_SOURCE_DIR}/apps/wasi_hello.c WASI
               FLAGS -O2)
list(APPEND mgr_apps ${mgr_app_dir}/wasi_hello.wasm)
# The same apps with native code (docs/aot.md), for the AOT runs of the hostile tests.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  foreach(app responder oob spin recurse deep bomb nocap missing logflood ticker)
    add_custom_command(
      OUTPUT ${mgr_app_dir}/${app}.aot.wasm
      COMMAND ${CMAKE_COMMAND} -E env AKIRA_AOT=$<TARGET_FILE:akira-aot> $<TARGET_FILE:akira>
              pack ${mgr_app_dir}/${app}.wasm -o ${mgr_app_dir}/${app}.aot.wasm --name ${app}
              --version 1 --aot x86_64
      DEPENDS ${mgr_app_dir}/${app}.wasm akira akira-aot
      COMMENT "akira pack --aot x86_64 ${app}"
      VERBATIM)
    list(APPEND mgr_apps ${mgr_app_dir}/${app}.aot.wasm)
  endforeach()
  akira_unit_test(test_hostile_aot_runtime SOURCES test_hostile.c mgr_util.c LIBS akira_runtime)
  target_compile_definitions(test_hostile_aot_runtime PRIVATE APP_DIR="${mgr_app_dir}"
                                                              APP_EXT=".aot.wasm" HOSTILE_AOT)
  add_dependencies(test_hostile_aot_runtime runtime_mgr_apps)
endif()
akira_wasm_app(${mgr_app_dir}/wasi_fs.wasm ${CMAKE_CURRENT_SOURCE_DIR}/apps/wasi_fs.c WASI
               FLAGS -O2 -Wl,--strip-all) # libc's debug sections: over an app slot
akira_wasm_app(${mgr_app_dir}/p0_abi.wasm ${CMAKE_SOURCE_DIR}/tests/cli/apps/p0_abi.c WASI
               FLAGS -O2 -Wl,--strip-all)
akira_wasm_app(${mgr_app_dir}/wasi_sleeper.wasm ${CMAKE_SOURCE_DIR}/tests/cli/apps/sleeper.c WASI
               FLAGS -O2 -Wl,--strip-all)
akira_wasm_app(${mgr_app_dir}/wasi_revoke.wasm ${CMAKE_CURRENT_SOURCE_DIR}/apps/wasi_revoke.c WASI
               FLAGS -O2 -Wl,--strip-all)
# wasi_fs as preview 0 where the ABIs agree (the same conversion as tests/cli's)
find_program(AKIRA_PYTHON3 python3 REQUIRED)
add_custom_command(
  OUTPUT ${mgr_app_dir}/wasi_fs_p0.wasm
  COMMAND ${AKIRA_PYTHON3} ${CMAKE_SOURCE_DIR}/tools/akira-wasm/wasi_p0.py
          ${mgr_app_dir}/wasi_fs.wasm ${mgr_app_dir}/wasi_fs_p0.wasm
  DEPENDS ${mgr_app_dir}/wasi_fs.wasm ${CMAKE_SOURCE_DIR}/tools/akira-wasm/wasi_p0.py
  COMMENT "wasm (preview 0): ${mgr_app_dir}/wasi_fs_p0.wasm" VERBATIM)
list(APPEND mgr_apps ${mgr_app_dir}/wasi_fs.wasm ${mgr_app_dir}/p0_abi.wasm
     ${mgr_app_dir}/wasi_sleeper.wasm
     ${mgr_app_dir}/wasi_revoke.wasm ${mgr_app_dir}/wasi_fs_p0.wasm)
add_custom_target(runtime_mgr_apps ALL DEPENDS ${mgr_apps})
set(AKIRA_RUNTIME_TEST_APPS ${mgr_app_dir} CACHE INTERNAL "built test apps of tests/runtime")

foreach(t test_bridge test_manager test_hostile)
  akira_unit_test(${t}_runtime SOURCES ${t}.c mgr_util.c LIBS akira_runtime)
  target_compile_definitions(${t}_runtime PRIVATE APP_DIR="${mgr_app_dir}")
  add_dependencies(${t}_runtime runtime_mgr_apps)
endforeach()
akira_unit_test(test_manager_units_runtime SOURCES test_manager_units.c LIBS akira_runtime)
akira_unit_test(test_hostile_store_runtime SOURCES test_hostile_store.c mgr_util.c
                LIBS akira_runtime akira_native_sim_flash)
target_compile_definitions(test_hostile_store_runtime PRIVATE APP_DIR="${mgr_app_dir}")
add_dependencies(test_hostile_store_runtime runtime_mgr_apps)

# The manager through the firmware's shell (pack, install, watchdog, caps, autostart).
add_test(NAME runtime_manager_shell
         COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_manager_shell.py
                 $<TARGET_FILE:akiraos> $<TARGET_FILE:akira> ${mgr_app_dir}
                 ${CMAKE_CURRENT_BINARY_DIR}/mgr_shell)
set_tests_properties(runtime_manager_shell PROPERTIES TIMEOUT 60)
# WASI apps on the device: files in their own directory, clocks, random, the quota.
add_test(NAME runtime_wasi_device
         COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_wasi_device.py
                 $<TARGET_FILE:akiraos> $<TARGET_FILE:akira> ${mgr_app_dir}
                 ${CMAKE_CURRENT_BINARY_DIR}/wasi_device)
set_tests_properties(runtime_wasi_device PROPERTIES TIMEOUT 150)
