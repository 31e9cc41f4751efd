"""Shared fixtures: the repository, the command-line binary the Python module is compared
with, and helpers that run it."""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def cli_binary() -> pathlib.Path:
    """The depthsim binary: $DEPTHSIM_BIN, else the one `cargo test` built."""
    env = os.environ.get("DEPTHSIM_BIN")
    if env:
        return pathlib.Path(env)
    for profile in ("debug", "release"):
        p = REPO / "target" / profile / "depthsim"
        if p.exists():
            return p
    pytest.fail("no depthsim binary: run `cargo build` first or set DEPTHSIM_BIN")


@pytest.fixture(scope="session")
def repo() -> pathlib.Path:
    return REPO


@pytest.fixture(scope="session")
def cli():
    """Runs the command line; returns the CompletedProcess (text output)."""
    binary = cli_binary()

    def run(*args, check=True):
        p = subprocess.run(
            [str(binary), *map(str, args)],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        if check and p.returncode != 0:
            raise AssertionError(f"depthsim {' '.join(map(str, args))}: {p.stderr}")
        return p

    return run
