"""depthsim.run against the command line: the same scenario and seed give the same values in
every column of every table, and `out=` writes byte-identical files."""

import json

import pyarrow as pa
import pytest

import depthsim
from compare import assert_tables_equal, read_csv

# (scenario, seed, overrides): between them every table is written (hedges, options,
# events and episodes included)
CASES = [
    ("scenarios/tiny.toml", 3, []),
    ("scenarios/hedge_in_thin_book.toml", 5, ["run.duration_s=120.0"]),
    ("scenarios/zero_dte.toml", 1, ["run.duration_s=400.0", "output.collapse.baseline_window_s=60.0"]),
    ("scenarios/flash_crash.toml", 42, ["run.duration_s=900.0"]),
]


def set_args(overrides):
    return [a for o in overrides for a in ("--set", o)]


@pytest.mark.parametrize("scenario,seed,overrides", CASES)
def test_every_table_matches_the_cli_csv_column_by_column(repo, cli, tmp_path, scenario, seed, overrides):
    out = tmp_path / "cli"
    cli("run", scenario, "--seed", seed, "--out", out, "--quiet", *set_args(overrides))
    manifest = json.loads((out / "manifest.json").read_text())
    run = depthsim.run(repo / scenario, seed=seed, set=overrides)
    csv_tables = sorted(f[:-4] for f in manifest["files"] if f.endswith(".csv"))
    assert sorted(run.tables) == csv_tables
    for name, table in run.tables.items():
        got = pa.table(table)
        want = read_csv(out / f"{name}.csv", got.schema)
        assert_tables_equal(got, want, name)
    resolved = {k: v for k, v in manifest["scenario"]["params"].items() if v is not None}
    assert run.scenario.keys() == resolved.keys()
    assert run.scenario["run"] == {k: v for k, v in resolved["run"].items() if v is not None}
    assert run.manifest["seed"] == seed and run.manifest["overrides"] == overrides


def test_all_tables_appear_across_the_cases(repo):
    seen = set()
    for scenario, seed, overrides in CASES:
        run = depthsim.run(repo / scenario, seed=seed, set=overrides)
        seen |= {n for n, t in run.tables.items() if t.num_rows > 0}
    assert seen == set(depthsim.TABLES)


def test_out_writes_the_cli_files_byte_for_byte(repo, cli, tmp_path):
    scenario, seed, overrides = CASES[3]
    cli("run", scenario, "--seed", seed, "--out", tmp_path / "cli", "--quiet", *set_args(overrides))
    run = depthsim.run(repo / scenario, seed=seed, set=overrides, out=tmp_path / "py")
    assert run.dir == str(tmp_path / "py")
    a = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    b = json.loads((tmp_path / "py" / "manifest.json").read_text())
    assert a["files"] == b["files"] and a["sha256"] == b["sha256"]
    for f in a["files"]:
        if f != "manifest.json":  # its scenario_file, command_line and wall_time_s differ
            assert (tmp_path / "cli" / f).read_bytes() == (tmp_path / "py" / f).read_bytes(), f
    # the folder holds the run's files and nothing else (no partial folder beside it)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli", "py"]
    # and the CLI checks it like its own
    assert "all" in cli("reproduce", tmp_path / "py", "--quiet").stdout


def test_same_seed_same_tables_other_seed_other_tables(repo):
    a = depthsim.run(repo / "scenarios/tiny.toml", seed=1)
    b = depthsim.run(repo / "scenarios/tiny.toml", seed=1)
    c = depthsim.run(repo / "scenarios/tiny.toml", seed=2)
    for name in a.tables:
        assert pa.table(a[name]).equals(pa.table(b[name])), name
    assert not pa.table(a.trades).equals(pa.table(c.trades))


def test_the_resolved_scenario_reruns_identically(repo):
    a = depthsim.run(repo / "scenarios/tiny.toml", seed=9, set={"run.duration_s": 20.0})
    b = depthsim.run(a.scenario)
    assert pa.table(a.book).equals(pa.table(b.book))
    assert a.scenario == b.scenario


def test_scenario_as_text_and_dict(repo):
    text = (repo / "scenarios/tiny.toml").read_text()
    a = depthsim.run(repo / "scenarios/tiny.toml")
    b = depthsim.run(text)
    assert pa.table(a.trades).equals(pa.table(b.trades))
    assert b.manifest["scenario_file"] == "<string>"
    d = depthsim.validate(repo / "scenarios/tiny.toml")
    c = depthsim.run(d)
    assert pa.table(a.trades).equals(pa.table(c.trades))
    assert c.manifest["scenario_file"] == "<dict>"


def test_outputs_keeps_only_the_named_tables(repo):
    full = depthsim.run(repo / "scenarios/tiny.toml")
    part = depthsim.run(repo / "scenarios/tiny.toml", outputs=["book", "summary"])
    assert sorted(part.tables) == ["book", "summary"]
    assert part.trades is None and part.agents is None
    assert pa.table(part.book).equals(pa.table(full.book))
    assert pa.table(part.summary).equals(pa.table(full.summary))


def test_tables_read_in_pandas_and_polars_without_fuss(repo):
    pl = pytest.importorskip("polars")
    run = depthsim.run(repo / "scenarios/tiny.toml")
    df = run.trades.to_pandas()
    assert list(df.columns) == run.trades.column_names
    assert len(df) == run.trades.num_rows == len(run.trades)
    p = run.trades.to_polars()
    assert p.columns == run.trades.column_names and p.height == len(df)
    assert pl.DataFrame(run.book).height == run.book.num_rows
    assert pl.from_arrow(run.book.to_pyarrow()).height == run.book.num_rows
    assert run.summary.to_pandas()["seed"].iloc[0] == run.manifest["seed"]


def test_validate_returns_the_resolved_scenario(repo, cli):
    d = depthsim.validate(repo / "scenarios/tiny.toml", set=["run.duration_s=10.0"])
    assert d["run"]["duration_s"] == 10.0
    assert d["output"]["sample_interval_s"] > 0  # defaults filled in
    with pytest.warns(UserWarning, match="no\\s+collapse can be detected"):
        depthsim.validate(repo / "scenarios/tiny.toml")


def test_report_of_an_in_memory_run_and_of_a_folder(repo, tmp_path):
    run = depthsim.run(repo / "scenarios/tiny.toml")
    with pytest.raises(depthsim.ScenarioError, match="out="):
        depthsim.report(run)
    files = depthsim.report(run, tmp_path / "r")
    assert str(tmp_path / "r" / "index.html") in files
    assert (tmp_path / "r" / "plots").is_dir()
    folder = depthsim.run(repo / "scenarios/tiny.toml", out=tmp_path / "f")
    files = depthsim.report(folder)
    assert str(tmp_path / "f" / "realism.html") in files
