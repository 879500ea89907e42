#!/usr/bin/env bash
# Service calls under load: the gateway (HTTP -> handler .so -> service actor -> client) vs
# the same client crate called directly from tokio at the same concurrency and pool size.
#
#   [CONTROL_THREADS=1] loadtest/services.sh [-c 64] [-d 10] [-r 3]
#
# CONTROL_THREADS sets the threads of the gateway's control runtime (where the service
# actors run) and of the direct baseline's tokio runtime alike.
# Measures, in interleaved rounds (median reported):
#   redis     GET of one key: gateway /redis vs direct fred pool (10 connections)
#   postgres  point query by primary key: gateway /pg vs direct sqlx pool (10 connections)
# and, at one connection, the latency a request gains from one service call: /hello (no
# service) vs /redis and /pg, next to the direct client's own latency.
# Needs Redis and PostgreSQL on 127.0.0.1 (bash scripts/services-up.sh). The machine's cores
# are shared by the gateway, the backend servers and the load generator.
set -euo pipefail
cd "$(dirname "$0")/.."
C=64 D=10 R=3
while getopts "c:d:r:" o; do case $o in c) C=$OPTARG;; d) D=$OPTARG;; r) R=$OPTARG;; *) exit 2;; esac; done
say() { printf '==> %s\n' "$*" >&2; }

command -v wrk >/dev/null || { say "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bash scripts/services-up.sh --check >/dev/null || { say "backends missing: run bash scripts/services-up.sh"; exit 1; }
say "building release binaries"
cargo build --release -q -p rust-edge-gateway-admin --bin rust-edge-gateway -p rust-edge-gateway-benches --bin direct_backend --bin service_path
BIN=${CARGO_TARGET_DIR:-target}/release

tmp=$(mktemp -d)

say "preparing backends (bench:key in Redis, bench_items in PostgreSQL)"
redis-cli -h 127.0.0.1 SET bench:key '{"hello":"bench"}' >/dev/null
psql -q -h 127.0.0.1 -U postgres -d test -c "DROP TABLE IF EXISTS bench_items; CREATE TABLE bench_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO bench_items SELECT g, 'item-' || g FROM generate_series(1, 1000) g;"

gw_pids=()
cleanup() { for p in "${gw_pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])'; }

# setup_gateway NAME GATEWAY_PORT ADMIN_PORT BRIDGE: starts a gateway with /hello, /redis, /pg
setup_gateway() {
  local name=$1 gport=$2 aport=$3 bridge=$4
  say "starting gateway '$name' (service bridge: $bridge) on $gport"
  REG_SERVICE_BRIDGE=$bridge REG_CONTROL_THREADS=${CONTROL_THREADS:-1} "$BIN/rust-edge-gateway" --data-dir "$tmp/$name" --gateway-addr "127.0.0.1:$gport" \
    --admin-addr "127.0.0.1:$aport" --build-dir "${CARGO_TARGET_DIR:-$PWD/target}/handler-builds" >"$tmp/$name.log" 2>&1 &
  gw_pids+=($!)
  for _ in $(seq 1 300); do grep -q ready "$tmp/$name.log" && break; sleep 0.1; done
  grep -q ready "$tmp/$name.log" || { cat "$tmp/$name.log"; exit 1; }
  local token; token=$(cat "$tmp/$name/admin-token")
  api() { curl -sf -X "$1" "http://127.0.0.1:$aport/api$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
  endpoint() { # path, code, [service pool_id]
    local body ep
    body=$(python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1].strip("/"), "path": sys.argv[1], "method": "GET", "domain": "*", "code": sys.argv[2]}))' "$1" "$2")
    ep=$(api POST /endpoints "$body" | id_of)
    [ -z "${3:-}" ] || api POST "/endpoints/$ep/services" "{\"service_id\":\"$3\",\"pool_id\":\"$4\"}" >/dev/null
    say "  compiling $1"
    api POST "/endpoints/$ep/compile" >/dev/null
    api POST "/endpoints/$ep/start" >/dev/null
  }
  local redis_id pg_id
  redis_id=$(api POST /services '{"name":"kv","service_type":"redis","config":{"host":"127.0.0.1","port":6379,"pool_size":10}}' | id_of)
  pg_id=$(api POST /services '{"name":"db","service_type":"postgres","config":{"host":"127.0.0.1","port":5432,"database":"test","username":"postgres","pool_size":10}}' | id_of)
  api POST "/services/$redis_id/activate" >/dev/null
  api POST "/services/$pg_id/activate" >/dev/null
  endpoint /hello 'use rust_edge_gateway_sdk::prelude::*;
#[handler]
pub async fn handle(_ctx: &Context, _req: Request) -> Result<Response, HandlerError> {
    Ok(Response::ok(json!({"value": "{\"hello\":\"bench\"}"})))
}'
  endpoint /redis 'use rust_edge_gateway_sdk::prelude::*;
#[handler]
pub async fn handle(ctx: &Context, _req: Request) -> Result<Response, HandlerError> {
    let v = ctx.cache("kv").await?.get_raw("bench:key").await?;
    Ok(Response::ok(json!({"value": v})))
}' "$redis_id" kv
  endpoint /pg 'use rust_edge_gateway_sdk::prelude::*;
#[handler]
pub async fn handle(ctx: &Context, _req: Request) -> Result<Response, HandlerError> {
    let row = ctx.database("db").await?.query_one("SELECT id, name FROM bench_items WHERE id = $1", &[&42_i64]).await?;
    Ok(Response::ok(row))
}' "$pg_id" db
  for p in hello redis pg; do
    curl -sf "http://127.0.0.1:$gport/$p" >/dev/null || { say "/$p does not answer 200"; curl -s "http://127.0.0.1:$gport/$p"; exit 1; }
  done
}
setup_gateway direct 19080 19081 direct
setup_gateway channel 19090 19091 channel

# wrk -> "rps p50_us p99_us"
to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000000} else print v}'; }
wrk_run() { # conns, seconds, path, [port]
  local out; out=$(wrk -t1 -c"$1" -d"$2"s --latency "http://127.0.0.1:${4:-19080}$3")
  if echo "$out" | grep -q "Non-2xx"; then say "non-2xx answers on $3:"; echo "$out" >&2; exit 1; fi
  printf '%s %s %s\n' "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}' | to_us)" "$(echo "$out" | awk '$1=="99%" {print $2}' | to_us)"
}
direct_run() { # kind, conns, seconds
  CONTROL_THREADS=${CONTROL_THREADS:-1} "$BIN/direct_backend" --kind "$1" --concurrency "$2" --seconds "$3" --pool 10 |
    sed -E 's/ops_per_sec=([0-9.]+) p50_us=([0-9]+) p99_us=([0-9]+)/\1 \2 \3/'
}
path_run() { # kind, conns, seconds: the service path without HTTP
  CONTROL_THREADS=${CONTROL_THREADS:-1} "$BIN/service_path" --kind "$1" --concurrency "$2" --seconds "$3" |
    sed -E 's/ops_per_sec=([0-9.]+) p50_us=([0-9]+) p99_us=([0-9]+)/\1 \2 \3/'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$tmp/rounds"
for r in $(seq 1 "$R"); do
  say "round $r/$R: c=$C, ${D}s each (redis: gateway, gateway over channel, direct; then postgres)"
  echo "gw_redis $(wrk_run "$C" "$D" /redis)" >>"$tmp/rounds"
  echo "chan_redis $(wrk_run "$C" "$D" /redis 19090)" >>"$tmp/rounds"
  echo "direct_redis $(direct_run redis "$C" "$D")" >>"$tmp/rounds"
  echo "path_redis $(path_run redis "$C" "$D")" >>"$tmp/rounds"
  echo "hello $(wrk_run "$C" "$D" /hello)" >>"$tmp/rounds"
  echo "gw_pg $(wrk_run "$C" "$D" /pg)" >>"$tmp/rounds"
  echo "chan_pg $(wrk_run "$C" "$D" /pg 19090)" >>"$tmp/rounds"
  echo "direct_pg $(direct_run postgres "$C" "$D")" >>"$tmp/rounds"
  echo "path_pg $(path_run postgres "$C" "$D")" >>"$tmp/rounds"
done
say "latency at one connection (5 s each)"
lat_hello=$(wrk_run 1 5 /hello); lat_redis=$(wrk_run 1 5 /redis); lat_pg=$(wrk_run 1 5 /pg)
lat_credis=$(wrk_run 1 5 /redis 19090)
lat_dredis=$(direct_run redis 1 5); lat_dpg=$(direct_run postgres 1 5)

col() { awk -v k="$1" -v c="$2" '$1==k {print $c}' "$tmp/rounds" | median; }
echo
echo "## Throughput, c=$C, median of $R interleaved rounds of ${D}s (2 cores shared by everything)"
echo "(gateway = HTTP + handler + actor + client; over channel = the same through the crossbeam channel"
echo " and a dispatcher thread; direct = the client alone in tokio; /hello = HTTP + handler, no service)"
printf '| %-9s | %12s | %12s | %12s | %8s | %8s | %10s | %10s |\n' backend "gateway r/s" "channel r/s" "direct op/s" "gw/dir" "gw/hello" "gw p99 us" "dir p99 us"
h=$(col hello 2)
for b in redis pg; do
  g=$(col "gw_$b" 2); c=$(col "chan_$b" 2); d=$(col "direct_$b" 2)
  printf '| %-9s | %12.0f | %12.0f | %12.0f | %8.2f | %8.2f | %10.0f | %10.0f |\n' "$b" "$g" "$c" "$d" \
    "$(awk -v g="$g" -v d="$d" 'BEGIN{print g/d}')" "$(awk -v g="$g" -v d="$h" 'BEGIN{print g/d}')" "$(col "gw_$b" 4)" "$(col "direct_$b" 4)"
done
printf '| %-9s | %12.0f |\n' hello "$h"
echo "(composed = 1/(1/hello + 1/direct): what HTTP and the client alone would allow together on"
echo " the same cores; gw/composed near 1 means the service path itself adds little)"
for b in redis pg; do
  g=$(col "gw_$b" 2); d=$(col "direct_$b" 2)
  awk -v g="$g" -v d="$d" -v h="$h" -v b="$b" 'BEGIN{c=1/(1/h+1/d); printf "| %-9s | composed %8.0f r/s | gw/composed %5.2f |\n", b, c, g/c}'
done
echo
echo "## The service path alone (no HTTP): one monoio core -> bridge -> actor -> client, vs the client alone"
printf '| %-9s | %12s | %12s | %6s | %10s | %10s |\n' backend "path op/s" "direct op/s" ratio "path p99" "dir p99"
for b in redis pg; do
  p=$(col "path_$b" 2); d=$(col "direct_$b" 2)
  printf '| %-9s | %12.0f | %12.0f | %6.2f | %10.0f | %10.0f |\n' "$b" "$p" "$d" "$(awk -v g="$p" -v d="$d" 'BEGIN{print g/d}')" "$(col "path_$b" 4)" "$(col "direct_$b" 4)"
done
echo
echo "## Latency at one connection (p50 / p99, microseconds)"
set -- $lat_hello; echo "| /hello, no service call | $2 / $3 |"
set -- $lat_redis; r50=$2 r99=$3; echo "| /redis, one GET        | $2 / $3 |"
set -- $lat_credis; echo "| /redis over channel    | $2 / $3 |"
set -- $lat_pg; p50=$2 p99=$3; echo "| /pg, one point query   | $2 / $3 |"
set -- $lat_dredis; echo "| direct fred GET        | $2 / $3 |"
set -- $lat_dpg; echo "| direct sqlx query      | $2 / $3 |"
set -- $lat_hello
echo "added by one service call: redis +$(awk -v a="$r50" -v b="$2" 'BEGIN{print a-b}') us p50, +$(awk -v a="$r99" -v b="$3" 'BEGIN{print a-b}') us p99; postgres +$(awk -v a="$p50" -v b="$2" 'BEGIN{print a-b}') us p50, +$(awk -v a="$p99" -v b="$3" 'BEGIN{print a-b}') us p99"
