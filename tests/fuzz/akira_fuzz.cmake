# libFuzzer targets, built with clang inside a gcc build tree.
#
# The project compiles with gcc, and libFuzzer needs clang's -fsanitize=fuzzer, so a fuzz
# target is not an add_executable(): each source is compiled to an object by clang through
# a custom command (with a depfile, so header edits rebuild it), then linked with
# -fsanitize=fuzzer,address,undefined. The code under test is compiled again from source
# into the target, with the sanitizers and coverage instrumentation, and never linked from
# the gcc-built libraries.
#
#   include(${CMAKE_SOURCE_DIR}/tests/fuzz/akira_fuzz.cmake)
#   akira_fuzz_target(NAME fuzz_http_request
#                     SOURCES harness.c ${CMAKE_SOURCE_DIR}/connectivity/src/http_parse.c
#                     INCLUDES ${CMAKE_SOURCE_DIR}/connectivity/include
#                     [DEFINES FOO=1 ...]      [LIBS m ...]       (-l names for the link)
#                     [SEEDS dir] [SEED_DEPENDS target-or-file ...]
#                     [SECONDS 60] [RSS_MB 1024] [TIMEOUT 10] [MAX_LEN n])
#
# makes ${CMAKE_CURRENT_BINARY_DIR}/NAME (target NAME, built by `all`) and a CTest test
# NAME that fuzzes for SECONDS (libFuzzer -max_total_time) starting from the seed corpus
# SEEDS, with -rss_limit_mb=RSS_MB (also the malloc limit) and -timeout=TIMEOUT seconds per
# input. Any crash, sanitizer report, leak, timeout or out-of-memory fails the test; the
# input that caused it is written to NAME-artifacts/ in the build tree and the log says
# how to reproduce it (`./NAME NAME-artifacts/crash-...`). Inputs that find new coverage
# accumulate in NAME-corpus/, so each run continues from the last one's corpus.
# SEED_DEPENDS names what produces the SEEDS directory (a target or the stamp files of
# custom commands), so the test binary is only built once its seeds are there.
#
# In the sanitizer build tree (AKIRA_SANITIZE) no fuzz target is built or run: the plain
# tree's target is already built with ASan + UBSan, so a second copy would only repeat it.
#
# Running longer by hand: see docs/fuzzing.md.

function(akira_fuzz_target)
  cmake_parse_arguments(F "" "NAME;SEEDS;SECONDS;RSS_MB;TIMEOUT;MAX_LEN"
                        "SOURCES;INCLUDES;DEFINES;LIBS;SEED_DEPENDS" ${ARGN})
  if(NOT F_NAME OR NOT F_SOURCES)
    message(FATAL_ERROR "akira_fuzz_target: NAME and SOURCES are required")
  endif()
  if(AKIRA_SANITIZE)
    return()
  endif()
  find_program(AKIRA_FUZZ_CLANG NAMES clang clang-14)
  if(NOT AKIRA_FUZZ_CLANG)
    message(FATAL_ERROR "fuzz targets need clang with libFuzzer: apt-get install clang "
                        "libclang-rt-14-dev (see scripts/packages.txt)")
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 60)
  endif()
  if(NOT F_RSS_MB)
    set(F_RSS_MB 1024)
  endif()
  if(NOT F_TIMEOUT)
    set(F_TIMEOUT 10)
  endif()

  set(san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  set(cflags -std=gnu11 -O1 -g -Wall -Wextra -Werror ${san} -fsanitize=fuzzer-no-link)
  foreach(inc ${F_INCLUDES})
    list(APPEND cflags -I${inc})
  endforeach()
  foreach(def ${F_DEFINES})
    list(APPEND cflags -D${def})
  endforeach()

  set(objdir ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}.objs)
  file(MAKE_DIRECTORY ${objdir})
  set(objs)
  set(i 0)
  foreach(src ${F_SOURCES})
    get_filename_component(src ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(base ${src} NAME_WE)
    set(obj ${objdir}/${i}_${base}.o) # the index keeps same-named sources apart
    add_custom_command(
      OUTPUT ${obj}
      COMMAND ${AKIRA_FUZZ_CLANG} ${cflags} -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src}
      DEPFILE ${obj}.d
      COMMENT "clang (fuzz) ${F_NAME}: ${base}.c"
      VERBATIM)
    list(APPEND objs ${obj})
    math(EXPR i "${i} + 1")
  endforeach()

  set(exe ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME})
  set(libs)
  foreach(l ${F_LIBS})
    list(APPEND libs -l${l})
  endforeach()
  add_custom_command(
    OUTPUT ${exe}
    COMMAND ${AKIRA_FUZZ_CLANG} ${san} -fsanitize=fuzzer ${objs} -o ${exe} ${libs}
    DEPENDS ${objs}
    COMMENT "clang (fuzz) linking ${F_NAME}"
    VERBATIM)
  add_custom_target(${F_NAME} ALL DEPENDS ${exe} ${F_SEED_DEPENDS})

  set(corpus ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}-corpus)
  set(artifacts ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}-artifacts)
  file(MAKE_DIRECTORY ${corpus} ${artifacts})
  set(args -max_total_time=${F_SECONDS} -rss_limit_mb=${F_RSS_MB} -timeout=${F_TIMEOUT}
           -artifact_prefix=${artifacts}/ -print_final_stats=1)
  if(F_MAX_LEN)
    list(APPEND args -max_len=${F_MAX_LEN})
  endif()
  add_test(NAME ${F_NAME} COMMAND ${exe} ${args} ${corpus} ${F_SEEDS})
  # libFuzzer's own limit ends the run; this only catches a wedged process.
  math(EXPR ctest_timeout "${F_SECONDS} * 2 + 120")
  set_tests_properties(${F_NAME} PROPERTIES TIMEOUT ${ctest_timeout} LABELS fuzz)
endfunction()
