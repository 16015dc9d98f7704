# The hardware and network examples (blink, weather, echo, fader, http-get,
# mqtt-sensor), built like the others but into build/apps_hw/: build/apps/ is what a
# first `make run` installs, and the board holds 8 apps.
set(AKIRA_HW_EXAMPLES_DIR ${CMAKE_BINARY_DIR}/apps_hw CACHE INTERNAL "built hardware example packages")
file(MAKE_DIRECTORY ${AKIRA_HW_EXAMPLES_DIR})
set(hw_example_targets "")
foreach(ex blink weather echo fader http-get mqtt-sensor)
  file(GLOB ex_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${ex}/*.c)
  akira_app(example_${ex} SOURCES ${ex_sources} MANIFEST ${CMAKE_CURRENT_SOURCE_DIR}/${ex}/manifest
            FLAGS -Werror -I${CMAKE_SOURCE_DIR}/sdk/include
            LINK_FLAGS -Wl,-z,stack-size=8192 -Wl,--initial-memory=65536
            OUTPUT ${AKIRA_HW_EXAMPLES_DIR}/${ex}.wasm)
  list(APPEND hw_example_targets example_${ex})
endforeach()
add_custom_target(sdk_hw_examples DEPENDS ${hw_example_targets})
