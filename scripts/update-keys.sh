#!/usr/bin/env bash
# Regenerates the tables that come from the code alone (no runs; seconds once built) and
# splices each between its <!-- name:start --> / <!-- name:end --> markers:
#   docs/scenarios.md  keys         depthsim keys --markdown      (the key reference)
#   docs/calibration.md calibration depthsim keys --calibrate     (A-S parameters in ticks)
# Usage: scripts/update-keys.sh [DEPTHSIM]   (default: builds and uses target/release/depthsim)
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-}
if [ -z "$d" ]; then
  cargo build --release --locked --quiet
  d=target/release/depthsim
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$d" keys --markdown > "$tmp/keys.md"
"$d" keys --calibrate > "$tmp/calibration.md"
python3 scripts/splice.py docs/scenarios.md keys "$tmp/keys.md"
python3 scripts/splice.py docs/calibration.md calibration "$tmp/calibration.md"
echo "tables updated: docs/scenarios.md (keys), docs/calibration.md (calibration)"
