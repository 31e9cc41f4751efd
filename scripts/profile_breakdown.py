"""Where the benchmark day's instructions go: the breakdown in docs/performance.md.

    python3 scripts/profile_breakdown.py [--duration 1800] [--depthsim target/release/depthsim]
                                         [SCENARIO]

Runs `valgrind --tool=callgrind --separate-threads=yes` on `depthsim run SCENARIO --quiet`
(default scenarios/large_market.toml) over its first `duration` simulated seconds (default
1800: the full day takes an hour under valgrind), then reads each thread's inclusive costs
with `callgrind_annotate` and prints a Markdown table per thread (the simulation thread, the
noise-flow helper, the trades.csv writer): instructions by part of the program, with their
share. Instruction counts do not depend on the machine's load, so runs of two
versions compare exactly.

Under valgrind the SHA-256 of the output files (for manifest.json) runs in its portable code:
valgrind does not offer the processor's SHA instructions, which sha2 uses outside it. Its rows
are therefore far larger here than in a real run; `perf record` gives its real share.
"""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(?:\S+?\.rs:|\?\?\?:)?(.+?)(?: \[.*\])?$")


# Parts of the program, by the source file a line of machine code comes from (inlined code
# counts where it was written: the book's code inlined into the exchange counts as the book's)
# or, for the standard library's code, by the function it was inlined into. First match wins.
PARTS = [
    ("order book (src/lob)", r"src/lob/|depthsim::lob::"),
    ("collapse detector", r"src/record/collapse/|src/models/collapse/|record::detect_collapse"
                          r"|depthsim::record::collapse::|depthsim::models::collapse::"),
    ("SHA-256 of the output files, for manifest.json", r"/sha2-|sha2::"),
    ("outputs: formatting and writing the files (src/record, ryu, itoa, csv)",
     r"src/record/|depthsim::record::|/ryu-|/itoa-|/csv-|/csv-core-|ryu::|itoa::|csv::"
     r"|csv_core::|serde"),
    ("exchange: matching system, expiries, risk gate, settlement, views (src/market)",
     r"src/market/|depthsim::market::"),
    ("the standard library's sort (the step's expiries)", r"core::slice::sort::"),
    ("noise traders (src/agents/noise)", r"src/agents/noise/|depthsim::agents::noise::"),
    ("informed traders (src/agents/informed.rs)", r"src/agents/informed|agents::informed::"),
    ("market makers and their models (src/agents/market_maker, src/models)",
     r"src/agents/|src/models/|depthsim::agents::|depthsim::models::"),
    ("random numbers (src/rng.rs, rand_chacha, libm)",
     r"src/rng.rs|depthsim::rng::|rand_chacha|ppv-lite86|/rand_core-|/rand-|libm"),
    ("step loop, calendars, inbox (src/sim, src/engine, src/run.rs)",
     r"src/sim/|src/engine/|src/run.rs|depthsim::sim::|depthsim::engine::|depthsim::run::"),
    ("ECS: bevy's system dispatch and resource access", r"bevy_ecs"),
    ("a helper thread's own loop, with what is inlined into it (time conversions, batches)",
     r"__rust_begin_short_backtrace"),
    ("memory copies and allocation (libc)", r"libc\.so|ld-linux|memcpy|memmove|malloc|free"),
]


def exclusive(callgrind_out: Path) -> tuple[int, list[tuple[str, int]]]:
    """The thread's total and each (file:function) line's own cost."""
    text = subprocess.run(
        ["callgrind_annotate", "--auto=no", "--threshold=100", str(callgrind_out)],
        capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text)[1].replace(",", ""))
    lines = []
    for line in text.split("PROGRAM TOTALS", 1)[1].splitlines():
        m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.+)$", line)
        if m:
            lines.append((m[2], int(m[1].replace(",", ""))))
    return total, lines


def breakdown(lines: list[tuple[str, int]]) -> dict[str, int]:
    """Instructions by part: a std/core line goes by the function it was inlined into."""
    parts = {name: 0 for name, _ in PARTS}
    parts["other"] = 0
    for where, c in lines:
        file, _, function = where.partition(":")
        key = function if file.startswith("/rustc/") else where
        for name, pattern in PARTS:
            if re.search(pattern, key):
                parts[name] += c
                break
        else:
            parts["other"] += c
    return parts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/large_market.toml")
    ap.add_argument("--duration", type=float, default=1800.0)
    ap.add_argument("--depthsim", default="target/release/depthsim")
    ap.add_argument("--from", dest="existing", metavar="OUT",
                    help="read an earlier run's callgrind files (OUT-01, OUT-02, ...)")
    args = ap.parse_args()
    if args.existing:
        threads = sorted(Path(args.existing).parent.glob(Path(args.existing).name + "-*"))
        measured = [exclusive(t) for t in threads or [Path(args.existing)]]
        report(args, measured)
        return
    with tempfile.TemporaryDirectory(prefix="depthsim-profile-") as tmp:
        out = Path(tmp) / "cg.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--separate-threads=yes",
             f"--callgrind-out-file={out}", args.depthsim, "run", args.scenario, "--quiet",
             "--set", f"run.duration_s={args.duration}", "--out", str(Path(tmp) / "run")],
            check=True, capture_output=True)
        threads = sorted(Path(tmp).glob("cg.out-*")) or [out]
        measured = [exclusive(t) for t in threads]
    report(args, measured)


def thread_name(index: int, lines: list[tuple[str, int]]) -> str:
    """The main thread is callgrind's first file; a helper that mostly draws random numbers
    is the noise-flow thread, the other the trades.csv writer."""
    if index == 0:
        return "simulation thread"
    parts = breakdown(lines)
    if parts["random numbers (src/rng.rs, rand_chacha, libm)"] > parts["SHA-256 of the output files, for manifest.json"]:
        return "noise-flow thread (src/agents/noise/ahead.rs)"
    return "trades.csv thread (src/record/trades.rs)"


def report(args: argparse.Namespace, measured: list[tuple[int, list]]) -> None:
    """Prints the table: the simulation thread, then each helper thread."""
    print(f"`{args.scenario}`, first {args.duration:g} simulated seconds, "
          f"`valgrind --tool=callgrind --separate-threads=yes`")
    print()
    print("| part | instructions (M) | share of its thread |")
    print("|---|---|---|")
    for i, (total, lines) in enumerate(measured):
        print(f"| **{thread_name(i, lines)}** | **{total / 1e6:,.1f}** | 100 % |")
        for name, c in sorted(breakdown(lines).items(), key=lambda x: -x[1]):
            if c >= total / 1000:
                print(f"| {name} | {c / 1e6:,.1f} | {100 * c / total:.1f} % |")


if __name__ == "__main__":
    if not Path("Cargo.toml").exists():
        sys.exit("run from the repository's root")
    main()
