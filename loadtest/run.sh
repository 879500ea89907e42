#!/usr/bin/env bash
# Gateway vs baselines under wrk, interleaved rounds, ratio table (loadtest/compare.sh).
#
#   loadtest/run.sh [compare.sh options, e.g. -c 64,256 -d 10s -r 3]
#
# Targets, all with the same worker count (WORKERS, default: all cores):
#   raw      monoio + httparse hello server, same worker setup, no router/registry/library
#   gateway  the dataplane serving the fx_async handler library at /hello
#   gateway_log  the same with the access log on (a JSON line per request to a file)
#   nginx    `return 200` with a JSON body, WORKERS worker processes (if nginx is installed)
# The machine's cores are shared between the servers and wrk: the numbers compare the
# targets with each other, not with a dedicated load-generator setup.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-$(nproc)}
URING=${URING:-defer-taskrun}   # default | defer-taskrun | coop-taskrun, same for raw and gateway
say() { printf '==> %s\n' "$*" >&2; }

if ! command -v wrk >/dev/null; then
  say "installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
say "building release binaries"
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
  say "$name did not start:"; cat "$tmp/$name.log" >&2; exit 1
}

say "starting raw baseline and gateway ($WORKERS workers each, io_uring setup $URING)"
start raw "$BIN/raw_monoio" --addr 127.0.0.1:18081 --workers "$WORKERS" --uring "$URING"
start gateway "$BIN/hello_gateway" --addr 127.0.0.1:18080 --workers "$WORKERS" --route /hello --uring "$URING"
start gateway_log "$BIN/hello_gateway" --addr 127.0.0.1:18083 --workers "$WORKERS" --route /hello --uring "$URING" --access-log "$tmp/access.log"
targets=(raw=http://127.0.0.1:18081/hello gateway=http://127.0.0.1:18080/hello gateway_log=http://127.0.0.1:18083/hello)

if command -v nginx >/dev/null; then
  mkdir -p "$tmp/nginx"
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes $WORKERS;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18082 reuseport;
    location / { default_type application/json; return 200 '{"message":"Hello from Rust Edge Gateway!","method":"GET","path":"/hello","version":"v1"}'; }
  }
}
CONF
  nginx -c "$tmp/nginx/nginx.conf" -g 'daemon off;' >"$tmp/nginx.log" 2>&1 &
  pids+=($!)
  sleep 0.5
  targets+=(nginx=http://127.0.0.1:18082/hello)
else
  say "nginx not installed: skipping that baseline (apt-get install nginx-light)"
fi

say "running interleaved wrk rounds"
loadtest/compare.sh -c 64 -d 10s -r 3 "$@" "${targets[@]}"
