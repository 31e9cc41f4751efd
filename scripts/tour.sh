#!/usr/bin/env bash
# Runs the README's tour exactly as written: every command of the first ```sh block of its
# "## A first look" section, each line through bash, in a temporary folder holding a copy of
# scenarios/ (the commands name scenarios/… and write output/…); fails on the first error.
# The commands are read from README.md, so the README and this check cannot drift apart.
#
#   scripts/tour.sh [DEPTHSIM]        (default: target/debug/depthsim)
#   scripts/tour.sh --all [DEPTHSIM]  also the section's "Many runs at once" block (minutes)
#
# The README's commands call `depthsim` from the PATH (what `cargo install --path .` puts
# there: a release build). Here a `depthsim` link to DEPTHSIM is put first on the PATH, so CI
# runs the tour with the debug binary `cargo test` has just built, and needs no release build:
# the debug build (opt-level 1, dependencies optimised) computes the same results, a little
# slower: the tour took 2 s with it on 2 cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
all=0
if [ "${1:-}" = "--all" ]; then all=1; shift; fi
bin=${1:-$repo/target/debug/depthsim}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
[ -x "$bin" ] || { echo "tour: no depthsim binary at $bin (build it: cargo build)" >&2; exit 2; }

# The sh blocks of the section, one command a line; blocks separated by a line "--".
blocks=$(awk '
  /^## / { inside = ($0 == "## A first look") }
  inside && /^```sh$/ { fence = 1; next }
  inside && fence && /^```$/ { fence = 0; print "--"; next }
  inside && fence && NF { print }
' "$repo/README.md")
first=$(printf '%s\n' "$blocks" | awk '/^--$/ { exit } { print }')
rest=$(printf '%s\n' "$blocks" | awk 'seen && !/^--$/ { print } /^--$/ { seen = 1 }')
n=$(printf '%s\n' "$first" | grep -c . || true)
if [ "$n" -lt 3 ]; then
  echo "tour: found $n commands in README.md's \"## A first look\" section" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/work"
ln -s "$bin" "$tmp/bin/depthsim"
cp -R "$repo/scenarios" "$tmp/work/scenarios"
cd "$tmp/work"
export PATH="$tmp/bin:$PATH"

run_block() {
  while IFS= read -r cmd; do
    echo "\$ $cmd"
    bash -euo pipefail -c "$cmd" > "$tmp/out" 2>&1 || {
      status=$?
      cat "$tmp/out" >&2
      echo "tour: failed with exit code $status: $cmd" >&2
      exit 1
    }
  done <<< "$1"
}
run_block "$first"
if [ "$all" = 1 ]; then run_block "$rest"; fi
echo "tour: $n commands of README.md's first look ran$([ "$all" = 1 ] && echo ", and the rest of the section")"
