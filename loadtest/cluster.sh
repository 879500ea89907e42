#!/usr/bin/env bash
# Cluster mode, measured: three nodes on one PostgreSQL store and one S3 bucket
# (scripts/services-up.sh starts both), all on this machine's cores together with wrk.
#
#   loadtest/cluster.sh            # N=20 deploys, IDLE=30 s of reconcile cost, 3 x 8 s wrk rounds
#
# 1. Propagation: N deploys through node A; after each `start` answers on A, the time until
#    B and C serve the new version (loadtest/cluster_propagation.py).
# 2. The reconcile loop's cost on the store: transactions the three idle nodes make per
#    second (pg_stat_database of the bench database) and the PostgreSQL CPU time they cause.
# 3. The hot path: the hello handler on a cluster node against the same handler on a
#    single node (SQLite store), one interleaved run with CPU per request
#    (loadtest/cpu_compare.py); B and C stay up, heartbeating, as in a real cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}; IDLE=${IDLE:-30}; SECS=${SECS:-8}; ROUNDS=${ROUNDS:-3}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
S3=${S3:-http://127.0.0.1:9000}
say() { printf '==> %s\n' "$*" >&2; }
command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
[ -n "$PSQL" ] || PSQL=psql
say "building the release gateway"
cargo build --release -q -p rust-edge-gateway-admin --bin rust-edge-gateway
BIN=${CARGO_TARGET_DIR:-target}/release/rust-edge-gateway

tmp=$(mktemp -d /var/tmp/reg-cluster-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"
  [ -n "${bucket:-}" ] && s3req DELETE
  return 0
}
trap cleanup EXIT
db=reg_cluster_bench
"$PSQL" -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
# One fixed bucket, emptied before and deleted after: SeaweedFS gives every bucket volumes of
# its own, and repeated runs with a bucket each would use them up.
bucket=reg-cluster-bench
s3req() { curl -s -o /dev/null -X "$1" --aws-sigv4 aws:amz:us-east-1:s3 --user minioadmin:minioadmin "$S3/$bucket"; }
s3req DELETE; s3req PUT
export AWS_ENDPOINT_URL=$S3 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=minioadmin AWS_SECRET_ACCESS_KEY=minioadmin
TOKEN=bench-token-$$
builds=$tmp/builds

start() { # name gateway-port admin-port extra...
  local name=$1 gw=$2 admin=$3; shift 3
  "$BIN" --data-dir "$tmp/$name" --build-dir "$builds" --gateway-addr 127.0.0.1:"$gw" \
    --admin-addr 127.0.0.1:"$admin" --tls-addr 127.0.0.1:0 --admin-token "$TOKEN" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 1 300); do grep -q ready "$tmp/$name.out" 2>/dev/null && return 0; sleep 0.1; done
  say "$name did not start:"; cat "$tmp/$name.log" >&2; exit 1
}
api() { # admin-port method path [json]
  curl -sf -X "$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${4:+-d "$4"} "http://127.0.0.1:$1/api$3"
}
cluster=(--store "$PG/$db" --artifacts "s3://$bucket/libs")
say "starting node a, b, c (cluster) and a single node (SQLite)"
start a 19180 19181 "${cluster[@]}" --node-id a
start b 19280 19281 "${cluster[@]}" --node-id b
start c 19380 19381 "${cluster[@]}" --node-id c
start single 19480 19481

hello='{"name":"hello","path":"/hello","method":"GET","domain":"*"}'
for admin in 19181 19481; do
  id=$(api $admin POST /endpoints "$hello" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')
  api $admin POST "/endpoints/$id/compile" >/dev/null
  api $admin POST "/endpoints/$id/start" >/dev/null
  [ $admin = 19181 ] && hello_id=$id
done
prop=$(api 19181 POST /endpoints '{"name":"prop","path":"/prop","method":"GET","domain":"*"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')

say "1. propagation over $N deploys through node a"
python3 loadtest/cluster_propagation.py --token "$TOKEN" --deploy-admin 127.0.0.1:19181 \
  --endpoint "$prop" --path /prop -n "$N" 127.0.0.1:19280 127.0.0.1:19380

say "2. the reconcile loop's cost on the store: $IDLE s with three idle nodes"
sleep 3
stat() { "$PSQL" -tA "$PG/postgres" -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$db'"; }
pg_ticks() { local t=0; for p in $(pgrep -f "postgres: .*$db" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
x0=$(stat); c0=$(pg_ticks); sleep "$IDLE"; x1=$(stat); c1=$(pg_ticks)
tck=$(getconf CLK_TCK)
python3 - "$x0" "$x1" "$c0" "$c1" "$IDLE" "$tck" <<'PY'
import sys
x0, x1, c0, c1, idle, tck = (float(a) for a in sys.argv[1:])
print(f"| three idle nodes | {(x1 - x0) / idle:.1f} store transactions/s | "
      f"PostgreSQL CPU {(c1 - c0) / tck / idle * 100:.2f}% of one core |")
PY

say "3. the hot path: hello on cluster node a vs a single node, $ROUNDS x $SECS s interleaved"
python3 loadtest/cpu_compare.py -c 64 -d "$SECS" -r "$ROUNDS" --title "hello, cluster node vs single node, " \
  single=http://127.0.0.1:19480/hello cluster_a=http://127.0.0.1:19180/hello
