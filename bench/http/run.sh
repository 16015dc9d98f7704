#!/usr/bin/env bash
# HTTP benchmark: requests/s of GET /api/status on the booted firmware with wrk, then
# upload throughput and RAM per connection (akira_bench_http, in-process).
#   bench/http/run.sh [BUILD_DIR]      (default build/)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
command -v wrk >/dev/null || { echo "bench/http: wrk is missing (scripts/deps.sh installs it)" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
img=$(mktemp -d)/flash.img
fifo=$(mktemp -u); mkfifo "$fifo"
"$build"/bin/akiraos --flash "$img" --http-port "$port" --log-level err <"$fifo" >/dev/null &
dev=$!
exec 3>"$fifo"
trap 'echo poweroff >&3; wait $dev 2>/dev/null || true; rm -rf "$fifo" "$(dirname "$img")"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/status" >/dev/null && break; sleep 0.1; done
echo "GET /api/status, wrk 2 threads, 8 connections, 5 s:"
wrk -t2 -c8 -d5s "http://127.0.0.1:$port/api/status" | grep -E "Requests/sec|Latency|requests in|Non-2xx|Socket errors" || true
echo "GET /api/status, wrk 2 threads, 64 connections (more than the 8 workers), 5 s:"
wrk -t2 -c64 -d5s "http://127.0.0.1:$port/api/status" | grep -E "Requests/sec|Latency|requests in|Non-2xx|Socket errors" || true
"$build"/bench/http/akira_bench_http 15
