#!/usr/bin/env bash
# Worker scaling: the gateway (fx_async's /static) and the raw monoio server with 1 and with
# 2 workers, one interleaved loadtest/cpu_compare.py run. On a 2-core machine wrk takes
# most of a core, so "2 workers" shares its cores with the load generator: read the ratio
# of the gateway's 2/1 step against raw's 2/1 step, and the CPU per request (which should
# not grow with the worker count: no request touches another core's memory).
#
#   loadtest/scaling.sh [-d SECS] [-r ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
dur=8 rounds=3
while getopts "d:r:" o; do case $o in d) dur=$OPTARG ;; r) rounds=$OPTARG ;; *) exit 2 ;; esac; done
URING=${URING:-defer-taskrun}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p rust-edge-gateway-benches --bin raw_monoio -p rust-edge-gateway-tests --bin hello_gateway
BIN=${CARGO_TARGET_DIR:-target}/release
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
start() { # name, command...
  local name=$1; shift
  "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q "listening on" "$tmp/$name.log" 2>/dev/null && return 0; sleep 0.1; done
  echo "$name did not start:" >&2; cat "$tmp/$name.log" >&2; exit 1
}
start raw1 "$BIN/raw_monoio" --addr 127.0.0.1:18281 --workers 1 --fixed --uring "$URING"
start raw2 "$BIN/raw_monoio" --addr 127.0.0.1:18282 --workers 2 --fixed --uring "$URING"
start gw1 "$BIN/hello_gateway" --addr 127.0.0.1:18283 --workers 1 --route /static --uring "$URING"
start gw2 "$BIN/hello_gateway" --addr 127.0.0.1:18284 --workers 2 --route /static --uring "$URING"
python3 loadtest/cpu_compare.py -c 64 -d "$dur" -r "$rounds" --title "worker scaling, " \
  raw-1w=http://127.0.0.1:18281/hello raw-2w=http://127.0.0.1:18282/hello \
  gateway-1w=http://127.0.0.1:18283/static gateway-2w=http://127.0.0.1:18284/static
