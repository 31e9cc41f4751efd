#!/usr/bin/env bash
# Regenerates every table the README and docs/ show from the documented commands, and splices
# each between its <!-- name:start --> / <!-- name:end --> markers. About 6 minutes on 2 cores.
#   scripts/update-tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
d=target/release/depthsim
gamma="scenarios/short_gamma.toml scenarios/no_gamma.toml scenarios/long_gamma.toml"
market='market_maker[0].hedge={band_lots=2, style="market", min_interval_s=5.0}'

$d findings scenarios/*.toml --seeds 10 --out output/findings --quiet > /dev/null
$d findings $gamma scenarios/zero_dte.toml --seeds 10 --out output/findings-gamma --quiet > /dev/null
$d findings $gamma --seeds 10 --set "$market" --out output/findings-gamma-market --quiet > /dev/null
$d validation --out output/validation --quiet > /dev/null
$d compare scenarios/flash_crash.toml scenarios/flash_crash_halt.toml --seeds 10 --out output/compare-halt \
  --stat episodes --stat collapsed_s --stat price_max_drawdown_frac --stat pnl_market_makers \
  --stat mm_sharpe_per_sample --stat halted_s --quiet > /dev/null

splice() { python3 scripts/splice.py "$@"; }
splice README.md findings output/findings/findings.md
splice docs/findings.md findings output/findings/findings.md
splice docs/gamma.md findings-gamma output/findings-gamma/findings.md
splice docs/gamma.md findings-gamma-market output/findings-gamma-market/findings.md
splice README.md validation output/validation/validation.md --first-table
splice docs/validation.md validation output/validation/validation.md --from-first-table
splice docs/findings.md compare-halt output/compare-halt/compare.md
python3 scripts/measure_makers.py $d baseline > output/makers-baseline.md
python3 scripts/measure_makers.py $d thin_book > output/thin-book.md
splice docs/calibration.md makers-baseline output/makers-baseline.md
splice docs/calibration.md thin-book output/thin-book.md
bash scripts/update-keys.sh "$d"
echo "tables updated: README.md, docs/findings.md, docs/gamma.md, docs/validation.md, docs/calibration.md"
