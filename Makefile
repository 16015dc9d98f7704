# AkiraOS top-level entry points. Everything real lives in CMake; this file only
# installs missing Debian packages and drives the two build trees:
#   build/        the normal build (binaries in build/bin/)
#   build/asan/   the same sources under AddressSanitizer + UBSan (tests only)
JOBS ?= $(shell nproc)
# Sub-makes (CMake's generated Makefiles) need not announce every directory they enter.
MAKEFLAGS += --no-print-directory
BUILD_TYPE ?= RelWithDebInfo

.PHONY: all deps build asan run test bench clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build build -j $(JOBS)

asan: deps
	@cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DAKIRA_SANITIZE=ON >/dev/null
	@cmake --build build/asan -j $(JOBS)

run: build
	@scripts/run.sh

test: build asan
	@scripts/test.sh

bench: build
	@scripts/deps.sh scripts/packages-bench.txt
	@cmake --build build --target bench

clean:
	rm -rf build
