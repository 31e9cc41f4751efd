"""Reading depthsim's CSV files with the column types of the Python module's tables, and
comparing tables value by value (NaN equal to NaN, floats exactly: both sides come from the
same f64, printed by the shortest round-trip formatting)."""

import math

import pyarrow as pa
import pyarrow.csv as pacsv


def read_csv(path, schema: pa.Schema) -> pa.Table:
    """A CSV file parsed with `schema`'s types (an empty cell is null in a nullable numeric
    column, an empty string in a text column)."""
    opts = pacsv.ConvertOptions(
        column_types={f.name: f.type for f in schema},
        strings_can_be_null=False,
        true_values=["true"],
        false_values=["false"],
    )
    return pacsv.read_csv(path, convert_options=opts)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


def assert_tables_equal(got: pa.Table, want: pa.Table, what: str):
    """Every column of `got` equals `want`'s, name, type and value."""
    assert got.column_names == want.column_names, f"{what}: columns differ"
    assert got.num_rows == want.num_rows, f"{what}: {got.num_rows} rows, want {want.num_rows}"
    for name in want.column_names:
        g, w = got.column(name), want.column(name)
        assert g.type == w.type, f"{what}.{name}: type {g.type}, want {w.type}"
        gl, wl = g.to_pylist(), w.to_pylist()
        bad = [i for i, (x, y) in enumerate(zip(gl, wl)) if not same(x, y)]
        assert not bad, f"{what}.{name}: row {bad[0]}: {gl[bad[0]]!r} != {wl[bad[0]]!r}"
