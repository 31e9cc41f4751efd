"""Measures the makers of two shipped scenarios, for docs/calibration.md.

    python3 scripts/measure_makers.py DEPTHSIM baseline|thin_book [SEEDS]

Runs the scenario at seeds 1..SEEDS (default 10), each into a temporary folder, and prints a
Markdown table; each figure is the median over seeds, with its minimum and maximum.

baseline: scenarios/baseline.toml's Avellaneda–Stoikov makers (group `as`), from quotes.csv:
the median over their requotes of the volatility σ their model used (√sigma2_ticks2_per_s,
ticks per √s), of the model's half-spread (half_spread_ticks) and of the quoted distance from
the mid (ask − bid over 2, ticks).

thin_book: scenarios/hedge_in_thin_book.toml, per book: the mean resting lots within 5 ticks of the mid
per side (book.csv's depth_bid_5t_lots and depth_ask_5t_lots), the share of samples with
fewer than 2 lots there on a side, the mean spread in ticks; then the makers' hedges
(hedges.csv): how many, the share of wanted lots filled, and the mean slippage in ticks per
lot filled against the mid at the decision. Both books have a tick of 0.01.
"""
import csv
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCENARIOS = {"baseline": "scenarios/baseline.toml",
             "thin_book": "scenarios/hedge_in_thin_book.toml"}


def baseline(out: Path) -> dict:
    r = [x for x in csv.DictReader(open(out / "quotes.csv")) if x["group"] == "as"]
    tick = 0.01
    return {
        "σ the model used, ticks/√s": statistics.median(
            float(x["sigma2_ticks2_per_s"]) ** 0.5 for x in r),
        "model half-spread h, ticks": statistics.median(float(x["half_spread_ticks"]) for x in r),
        "quoted half-spread (ask − bid)/2, ticks": statistics.median(
            (float(x["target_ask"]) - float(x["target_bid"])) / tick / 2 for x in r
            if x["target_ask"] and x["target_bid"]),
    }


def thin_book(out: Path) -> dict:
    m = {}
    rows = list(csv.DictReader(open(out / "book.csv")))
    for book in ("busy", "thin"):
        r = [x for x in rows if x["book"] == book]
        bid = [float(x["depth_bid_5t_lots"]) for x in r]
        ask = [float(x["depth_ask_5t_lots"]) for x in r]
        spread = [float(x["spread"]) / 0.01 for x in r if x["spread"]]
        m[f"{book}: mean lots within 5 ticks, bid side"] = statistics.mean(bid)
        m[f"{book}: mean lots within 5 ticks, ask side"] = statistics.mean(ask)
        m[f"{book}: share of samples with < 2 lots within 5 ticks on a side"] = statistics.mean(
            1.0 if min(b, a) < 2 else 0.0 for b, a in zip(bid, ask))
        m[f"{book}: mean spread, ticks"] = statistics.mean(spread)
    h = list(csv.DictReader(open(out / "hedges.csv")))
    wanted = sum(abs(int(x["wanted_lots"])) for x in h)
    filled = sum(abs(int(x["filled_lots"])) for x in h)
    slip = sum(float(x["slippage_ticks"]) * abs(int(x["filled_lots"])) for x in h if x["slippage_ticks"])
    m["hedges per run"] = len(h)
    m["share of hedged lots filled"] = filled / wanted if wanted else float("nan")
    m["hedge slippage, ticks per lot filled"] = slip / filled if filled else float("nan")
    return m


def main() -> None:
    depthsim, which = sys.argv[1], sys.argv[2]
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    scenario, measure = SCENARIOS[which], {"baseline": baseline, "thin_book": thin_book}[which]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(1, seeds + 1):
            out = Path(tmp) / f"seed-{s}"
            subprocess.run([depthsim, "run", scenario, "--seed", str(s), "--out", str(out),
                            "--quiet"], check=True)
            runs.append(measure(out))
    print(f"| {scenario}, seeds 1–{seeds} | median | min | max |")
    print("|---|---:|---:|---:|")
    for k in runs[0]:
        v = [r[k] for r in runs]
        print(f"| {k} | {statistics.median(v):.2f} | {min(v):.2f} | {max(v):.2f} |")


if __name__ == "__main__":
    main()
