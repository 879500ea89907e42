#!/usr/bin/env bash
# Runs the dataplane's cargo-fuzz targets (dataplane/fuzz) for a while each and reports
# executions and crashes. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`); not part of the test command, whose budget a fuzz build
# alone would exceed.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Each target's working corpus is dataplane/fuzz/corpus/<target> (not committed), seeded
# from dataplane/fuzz/seeds/<target> (committed, drawn from the unit tests' vectors). A
# crash leaves its input in dataplane/fuzz/artifacts/<target>/; commit it as a regression
# test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../dataplane"

seconds=${1:-1800}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(head_parser chunked_decoder router request_build)

command -v cargo-fuzz >/dev/null 2>&1 || { echo "error: cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 1; }
cargo +nightly fuzz build -O

status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log="fuzz/artifacts/$t.log"
  mkdir -p fuzz/artifacts
  echo "==> $t for ${seconds}s"
  if cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$seconds" -print_final_stats=1 -max_len=16384 >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  corpus=$(ls "fuzz/corpus/$t" | wc -l)
  printf '%-16s %s  execs=%s  corpus=%s  log=%s\n' "$t" "$result" "$execs" "$corpus" "dataplane/$log"
done
exit $status
