#!/usr/bin/env bash
# Builds the admin UI (admin/ui: Vite, Preact, CodeMirror 6) into admin/ui/dist, which is
# committed and embedded in the gateway binary, so running the gateway needs neither Node.js
# nor the network. Run it after changing anything under admin/ui/src.
#
#   bash scripts/ui-build.sh          rebuild admin/ui/dist
#   bash scripts/ui-build.sh --check  rebuild into a temporary folder and fail if the
#                                     committed dist/ differs from what its sources build
# Installs the UI's npm packages (npm ci, from package-lock.json) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../admin/ui"

command -v npm >/dev/null 2>&1 || { echo "error: npm not found; install Node.js (apt-get install nodejs npm)" >&2; exit 1; }
# Vite 7 needs Node.js 20.19 or later.
node_version=$(node -p 'process.versions.node')
IFS=. read -r major minor _ <<<"$node_version"
if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
  echo "error: Node.js $node_version is too old for the UI build (Vite 7 needs 20.19+); install a newer Node.js (e.g. from nodejs.org or NodeSource)" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[ui-build] npm ci (admin/ui)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  npx vite build --logLevel error --outDir "$out" --emptyOutDir
  if ! diff -r dist "$out" >/dev/null; then
    diff -r dist "$out" | head -20 >&2 || true
    echo "error: admin/ui/dist is not what admin/ui/src builds; run: bash scripts/ui-build.sh and commit admin/ui/dist" >&2
    exit 1
  fi
  echo "[ui-build] admin/ui/dist matches its sources"
else
  npx vite build --logLevel warn
  echo "[ui-build] built admin/ui/dist (commit it)"
fi
