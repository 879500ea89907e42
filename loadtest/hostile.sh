#!/usr/bin/env bash
# Issue 13's hostile-connections attack against the real gateway: starts the release
# binary with its defaults (plus any flags given) on a fresh data dir, deploys GET /hello
# and POST /upload (max_body_bytes: $UPLOAD_MAX, else the 1 MiB default), runs the
# `hostile` bin for 45 s (300 slowloris heads, 300 trickled bodies, 200 8 MB bodies stalled
# after 7.9 MB, 130 mute connections, polite GETs alongside) and prints RSS growth, hostile
# connections still open, polite latency and the protection counters.
#
#   loadtest/hostile.sh                      # defaults
#   UPLOAD_MAX=10485760 loadtest/hostile.sh  # the upload endpoint takes 10 MiB bodies
#
# Build first: cargo build --release --bin rust-edge-gateway --bin hostile
set -euo pipefail
cd "$(dirname "$0")/.."
T=${CARGO_TARGET_DIR:-target}/release
D=$(mktemp -d)
ulimit -n "$(ulimit -Hn)"
$T/rust-edge-gateway --data-dir "$D" --gateway-addr 127.0.0.1:0 --admin-addr 127.0.0.1:0 \
  --build-dir ${BUILD_DIR:-$D/target} "$@" > "$D/out.log" 2> "$D/err.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q ready "$D/out.log" 2>/dev/null && break; sleep 0.1; done
line=$(head -1 "$D/out.log")
GW=$(sed -E 's#.*gateway http://([^ ]+) admin.*#\1#' <<<"$line")
ADMIN=$(sed -E 's#.*admin http://([^/ ]+)/api.*#\1#' <<<"$line")
auth="Authorization: Bearer $(cat $D/admin-token)"
api() { curl -s -X "$1" "http://$ADMIN/api$2" -H "$auth" -H 'content-type: application/json' ${3:+-d "$3"}; }
mk() {
  id=$(api POST /endpoints "$1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  api POST /endpoints/$id/compile >/dev/null
  api POST /endpoints/$id/start >/dev/null
}
mk '{"name":"hello","path":"/hello","method":"GET","domain":"*"}'
if [ -n "${UPLOAD_MAX:-}" ]; then
  mk "{\"name\":\"upload\",\"path\":\"/upload\",\"method\":\"POST\",\"domain\":\"*\",\"max_body_bytes\":$UPLOAD_MAX}"
else
  mk '{"name":"upload","path":"/upload","method":"POST","domain":"*"}'
fi
curl -s "http://$GW/hello"; echo
# warm-up
for _ in $(seq 200); do curl -s "http://$GW/hello" >/dev/null; done
$T/hostile --addr "$GW" --pid $PID --secs 45
curl -s "http://$ADMIN/metrics" -H "$auth" | grep -E "^reg_(deadline|body_too|buffer_full|connections_refused)"
