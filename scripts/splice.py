"""Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a Markdown file.

    python3 scripts/splice.py FILE NAME SOURCE [--first-table]

SOURCE is a file whose text goes between the markers (with --first-table, only its first
Markdown table; with --from-first-table, everything from its first table on). The markers stay; the file is rewritten only if the text changed.
"""
import sys


def first_table(text: str) -> str:
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("|"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[start:end]) + "\n"


def main() -> None:
    path, name, source = sys.argv[1:4]
    text = open(source, encoding="utf-8").read()
    if "--first-table" in sys.argv[4:]:
        text = first_table(text)
    elif "--from-first-table" in sys.argv[4:]:
        lines = text.splitlines(keepends=True)
        text = "".join(lines[next(i for i, l in enumerate(lines) if l.startswith("|")):])
    doc = open(path, encoding="utf-8").read()
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    a, b = doc.index(start) + len(start), doc.index(end)
    new = doc[:a] + text.rstrip("\n") + "\n" + doc[b:]
    if new != doc:
        open(path, "w", encoding="utf-8").write(new)


if __name__ == "__main__":
    main()
