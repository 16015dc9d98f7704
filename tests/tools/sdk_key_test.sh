#!/bin/sh
# sdk_key_test.sh AKIRA SDK_DIR APP_SRC MANIFEST: akira_app(... KEY dev.key) in a
# project of its own, as an app developer writes it: the key beside the sources, the
# build in another folder. The package must be built and signed by that key (a KEY
# resolved against the build folder made the build fail: no rule for the key file).
set -eu
akira=$1 sdk=$2 src=$3 manifest=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/app"
cp "$src" "$work/app/app.c"
cp "$manifest" "$work/app/app.manifest"
"$akira" keygen "$work/app/dev" >/dev/null
cat >"$work/app/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(keyapp NONE)
include($sdk/cmake/akira_app.cmake)
akira_app(keyapp SOURCES app.c MANIFEST app.manifest KEY dev.key)
CMAKE
cmake -S "$work/app" -B "$work/build" -DAKIRA_TOOL="$akira" >"$work/log" 2>&1 ||
  { cat "$work/log"; echo "FAIL: configure"; exit 1; }
cmake --build "$work/build" >>"$work/log" 2>&1 || { cat "$work/log"; echo "FAIL: build"; exit 1; }
out=$("$akira" inspect "$work/build/keyapp.wasm" --pub "$work/app/dev.pub")
echo "$out"
case $out in
  *": valid ("*) echo "ok" ;;
  *) echo "FAIL: not signed by the key beside the sources"; exit 1 ;;
esac
