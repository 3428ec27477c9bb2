"""Static checks of the committed notebooks (nbval executes them separately).

* stored outputs come from one clean restart-and-run-all: execution counts 1..N in order,
  no error outputs, and every code cell has run;
* every code cell is preceded by prose;
* the PyTorch and TensorFlow notebooks have the same section headings, in the same order.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["GenerativePyTorch.ipynb", "GenerativeTF.ipynb"]
EXECUTED = LESSONS + ["lab/WordGeneration.ipynb"]


def load(name):
    path = ROOT / name
    if not path.exists():
        pytest.fail(f"{name} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def headings(nb, level="## "):
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith(level):
                    found.append(line[len(level):].strip())
    return found


@pytest.mark.parametrize("name", EXECUTED)
def test_outputs_come_from_one_restart_and_run_all(name):
    nb = load(name)
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{name}: execution counts {counts} are not 1..N"
    for i, cell in enumerate(code_cells(nb)):
        kinds = [o["output_type"] for o in cell.get("outputs", [])]
        assert "error" not in kinds, f"{name}: code cell {i + 1} stored an error"


@pytest.mark.parametrize("name", EXECUTED)
def test_stored_outputs_are_full_mode(name):
    text = json.dumps(load(name))
    assert "mode:            quick" not in text, f"{name}: stored outputs come from quick mode; rerun in full mode"


@pytest.mark.parametrize("name", EXECUTED)
def test_every_code_cell_follows_prose(name):
    nb = load(name)
    previous = None
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert previous == "markdown", f"{name}: cell {i} is code right after code; say why it runs"
        previous = cell["cell_type"]


def test_twins_have_the_same_sections():
    torch_nb, tf_nb = (load(n) for n in LESSONS)
    assert headings(torch_nb) == headings(tf_nb)
    assert len(headings(torch_nb)) == 12


def test_lesson_prints_the_validation_line():
    for name in LESSONS:
        outputs = "".join(
            "".join(o.get("text", "")) for c in code_cells(load(name)) for o in c.get("outputs", [])
        )
        assert re.search(r"^validation loss: \d\.\d{3} nats/char \(\d\.\d{3} bits/char, perplexity \d+\.\d{2}\)$",
                         outputs, re.M), f"{name}: the final validation line is missing"
