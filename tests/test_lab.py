"""The lab's starter notebook is the assignment, generated from the worked solution.

* the starter is in step with the solution (make_starter.py), has at least seven TODO stubs, each
  followed by a self-check, and its own introduction;
* run in quick mode, the solution's code with any one stub in place raises NotImplementedError in
  that stub's cell instead of carrying on, no stub cell reuses a name defined before it, and each
  self-check catches a typical mistake;
* without the lesson's checkpoint the lab stops at once with a one-line error.
"""

import ast
import importlib.util
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_starter", ROOT / "lab" / "make_starter.py")
make_starter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_starter)

MIN_STUBS = 7


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_sources(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def markdown_sources(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


# -- the starter as a document ------------------------------------------------------------------
def test_starter_is_up_to_date():
    assert make_starter.main(["--check"]) == 0, "run: python lab/make_starter.py"


def test_starter_has_todos_where_the_solution_has_answers():
    solution, starter = load(make_starter.SOLUTION), load(make_starter.STARTER)
    sol_src, sta_src = code_sources(solution), code_sources(starter)
    blocks = sum(s.count("# SOLUTION START:") for s in sol_src)
    assert blocks >= MIN_STUBS
    assert sum(s.count("raise NotImplementedError") for s in sta_src) == blocks
    assert not any("# SOLUTION" in s for s in sta_src)
    assert all(not c.get("outputs") for c in starter["cells"] if c["cell_type"] == "code")
    assert len(starter["cells"]) == len(solution["cells"])


def test_every_stub_is_followed_by_a_self_check():
    for source in code_sources(load(make_starter.STARTER)):
        pieces = source.split("raise NotImplementedError")
        for after in pieces[1:]:
            check = after.split("# Self-check", 1)
            assert len(check) == 2, f"no '# Self-check' after a stub in:\n{source[:300]}"
            assert "\nassert " in check[1], f"the self-check after a stub has no assert:\n{source[:300]}"


def test_starter_speaks_as_the_starter():
    starter_md = markdown_sources(load(make_starter.STARTER))
    # what the solution shows: its markdown without the starter's hidden blocks
    solution_md = [make_starter.MD_STARTER.sub("", s) for s in markdown_sources(load(make_starter.SOLUTION))]
    assert "starter" in starter_md[0] and "worked solution)" not in starter_md[0]
    assert "This is your notebook" in starter_md[0] and "TEXTGEN_QUICK=1" in starter_md[0]
    assert "worked solution" in solution_md[0] and "This is your notebook" not in solution_md[0]
    assert not any("<!--" in s for s in starter_md), "no markers left in the starter's markdown"
    # the student argues the choice of min_freq and writes the comparison paragraph
    own_words = [s for s in starter_md if "TODO (your words)" in s]
    assert len(own_words) == 2
    assert "min_freq" in own_words[0] and "150 words" in own_words[1]


def test_strip_solution_keeps_indentation():
    src = "def f():\n    # SOLUTION START: add one\n    return x + 1\n    # SOLUTION END\n"
    assert make_starter.strip_solution(src) == (
        'def f():\n    # TODO: add one\n    raise NotImplementedError("TODO: add one")\n'
    )


def test_unbalanced_markers_are_errors():
    with pytest.raises(ValueError, match="has no '# SOLUTION END'"):
        make_starter.strip_solution("# SOLUTION START: x\ny = 1\n")
    with pytest.raises(ValueError, match="without a '# SOLUTION START"):
        make_starter.strip_solution("y = 1\n# SOLUTION END\n")
    with pytest.raises(ValueError, match="unbalanced"):
        make_starter.starter_markdown("<!-- SOLUTION START -->\nanswer\n")


def test_markdown_blocks_swap():
    source = ("# Title\n<!-- SOLUTION START -->\nThe answer is 42.\n<!-- SOLUTION END -->\n"
              "<!-- STARTER\n**TODO:** your answer.\n-->\nAfter.")
    assert make_starter.starter_markdown(source) == "# Title\n**TODO:** your answer.\nAfter."


# -- the solution's code, run with the stubs in place --------------------------------------------
# One typical mistake per stub: (text in the solution cell, what a student might write instead).
MISTAKES = {
    "min_freq_table": ("WordVocab.build(train_tokens, min_freq=min_freq)",
                       "WordVocab.build(train_tokens + val_tokens, min_freq=min_freq)"),
    "forward": ("self.lstm(self.drop(self.embed(ids)), state)", "self.lstm(self.drop(self.embed(ids)))"),
    "token_losses": ("    model.eval()\n    pieces", "    pieces"),
    "train_step": ("    nn.utils.clip_grad_norm_(model.parameters(), clip_norm)\n", ""),
    "nats_and_bits": ("token_chars[scored].sum() / math.log(2)", "token_chars[scored].sum()"),
    "span_sums": ("char_values[a:b].sum()", "np.nansum(char_values[a:b])"),
    "verdict": ('"words" if word_bits < char_bits', '"words" if word_bits > char_bits'),
    "generate_words": ("model(torch.tensor([[out[-1]]], device=device), state)",
                       "model(torch.tensor([[out[-1]]], device=device))"),
}


def assigned_names(source):
    """Names a cell binds at top level (assignments, functions, classes, loop targets)."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if target is not None:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def stub_function(source):
    """The name of the function (or method) that holds the cell's SOLUTION block."""
    tree = ast.parse(source)
    line = next(i for i, text in enumerate(source.split("\n"), 1) if "# SOLUTION START:" in text)
    found = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.lineno <= line <= n.end_lineno]
    return found[-1]


def write_standin_char_checkpoint(path):
    """A small untrained character model in the lesson's checkpoint format, with its validation loss
    computed the lesson's way (64 x 256 contiguous batches, state carried)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    import textgen

    class CharLSTM(nn.Module):
        def __init__(self, vocab_size, embed_dim, hidden_size, dropout=0.0):
            super().__init__()
            self.embed = nn.Embedding(vocab_size, embed_dim)
            self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
            self.drop = nn.Dropout(dropout)
            self.head = nn.Linear(hidden_size, vocab_size)

        def forward(self, ids, state=None):
            out, state = self.lstm(self.embed(ids), state)
            return self.head(self.drop(out)), state

    train_text, val_text = textgen.split_text(textgen.load_corpus(), val_fraction=0.1)
    vocab = textgen.CharVocab.build(train_text)
    torch.manual_seed(0)
    config = {"embed_dim": 16, "hidden_size": 32, "dropout": 0.0}
    model = CharLSTM(len(vocab), **config).eval()
    total, count, state = 0.0, 0, None
    with torch.inference_mode():
        for x, y in textgen.ContiguousBatches(vocab.encode(val_text, allow_unknown=True), 64, 256, keep_last=True):
            logits, state = model(torch.from_numpy(x), state)
            total += F.cross_entropy(logits.reshape(-1, len(vocab)), torch.from_numpy(y).reshape(-1), reduction="sum").item()
            count += y.size
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model_state": model.state_dict(), "vocab": vocab.to_dict(), "config": config,
                "history": {"step": [], "train": [], "val_step": [0], "val": [total / count]}, "step": 0,
                "val_loss": total / count,
                "trained": textgen.training_record(quick=True, steps=0, val_loss=total / count, seconds=0.0)}, path)


@pytest.fixture
def lab_env(tmp_path, monkeypatch):
    for name in ("TEXTGEN_PRETRAINED", "TEXTGEN_CORPUS", "TEXTGEN_TRAIN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTGEN_QUICK", "1")
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    import matplotlib

    matplotlib.use("Agg")
    return tmp_path / "checkpoints"


def test_missing_lesson_checkpoint_is_a_one_line_error(lab_env):
    setup = code_sources(load(make_starter.SOLUTION))[0]
    with pytest.raises(FileNotFoundError) as info:
        exec(compile(setup, "setup cell", "exec"), {"__name__": "__main__"})
    message = str(info.value)
    assert "\n" not in message and "run ../GenerativePyTorch.ipynb first" in message and "TEXTGEN_QUICK=1" in message


@pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")
def test_each_stub_raises_and_each_self_check_catches_a_mistake(lab_env):
    import matplotlib.pyplot as plt
    import torch

    write_standin_char_checkpoint(lab_env / "quick" / "char_lstm_torch.pt")
    solution = code_sources(load(make_starter.SOLUTION))
    starter = code_sources(load(make_starter.STARTER))
    assert len(solution) == len(starter)
    ns = {"__name__": "__main__"}
    stubs = []
    for i, (sol, sta) in enumerate(zip(solution, starter)):
        if sol != sta:  # a cell with a stub
            name = stub_function(sol)
            stubs.append(name)
            reused = sorted(n for n in assigned_names(sta) - {"_"} if n in ns)
            assert not reused, f"cell {i} ({name}) binds {reused}, already defined by an earlier cell"
            rng_state, np_state = torch.get_rng_state(), np.random.get_state()
            with pytest.raises(NotImplementedError, match="^TODO: "):
                exec(compile(sta, f"<starter cell {i}: {name}>", "exec"), dict(ns))
            if name in MISTAKES:
                right, wrong = MISTAKES[name]
                assert right in sol, f"the mistake for {name} no longer applies: {right!r} is not in the cell"
                with pytest.raises(AssertionError):
                    exec(compile(sol.replace(right, wrong, 1), f"<mistaken cell {i}: {name}>", "exec"), dict(ns))
            torch.set_rng_state(rng_state)
            np.random.set_state(np_state)
        exec(compile(sol, f"<solution cell {i}>", "exec"), ns)
        plt.close("all")
    assert len(stubs) >= 7 and sorted(stubs) == sorted(MISTAKES), stubs

    # the run wrote the word model's checkpoint where textgen says, with its training record
    ckpt = torch.load(lab_env / "quick" / "word_lstm_torch.pt", weights_only=False)
    record = ckpt["trained"]
    assert record["mode"] == "quick" and record["unit"] == "token"
    assert record["steps"] == record["planned_steps"] == ns["CONFIG"]["steps"] == 40
    assert not record["stopped_early"] and math.isclose(record["val_loss"], ckpt["val_loss"])
    assert ckpt["config"]["min_freq"] == ns["MIN_FREQ"] and ckpt["vocab"]["kind"] == "word"
    # the verdict printed is the one the numbers give
    assert ns["verdicts"][ns["NEUTRAL"]] in ("words", "characters", "tie")
    assert os.environ["TEXTGEN_QUICK"] == "1"
