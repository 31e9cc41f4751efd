"""Builds examples/quickstart.ipynb from examples/quickstart.py, and executes a notebook
headless (what CI does).

    python examples/run_notebook.py examples/quickstart.ipynb          # execute; fail on any cell
    python examples/run_notebook.py --build examples/quickstart.py     # rewrite the .ipynb, executed

The script is the source: its cells are separated by `# %%` lines (`# %% [markdown]` for a
text cell, whose lines start with `# `), the "percent" format editors and jupytext read.
Executing a notebook also checks that its code cells are the script's, so the two cannot
drift apart.
"""

import pathlib
import sys

import nbclient
import nbformat


def cells_of(script: pathlib.Path):
    """(kind, source) of each cell of a percent-format script."""
    cells, kind, lines = [], None, []

    def close():
        text = "\n".join(lines).strip("\n")
        if kind is not None and text:
            cells.append((kind, text))

    for line in script.read_text().splitlines():
        if line.startswith("# %%"):
            close()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        else:
            lines.append(line)
    close()
    return cells


def notebook_of(script: pathlib.Path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, text in cells_of(script):
        new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(new(text))
    return nb


def execute(nb, folder: pathlib.Path):
    client = nbclient.NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    return nb


def main(args):
    if args[:1] == ["--build"]:
        script = pathlib.Path(args[1])
        target = script.with_suffix(".ipynb")
        nb = execute(notebook_of(script), script.parent)
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i}"  # stable ids: the file changes only with its content
        nbformat.write(nb, target)
        print(f"wrote {target}, executed")
        return
    path = pathlib.Path(args[0])
    nb = nbformat.read(path, as_version=4)
    script = path.with_suffix(".py")
    want = [text for kind, text in cells_of(script) if kind == "code"]
    got = [c.source for c in nb.cells if c.cell_type == "code"]
    if got != want:
        sys.exit(f"{path}'s code cells differ from {script}'s: rebuild it with --build {script}")
    execute(nb, path.parent)
    print(f"{path}: {len(got)} code cells executed without error")


if __name__ == "__main__":
    main(sys.argv[1:])
