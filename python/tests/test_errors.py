"""Bad input raises a Python exception carrying the command line's message, never a crash;
Ctrl-C interrupts a run cleanly."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

import depthsim


def cli_message(cli, *args):
    """The CLI's error message for `args`: its first stderr line without `error: `."""
    p = cli(*args, check=False)
    assert p.returncode == 2, p.stderr
    first = [line for line in p.stderr.splitlines() if line.startswith("error: ")][0]
    return first[len("error: ") :]


BAD_FILES = {
    "unknown_key": ("[run]\n", "[run]\nduratoin_s = 1.0\n"),
    "wrong_type": ("duration_s = 60.0", 'duration_s = "ten"'),
    "negative_rate": ("mu_per_s = ", "mu_per_s = -1.0 #"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_scenario_file_gives_the_cli_message(repo, cli, tmp_path, case):
    old, new = BAD_FILES[case]
    text = (repo / "scenarios/tiny.toml").read_text()
    assert old in text
    bad = tmp_path / f"{case}.toml"
    bad.write_text(text.replace(old, new, 1))
    want = cli_message(cli, "run", bad, "--out", tmp_path / "never")
    with pytest.raises(depthsim.ScenarioError) as e:
        depthsim.run(bad, out=tmp_path / "never")
    assert str(e.value) == want
    assert isinstance(e.value, ValueError)
    with pytest.raises(depthsim.ScenarioError) as e:
        depthsim.validate(bad)
    assert str(e.value) == want
    assert not (tmp_path / "never").exists()


def test_a_missing_file_and_a_bad_set_give_the_cli_messages(repo, cli, tmp_path):
    want = cli_message(cli, "validate", tmp_path / "nope.toml")
    with pytest.raises(depthsim.ScenarioError) as e:
        depthsim.validate(tmp_path / "nope.toml")
    assert str(e.value) == want
    tiny = repo / "scenarios/tiny.toml"
    for set_ in ["noise[0].mu_per_s=oops", "noise[9].mu_per_s=1.0", "run.no_such_key=1"]:
        want = cli_message(cli, "validate", tiny, "--set", set_)
        with pytest.raises(depthsim.ScenarioError) as e:
            depthsim.validate(tiny, set=[set_])
        assert str(e.value) == want, set_
    with pytest.raises(depthsim.ScenarioError, match="expected PATH=VALUE"):
        depthsim.run(tiny, set="no equals sign")


def test_a_dict_with_a_wrong_type_or_an_unknown_key_names_the_key(repo):
    d = depthsim.validate(repo / "scenarios/tiny.toml")
    d["run"]["duration_s"] = "ten"
    with pytest.raises(depthsim.ScenarioError, match=r"<dict>: .*`run\.duration_s`.*invalid type"):
        depthsim.run(d)
    d["run"]["duration_s"] = 10.0
    d["noise"][0]["mu_per_sec"] = 1.0
    with pytest.raises(depthsim.ScenarioError, match=r"unknown field `mu_per_sec`"):
        depthsim.run(d)
    del d["noise"][0]["mu_per_sec"]
    d["noise"][0]["mu_per_s"] = -1.0
    with pytest.raises(depthsim.ScenarioError, match=r"<dict>: `noise\[0\]\.mu_per_s`"):
        depthsim.run(d)
    d["noise"][0]["mu_per_s"] = object()
    with pytest.raises(depthsim.ScenarioError, match=r"`noise\[0\]\.mu_per_s`: a object is not a TOML value"):
        depthsim.run(d)
    d["noise"][0]["mu_per_s"] = 2**70
    with pytest.raises(depthsim.ScenarioError, match="too large"):
        depthsim.run(d)
    with pytest.raises(TypeError, match="a path, a TOML string or a dict"):
        depthsim.run(3.5)


def test_an_unknown_table_in_outputs_is_refused(repo):
    with pytest.raises(depthsim.ScenarioError, match='unknown table "trade"; the tables are book, l2, trades'):
        depthsim.run(repo / "scenarios/tiny.toml", outputs=["book", "trade"])


def test_out_refuses_a_folder_depthsim_did_not_write(repo, cli, tmp_path):
    mine = tmp_path / "precious"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    want = cli_message(cli, "run", "scenarios/tiny.toml", "--out", mine)
    with pytest.raises(FileExistsError) as e:
        depthsim.run(repo / "scenarios/tiny.toml", out=mine)
    assert str(e.value) == want
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]
    with pytest.raises(FileExistsError):
        depthsim.report(depthsim.run(repo / "scenarios/tiny.toml"), out=mine)
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    with pytest.raises(depthsim.ScenarioError, match="not a finished depthsim run"):
        depthsim.report(mine)


def test_parquet_without_the_feature_is_explained_by_the_cli(repo, cli):
    p = cli("validate", "scenarios/tiny.toml", "--set", 'output.format="parquet"', check=False)
    if p.returncode == 0:
        pytest.skip("this depthsim binary has the parquet feature")
    assert "`output.format`" in p.stderr and "--features parquet" in p.stderr


INTERRUPTED = textwrap.dedent(
    """
    import os, sys, depthsim
    print("started", flush=True)
    try:
        depthsim.run(sys.argv[1], set=["run.duration_s=100000.0"], out=sys.argv[2])
        print("finished")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    # the interpreter goes on, and works
    r = depthsim.run(sys.argv[3])
    print("then ran", r.book.num_rows, "rows; left:", sorted(os.listdir(sys.argv[4])))
    """
)


def test_ctrl_c_interrupts_a_run_cleanly(repo, tmp_path):
    script = tmp_path / "run.py"
    script.write_text(INTERRUPTED)
    work = tmp_path / "work"
    work.mkdir()
    p = subprocess.Popen(
        [sys.executable, script, repo / "scenarios/baseline.toml", work / "out",
         repo / "scenarios/tiny.toml", work],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert p.stdout.readline().strip() == "started"
    # wait until the run is under way (its partial folder exists), then Ctrl-C
    for _ in range(200):
        if any(n.startswith(".out.partial") for n in os.listdir(work)):
            break
        subprocess.run(["sleep", "0.05"])
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 0, out
    assert out.splitlines() == ["interrupted", "then ran 60 rows; left: []"]
