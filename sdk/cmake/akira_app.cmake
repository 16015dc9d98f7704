# akira_app(): build an AkiraOS app package from C sources.
#
#   include(<akira>/sdk/cmake/akira_app.cmake)
#   akira_app(NAME SOURCES a.c b.c MANIFEST app.manifest
#             [WASI] [KEY dev.key] [FLAGS -O2 ...] [LINK_FLAGS ...] [OUTPUT path.wasm])
#
# Compiles the sources with clang for wasm32 (freestanding: -nostdlib, no libc, and
# -mbulk-memory so the memset/memcpy clang emits for loops and struct copies become
# memory.fill/memory.copy instructions instead of calls nobody provides; with
# WASI: wasm32-wasi and Debian's wasi-libc), links them with lld (wasm-ld), then runs
# `akira pack` to embed the manifest (and, with KEY, sign it with a key from
# `akira keygen`). The package is <binary dir>/NAME.wasm unless OUTPUT says otherwise;
# target NAME builds it and its property AKIRA_APP_FILE holds the path.
#
# Exports: `_start` and `main` when defined, and every function marked
# __attribute__((export_name("..."))). Imports: functions declared with
# __attribute__((import_module("..."), import_name("..."))) (the SDK headers do this).
#
# Tools: clang from AKIRA_APP_CLANG (default: the first clang found); the packer is the
# `akira` target when this file is used inside the AkiraOS tree, else AKIRA_TOOL or
# `akira` on PATH. Debian packages: clang lld wasi-libc libclang-rt-14-dev-wasm32.
include_guard(GLOBAL)

function(akira_app_find_tools_)
  if(NOT AKIRA_APP_CLANG)
    find_program(AKIRA_APP_CLANG NAMES clang clang-14 clang-16 clang-19)
    if(NOT AKIRA_APP_CLANG)
      message(FATAL_ERROR "akira_app: no clang (apt-get install clang lld)")
    endif()
  endif()
  if(NOT AKIRA_APP_SYSROOT)
    foreach(cand /usr/share/wasi-sysroot /usr)
      if(EXISTS ${cand}/lib/wasm32-wasi/libc.a)
        set(AKIRA_APP_SYSROOT ${cand} CACHE PATH "wasi-libc sysroot for akira_app(... WASI)")
        break()
      endif()
    endforeach()
  endif()
  if(NOT TARGET akira AND NOT AKIRA_TOOL)
    find_program(AKIRA_TOOL NAMES akira)
    if(NOT AKIRA_TOOL)
      message(FATAL_ERROR "akira_app: no `akira` tool (set AKIRA_TOOL to build/bin/akira)")
    endif()
  endif()
endfunction()

function(akira_app name)
  cmake_parse_arguments(A "WASI" "MANIFEST;KEY;OUTPUT" "SOURCES;FLAGS;LINK_FLAGS" ${ARGN})
  if(NOT A_SOURCES OR NOT A_MANIFEST)
    message(FATAL_ERROR "akira_app(${name}): SOURCES and MANIFEST are required")
  endif()
  akira_app_find_tools_()
  # The SDK's headers (<akira/common.h>, <akira/gpio.h>, ...) are on every app's path.
  set(sdk_include ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../include)
  cmake_path(NORMAL_PATH sdk_include)
  if(A_WASI)
    if(NOT AKIRA_APP_SYSROOT)
      message(FATAL_ERROR "akira_app(${name} WASI): no wasi-libc sysroot (apt-get install wasi-libc)")
    endif()
    set(target_flags --target=wasm32-wasi --sysroot=${AKIRA_APP_SYSROOT})
  else()
    set(target_flags --target=wasm32 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-if-defined=_start
                     -Wl,--export-if-defined=main)
  endif()
  set(srcs "")
  foreach(s ${A_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  get_filename_component(manifest ${A_MANIFEST} ABSOLUTE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.wasm)
  if(A_OUTPUT)
    get_filename_component(out ${A_OUTPUT} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set(raw ${CMAKE_CURRENT_BINARY_DIR}/${name}.module.wasm)
  if(TARGET akira)
    set(packer $<TARGET_FILE:akira>)
    set(packer_dep akira)
  else()
    set(packer ${AKIRA_TOOL})
    set(packer_dep "")
  endif()
  set(key_args "")
  set(key_dep "")
  if(A_KEY)
    get_filename_component(key ${A_KEY} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
    set(key_args --key ${key})
    set(key_dep ${key})
  endif()
  add_custom_command(
    OUTPUT ${raw}
    COMMAND ${AKIRA_APP_CLANG} ${target_flags} -O2 -Wall -Wextra -I${sdk_include}
            ${A_FLAGS} ${srcs}
            -Wl,--strip-debug ${A_LINK_FLAGS} -o ${raw}
    DEPENDS ${srcs}
    COMMENT "akira_app ${name}: compile and link"
    VERBATIM)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${packer} pack ${raw} -o ${out} --manifest ${manifest} ${key_args}
    DEPENDS ${raw} ${manifest} ${key_dep} ${packer_dep}
    COMMENT "akira_app ${name}: pack"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
  set_target_properties(${name} PROPERTIES AKIRA_APP_FILE ${out})
endfunction()
