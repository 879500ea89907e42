#!/usr/bin/env bash
# The project's test command (README: "Run the tests"). On a fresh Debian machine with the
# Rust toolchain it installs what the tests need, then runs formatting and lint checks and
# the whole test suite. Every test that needs a tool or a server fails loudly when it is
# missing; this script is what provides them.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

need_apt=()
command -v valgrind >/dev/null 2>&1 || need_apt+=(valgrind)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "installing ${need_apt[*]} (Debian packages)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: ${need_apt[*]} missing and not running as root; install with: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "error: cargo not found; install the Rust toolchain (rustup)" >&2; exit 1; }

# The connection tests hold 10,000 sockets on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test (unit, seed samples, handler ABI with real .so files, valgrind)"
cargo test --workspace --no-fail-fast
