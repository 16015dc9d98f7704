# libsodium for a bare-metal target, from Debian's own source package: Debian ships
# libsodium only for its host architectures (no arm-none-eabi build), so the cross tree
# unpacks the source of the libsodium-dev version installed on the host
# (`apt-get source`, Debian's archive: scripts/deps.sh adds its deb-src entry) into the
# build tree at configure time, and compiles only what verifying a firmware image
# needs: SHA-256, SHA-512 and Ed25519 signature verification (ref10, 32-bit field
# arithmetic). Nothing of libsodium is kept in this repository.
#
# Defines the static library akira_sodium_mcu (include <sodium/crypto_*.h>), and
# AKIRA_SODIUM_SUBSET=1 for its users: there is no sodium_init() (nothing in the
# subset needs one).

set(AKIRA_SODIUM_SRC_ROOT ${CMAKE_BINARY_DIR}/_deps/libsodium CACHE PATH
    "where the cross tree unpacks Debian's libsodium source")

execute_process(COMMAND dpkg-query -W -f=\${Version} libsodium-dev
                OUTPUT_VARIABLE _sodium_deb_version RESULT_VARIABLE _rc ERROR_QUIET)
if(NOT _rc EQUAL 0 OR _sodium_deb_version STREQUAL "")
  message(FATAL_ERROR "libsodium-dev is not installed (scripts/deps.sh installs it): its "
                      "version names the Debian source package the Cortex-M build compiles")
endif()
set(_sodium_stamp ${AKIRA_SODIUM_SRC_ROOT}/unpacked)
if(NOT EXISTS ${_sodium_stamp})
  message(STATUS "libsodium ${_sodium_deb_version}: apt-get source into ${AKIRA_SODIUM_SRC_ROOT}")
  file(REMOVE_RECURSE ${AKIRA_SODIUM_SRC_ROOT})
  file(MAKE_DIRECTORY ${AKIRA_SODIUM_SRC_ROOT})
  # The installed version first; when the archive has moved on (a security update not
  # installed here yet), the version it has now.
  foreach(_want libsodium=${_sodium_deb_version} libsodium)
    execute_process(COMMAND apt-get source -qq --only-source ${_want}
                    WORKING_DIRECTORY ${AKIRA_SODIUM_SRC_ROOT}
                    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(_rc EQUAL 0)
      break()
    endif()
  endforeach()
  file(GLOB _dirs LIST_DIRECTORIES true ${AKIRA_SODIUM_SRC_ROOT}/libsodium-*)
  list(FILTER _dirs EXCLUDE REGEX "\\.(tar|dsc|gz|xz)")
  if(NOT _rc EQUAL 0 OR NOT _dirs)
    message(FATAL_ERROR "apt-get source libsodium failed (Debian's deb-src entry missing? "
                        "run scripts/deps.sh as root):\n${_out}${_err}")
  endif()
  file(WRITE ${_sodium_stamp} "${_dirs}")
endif()
file(READ ${_sodium_stamp} _sodium_dir)
set(_s ${_sodium_dir}/src/libsodium)
add_library(akira_sodium_mcu STATIC
  ${_s}/crypto_hash/sha256/cp/hash_sha256_cp.c
  ${_s}/crypto_hash/sha512/cp/hash_sha512_cp.c
  ${_s}/crypto_core/ed25519/ref10/ed25519_ref10.c
  ${_s}/crypto_sign/ed25519/ref10/open.c
  ${_s}/crypto_sign/ed25519/ref10/sign.c
  ${_s}/crypto_verify/sodium/verify.c
  ${_s}/sodium/utils.c
)
# Its own code, its own warnings: the project's -Werror is not imposed on it.
target_compile_options(akira_sodium_mcu PRIVATE -w -Wno-error)
target_compile_definitions(akira_sodium_mcu PRIVATE NATIVE_LITTLE_ENDIAN=1 CONFIGURED=1)
target_include_directories(akira_sodium_mcu PRIVATE ${_s}/include/sodium
                                            PUBLIC ${_s}/include)
target_compile_definitions(akira_sodium_mcu INTERFACE AKIRA_SODIUM_SUBSET=1)
