"""Parquet output (output.format = "parquet"): every table of the command line's CSV run,
value by value and type by type, read back from its Parquet file; byte-identical files from
the command line and from Python; a sweep's runs.parquet."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import depthsim
from compare import assert_tables_equal, read_csv

PARQUET = 'output.format="parquet"'
CASE = ("scenarios/flash_crash.toml", 42, ["run.duration_s=900.0"])


@pytest.fixture(scope="module")
def parquet_cli(cli):
    """The command line, built with the parquet feature (`cargo build --features parquet`)."""
    p = cli("validate", "scenarios/tiny.toml", "--set", PARQUET, check=False)
    if p.returncode != 0:
        pytest.fail("this depthsim binary lacks the parquet feature: cargo build --features parquet")
    return cli


def set_args(overrides):
    return [a for o in overrides for a in ("--set", o)]


def test_parquet_files_hold_the_csv_values_with_the_same_columns(repo, parquet_cli, tmp_path):
    scenario, seed, overrides = CASE
    parquet_cli("run", scenario, "--seed", seed, "--out", tmp_path / "csv", "-q", *set_args(overrides))
    parquet_cli("run", scenario, "--seed", seed, "--out", tmp_path / "pq", "-q",
                *set_args(overrides + [PARQUET]))
    csv_files = json.loads((tmp_path / "csv" / "manifest.json").read_text())["files"]
    pq_files = json.loads((tmp_path / "pq" / "manifest.json").read_text())["files"]
    tables = sorted(f[:-4] for f in csv_files if f.endswith(".csv"))
    assert sorted(f[:-8] for f in pq_files if f.endswith(".parquet")) == tables
    assert "summary.csv" in pq_files  # sweeps and findings read it in either format
    memory = depthsim.run(repo / scenario, seed=seed, set=overrides)
    for name in tables:
        got = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        assert got.schema == pa.table(memory[name]).schema, name
        want = read_csv(tmp_path / "csv" / f"{name}.csv", got.schema)
        assert_tables_equal(got, want, name)
        assert got.num_rows > 0 or name in ("hedges", "options", "quotes"), name
    assert (tmp_path / "pq" / "summary.csv").read_bytes() == (tmp_path / "csv" / "summary.csv").read_bytes()
    # the command line checks a Parquet run like a CSV one
    assert "all" in parquet_cli("reproduce", tmp_path / "pq", "-q").stdout


def test_parquet_files_are_byte_identical_from_python_and_the_cli(repo, parquet_cli, tmp_path):
    scenario, seed, overrides = CASE
    parquet_cli("run", scenario, "--seed", seed, "--out", tmp_path / "cli", "-q",
                *set_args(overrides + [PARQUET]))
    depthsim.run(repo / scenario, seed=seed, set=overrides + [PARQUET], out=tmp_path / "py")
    a = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    b = json.loads((tmp_path / "py" / "manifest.json").read_text())
    assert a["files"] == b["files"] and a["sha256"] == b["sha256"]
    assert (tmp_path / "cli" / "trades.parquet").read_bytes() == (tmp_path / "py" / "trades.parquet").read_bytes()


def test_a_sweep_writes_runs_parquet_with_the_rows_of_runs_csv(repo, parquet_cli, tmp_path):
    sweep = tmp_path / "grid.toml"
    text = (repo / "scenarios/sweeps/tiny_grid.toml").read_text()
    text = text.replace('"../tiny.toml"', json.dumps(str(repo / "scenarios/tiny.toml")))
    text = text.replace('set = ["run.duration_s=5.0"]', "set = ['run.duration_s=5.0', '%s']" % PARQUET)
    sweep.write_text(text)
    parquet_cli("sweep", sweep, "--jobs", 2, "--out", tmp_path / "s", "-q")
    got = pq.read_table(tmp_path / "s" / "runs.parquet")
    want = read_csv(tmp_path / "s" / "runs.csv", got.schema)
    assert_tables_equal(got, want, "runs")
    assert got.schema.field("market_maker[0].max_position_lots").type == pa.int64()
    assert got.schema.field("informed[0].rate_per_s").type == pa.float64()
    assert_tables_equal(pa.table(depthsim.sweep(sweep, jobs=1)), got, "runs")


def test_parquet_is_smaller_than_csv(repo, parquet_cli, tmp_path):
    scenario, seed, overrides = CASE
    parquet_cli("run", scenario, "--seed", seed, "--out", tmp_path / "csv", "-q", *set_args(overrides))
    parquet_cli("run", scenario, "--seed", seed, "--out", tmp_path / "pq", "-q",
                *set_args(overrides + [PARQUET]))
    size = lambda d, ext: sum(p.stat().st_size for p in d.iterdir() if p.suffix == ext)
    assert size(tmp_path / "pq", ".parquet") < size(tmp_path / "csv", ".csv")


def test_the_report_of_a_parquet_run_says_it_reads_csv(repo, tmp_path):
    run = depthsim.run(repo / "scenarios/tiny.toml", set=[PARQUET], out=tmp_path / "pq")
    with pytest.raises(depthsim.ScenarioError, match="wrote its tables as Parquet"):
        depthsim.report(run)
