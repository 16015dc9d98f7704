# Building C to WebAssembly at build time (tests/cli apps, bench workloads).
#
#   akira_wasm_toolchain()   finds clang and the wasi-libc sysroot and proves, once per
#                            build tree, that a wasm32-wasi C program links; a missing
#                            piece fails the configure with the packages to install.
#   akira_wasm_app(OUT SRC [WASI] [FLAGS ...])
#                            adds a custom command making OUT from the C file SRC
#                            (wasm32-wasi with WASI, else freestanding wasm32 with no
#                            entry point; the exports are the sources' export_name()s).
#   akira_wat_app(OUT SRC)   OUT from a .wat text module with wabt's wat2wasm, without
#                            validating (used for deliberately invalid modules).

function(akira_wasm_toolchain)
  if(AKIRA_WASM_TOOLCHAIN_OK)
    return()
  endif()
  find_program(AKIRA_WASM_CLANG NAMES clang clang-14 clang-16 clang-19)
  find_program(AKIRA_WAT2WASM NAMES wat2wasm)
  if(NOT AKIRA_WASM_CLANG OR NOT AKIRA_WAT2WASM)
    message(FATAL_ERROR "akira-wasm tests need clang (with lld) and wabt's wat2wasm to build "
                        "their .wasm apps: apt-get install clang lld wabt wasi-libc "
                        "libclang-rt-14-dev-wasm32 (see scripts/packages.txt)")
  endif()
  set(sysroot "")
  foreach(cand /usr/share/wasi-sysroot /usr)
    if(EXISTS ${cand}/lib/wasm32-wasi/libc.a OR EXISTS ${cand}/lib/wasm32-wasi/crt1.o)
      set(sysroot ${cand})
      break()
    endif()
  endforeach()
  if(NOT sysroot)
    message(FATAL_ERROR "no wasi-libc sysroot (looked for lib/wasm32-wasi/libc.a under "
                        "/usr/share/wasi-sysroot and /usr): apt-get install wasi-libc")
  endif()
  set(probe_dir ${CMAKE_BINARY_DIR}/wasm-probe)
  file(WRITE ${probe_dir}/probe.c "#include <stdio.h>\nint main(void){printf(\"%f\", 1.5);return 0;}\n")
  execute_process(
    COMMAND ${AKIRA_WASM_CLANG} --target=wasm32-wasi --sysroot=${sysroot} -O2 probe.c -o probe.wasm
    WORKING_DIRECTORY ${probe_dir} RESULT_VARIABLE rc ERROR_VARIABLE errout OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${AKIRA_WASM_CLANG} cannot link a wasm32-wasi C program with the "
                        "sysroot ${sysroot}:\n${errout}\nInstall: apt-get install lld wasi-libc "
                        "libclang-rt-14-dev-wasm32 (the wasm32 compiler-rt builtins)")
  endif()
  set(AKIRA_WASI_SYSROOT ${sysroot} CACHE PATH "wasi-libc sysroot for clang --target=wasm32-wasi")
  set(AKIRA_WASM_TOOLCHAIN_OK ON CACHE INTERNAL "clang can build wasm32-wasi programs")
endfunction()

function(akira_wasm_app out src)
  cmake_parse_arguments(A "WASI" "" "FLAGS" ${ARGN})
  if(A_WASI)
    set(target_flags --target=wasm32-wasi --sysroot=${AKIRA_WASI_SYSROOT})
  else()
    set(target_flags --target=wasm32 -nostdlib -Wl,--no-entry)
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${AKIRA_WASM_CLANG} ${target_flags} -Wall -Wextra -Werror ${A_FLAGS} ${src} -o ${out}
    DEPENDS ${src}
    COMMENT "wasm: ${out}"
    VERBATIM)
endfunction()

function(akira_wat_app out src)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${AKIRA_WAT2WASM} --no-check ${src} -o ${out}
    DEPENDS ${src}
    COMMENT "wat: ${out}"
    VERBATIM)
endfunction()
