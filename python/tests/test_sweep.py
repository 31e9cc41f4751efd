"""depthsim.sweep: the rows of the command line's runs.csv, whatever the number of threads."""

import pyarrow as pa
import pytest

import depthsim
from compare import assert_tables_equal, read_csv

GRID = "scenarios/sweeps/tiny_grid.toml"


def test_the_runs_table_is_runs_csv_typed(repo, cli, tmp_path):
    cli("sweep", GRID, "--jobs", 2, "--out", tmp_path / "s", "-q")
    got = pa.table(depthsim.sweep(repo / GRID, jobs=2))
    want = read_csv(tmp_path / "s" / "runs.csv", got.schema)
    assert_tables_equal(got, want, "runs")
    assert got.num_rows == 12
    assert got.column_names[:6] == [
        "run", "point", "replicate", "informed[0].rate_per_s",
        "market_maker[0].max_position_lots", "seed",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # Python wrote nothing


def test_the_runs_do_not_depend_on_the_number_of_threads(repo):
    one = pa.table(depthsim.sweep(repo / GRID, jobs=1))
    two = pa.table(depthsim.sweep(repo / GRID, jobs=2))
    three = pa.table(depthsim.sweep(repo / GRID, jobs=3))
    assert one.equals(two) and one.equals(three)


def test_seeds_and_a_dict(repo):
    t = depthsim.sweep(repo / GRID, seeds=1)
    assert t.num_rows == 6
    d = {
        "sweep": {
            "scenario": str(repo / "scenarios/tiny.toml"),
            "seed": 1,
            "seeds_per_point": 2,
            "set": ["run.duration_s=10.0"],
        },
        "points": {"noise[0].mu_per_s": [0.5, 2.0]},
    }
    t = pa.table(depthsim.sweep(d, jobs=2))
    assert t.num_rows == 4
    assert t.column("noise[0].mu_per_s").to_pylist() == [0.5, 0.5, 2.0, 2.0]


def test_bad_sweeps_give_the_cli_messages(repo, cli, tmp_path):
    p = cli("sweep", GRID, "--jobs", 0, "--out", tmp_path / "x", check=False)
    assert p.returncode == 2
    want = p.stderr.splitlines()[0][len("error: ") :]
    with pytest.raises(depthsim.ScenarioError) as e:
        depthsim.sweep(repo / GRID, jobs=0)
    assert str(e.value) == want
    with pytest.raises(depthsim.ScenarioError, match="seeds: must be at least 1"):
        depthsim.sweep(repo / GRID, seeds=0)
    bad = tmp_path / "bad.toml"
    bad.write_text((repo / GRID).read_text().replace('"../tiny.toml"', '"../nope.toml"'))
    p = cli("sweep", bad, "--out", tmp_path / "y", check=False)
    assert p.returncode == 2
    want = [line for line in p.stderr.splitlines() if line.startswith("error: ")][0][7:]
    with pytest.raises(depthsim.ScenarioError) as e:
        depthsim.sweep(bad)
    assert str(e.value) == want
