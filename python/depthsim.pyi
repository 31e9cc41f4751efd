"""depthsim: an agent-based market-microstructure simulator for studying depth collapse.

``run(scenario)`` returns a ``Run`` whose tables (``book``, ``trades``, ``agents``, ...) are
Arrow tables; ``sweep(file)`` returns the runs table of a parameter sweep;
``validate(scenario)`` the resolved scenario; ``report(run, out)`` draws the report.
"""

import os
from typing import Any, Final, Mapping, Sequence, Union

__version__: Final[str]

#: The table names, in the order a ``Run`` holds them.
TABLES: Final[list[str]]

#: A scenario or sweep: a path, a TOML string (text holding a newline), or a dict.
ScenarioLike = Union[str, os.PathLike[str], Mapping[str, Any]]

#: ``--set`` overrides: one ``"PATH=VALUE"``, a list of them, or ``{PATH: value}``.
Overrides = Union[str, Sequence[str], Mapping[str, Any]]

class ScenarioError(ValueError):
    """Bad input, with the command line's message: the file (or ``<dict>``, ``<string>``),
    the key path, and what is allowed."""

class Table:
    """One table as Arrow record batches (Arrow PyCapsule interface: ``pyarrow.table(t)``,
    ``polars.DataFrame(t)`` read it without a copy)."""

    @property
    def name(self) -> str:
        """``book``, ``trades``, ..., or ``runs`` for a sweep."""
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]:
        """The columns, in the CSV header's order."""
    @property
    def nbytes(self) -> int:
        """Bytes held by the Arrow buffers."""
    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    def to_pyarrow(self) -> Any:
        """A ``pyarrow.Table`` (no copy; needs pyarrow)."""
    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` (through pyarrow)."""
    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` (no copy; needs polars)."""

class Run:
    """A finished run: its tables, resolved scenario and manifest. A table the run did not
    make is ``None``."""

    @property
    def book(self) -> Table | None: ...
    @property
    def l2(self) -> Table | None: ...
    @property
    def trades(self) -> Table | None: ...
    @property
    def quotes(self) -> Table | None: ...
    @property
    def hedges(self) -> Table | None: ...
    @property
    def options(self) -> Table | None: ...
    @property
    def events(self) -> Table | None: ...
    @property
    def episodes(self) -> Table | None: ...
    @property
    def agents(self) -> Table | None: ...
    @property
    def summary(self) -> Table | None: ...
    @property
    def tables(self) -> dict[str, Table]:
        """Every table the run made, by name."""
    @property
    def scenario(self) -> dict[str, Any]:
        """The scenario as it ran, every default filled in (``run(r.scenario)`` reruns it)."""
    @property
    def manifest(self) -> dict[str, Any]:
        """How the run was made (manifest.json's fields)."""
    @property
    def dir(self) -> str | None:
        """The folder written with ``out=``, or None."""
    def __getitem__(self, name: str) -> Table: ...

def run(
    scenario: ScenarioLike,
    seed: int | None = None,
    set: Overrides | None = None,
    outputs: Sequence[str] | None = None,
    out: str | os.PathLike[str] | None = None,
) -> Run:
    """Run a scenario in memory and return its tables as Arrow tables.

    ``seed`` replaces ``run.seed``; ``set`` takes the command line's ``--set`` overrides;
    ``outputs`` names the tables to keep (default: all the scenario writes); ``out`` also
    writes the run's files there, exactly as ``depthsim run --out`` does. The interpreter
    lock is released; Ctrl-C stops the run. Raises ``ScenarioError`` on bad input,
    ``FileExistsError`` when ``out`` holds what depthsim did not write.
    """

def sweep(
    file_or_dict: ScenarioLike,
    jobs: int | None = None,
    seeds: int | None = None,
) -> Table:
    """Run a parameter sweep on ``jobs`` threads and return its runs table (runs.csv's rows
    and columns, typed; independent of ``jobs``). ``seeds`` replaces
    ``sweep.seeds_per_point``. Nothing is written to disk; Ctrl-C stops the sweep."""

def validate(
    scenario: ScenarioLike,
    seed: int | None = None,
    set: Overrides | None = None,
) -> dict[str, Any]:
    """Check a scenario and return it resolved (what ``depthsim validate`` prints)."""

def report(
    run_or_dir: Run | str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Draw a run's report (plots/, index.html, realism.html) and return the files written.
    An in-memory run needs ``out``: it is rerun there as CSV files first."""
