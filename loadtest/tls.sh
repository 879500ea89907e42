#!/usr/bin/env bash
# HTTPS hello through the gateway vs nginx, same certificate (ECDSA P-256, self-signed for
# localhost), same protocol and cipher (TLS 1.3, TLS_AES_256_GCM_SHA384 and X25519, as
# wrk's OpenSSL offers them first; both servers take the client's order), session tickets
# on, WORKERS workers each, in one interleaved run (loadtest/cpu_compare.py):
#   1. keep-alive, wrk -c64
#   2. a new connection per request (`Connection: close`): full handshakes per second
#
#   loadtest/tls.sh [-d SECS] [-r ROUNDS]
#
# The gateway is the release binary with its default flags, the certificate in
# --tls-cert-dir and a handler returning a static body deployed through the CLI; nginx
# answers `return 200` with the same body. The cores are shared with wrk: read the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-$(nproc)}
dur=8 rounds=3
while getopts "d:r:" o; do case $o in d) dur=$OPTARG ;; r) rounds=$OPTARG ;; *) exit 2 ;; esac; done
say() { printf '==> %s\n' "$*" >&2; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
say "building the release gateway"
cargo build --release -q -p rust-edge-gateway-admin --bin rust-edge-gateway
BIN=${CARGO_TARGET_DIR:-target}/release/rust-edge-gateway

tmp=$(mktemp -d /tmp/reg-tls.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$tmp/nginx/nginx.pid" ] && kill "$(cat "$tmp/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/certs" "$tmp/nginx"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$tmp/certs/localhost.key" -out "$tmp/certs/localhost.pem" 2>/dev/null

say "starting the gateway ($WORKERS workers)"
"$BIN" --data-dir "$tmp/data" --gateway-addr 127.0.0.1:18180 --tls-addr 127.0.0.1:18443 \
  --admin-addr 127.0.0.1:18181 --workers "$WORKERS" --tls-cert-dir "$tmp/certs" \
  >"$tmp/gateway.out" 2>"$tmp/gateway.log" &
pids+=($!)
for _ in $(seq 1 300); do grep -q ready "$tmp/gateway.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$tmp/gateway.out" || { cat "$tmp/gateway.log" >&2; exit 1; }
cat >"$tmp/hello.rs" <<'RS'
use rust_edge_gateway_sdk::prelude::*;

#[handler]
pub async fn handle(_ctx: &Context, _req: Request) -> Response {
    Response::text(200, "{\"message\":\"Hello, World!\"}").with_header("content-type", "application/json")
}
RS
say "deploying the hello handler (compiles once)"
"$BIN" --admin-addr 127.0.0.1:18181 --data-dir "$tmp/data" endpoint deploy --path /hello --method GET "$tmp/hello.rs" >&2

cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes $WORKERS;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:18444 ssl reuseport backlog=4096;
    ssl_certificate $tmp/certs/localhost.pem;
    ssl_certificate_key $tmp/certs/localhost.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_tickets on;
    ssl_session_cache shared:SSL:10m;
    location = /hello { default_type application/json; return 200 '{"message":"Hello, World!"}'; }
  }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -g 'daemon on;'
for _ in $(seq 1 50); do curl -sk https://localhost:18444/hello >/dev/null && break; sleep 0.1; done

gw=https://localhost:18443/hello ng=https://localhost:18444/hello
for url in "$gw" "$ng"; do
  body=$(curl -sk "$url"); [ "$body" = '{"message":"Hello, World!"}' ] || { say "unexpected body from $url: $body"; exit 1; }
  port=${url#https://localhost:}; port=${port%%/*}
  printf '%s: %s\n' "$url" "$(openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null \
    | grep -E '^(New|Server Temp Key)' | tr '\n' ' ')" >&2
done

say "interleaved rounds: keep-alive"
python3 loadtest/cpu_compare.py -c 64 -d "$dur" -r "$rounds" --title "HTTPS hello, " nginx="$ng" gateway="$gw"
say "interleaved rounds: a new TLS connection per request"
python3 loadtest/cpu_compare.py -c 64 -d "$dur" -r "$rounds" --close --title "HTTPS handshakes, " nginx="$ng" gateway="$gw"
