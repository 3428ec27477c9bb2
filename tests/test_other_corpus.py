"""TEXTGEN_CORPUS switches the notebooks to another UTF-8 text.

The lesson notebook and the word lab run here in quick mode on a text with characters
Shakespeare never used (umlauts, ß), with their checkpoints in a scratch folder. This executes
notebooks a second time, so it is opt-in: ``python -m pytest -m slow`` (see the README).
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import textgen

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def german_like_corpus(tmp_path_factory):
    text = textgen.load_corpus(textgen.shakespeare_path())[:300_000]
    for plain, special in [("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("ss", "ß"), ("Ae", "Ä")]:
        text = text.replace(plain, special)
    path = tmp_path_factory.mktemp("corpus") / "umlaute.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run_notebook(relative, cwd, corpus, monkeypatch, checkpoints):
    nb = nbformat.read(ROOT / relative, as_version=4)
    monkeypatch.setenv("TEXTGEN_CORPUS", str(corpus))  # the kernel inherits the environment
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(checkpoints))
    monkeypatch.setenv("TEXTGEN_QUICK", "1")
    monkeypatch.delenv("TEXTGEN_PRETRAINED", raising=False)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return "".join(
        "".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


@pytest.mark.slow
def test_lesson_and_lab_run_on_another_text(german_like_corpus, tmp_path, monkeypatch):
    checkpoints = tmp_path / "checkpoints"
    lesson = run_notebook("GenerativePyTorch.ipynb", tmp_path, german_like_corpus, monkeypatch, checkpoints)
    assert "corpus: umlaute.txt" in lesson
    assert "ä" in lesson and "validation loss:" in lesson
    (tmp_path / "lab").mkdir()
    lab = run_notebook("lab/WordGeneration.ipynb", tmp_path / "lab", german_like_corpus, monkeypatch, checkpoints)
    assert "umlaute.txt: " in lab
    assert (checkpoints / "quick" / "char_lstm_torch.pt").exists()
    assert (checkpoints / "quick" / "word_lstm_torch.pt").exists()
