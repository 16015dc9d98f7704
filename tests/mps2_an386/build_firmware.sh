#!/bin/sh
# build_firmware.sh SRC TREE: cross-build the mps2_an386 firmware into TREE (as `make
# mcu` does into build/mps2_an386), the fixture of the QEMU tests. Exit 77 (skipped)
# with a message when the cross compiler is not installed.
set -eu
src=$1
tree=$2
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    echo "SKIP: arm-none-eabi-gcc not found (gcc-arm-none-eabi, libnewlib-arm-none-eabi)"
    exit 77
fi
cmake -S "$src" -B "$tree" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/arm-none-eabi.cmake" \
    -DAKIRA_BOARD=mps2_an386 -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build "$tree" -j 2
