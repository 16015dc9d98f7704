#!/usr/bin/env bash
# CTest driver for the bare-metal test images (tests/kernel/mcu/CMakeLists.txt).
#   run.sh build SRC TREE        configure and build the cross tree TREE
#   run.sh run SRC TREE IMAGE    boot TREE/tests/IMAGE.elf in QEMU; its exit status
#                                (semihosting) is the test's
# Exit 77 (CTest skip) with a message when the cross compiler or QEMU is missing.
# QEMU runs under `timeout`, which kills it (its own child) after 150 s.
set -uo pipefail
mode=$1 src=$2 tree=$3
need() {
  if ! command -v "$1" >/dev/null; then
    echo "SKIP: $1 not installed (Debian package $2); the Cortex-M tests need it"
    exit 77
  fi
}
need arm-none-eabi-gcc gcc-arm-none-eabi
need qemu-system-arm qemu-system-arm
if [[ ! -e /usr/lib/arm-none-eabi/include/stdint.h ]]; then
  echo "SKIP: newlib for arm-none-eabi not installed (Debian package libnewlib-arm-none-eabi)"
  exit 77
fi
case $mode in
build)
  cmake -S "$src" -B "$tree" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/arm-none-eabi.cmake" \
    -DAKIRA_BOARD=mps2_an386 -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null || exit 1
  exec cmake --build "$tree" -j "$(nproc)"
  ;;
run)
  img=$tree/tests/$4.elf
  [[ -e $img ]] || { echo "no image $img (mcu.build failed?)"; exit 1; }
  # -no-reboot: a reset (fault, watchdog) ends QEMU instead of booting again.
  log=$(mktemp)
  timeout --kill-after=5 150 qemu-system-arm -M mps2-an386 -display none -monitor none \
    -serial stdio -no-reboot -semihosting-config enable=on,target=native -kernel "$img" \
    </dev/null | tee "$log"
  rc=${PIPESTATUS[0]}
  # A reset with -no-reboot also ends QEMU with 0: only the runner's own end line counts.
  if [[ $rc -eq 0 ]] && ! grep -q "^mcu-test: exit 0" "$log"; then
    echo "FAIL: QEMU ended without the test runner's end line (reset?)"
    rc=1
  fi
  [[ $rc -eq 124 ]] && echo "TIMEOUT: $4 did not finish in 150 s"
  rm -f "$log"
  exit $rc
  ;;
esac
