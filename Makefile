# AkiraOS top-level entry points. Everything real lives in CMake; this file only
# installs missing Debian packages and drives the two build trees:
#   build/        the normal build (binaries in build/bin/)
#   build/asan/   the same sources under AddressSanitizer + UBSan (tests only)
JOBS ?= $(shell nproc)
# Sub-makes (CMake's generated Makefiles) need not announce every directory they enter.
MAKEFLAGS += --no-print-directory
BUILD_TYPE ?= RelWithDebInfo
# What `make run` boots: the firmware, the host tool and the SDK examples it installs
# (no test, fuzzer or benchmark: `make build` and `make test` build those).
RUN_TARGETS = akiraos akira sdk_examples

.PHONY: all deps configure build asan run test bench clean

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

run: configure
	@cmake --build build -j $(JOBS) --target $(RUN_TARGETS)
	@scripts/run.sh

test: build asan
	@scripts/test.sh

bench: build
	@scripts/deps.sh scripts/packages-bench.txt
	@cmake --build build --target bench

clean:
	rm -rf build
