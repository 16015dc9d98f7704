# AkiraOS top-level entry points. Everything real lives in CMake; this file only
# installs missing Debian packages and drives the build trees:
#   build/        the normal build (binaries in build/bin/)
#   build/asan/   the same sources under AddressSanitizer + UBSan (tests only)
#   build/mps2_an386/  the Cortex-M4F firmware (make run BOARD=mps2_an386; cross-built
#                  with cmake/arm-none-eabi.cmake, booted in qemu-system-arm)
JOBS ?= $(shell nproc)
# Sub-makes (CMake's generated Makefiles) need not announce every directory they enter.
MAKEFLAGS += --no-print-directory
BUILD_TYPE ?= RelWithDebInfo
# The board `make run` boots: native_sim (default) or mps2_an386.
BOARD ?= native_sim
# What `make run` boots: the firmware, the host tool and the SDK examples it installs
# (no test, fuzzer or benchmark: `make build` and `make test` build those); akiraos_image
# is the first stage (akira-boot) and the signed firmware it flashes on first run.
RUN_TARGETS = akiraos akira akiraos_image sdk_examples

.PHONY: all deps configure build asan mcu examples run test bench clean

all: build

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build build -j $(JOBS)

asan: deps
	@cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DAKIRA_SANITIZE=ON >/dev/null
	@cmake --build build/asan -j $(JOBS)

# The Cortex-M4F firmware: build/mps2_an386/bin/akiraos.elf (size-optimised), its
# bootloader bin/akira-boot.elf and the signed image bin/akiraos.img, which the host
# tree's `akira` signs with its development key (built first).
mcu: configure
	@cmake --build build -j $(JOBS) --target akira
	@cmake -S . -B build/mps2_an386 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake \
	    -DAKIRA_BOARD=mps2_an386 -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
	@cmake --build build/mps2_an386 -j $(JOBS)

# The SDK examples (build/apps/*.wasm) for a board's flash and the `akira` CLI that
# manages the board over its serial line: from the host tree, nothing else of it.
examples: configure
	@cmake --build build -j $(JOBS) --target sdk_examples akira

ifeq ($(BOARD),native_sim)
run: configure
	@cmake --build build -j $(JOBS) --target $(RUN_TARGETS)
	@scripts/run.sh
else ifeq ($(BOARD),mps2_an386)
run: mcu examples
	@scripts/run-mps2.sh
else
run:
	@echo "unknown BOARD=$(BOARD) (native_sim or mps2_an386)" >&2; exit 2
endif

test: build asan
	@scripts/test.sh

bench: build
	@scripts/deps.sh scripts/packages-bench.txt
	@cmake --build build --target bench

clean:
	rm -rf build
