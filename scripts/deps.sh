#!/usr/bin/env bash
# Install the Debian packages in scripts/packages.txt that are missing.
# Used by `make run`, `make test` and `.ci/run`; a no-op when all are present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=${1:-$here/packages.txt}
missing=()
while read -r pkg _; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done < "$list"
# The Cortex-M build compiles part of libsodium from Debian's source package
# (cmake/libsodium_mcu.cmake, `apt-get source`): Debian's own archive as a deb-src
# entry, once, when no source entry offers it yet.
src_list=/etc/apt/sources.list.d/akira-debian-src.sources
need_update=0
if [[ $(id -u) -eq 0 && ! -e $src_list ]] && ! apt-cache showsrc libsodium 2>/dev/null | grep -q '^Package:'; then
  . /etc/os-release
  cat >"$src_list" <<EOT
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: ${VERSION_CODENAME} ${VERSION_CODENAME}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: ${VERSION_CODENAME}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
  echo "deps: added Debian's source archive ($src_list)"
  need_update=1
fi
export DEBIAN_FRONTEND=noninteractive
if [[ ${#missing[@]} -eq 0 ]]; then
  [[ $need_update -eq 1 ]] && apt-get update -qq
  exit 0
fi
echo "deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "deps: missing packages and not root; run as root or install: ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
