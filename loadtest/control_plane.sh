#!/usr/bin/env bash
# Control-plane figures of a gateway binary (not a load test of the request path):
#
#   loadtest/control_plane.sh deploys N [BIN]  N edit-compile-start cycles of one endpoint;
#                                               prints the size and file count of libs/ and
#                                               target/ every N/10 deploys
#   loadtest/control_plane.sh boot N [BIN]      N endpoints deployed, the gateway killed with
#                                               -9 and started again (3 times): time until
#                                               the admin API answers and until all N serve;
#                                               then once more with every library marked as
#                                               built by another toolchain (all N rebuilt)
#
# BIN defaults to the release build of this checkout. Both run on loopback ports 19180/19181
# with a data dir in a temporary folder and the shared handler build dir.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: control_plane.sh deploys|boot N [BIN]}
n=${2:?usage: control_plane.sh deploys|boot N [BIN]}
bin=${3:-}
say() { printf '[control-plane] %s\n' "$*" >&2; }
if [ -z "$bin" ]; then
  cargo build --release -q -p rust-edge-gateway-admin --bin rust-edge-gateway
  bin=${CARGO_TARGET_DIR:-target}/release/rust-edge-gateway
fi
tmp=$(mktemp -d)
data=$tmp/data
build_dir=${BUILD_DIR:-${CARGO_TARGET_DIR:-$PWD/target}/handler-builds}
token=control-plane-measure
pid=
cleanup() { [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

start() {
  "$bin" --data-dir "$data" --gateway-addr 127.0.0.1:19180 --admin-addr 127.0.0.1:19181 \
    --admin-token "$token" --build-dir "$build_dir" >"$tmp/out.log" 2>"$tmp/err.log" &
  pid=$!
}
api() {
  curl -sf -X "$1" "http://127.0.0.1:19181/api$2" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' ${3:+--data-binary "$3"}
}
now_ms() { date +%s%3N; }
wait_for() { # URL: until it answers 200 (30 s at most)
  for _ in $(seq 1 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" -H "Authorization: Bearer $token")" = 200 ] && return 0
    sleep 0.01
  done
  say "no answer from $1"; cat "$tmp/err.log" >&2; exit 1
}
code_of() { # VERSION PATH: handler source answering {"v": VERSION}
  python3 -c 'import json,sys; print(json.dumps("use rust_edge_gateway_sdk::prelude::*;\n\n#[handler]\npub async fn handle(_ctx: &Context, _req: Request) -> Response {\n    Response::ok(json!({ \"v\": %s }))\n}\n" % sys.argv[1]))' "$1"
}
all_serve() { # [SECONDS]: until every /e1../eN answers 200, one curl per poll
  local urls=() deadline=$(( $(date +%s) + ${1:-30} ))
  for i in $(seq 1 "$n"); do urls+=("http://127.0.0.1:19180/e$i"); done
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(curl -s -w '\n%{http_code}\n' "${urls[@]}" | grep -c '^200$')" -eq "$n" ] && return 0
    sleep 0.01
  done
  say "not all $n endpoints serve"; exit 1
}
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])'; }
sizes() { # label: bytes and files of libs/ and target/
  printf '%-8s libs %6s KiB %4s files   target %8s KiB %6s files   crates %s\n' "$1" \
    "$(du -sk "$data/libs" 2>/dev/null | cut -f1)" "$(find "$data/libs" -type f 2>/dev/null | wc -l)" \
    "$(du -sk "$build_dir" | cut -f1)" "$(find "$build_dir" -type f | wc -l)" \
    "$(find "$data/handlers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
}

start
wait_for http://127.0.0.1:19181/api/health
case $mode in
  deploys)
    id=$(api POST /endpoints "{\"name\":\"grow\",\"path\":\"/grow\",\"method\":\"GET\",\"domain\":\"*\",\"code\":$(code_of 0)}" | id_of)
    step=$(( n / 10 )); [ "$step" -gt 0 ] || step=1
    started=$(now_ms)
    for i in $(seq 1 "$n"); do
      api PUT "/endpoints/$id" "{\"code\":$(code_of "$i")}" >/dev/null
      api POST "/endpoints/$id/compile" >/dev/null
      api POST "/endpoints/$id/start" >/dev/null
      if [ $(( i % step )) -eq 0 ] || [ "$i" -eq 1 ]; then sizes "$i"; fi
    done
    [ "$(curl -s http://127.0.0.1:19180/grow)" = "{\"v\":$n}" ] || { say "v$n does not serve"; exit 1; }
    say "$n deploys in $(( ($(now_ms) - started) / 1000 )) s"
    ;;
  boot)
    for i in $(seq 1 "$n"); do
      id=$(api POST /endpoints "{\"name\":\"e$i\",\"path\":\"/e$i\",\"method\":\"GET\",\"domain\":\"*\",\"code\":$(code_of "$i")}" | id_of)
      api POST "/endpoints/$id/compile" >/dev/null
      api POST "/endpoints/$id/start" >/dev/null
    done
    say "$n endpoints deployed"
    for round in 1 2 3; do
      kill -9 "$pid"; wait "$pid" 2>/dev/null || true
      t0=$(now_ms)
      start
      wait_for http://127.0.0.1:19181/api/health
      t_admin=$(( $(now_ms) - t0 ))
      all_serve
      t_all=$(( $(now_ms) - t0 ))
      printf 'boot %d: admin API answers after %5d ms, all %d endpoints serve after %5d ms\n' "$round" "$t_admin" "$n" "$t_all"
    done
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    # As after a toolchain upgrade: every stored library has another ABI fingerprint (the
    # columns of both store layouts, so the figure compares gateway versions).
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); cols=[r[1] for r in c.execute("pragma table_info(endpoints)")]; [c.execute("update endpoints set %s = ?" % k, ("another-toolchain",)) for k in ("library_fingerprint","deployed_fingerprint") if k in cols]; c.commit()' "$data/gateway.db"
    t0=$(now_ms)
    start
    wait_for http://127.0.0.1:19181/api/health
    t_admin=$(( $(now_ms) - t0 ))
    all_serve 600
    t_all=$(( $(now_ms) - t0 ))
    printf 'boot with %d rebuilds: admin API answers after %6d ms, all serve after %6d ms\n' "$n" "$t_admin" "$t_all"
    ;;
  *) say "unknown mode $mode"; exit 2 ;;
esac
