#!/usr/bin/env bash
# Builds the project's Dockerfile with podman, unchanged, as a user would, and runs the image
# with host networking: the admin API answers, a hello endpoint is compiled inside the
# container and answers on the gateway port, the state volume survives a restart, the
# HEALTHCHECK passes, the gateway runs as a non-root user, the image is under its size
# budget, `podman stop` drains and exits 0, and the log says which I/O driver the workers
# use under podman's default seccomp profile and under deploy/seccomp-io_uring.json.
#
# No image registry is reachable from the project's machines, so the two base images the
# Dockerfile names (rust:1.95-bookworm and rust:1.95-slim-bookworm) are made here once and
# cached: a Debian bookworm root file system from debootstrap, the machine's Rust toolchain
# (`rustc --print sysroot`, without its HTML docs) laid out as the official images lay it out
# (/usr/local/cargo, /usr/local/rustup), gcc, and the machine's CA bundle (cargo's downloads
# may go through a TLS proxy). Where the official images can be pulled, they are used as is.
#
#   bash scripts/container-check.sh          (root; installs podman, runc, debootstrap)
#
# Environment: REG_CONTAINER_CACHE (default /var/tmp/rust-edge-gateway-container) holds the
# root file system; IMAGE_BUDGET_MB (default 2000) is the runtime image's size budget.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

say() { printf '[container-check] %s\n' "$*"; }
fail() { printf '[container-check] FAILED: %s\n' "$*" >&2; exit 1; }

cache=${REG_CONTAINER_CACHE:-/var/tmp/rust-edge-gateway-container}
budget_mb=${IMAGE_BUDGET_MB:-2000}
image=localhost/rust-edge-gateway:check
name=reg-check-$$
volume=reg-check-data-$$
podman_run=(podman --runtime runc)

# --- tools
need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || fail "${need[*]} missing; install with: sudo apt-get install -y ${need[*]}"
  say "installing ${need[*]} (Debian packages)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ "$(id -u)" -eq 0 ] || fail "run as root (rootful podman with host networking)"

# --- base images (once; rebuilt when the toolchain changes)
rust_version=$(rustc --version | awk '{print $2}')
sysroot=$(rustc --print sysroot)
stamp="rust-$rust_version"
have_image() { podman image exists "$1" 2>/dev/null; }

make_base_images() {
  mkdir -p "$cache"
  if [ ! -x "$cache/rootfs/usr/bin/apt-get" ]; then
    say "debootstrap bookworm (minbase) into $cache/rootfs"
    rm -rf "$cache/rootfs.tmp"
    debootstrap --variant=minbase bookworm "$cache/rootfs.tmp" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 \
      || fail "debootstrap failed: see $cache/debootstrap.log"
    mv "$cache/rootfs.tmp" "$cache/rootfs"
  fi
  if ! have_image localhost/reg-debian:bookworm-minbase; then
    say "importing the root file system as localhost/reg-debian:bookworm-minbase"
    tar -C "$cache/rootfs" -c . | podman import - localhost/reg-debian:bookworm-minbase >/dev/null
  fi
  ctx="$cache/base-context"
  rm -rf "$ctx"
  mkdir -p "$ctx/toolchain"
  say "copying the Rust toolchain $rust_version from $sysroot (without share/doc)"
  tar -C "$sysroot" --exclude=./share/doc -c . | tar -C "$ctx/toolchain" -x
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/host-ca-bundle.crt"
  # The official images' layout: rustup's home with one toolchain, cargo's bin on PATH.
  cat >"$ctx/Containerfile" <<EOF
FROM localhost/reg-debian:bookworm-minbase
ARG PACKAGES
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates gcc libc6-dev \$PACKAGES \\
    && rm -rf /var/lib/apt/lists/*
COPY host-ca-bundle.crt /usr/local/share/ca-certificates/host-ca-bundle.crt
RUN update-ca-certificates >/dev/null
COPY toolchain /usr/local/rustup/toolchains/$rust_version-x86_64-unknown-linux-gnu
RUN mkdir -p /usr/local/cargo/bin && for b in /usr/local/rustup/toolchains/*/bin/*; do ln -s "\$b" /usr/local/cargo/bin/; done
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin RUST_VERSION=$rust_version
LABEL reg.base-stamp=$stamp
EOF
  say "building rust:1.95-bookworm (toolchain, gcc, make, pkg-config, git)"
  podman build --network host -q --build-arg PACKAGES="make pkg-config git" \
    -t docker.io/library/rust:1.95-bookworm "$ctx" >/dev/null
  say "building rust:1.95-slim-bookworm (toolchain, gcc)"
  podman build --network host -q --build-arg PACKAGES="" \
    -t docker.io/library/rust:1.95-slim-bookworm "$ctx" >/dev/null
  rm -rf "$ctx"
}

base_ok=true
for b in docker.io/library/rust:1.95-bookworm docker.io/library/rust:1.95-slim-bookworm; do
  if ! have_image "$b"; then
    base_ok=false
  elif [ "$(podman image inspect -f '{{index .Labels "reg.base-stamp"}}' "$b" 2>/dev/null)" != "$stamp" ] \
    && [ -n "$(podman image inspect -f '{{index .Labels "reg.base-stamp"}}' "$b" 2>/dev/null)" ]; then
    base_ok=false
  fi
done
if $base_ok; then
  say "base images present (rust:1.95-bookworm, rust:1.95-slim-bookworm)"
else
  make_base_images
fi

# --- the project's image, from the unchanged Dockerfile
git diff --quiet -- Dockerfile 2>/dev/null || say "note: Dockerfile has uncommitted changes; building the working tree's"
say "podman build --format docker (the project's Dockerfile, unchanged)"
started=$(date +%s)
podman build --network host --pull=never --format docker -t "$image" -f Dockerfile . \
  >"$cache/build.log" 2>&1 || { tail -40 "$cache/build.log" >&2; fail "image build failed (log: $cache/build.log)"; }
say "image built in $(( $(date +%s) - started )) s"

size=$(podman image inspect -f '{{.Size}}' "$image")
size_mb=$(( size / 1000 / 1000 ))
say "image size ${size_mb} MB (budget ${budget_mb} MB)"
[ "$size_mb" -le "$budget_mb" ] || fail "image is ${size_mb} MB, over the ${budget_mb} MB budget"
podman image inspect -f '{{json .Config.Healthcheck}}' "$image" | grep -q 'rust-edge-gateway' \
  || fail "the image has no HEALTHCHECK running rust-edge-gateway health"
user=$(podman image inspect -f '{{.Config.User}}' "$image")
[ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] || fail "the image runs as root (USER '$user')"

# --- run it with host networking on free ports
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
gport=$(free_port); aport=$(free_port); tport=$(free_port)
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman rm -f "$name-uring" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT

run_gateway() { # NAME [extra podman args...]
  local n=$1; shift
  "${podman_run[@]}" run -d --name "$n" --network host \
    --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    -e REG_GATEWAY_ADDR="127.0.0.1:$gport" -e REG_ADMIN_ADDR="127.0.0.1:$aport" \
    -e REG_TLS_ADDR="127.0.0.1:$tport" -e RUST_LOG=info \
    -v "$volume:/var/lib/rust-edge-gateway" "$@" "$image" >/dev/null
}

wait_healthy() { # NAME
  for _ in $(seq 1 150); do
    if podman exec "$1" rust-edge-gateway health >/dev/null 2>&1; then return 0; fi
    if [ "$(podman inspect -f '{{.State.Running}}' "$1")" != true ]; then
      podman logs "$1" >&2 || true
      fail "the container $1 exited"
    fi
    sleep 0.2
  done
  podman logs "$1" >&2 || true
  fail "the admin API did not answer within 30 s"
}

api() { # METHOD PATH [JSON]
  local token
  token=$(podman exec "$name" cat /var/lib/rust-edge-gateway/admin-token)
  curl -sS --max-time 600 -X "$1" "http://127.0.0.1:$aport/api$2" \
    -H "Authorization: Bearer $token" -H 'content-type: application/json' ${3:+-d "$3"}
}

say "podman run --network host (gateway 127.0.0.1:$gport, admin 127.0.0.1:$aport)"
run_gateway "$name"
wait_healthy "$name"
say "admin API answers; rust-edge-gateway health passes inside the container"

uid=$(podman exec "$name" id -u)
[ "$uid" != 0 ] || fail "the gateway runs as root inside the container"
mode=$(podman exec "$name" stat -c '%a %U' /var/lib/rust-edge-gateway)
[ "$mode" = "700 gateway" ] || fail "the data dir is '$mode', expected '700 gateway'"
say "gateway runs as uid $uid; the volume is owned by it, mode 0700"

driver=$(podman logs "$name" 2>&1 | grep -o 'dataplane workers use io_uring\|dataplane workers use epoll' | head -1)
[ -n "$driver" ] || fail "the log does not say which I/O driver the workers use"
say "default seccomp profile: ${driver#dataplane workers use }"

created=$(api POST /endpoints '{"name":"hello","path":"/hello","method":"GET","domain":"*"}')
id=$(printf '%s' "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])') \
  || fail "creating an endpoint: $created"
started=$(date +%s)
compiled=$(api POST "/endpoints/$id/compile")
printf '%s' "$compiled" | grep -q '"ok":true' || fail "compile inside the container: $compiled"
say "hello endpoint compiled inside the container in $(( $(date +%s) - started )) s"
api POST "/endpoints/$id/start" | grep -q '"ok":true' || fail "start failed"
body=$(curl -sS --max-time 10 "http://127.0.0.1:$gport/hello")
printf '%s' "$body" | grep -q 'Hello from Rust Edge Gateway' || fail "GET /hello answered: $body"
say "GET /hello on the gateway port: $body"

say "podman restart"
podman restart "$name" >/dev/null
wait_healthy "$name"
for _ in $(seq 1 100); do
  body=$(curl -sS --max-time 5 "http://127.0.0.1:$gport/hello" 2>/dev/null || true)
  printf '%s' "$body" | grep -q 'Hello from Rust Edge Gateway' && break
  sleep 0.2
done
printf '%s' "$body" | grep -q 'Hello from Rust Edge Gateway' || fail "after a restart GET /hello answered: $body"
say "the state volume survived the restart: /hello serves again"

for _ in $(seq 1 60); do
  health=$(podman inspect -f '{{.State.Health.Status}}' "$name" 2>/dev/null || podman inspect -f '{{.State.Healthcheck.Status}}' "$name")
  [ "$health" = healthy ] && break
  podman healthcheck run "$name" >/dev/null 2>&1 || true
  sleep 1
done
[ "$health" = healthy ] || fail "HEALTHCHECK status is '$health'"
say "HEALTHCHECK: $health"

say "podman stop (SIGTERM, graceful drain)"
podman stop -t 30 "$name" >/dev/null
code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || { podman logs --tail 20 "$name" >&2; fail "podman stop: exit code $code"; }
# The dataplane logs "signal received: draining and stopping", the control side "signal
# received: stopping"; whichever takes SIGTERM first.
podman logs "$name" 2>&1 | grep -q 'signal received' \
  || { podman logs --tail 20 "$name" >&2; fail "no graceful stop in the log"; }
say "stopped with exit code 0 after a graceful drain"
podman rm -f "$name" >/dev/null

say "podman run --security-opt seccomp=deploy/seccomp-io_uring.json"
run_gateway "$name-uring" --security-opt "seccomp=$repo/deploy/seccomp-io_uring.json"
wait_healthy "$name-uring"
uring=$(podman logs "$name-uring" 2>&1 | grep -o 'dataplane workers use io_uring\|dataplane workers use epoll' | head -1)
say "deploy/seccomp-io_uring.json: ${uring#dataplane workers use }"
[ "$uring" = "dataplane workers use io_uring" ] \
  || say "note: io_uring stays unavailable with the profile too (kernel or kernel.io_uring_disabled): $uring"
podman stop -t 30 "$name-uring" >/dev/null

say "all checks passed (default seccomp: ${driver#dataplane workers use }; with deploy/seccomp-io_uring.json: ${uring#dataplane workers use })"
