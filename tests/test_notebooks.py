"""Static checks of the committed notebooks (nbval executes them separately).

* stored outputs come from one clean restart-and-run-all: execution counts 1..N in order,
  no error outputs, and every code cell has run;
* every code cell is preceded by prose;
* the PyTorch and TensorFlow notebooks have the same section headings, in the same order;
* every notebook keeps its nbval output checks (cells marked ``# NBVAL_CHECK_OUTPUT``), and those
  cells store nothing that changes between runs (no stderr);
* the lessons' training cells store a short log that shows the model learning to write;
* the framework-neutral analysis (the counting baseline, where the LSTM wins, the mixture, the cell
  facts, the sampling rule) is the same code in both twins, and its stored results say what the
  lesson claims: a count model that reaches at most 1.55 nats/char, with the same order and loss in
  both twins; a mixture at least 0.02 below each LSTM; a cell following the position in the line with
  |r| >= 0.5.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["GenerativePyTorch.ipynb", "GenerativeTF.ipynb"]
LABS = ["lab/WordGeneration.ipynb", "lab/DateTranslation.ipynb"]
EXECUTED = LESSONS + LABS
CHECK = "# NBVAL_CHECK_OUTPUT"


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
    assert len(headings(torch_nb)) == 15 and headings(torch_nb)[-1] == "Appendix"
    assert headings(torch_nb, "### ") == headings(tf_nb, "### ")


def test_lesson_prints_the_validation_line():
    for name in LESSONS:
        outputs = "".join(
            "".join(o.get("text", "")) for c in code_cells(load(name)) for o in c.get("outputs", [])
        )
        assert re.search(r"^validation loss: \d\.\d{3} nats/char \(\d\.\d{3} bits/char, perplexity \d+\.\d{2}\)$",
                         outputs, re.M), f"{name}: the final validation line is missing"


@pytest.mark.parametrize("name", EXECUTED)
def test_nbval_compares_the_outputs_that_must_not_change(name):
    marked = [c for c in code_cells(load(name)) if CHECK in "".join(c["source"])]
    assert len(marked) >= (8 if name in LESSONS else 4), f"{name}: only {len(marked)} cells carry {CHECK}"
    for cell in marked:
        streams = [o.get("name") for o in cell.get("outputs", []) if o["output_type"] == "stream"]
        assert "stderr" not in streams, f"{name}: a checked cell stores stderr, which changes from run to run"
        assert cell.get("outputs"), f"{name}: a checked cell stores no output, so nbval compares nothing"


@pytest.mark.parametrize("name", LESSONS)
def test_training_log_is_short_and_shows_samples(name):
    cell = next(c for c in code_cells(load(name)) if "summary = train(" in "".join(c["source"]))
    text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
    lines = text.strip().splitlines()
    assert 3 <= len(lines) <= 25, f"{name}: the training cell stores {len(lines)} lines"
    log_line = re.compile(r"^step +\d+ +\d+ s  train \d\.\d{3}  validation \d\.\d{3}  ['\"]ROMEO:")
    odd = [line for line in lines if not log_line.match(line)]
    assert not odd, f"{name}: every stored line should be a validation with its sample, not {odd[:2]}"


def test_twins_trained_the_same_steps_to_the_same_loss():
    finals = []
    for name in LESSONS:
        outputs = "".join("".join(o.get("text", "")) for c in code_cells(load(name)) for o in c.get("outputs", []))
        steps = re.search(r"^(\d+) steps in \d+ s on", outputs, re.M)
        loss = re.search(r"^validation loss: (\d\.\d{3}) nats/char", outputs, re.M)
        assert steps and loss, f"{name}: the speed line or the validation line is missing"
        finals.append((int(steps[1]), float(loss[1])))
    (steps_pt, loss_pt), (steps_tf, loss_tf) = finals
    assert steps_pt == steps_tf, f"the twins trained {steps_pt} and {steps_tf} steps"
    assert abs(loss_pt - loss_tf) <= 0.02, f"validation {loss_pt} (PyTorch) vs {loss_tf} (TensorFlow)"


# Cells whose code is the same in both twins; for cells that begin with a framework-specific
# function, the part from the marker on.
SHARED_CODE = ["class CountModel", "train_for_count = ", "fig, ax = plt.subplots(figsize=(7, 3.8))",
               "def count_generate", "dev_ids, val_ids_scored = ", "advantage = {", "dev_lstm_p = ",
               "def text_facts", "shown = slice(0, 400)", "top2 = np.sort", "def sample_next", "def softmax_t",
               "def contiguous_batches", "UNKNOWN = ", "vocab = textgen.CharVocab.build", "rows = {"]


def shared_part(nb, marker):
    found = [src[src.index(marker):] for src in ("".join(c["source"]) for c in code_cells(nb)) if marker in src]
    assert len(found) == 1, f"{marker!r} is in {len(found)} code cells"
    return found[0]


@pytest.mark.parametrize("marker", SHARED_CODE)
def test_the_framework_neutral_code_is_the_same_in_both_twins(marker):
    torch_nb, tf_nb = (load(n) for n in LESSONS)
    assert shared_part(torch_nb, marker) == shared_part(tf_nb, marker), f"the twins differ from {marker!r} on"


def stored_text(name):
    return "".join("".join(o.get("text", "")) for c in code_cells(load(name)) for o in c.get("outputs", []))


def test_the_stored_analysis_backs_the_lesson():
    counts, mixes, lstms = [], [], []
    for name in LESSONS:
        out = stored_text(name)
        count = re.search(r"^count model \(interpolated Kneser-Ney\), best order (\d): (\d\.\d{3}) nats/char$",
                          out, re.M)
        mix = re.search(r"^LSTM and (\d)-gram mixed \(lambda (\d\.\d\d)\): (\d\.\d{3}) nats/char$", out, re.M)
        lstm = re.search(r"^on the validation text: LSTM (\d\.\d{3})", out, re.M)
        cell = re.search(r"^cell \d+ follows the position in the line: r = ([+-]\d\.\d\d) "
                         r"\(median \|r\| over all cells (\d\.\d\d)\)$", out, re.M)
        assert count and mix and lstm and cell, f"{name}: a line of the analysis is missing"
        counts.append(count.groups())
        mixes.append(float(mix[3]))
        lstms.append(float(lstm[1]))
        assert abs(float(cell[1])) >= 0.5, f"{name}: the best line-position cell has r = {cell[1]}"
        assert float(mix[1]) == int(count[1]), f"{name}: the mixture uses another order than the count model"
    assert counts[0] == counts[1], f"the count model differs between the twins: {counts}"
    assert float(counts[0][1]) <= 1.55
    assert all(lstm - mix >= 0.02 for lstm, mix in zip(lstms, mixes)), (lstms, mixes)
