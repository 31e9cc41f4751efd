#!/usr/bin/env bash
# The Python module in CI (.ci/run calls this after the Rust tests): a fresh virtual
# environment with the pinned packages of python/requirements-ci.txt, the command line built
# with the parquet feature (the tests compare its files), the module built into the
# environment, then pytest and the notebook examples/quickstart.ipynb executed headless.
#
# Both builds use the dev profile, so they reuse what `cargo test` compiled in target/; a
# user's `pip install ./python` builds the release profile instead. Writes pytest's counts
# to $1 ("python: N passed, N failed") when given.
set -euo pipefail
cd "$(dirname "$0")/.."
summary=${1:-/dev/null}
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT

echo "-- [${SECONDS} s] cargo build --features parquet (the command line the tests compare with)"
cargo build --locked --features parquet

echo "-- [${SECONDS} s] the library's unit tests with the parquet feature (the Arrow and Parquet sinks' own)"
cargo test --locked --features parquet --lib 2>&1 | tail -n 3

echo "-- [${SECONDS} s] a virtual environment with the pinned packages"
python3 -m venv "$venv"
# maturin's build backend runs the `maturin` program: the environment's bin/ comes first
export PATH="$venv/bin:$PATH"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-ci.txt

echo "-- [${SECONDS} s] pip install ./python (dev profile, reusing target/)"
MATURIN_PEP517_ARGS="--profile dev" \
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation ./python

echo "-- [${SECONDS} s] pytest python/tests"
status=0
log=$(mktemp)
DEPTHSIM_BIN=target/debug/depthsim "$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests 2>&1 \
    | tee "$log" || status=$?
# pytest's closing line, e.g. "2 failed, 28 passed, 1 skipped in 9.1s"
tail -n 1 "$log" | awk '{ for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p = $i; if ($(i+1) ~ /^failed/) f = $i } }
    END { printf "python: %d passed, %d failed\n", p, f }' > "$summary"
rm -f "$log"
[ "$status" -eq 0 ] || exit "$status"

echo "-- [${SECONDS} s] examples/quickstart.ipynb, executed headless (nbclient); fails if any cell fails"
MPLBACKEND=Agg "$venv/bin/python" examples/run_notebook.py examples/quickstart.ipynb
