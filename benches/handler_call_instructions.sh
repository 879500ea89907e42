#!/usr/bin/env bash
# Instructions per request through a loaded handler library against the same handler
# called directly, counted by callgrind (deterministic, unlike timings on a shared VM).
# Per-call counts are the difference between runs of N1 and N2 calls, so set-up cancels.
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-10000}
N2=${N2:-30000}
echo "building the probe (release) ..."
cargo build --release -q -p rust-edge-gateway-benches --example handler_call_count
BIN=${CARGO_TARGET_DIR:-target}/release/examples/handler_call_count
"$BIN" request 1 # builds the handler fixtures once, outside the measurement
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$1" "$2" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
declare -A per
for mode in request direct dylib; do
  a=$(count "$mode" "$N1"); b=$(count "$mode" "$N2")
  per[$mode]=$(( (b - a) / (N2 - N1) ))
  printf '%-8s %6d instructions per call\n' "$mode" "${per[$mode]}"
done
awk -v d="${per[direct]}" -v l="${per[dylib]}" 'BEGIN { printf "dylib - direct: %+d instructions per call (ratio %.3f)\n", l - d, l / d }'
