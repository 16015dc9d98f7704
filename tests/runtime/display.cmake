# Display, input and ui API modules end to end on the firmware (tests/harness): the
# launcher, the game and settings examples driven by input with golden snapshots
# (tests/ui/golden/app_*.png), hostile UI apps, the HTTP display and input endpoints.
set(ui_app_dir ${CMAKE_CURRENT_BINARY_DIR}/ui_apps)
file(MAKE_DIRECTORY ${ui_app_dir})
set(ui_app_targets)
foreach(app ui_flood ui_thief draw_wild input_only)
  akira_app(ui_app_${app} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ui_apps/${app}.c
            MANIFEST ${CMAKE_CURRENT_SOURCE_DIR}/ui_apps/${app}.manifest
            FLAGS -Werror LINK_FLAGS -Wl,-z,stack-size=8192 -Wl,--initial-memory=65536
            OUTPUT ${ui_app_dir}/${app}.wasm)
  list(APPEND ui_app_targets ui_app_${app})
endforeach()
add_custom_target(runtime_ui_apps ALL DEPENDS ${ui_app_targets} sdk_examples)
foreach(scenario launcher game settings hostile http)
  add_test(NAME display_e2e_${scenario}
           COMMAND ${AKIRA_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/test_display_e2e.py ${scenario}
                   $<TARGET_FILE:akiraos> ${AKIRA_EXAMPLES_DIR} ${ui_app_dir}
                   ${CMAKE_SOURCE_DIR}/tests/ui/golden)
  set_tests_properties(display_e2e_${scenario} PROPERTIES TIMEOUT 60)
endforeach()
