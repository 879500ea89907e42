#!/usr/bin/env bash
# stop.sh NAME|all - stop a peer started by start.sh.
# Sends SIGTERM to the pids in $PEERS_RUN/NAME.pid (default /tmp/reg-peers), only those
# whose command is the expected server; waits up to 5 s, then SIGKILL; then waits up to
# 5 s for the port in $PEERS_RUN/NAME.port to be free.
# Exit status: 0 when stopped or not running, 1 when something survived.
set -uo pipefail

RUNROOT=${PEERS_RUN:-/tmp/reg-peers}   # run state; override with PEERS_RUN
ALL="workerd nginx nginx-njs nginx-lua envoy envoy-lua"

NAME=${1:-}
if [[ "$NAME" == all ]]; then
  rc=0
  for n in $ALL; do [[ -e $RUNROOT/$n.pid ]] && { "$0" "$n" || rc=1; }; done
  exit $rc
fi
case " $ALL " in
  *" $NAME "*) ;;
  *) echo "usage: stop.sh {$(echo $ALL | tr ' ' '|')|all}" >&2; exit 2 ;;
esac
case "$NAME" in
  workerd) COMM=workerd ;;
  nginx*)  COMM=nginx ;;
  envoy*)  COMM=envoy ;;
esac

PIDFILE=$RUNROOT/$NAME.pid
PORT=$(cat "$RUNROOT/$NAME.port" 2>/dev/null || true)

ours() { # pid is alive and runs the expected binary
  local c
  c=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
  [[ "$c" == "$COMM"* ]]
}

pids=()
if [[ -s "$PIDFILE" ]]; then
  for p in $(cat "$PIDFILE"); do ours "$p" && pids+=("$p"); done
fi
if (( ${#pids[@]} == 0 )); then
  echo "$NAME: not running"
  rm -f "$PIDFILE"
  exit 0
fi

kill -TERM "${pids[@]}" 2>/dev/null
for _ in $(seq 50); do
  left=()
  for p in "${pids[@]}"; do ours "$p" && left+=("$p"); done
  (( ${#left[@]} == 0 )) && break
  sleep 0.1
done
if (( ${#left[@]} )); then
  echo "$NAME: still alive after SIGTERM, sending SIGKILL to ${left[*]}" >&2
  kill -KILL "${left[@]}" 2>/dev/null
  sleep 0.3
fi
rm -f "$PIDFILE"

rc=0
for p in "${pids[@]}"; do ours "$p" && { echo "$NAME: pid $p survived" >&2; rc=1; }; done
if [[ -n "$PORT" ]]; then
  for _ in $(seq 50); do
    [[ -z "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ]] && break
    sleep 0.1
  done
  if [[ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ]]; then
    echo "$NAME: port $PORT still has a listener:" >&2
    ss -ltnp "sport = :$PORT" >&2
    rc=1
  fi
fi
(( rc == 0 )) && { rm -f "$RUNROOT/$NAME.port"; echo "$NAME: stopped (pids ${pids[*]})"; }
exit $rc
