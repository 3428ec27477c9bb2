"""Write each lab's starter notebook from its worked solution.

Two labs, two pairs (solution -> starter):

    WordGeneration.ipynb   -> WordGeneration-starter.ipynb     (SOLUTION, STARTER)
    DateTranslation.ipynb  -> DateTranslation-starter.ipynb    (DATE_SOLUTION, DATE_STARTER)

In the solution's code cells, each part a student should write sits between two marker lines:

    # SOLUTION START: what to do
    ...solution code...
    # SOLUTION END

The starter keeps everything else and replaces each marked block by a TODO comment and a
``raise NotImplementedError``, with the same indentation. Outputs are removed.

Markdown cells can differ between the two notebooks too (the introduction, and the cells where the
student writes prose). There, the solution's text sits between ``<!-- SOLUTION START -->`` and
``<!-- SOLUTION END -->``, and the starter's text inside an HTML comment that the solution does not
show:

    <!-- SOLUTION START -->
    text of the worked solution
    <!-- SOLUTION END -->
    <!-- STARTER
    text of the starter
    -->

The starter drops the solution's block and shows the STARTER text.

    python lab/make_starter.py            # rewrite both starters
    python lab/make_starter.py --check    # exit 1 if either starter is out of date
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLUTION = HERE / "WordGeneration.ipynb"
STARTER = HERE / "WordGeneration-starter.ipynb"
DATE_SOLUTION = HERE / "DateTranslation.ipynb"
DATE_STARTER = HERE / "DateTranslation-starter.ipynb"
PAIRS = ((SOLUTION, STARTER), (DATE_SOLUTION, DATE_STARTER))
START = re.compile(r"^(?P<indent>\s*)# SOLUTION START: (?P<task>.+)$")
END = re.compile(r"^\s*# SOLUTION END\s*$")
MD_SOLUTION = re.compile(r"<!-- SOLUTION START -->\n.*?<!-- SOLUTION END -->\n?", re.S)
MD_STARTER = re.compile(r"<!-- STARTER\n(?P<text>.*?)\n-->", re.S)


def strip_solution(source: str) -> str:
    """Replace every marked block of one code cell's source by a TODO."""
    out, task = [], None
    for line in source.split("\n"):
        if task is None:
            m = START.match(line)
            if m:
                task = m
                out.append(f"{m['indent']}# TODO: {m['task']}")
                out.append(f'{m["indent"]}raise NotImplementedError("TODO: {m["task"]}")')
            else:
                if END.match(line):
                    raise ValueError("'# SOLUTION END' without a '# SOLUTION START: ...' before it")
                out.append(line)
        elif END.match(line):
            task = None
    if task is not None:
        raise ValueError(f"'# SOLUTION START: {task['task']}' has no '# SOLUTION END'")
    return "\n".join(out)


def starter_markdown(source: str) -> str:
    """The starter's version of one markdown cell: solution blocks out, STARTER blocks shown."""
    text = MD_STARTER.sub(lambda m: m["text"], MD_SOLUTION.sub("", source))
    if "<!-- SOLUTION" in text or "<!-- STARTER" in text:
        raise ValueError(f"unbalanced SOLUTION/STARTER markers in a markdown cell: {source[:60]!r}...")
    return text


def make_starter(solution: dict) -> dict:
    nb = copy.deepcopy(solution)
    # keep only what does not change when the solution is re-run (no timings, no versions)
    nb["metadata"] = {key: nb["metadata"][key] for key in ("kernelspec",) if key in nb["metadata"]}
    nb["metadata"]["language_info"] = {"name": "python"}
    for cell in nb["cells"]:
        cell["metadata"] = {}
        if cell["cell_type"] == "code":
            cell["source"] = strip_solution("".join(cell["source"]))
            cell["outputs"], cell["execution_count"] = [], None
        elif cell["cell_type"] == "markdown":
            cell["source"] = starter_markdown("".join(cell["source"]))
    return nb


def render(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"  # as Jupyter and translate_notebooks.py write


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = 0
    for solution, starter in PAIRS:
        wanted = render(make_starter(json.loads(solution.read_text(encoding="utf-8"))))
        if check:
            if not starter.exists() or starter.read_text(encoding="utf-8") != wanted:
                print(f"{starter.name} is out of date: run  python lab/make_starter.py")
                stale += 1
            else:
                print(f"{starter.name} is up to date")
        else:
            starter.write_text(wanted, encoding="utf-8")
            print(f"wrote {starter}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
