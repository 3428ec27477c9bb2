"""Static checks of the committed notebooks (nbval executes them separately).

* stored outputs come from one clean restart-and-run-all in full mode: execution counts 1..N in
  order, no error outputs, and every code cell has run;
* every code cell is preceded by prose;
* the lesson twins fit one sitting (cells, markdown words, code lines, no long code cell), have the
  same numbered sections in the same order, and the same markdown except where the frameworks differ;
* every notebook keeps its nbval output checks (cells marked ``# NBVAL_CHECK_OUTPUT``), and those
  cells store nothing that changes between runs (no stderr);
* the lessons' training cells store a short log that shows the model learning to write;
* the framework-neutral code is the same in both twins, and the stored results say what the lesson
  claims: the same steps and a validation loss <= 1.49 in both, within 0.02 of each other, and one
  line that sets each LSTM beside the same counting model (<= 1.50 nats/char).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["GenerativePyTorch.ipynb", "GenerativeTF.ipynb"]
LABS = ["lab/WordGeneration.ipynb", "lab/DateTranslation.ipynb"]
DEEPER = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "deeper").glob("*.ipynb"))
EXECUTED = LESSONS + LABS + DEEPER
CHECK = "# NBVAL_CHECK_OUTPUT"
SECTIONS = ["Setup", "1. Characters as tokens", "2. Training batches", "3. The model", "4. Training",
            "5. Generating from a prompt", "6. Greedy decoding goes in circles", "7. Sampling with temperature",
            "8. How good is it?", "9. Save and reload", "10. Summary and exercises", "11. Where to go deeper"]


def load(name):
    path = ROOT / name
    if not path.exists():
        pytest.fail(f"{name} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def markdown_cells(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def code_lines(cell):
    """The lines of a code cell that count: not blank, not a comment."""
    return [line for line in "".join(cell["source"]).splitlines() if line.strip() and not line.strip().startswith("#")]


def headings(nb, level="## "):
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith(level):
                    found.append(line[len(level):].strip())
    return found


def stored_text(name):
    return "".join("".join(o.get("text", "")) for c in code_cells(load(name)) for o in c.get("outputs", []))


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
    assert headings(torch_nb) == headings(tf_nb) == SECTIONS
    assert headings(torch_nb, "### ") == headings(tf_nb, "### ")


@pytest.mark.parametrize("name", LESSONS)
def test_the_lesson_fits_one_sitting(name):
    nb = load(name)
    words = sum(len(re.findall(r"\w+", text)) for text in markdown_cells(nb))
    lines = [len(code_lines(c)) for c in code_cells(nb)]
    assert len(nb["cells"]) <= 45, f"{name}: {len(nb['cells'])} cells"
    assert words <= 3000, f"{name}: {words} words of markdown"
    assert sum(lines) <= 300, f"{name}: {sum(lines)} code lines"
    assert max(lines) <= 25, f"{name}: a code cell of {max(lines)} lines"


def test_the_roadmap_follows_the_sections():
    roadmap = markdown_cells(load(LESSONS[0]))[0].split("**Roadmap**")[1].split("\n\n")[0].lower()
    numbered = [s.lower() for s in SECTIONS if s[0].isdigit() and int(s.split(".")[0]) <= 9]
    positions = [roadmap.find(section) for section in numbered]
    assert -1 not in positions, f"the roadmap misses {numbered[positions.index(-1)]!r}"
    assert positions == sorted(positions), "the roadmap lists the sections in another order"


def test_twins_share_their_markdown_except_framework_notes():
    torch_md, tf_md = (markdown_cells(load(n)) for n in LESSONS)
    assert len(torch_md) == len(tf_md)
    differ = [i for i, (a, b) in enumerate(zip(torch_md, tf_md)) if a != b]
    assert len(differ) <= 6, f"{len(differ)} markdown cells differ between the twins: {differ}"
    for i in differ:
        framework_words = r"PyTorch|TensorFlow|Keras|Framework note|`tf\.|one_step_for"
        assert re.search(framework_words, torch_md[i] + tf_md[i]), f"markdown cell {i} differs"


def test_lesson_prints_the_validation_line():
    for name in LESSONS:
        assert re.search(r"^validation loss: \d\.\d{3} nats/char \(\d\.\d{3} bits/char, perplexity \d+\.\d{2}\)$",
                         stored_text(name), re.M), f"{name}: the final validation line is missing"


@pytest.mark.parametrize("name", EXECUTED)
def test_nbval_compares_the_outputs_that_must_not_change(name):
    marked = [c for c in code_cells(load(name)) if CHECK in "".join(c["source"])]
    assert len(marked) >= (8 if name in LESSONS else 1 if name in DEEPER else 4), (
        f"{name}: only {len(marked)} cells carry {CHECK}")
    for cell in marked:
        streams = [o.get("name") for o in cell.get("outputs", []) if o["output_type"] == "stream"]
        assert "stderr" not in streams, f"{name}: a checked cell stores stderr, which changes from run to run"
        assert cell.get("outputs"), f"{name}: a checked cell stores no output, so nbval compares nothing"


@pytest.mark.parametrize("name", LESSONS)
def test_training_log_is_short_and_shows_samples(name):
    cell = next(c for c in code_cells(load(name)) if "log = train(" in "".join(c["source"]))
    text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
    lines = text.strip().splitlines()
    log_line = re.compile(r"^step +\d+ +\d+ s  train \d\.\d{3}  validation \d\.\d{3}  "
                          r"development \d\.\d{3}  ['\"]ROMEO:")
    looks = [line for line in lines if log_line.match(line)]
    assert 5 <= len(looks) <= 20, f"{name}: the training cell stores {len(looks)} measurements"
    assert len(lines) == len(looks) + 3, f"{name}: besides the log, three summary lines are expected: {lines[-4:]}"


def test_twins_trained_the_same_steps_to_the_same_loss():
    finals = []
    for name in LESSONS:
        out = stored_text(name)
        steps = re.search(r"^([\d,]+) steps in \d+ s on", out, re.M)
        loss = re.search(r"^validation loss: (\d\.\d{3}) nats/char", out, re.M)
        assert steps and loss, f"{name}: the speed line or the validation line is missing"
        finals.append((int(steps[1].replace(",", "")), float(loss[1])))
    (steps_pt, loss_pt), (steps_tf, loss_tf) = finals
    assert steps_pt == steps_tf == 2000, f"the twins trained {steps_pt} and {steps_tf} steps"
    assert max(loss_pt, loss_tf) <= 1.49, (loss_pt, loss_tf)
    assert abs(loss_pt - loss_tf) <= 0.02, f"validation {loss_pt} (PyTorch) vs {loss_tf} (TensorFlow)"


# Cells whose code is the same in both twins; for cells that begin with a framework-specific
# function, the part from the marker on.
SHARED_CODE = ["text = textgen.load_corpus()", "UNKNOWN = ", "vocab = textgen.CharVocab.build",
               "def contiguous_batches", "def sample_next", "train_words = ", "count_train = ", "clicks = iter("]


def shared_part(nb, marker):
    found = [src[src.index(marker):] for src in ("".join(c["source"]) for c in code_cells(nb)) if marker in src]
    assert len(found) == 1, f"{marker!r} is in {len(found)} code cells"
    return found[0]


@pytest.mark.parametrize("marker", SHARED_CODE)
def test_the_framework_neutral_code_is_the_same_in_both_twins(marker):
    torch_nb, tf_nb = (load(n) for n in LESSONS)
    assert shared_part(torch_nb, marker) == shared_part(tf_nb, marker), f"the twins differ from {marker!r} on"


def test_both_twins_set_the_lstm_beside_the_same_strong_counting_model():
    counts = []
    for name in LESSONS:
        line = re.search(r"^LSTM: (\d\.\d{3}) nats/char, counting \(order (\d+)\): (\d\.\d{3}) nats/char$",
                         stored_text(name), re.M)
        assert line, f"{name}: the line that sets the LSTM beside the counting model is missing"
        counts.append(line.groups()[1:])
    assert counts[0] == counts[1], f"the counting model differs between the twins: {counts}"
    assert float(counts[0][1]) <= 1.50, f"the counting model reaches only {counts[0][1]} nats/char"
