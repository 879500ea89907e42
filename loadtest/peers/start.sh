#!/usr/bin/env bash
# start.sh NAME [PORT] - start one peer HTTP server in the background on
# 127.0.0.1:PORT and wait until GET /hello answers {"message":"Hello, World!"}.
#
#   NAME       default port   what answers /hello
#   workerd    18081          workerd, ES-module Worker, Response.json()
#   nginx      18082          nginx `return 200 '...'` (static)
#   nginx-njs  18083          nginx + njs, JSON.stringify in a JS function
#   nginx-lua  18084          nginx + lua-nginx-module, cjson.encode in Lua
#   envoy      18085          Envoy direct_response (static)
#   envoy-lua  18086          Envoy Lua filter, handle:respond()
#
# PORT: the second argument, else $PORT, else the default above.
# Concurrency knobs (env): WORKERD_INSTANCES (default 1; workerd is one
# event-loop thread per process), NGINX_WORKERS (default 2),
# ENVOY_CONCURRENCY (default 2).
# Run state: $PEERS_RUN (default /tmp/reg-peers): NAME.pid (one pid a line), NAME.port,
# NAME/ (rendered config, logs).
# Exit status: 0 when /hello answered within START_TIMEOUT seconds (default 10);
# non-zero otherwise (the peer is then stopped again).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNROOT=${PEERS_RUN:-/tmp/reg-peers}   # run state; override with PEERS_RUN
EXPECT='{"message":"Hello, World!"}'

usage() { awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0" >&2; exit 2; }

NAME=${1:-}
case "$NAME" in
  workerd)   N=1 ;;
  nginx)     N=2 ;;
  nginx-njs) N=3 ;;
  nginx-lua) N=4 ;;
  envoy)     N=5 ;;
  envoy-lua) N=6 ;;
  *) usage ;;
esac
PORT=${2:-${PORT:-$((18080 + N))}}
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "start.sh: bad port '$PORT'" >&2; exit 2; }

RUN=$RUNROOT/$NAME
PIDFILE=$RUNROOT/$NAME.pid
mkdir -p "$RUN"

alive() { # any pid in the pid file still running?
  [[ -s "$PIDFILE" ]] || return 1
  local p
  for p in $(cat "$PIDFILE"); do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}
if alive; then
  echo "start.sh: $NAME already running (pids: $(tr '\n' ' ' < "$PIDFILE")); run stop.sh $NAME first" >&2
  exit 1
fi
rm -f "$PIDFILE"
if [[ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ]]; then
  echo "start.sh: port $PORT is already in use:" >&2
  ss -ltnp "sport = :$PORT" >&2 || true
  exit 1
fi
echo "$PORT" > "$RUNROOT/$NAME.port"

render() { # template -> stdout
  sed -e "s|@PORT@|$PORT|g" -e "s|@RUN@|$RUN|g" -e "s|@PIDFILE@|$PIDFILE|g" \
      -e "s|@WORKERS@|${NGINX_WORKERS:-2}|g" -e "s|@DIR@|$HERE/nginx|g" "$1"
}

rm -f "$RUN"/*.log
LOG=$RUN/server.log
: > "$LOG"
case "$NAME" in
  workerd)
    WD=$HERE/workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd
    [[ -x "$WD" ]] || { echo "start.sh: $WD missing; run $HERE/install.sh" >&2; exit 1; }
    INST=${WORKERD_INSTANCES:-1}
    /usr/bin/python3 "$HERE/workerd/launch.py" "$PORT" "$INST" "$PIDFILE" "$LOG" -- \
      "$WD" serve "$HERE/workerd/config.capnp"
    DESC="workerd x$INST process(es)"
    ;;
  nginx|nginx-njs|nginx-lua)
    command -v nginx >/dev/null || { echo "start.sh: nginx missing; run $HERE/install.sh" >&2; exit 1; }
    render "$HERE/nginx/$NAME.conf.tmpl" > "$RUN/nginx.conf"
    # -e: error log before the config is read (Debian's default is stderr)
    nginx -q -t -p "$RUN/" -e "$RUN/error.log" -c "$RUN/nginx.conf" >>"$LOG" 2>&1 ||
      { echo "start.sh: nginx -t failed:" >&2; cat "$LOG" >&2; exit 1; }
    nginx -p "$RUN/" -e "$RUN/error.log" -c "$RUN/nginx.conf" >>"$LOG" 2>&1 ||
      { echo "start.sh: nginx failed to start:" >&2; cat "$LOG" "$RUN/error.log" >&2; exit 1; }
    LOG=$RUN/error.log
    DESC="nginx, ${NGINX_WORKERS:-2} workers"
    ;;
  envoy|envoy-lua)
    EB=$(ls "$HERE"/envoy/venv/lib/python3*/site-packages/envoy/_bin/envoy 2>/dev/null | head -1)
    [[ -n "$EB" && -x "$EB" ]] || { echo "start.sh: envoy binary missing; run $HERE/install.sh" >&2; exit 1; }
    render "$HERE/envoy/$NAME.yaml.tmpl" > "$RUN/envoy.yaml"
    CONC=${ENVOY_CONCURRENCY:-2}
    setsid "$EB" -c "$RUN/envoy.yaml" --concurrency "$CONC" --disable-hot-restart \
      --log-level warn --log-path "$RUN/envoy.log" </dev/null >>"$LOG" 2>&1 &
    echo $! > "$PIDFILE"
    LOG=$RUN/envoy.log
    DESC="envoy, --concurrency $CONC"
    ;;
esac

# wait up to START_TIMEOUT s for the right body on /hello
TIMEOUT=${START_TIMEOUT:-10}
deadline=$(( $(date +%s%N) + TIMEOUT * 1000000000 ))
body=
while (( $(date +%s%N) < deadline )); do
  body=$(curl -s --max-time 1 "http://127.0.0.1:$PORT/hello" 2>/dev/null || true)
  if [[ "$body" == "$EXPECT" ]]; then
    echo "$NAME up on http://127.0.0.1:$PORT/hello ($DESC; pids: $(tr '\n' ' ' < "$PIDFILE"))"
    exit 0
  fi
  sleep 0.1
done
echo "start.sh: $NAME did not answer /hello on port $PORT within $TIMEOUT s (last body: '${body}')" >&2
[[ -f "$LOG" ]] && { echo "--- $LOG (tail)" >&2; tail -n 20 "$LOG" >&2; }
"$HERE/stop.sh" "$NAME" >/dev/null 2>&1 || true
exit 1
