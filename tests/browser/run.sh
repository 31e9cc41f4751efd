#!/usr/bin/env bash
# Renders a report's index.html and realism.html in headless Chromium and requires every
# image on them to have loaded. Each page ends with a script that, on the load event, writes
# every image's naturalWidth into its data-natural-width attribute; `--dump-dom` prints the
# DOM after that, and an image that failed to load has width 0.
#
#   tests/browser/run.sh [path/to/depthsim]     (default: target/debug/depthsim, which
#                                                `cargo test` builds; CARGO_TARGET_DIR is honoured)
#
# Runs scenarios/tiny.toml and a shortened flash_crash.toml, reports on both (the second in
# --style paper at --size 1400x800), and a tiny sweep with --stat, and renders their pages. Installs Debian's chromium with apt-get if it is missing, which needs root;
# without root or apt-get it skips, saying why, and exits 0, except under CI (CI=true),
# where it fails. Every browser it starts runs in a process group of its own, which is
# killed when the page is done (or after 60 s), so no process is left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
bin=${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/depthsim}
bin=$(realpath "$bin")

skip() {
    if [ "${CI:-}" = true ]; then
        echo "browser test: cannot run under CI: $1" >&2
        exit 1
    fi
    echo "browser test: SKIPPED: $1"
    exit 0
}
[ -x "$bin" ] || { echo "browser test: no depthsim binary at $bin (build it first)" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    [ "$(id -u)" = 0 ] || skip "chromium is not installed, and installing it needs root"
    command -v apt-get >/dev/null || skip "chromium is not installed and there is no apt-get"
    echo "== installing chromium"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    browser=$(command -v chromium)
fi
# Chromium refuses to run as root without --no-sandbox, which the flags below include.

work=$(mktemp -d /tmp/depthsim-browser.XXXXXX)
group=
stop_browser() {
    if [ -n "$group" ]; then
        kill -TERM -- "-$group" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 -- "-$group" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$group" 2>/dev/null || true
        group=
    fi
}
cleanup() {
    local code=$?
    stop_browser
    if [ $code -ne 0 ]; then
        echo "browser test FAILED; the browser's log:" >&2
        tail -n 20 "$work"/*.log 2>/dev/null >&2 || true
    fi
    rm -rf "$work"
    exit $code
}
trap cleanup EXIT

# render PAGE NAME: dumps PAGE's DOM into $work/NAME.html
render() {
    local page=$1 name=$2 profile
    profile=$(mktemp -d "$work/profile.XXXXXX")
    # setsid: the browser and its helpers get a process group of their own (its id is the
    # browser's pid, as a background job of this script is not a group leader).
    setsid "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --window-size=1400,1000 --dump-dom "file://$page" \
        > "$work/$name.html" 2> "$work/$name.log" &
    group=$!
    local i
    for i in $(seq 600); do
        kill -0 "$group" 2>/dev/null || break
        [ "$i" = 600 ] && { echo "$name: the browser did not finish in 60 s" >&2; exit 1; }
        sleep 0.1
    done
    wait "$group" || { echo "$name: the browser failed" >&2; exit 1; }
    stop_browser   # its helpers, if any outlived it
}

# check NAME: every <img> of the dumped DOM has a natural width above 0
check() {
    local name=$1 dom=$work/$1.html imgs widths zeros
    grep -q 'data-images=' "$dom" || { echo "$name: the page's script did not run" >&2; exit 1; }
    imgs=$(grep -o '<img ' "$dom" | wc -l)
    widths=$(grep -o 'data-natural-width="[0-9]*"' "$dom" | wc -l)
    zeros=$(grep -c 'data-natural-width="0"' "$dom" || true)
    [ "$imgs" -gt 0 ] || { echo "$name: no images" >&2; exit 1; }
    [ "$widths" = "$imgs" ] || { echo "$name: $widths of $imgs images report a width" >&2; exit 1; }
    [ "$zeros" = 0 ] || {
        echo "$name: $zeros of $imgs images did not load:" >&2
        grep -o '<img [^>]*data-natural-width="0"[^>]*>' "$dom" >&2
        exit 1
    }
    echo "$name: all $imgs images loaded"
}

echo "== runs and reports"
"$bin" run "$repo/scenarios/tiny.toml" --out "$work/tiny" --quiet
"$bin" report "$work/tiny" --quiet
"$bin" run "$repo/scenarios/flash_crash.toml" --out "$work/flash" --quiet \
    --set run.duration_s=120.0 --set 'shocks[0].start_s=30.0'
"$bin" report "$work/flash" --quiet --style paper --size 1400x800
"$bin" sweep "$repo/scenarios/sweeps/tiny_grid.toml" --out "$work/sweep" --quiet
"$bin" report "$work/sweep" --quiet --stat mean_spread_ticks

echo "== headless chromium ($("$browser" --version 2>/dev/null || echo unknown version))"
for run in tiny flash; do
    for page in index realism; do
        render "$work/$run/$page.html" "$run-$page"
        check "$run-$page"
    done
done
render "$work/sweep/index.html" sweep-index
check sweep-index
echo "browser test: every image of 5 pages (two runs' and a sweep's) loaded in headless Chromium"
