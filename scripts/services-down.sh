#!/usr/bin/env bash
# services-down.sh - stop the servers that scripts/services-up.sh started (never ones it merely reused).
#   --purge   also delete their data, logs, certs and services.env ($SVC_HOME); packages, the
#             SeaweedFS install ($SVC_OPT) and the test user are kept.
# Needs root; re-runs itself with sudo when `sudo -n` works. Same SVC_ROOT/SVC_HOME overrides as services-up.sh.
set -euo pipefail

log() { printf '[services-down] %s\n' "$*" >&2; }

PURGE=0
case ${1:-} in
  "") ;;
  --purge) PURGE=1 ;;
  *) echo "usage: bash scripts/services-down.sh [--purge]" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    keep=() v=""
    for v in SVC_ROOT SVC_HOME; do [ -z "${!v+x}" ] || keep+=("$v=${!v}"); done
    log "not root: re-running with sudo"
    exec sudo -n env "${keep[@]}" bash "$(readlink -f "${BASH_SOURCE[0]}")" "$@"
  fi
  log "ERROR: must run as root (the servers run as system users), and passwordless sudo is not available."
  log "       Run it as root or with: sudo bash scripts/services-down.sh"
  exit 1
fi

SVC_ROOT=${SVC_ROOT:-/var/tmp/rust-edge-gateway-services}
SVC_HOME=${SVC_HOME:-$SVC_ROOT/state}
RUN=$SVC_HOME/run

# PostgreSQL: pg_ctl stops the postmaster of our own data directory only.
if [ -f "$SVC_HOME/postgres/postmaster.pid" ]; then
  PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SVC_HOME/postgres" -m fast -w stop >/dev/null && log "stopped postgres"
fi

# Everything else was started by start-stop-daemon with a pid file (+ .exe to guard against pid reuse).
for pidfile in "$RUN"/*.pid; do
  [ -e "$pidfile" ] || continue
  name=$(basename "$pidfile" .pid)
  exe=$(cat "$RUN/$name.exe" 2>/dev/null || true)
  if start-stop-daemon --stop --quiet --pidfile "$pidfile" ${exe:+--exec "$exe"} \
       --retry TERM/20/KILL/5 --remove-pidfile; then
    log "stopped $name"
  else
    rm -f "$pidfile"   # stale: not running any more
  fi
  rm -f "$RUN/$name.exe"
done

if [ "$PURGE" = 1 ]; then
  case $SVC_HOME in /|/tmp|/var|/var/tmp|/home|"") log "refusing to delete '$SVC_HOME'"; exit 1;; esac
  rm -rf "$SVC_HOME"
  log "removed $SVC_HOME"
fi
