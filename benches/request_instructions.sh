#!/usr/bin/env bash
# User-space instructions per keep-alive request, counted by callgrind (deterministic,
# unlike req/s on a shared 2-core VM): the gateway serving fx_async's /static and /hello
# against raw_monoio --fixed (the limit) and raw_monoio (the same JSON work).
#
#   benches/request_instructions.sh            # prints the table
#   BUDGET_STATIC=15000 benches/request_instructions.sh   # also fails above a budget
#
# Each server runs under callgrind with one worker on the epoll driver
# (MONOIO_FORCE_LEGACY_DRIVER=1: valgrind 3.19 holds its big lock across a blocking
# io_uring_enter, so an io_uring worker starves the other threads under valgrind). A
# Python client sends WARM requests, callgrind's counters are dumped and reset, then N
# requests on one keep-alive connection and a second dump: that dump / N is the figure,
# with start-up, library loading and the warm-up outside it. The figure includes the
# worker's parks between requests, which depend on the client's pace: runs differ by up
# to ~1,000 instructions per request for every server alike, so compare rows of one run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
WARM=${WARM:-2000}
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install -y valgrind)" >&2; exit 2; }
echo "building release binaries ..." >&2
cargo build --release -q -p rust-edge-gateway-benches --bin raw_monoio -p rust-edge-gateway-tests --bin hello_gateway
BIN=${CARGO_TARGET_DIR:-target}/release
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

cat >"$tmp/client.py" <<'PY'
import socket, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
req = f"GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n".encode()
buf, ok = b"", 0
for _ in range(n):
    s.sendall(req)
    while True:
        h = buf.find(b"\r\n\r\n")
        if h >= 0:
            head = buf[:h].decode("latin1").lower()
            cl = next((int(l.split(":")[1]) for l in head.split("\r\n") if l.startswith("content-length:")), 0)
            if len(buf) >= h + 4 + cl:
                ok += head.startswith("http/1.1 200")
                buf = buf[h + 4 + cl:]
                break
        d = s.recv(65536)
        if not d:
            sys.exit("connection closed")
        buf += d
if ok != n:
    sys.exit(f"{n - ok} of {n} answers were not 200")
PY

port=18300
measure() { # name path command...
  local name=$1 path=$2; shift 2
  port=$((port + 1))
  local out="$tmp/$name"
  mkdir -p "$out"
  MONOIO_FORCE_LEGACY_DRIVER=1 valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" \
    "$@" --addr "127.0.0.1:$port" >"$out/log" 2>&1 &
  local vpid=$!
  pids+=("$vpid")
  local up=""
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")" = 200 ] && { up=1; break; }
    sleep 0.5
  done
  [ -n "$up" ] || { echo "$name did not start:" >&2; cat "$out/log" >&2; kill -KILL "$vpid"; exit 1; }
  python3 "$tmp/client.py" "$port" "$path" "$WARM"
  callgrind_control -d "$vpid" >/dev/null 2>&1
  python3 "$tmp/client.py" "$port" "$path" "$N"
  callgrind_control -d "$vpid" >/dev/null 2>&1
  sleep 1
  local ir
  ir=$(sed -n 's/^summary: \([0-9]*\)/\1/p' "$out"/cg.*.2 | head -1)
  kill -KILL "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true
  echo $((ir / N))
}

# One native start builds the fx_async fixture (cargo, cached), outside valgrind.
"$BIN/hello_gateway" --addr 127.0.0.1:18399 --workers 1 --route /static >"$tmp/warm.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 3000); do grep -q "listening on" "$tmp/warm.log" && break; sleep 0.2; done
kill -KILL "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true
gw=("$BIN/hello_gateway" --workers 1 --route /hello --route /static)
raw_fixed=$(measure raw_fixed /hello "$BIN/raw_monoio" --workers 1 --fixed)
raw_json=$(measure raw_json /hello "$BIN/raw_monoio" --workers 1)
gw_static=$(measure gw_static /static "${gw[@]}")
gw_json=$(measure gw_json /hello "${gw[@]}")
printf '| server | instructions per request | vs raw --fixed |\n|---|---:|---:|\n'
for row in "raw_monoio --fixed:$raw_fixed" "raw_monoio (JSON):$raw_json" "gateway /static:$gw_static" "gateway /hello (json!):$gw_json"; do
  awk -v n="${row%%:*}" -v v="${row##*:}" -v b="$raw_fixed" 'BEGIN { printf "| %s | %d | %.2fx |\n", n, v, v / b }'
done
fail=0
if [ -n "${BUDGET_STATIC:-}" ] && [ "$gw_static" -gt "$BUDGET_STATIC" ]; then
  echo "gateway /static: $gw_static instructions per request, over the budget of $BUDGET_STATIC" >&2; fail=1
fi
if [ -n "${BUDGET_JSON:-}" ] && [ "$gw_json" -gt "$BUDGET_JSON" ]; then
  echo "gateway /hello: $gw_json instructions per request, over the budget of $BUDGET_JSON" >&2; fail=1
fi
exit $fail
