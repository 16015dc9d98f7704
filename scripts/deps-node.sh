#!/usr/bin/env bash
# The browser tests' npm packages (tests/connectivity/dashboard/package.json, pinned by
# its package-lock.json) installed with `npm ci` into DIR (under build/, never in the
# source tree) when missing or when the lock changed. Node and npm come from Debian
# (installed here when missing, as scripts/deps.sh does for the rest).
# usage: deps-node.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../tests/connectivity/dashboard
dir=$1
need=()
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
# (scripts/deps.sh installs what a list names; the checks above are by command, since
# npm may come with another distribution's nodejs package rather than Debian's npm.)
if [[ ${#need[@]} -gt 0 ]]; then
  "$here/deps.sh" <(printf '%s\n' "${need[@]}")
fi
# npm trusts only its own CA list unless told: a machine whose network goes through a
# proxy with its own CA has it in the system's store, so hand npm that store as well.
if [[ -z ${NODE_EXTRA_CA_CERTS:-} && -r /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
mkdir -p "$dir"
if [[ -d $dir/node_modules/playwright-core ]] && cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dir/"
cd "$dir"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
