#!/bin/sh
# akira-app.sh: build an AkiraOS app package from C sources, from a shell.
#
#   sdk/akira-app.sh -o OUT.wasm --manifest FILE [--wasi] [--key NAME.key]
#                    [--akira PATH] [--cflag FLAG]... SOURCE.c...
#
# As akira_app() (sdk/cmake/akira_app.cmake): clang for wasm32 (freestanding: -nostdlib,
# -mbulk-memory for memset/memcpy) or wasm32-wasi (Debian's wasi-libc), linked with
# lld, then `akira pack` embeds the manifest and, with --key, signs it.
# Environment: CLANG (default clang), AKIRA (default: akira on PATH, else
# build/bin/akira beside this script's tree), WASI_SYSROOT (default: searched).
set -eu

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

out= manifest= wasi=0 key= cflags=
clang=${CLANG:-clang}
here=$(cd "$(dirname "$0")" && pwd)
akira=${AKIRA:-}
srcs=
while [ $# -gt 0 ]; do
  case $1 in
    -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --manifest) [ $# -ge 2 ] || usage; manifest=$2; shift 2 ;;
    --key) [ $# -ge 2 ] || usage; key=$2; shift 2 ;;
    --akira) [ $# -ge 2 ] || usage; akira=$2; shift 2 ;;
    --cflag) [ $# -ge 2 ] || usage; cflags="$cflags $2"; shift 2 ;;
    --wasi) wasi=1; shift ;;
    -h|--help) usage ;;
    -*) echo "akira-app.sh: unknown option $1" >&2; usage ;;
    *) srcs="$srcs $1"; shift ;;
  esac
done
[ -n "$out" ] && [ -n "$manifest" ] && [ -n "$srcs" ] || usage

if [ -z "$akira" ]; then
  if command -v akira >/dev/null 2>&1; then akira=akira
  elif [ -x "$here/../build/bin/akira" ]; then akira=$here/../build/bin/akira
  else echo "akira-app.sh: no akira tool (set AKIRA or --akira)" >&2; exit 1
  fi
fi

if [ "$wasi" = 1 ]; then
  sysroot=${WASI_SYSROOT:-}
  if [ -z "$sysroot" ]; then
    for cand in /usr/share/wasi-sysroot /usr; do
      if [ -f "$cand/lib/wasm32-wasi/libc.a" ]; then sysroot=$cand; break; fi
    done
  fi
  [ -n "$sysroot" ] || { echo "akira-app.sh: no wasi-libc (apt-get install wasi-libc)" >&2; exit 1; }
  target="--target=wasm32-wasi --sysroot=$sysroot"
else
  target="--target=wasm32 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-if-defined=_start -Wl,--export-if-defined=main"
fi

raw="$out.module.tmp"
trap 'rm -f "$raw"' EXIT
# shellcheck disable=SC2086 # word splitting of the flag lists is intended
"$clang" $target -O2 -Wall -Wextra -I"$here/include" $cflags $srcs -Wl,--strip-debug -o "$raw"
if [ -n "$key" ]; then
  "$akira" pack "$raw" -o "$out" --manifest "$manifest" --key "$key"
else
  "$akira" pack "$raw" -o "$out" --manifest "$manifest"
fi
