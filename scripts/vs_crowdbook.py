"""The benchmark day against crowdbook, side by side: the comparison in docs/performance.md.

    python3 scripts/vs_crowdbook.py [--pairs 3] [--depthsim target/release/depthsim]

Fetches crowdbook-engine 0.14.1 from the Python package index on first use, into
`target/vs-crowdbook/` (nothing is installed: the wheel's `crowdbook` program is a native
executable, unpacked and run as it is, so any Python 3 will do although the package asks for
3.12; its example scenarios come from the source archive, checked against the index's
SHA-256). Then it runs, alternately, `pairs` times:

- depthsim: `depthsim run scenarios/large_market.toml --quiet --out TMP`, the benchmark day
  with every output it writes (trades.csv, book.csv, l2.csv, agents.csv, episodes.csv,
  manifest.json with the files' SHA-256);
- crowdbook: `crowdbook run examples/scenarios/large_market.toml --duration 23400s`, crowdbook's
  own benchmark market over the same 6.5 simulated hours (it writes no files by default).

Each pair runs one after the other, so both see the same load from the machine's neighbours;
the ratio of each pair (crowdbook's wall time over depthsim's) is printed, then their median.
Processor time (user + system, of the process and its threads) is printed as well: depthsim
writes trades.csv on a second thread, so its wall time and its processor time differ.

Build depthsim first: `cargo build --release`. Not part of CI (it downloads a package and
takes about a minute a pair).
"""
import argparse
import hashlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

VERSION = "0.14.1"
INDEX = "https://pypi.org/simple/crowdbook-engine/"
WHEEL_TAG = "cp312-abi3-manylinux_2_27_x86_64.manylinux_2_28_x86_64"
CACHE = Path("target/vs-crowdbook")
DURATION = "23400s"


def fetch(name: str) -> Path:
    """The file `name` from the package index, checked against the index's SHA-256."""
    dest = CACHE / name
    if dest.exists():
        return dest
    page = urllib.request.urlopen(INDEX, timeout=60).read().decode()
    m = re.search(r'href="([^"]*/' + re.escape(name) + r')#sha256=([0-9a-f]{64})"', page)
    if not m:
        sys.exit(f"{name} is not on {INDEX}")
    url, digest = m.groups()
    data = urllib.request.urlopen(url, timeout=300).read()
    if hashlib.sha256(data).hexdigest() != digest:
        sys.exit(f"{name}: SHA-256 does not match the index's")
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.rename(dest)
    return dest


def crowdbook() -> tuple[Path, Path]:
    """crowdbook's executable and its large_market scenario, fetched on first use."""
    exe = CACHE / "crowdbook"
    scenario = CACHE / "large_market.toml"
    if not exe.exists():
        wheel = fetch(f"crowdbook_engine-{VERSION}-{WHEEL_TAG}.whl")
        with zipfile.ZipFile(wheel) as z:
            data = z.read(f"crowdbook_engine-{VERSION}.data/scripts/crowdbook")
        tmp = CACHE / "crowdbook.part"
        tmp.write_bytes(data)
        tmp.chmod(0o755)
        tmp.rename(exe)
    if not scenario.exists():
        sdist = fetch(f"crowdbook_engine-{VERSION}.tar.gz")
        with tarfile.open(sdist) as t:
            member = t.extractfile(
                f"crowdbook_engine-{VERSION}/examples/scenarios/large_market.toml")
            scenario.write_bytes(member.read())
    return exe, scenario


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, processor seconds (user + system, children) and stdout of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--depthsim", default="target/release/depthsim")
    args = ap.parse_args()
    if not Path(args.depthsim).exists():
        sys.exit(f"{args.depthsim} not found: run `cargo build --release` first")
    exe, scenario = crowdbook()
    agents = sum(int(c) for c in re.findall(r"^count = (\d+)", scenario.read_text(), re.M))
    agents += len(re.findall(r"^\[\[agents\]\]", scenario.read_text(), re.M)) - len(
        re.findall(r"^count = ", scenario.read_text(), re.M))
    print(f"crowdbook {VERSION}: {scenario} ({agents} agents), --duration {DURATION}")
    print("depthsim: scenarios/large_market.toml (1,023 agents), every output written")
    print()
    print("| pair | depthsim wall s | depthsim CPU s | crowdbook wall s | crowdbook CPU s "
          "| ratio (wall) | ratio (CPU) |")
    print("|---|---|---|---|---|---|---|")
    walls, cpus = [], []
    for i in range(args.pairs):
        out = tempfile.mkdtemp(prefix="vs-crowdbook-")
        try:
            d = timed([args.depthsim, "run", "scenarios/large_market.toml", "--quiet",
                       "--out", os.path.join(out, "run")])
        finally:
            shutil.rmtree(out)
        c = timed([str(exe), "run", str(scenario), "--duration", DURATION])
        walls.append(c[0] / d[0])
        cpus.append(c[1] / d[1])
        print(f"| {i + 1} | {d[0]:.2f} | {d[1]:.2f} | {c[0]:.2f} | {c[1]:.2f} "
              f"| {walls[-1]:.2f}× | {cpus[-1]:.2f}× |", flush=True)
    print()
    print(f"median ratio, crowdbook over depthsim: {statistics.median(walls):.2f}× wall, "
          f"{statistics.median(cpus):.2f}× processor time")


if __name__ == "__main__":
    main()
