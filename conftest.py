"""pytest setup shared by the unit tests and the notebook runs (nbval).

* **The caller's switches do not count.** Every ``TEXTGEN_*`` variable exported in the shell
  (``TEXTGEN_QUICK=0``, ``TEXTGEN_PRETRAINED``, ``TEXTGEN_TRAIN_SECONDS``, ...) is removed, and
  quick mode is switched on: the test command gives the same result in any shell. The variables
  set here are inherited by every Jupyter kernel that nbval starts; a test that needs a switch
  sets it itself (``monkeypatch.setenv``).
* **Checkpoints** written during a test run go to a temporary folder, never to the repository's
  ``checkpoints/``; the folder is removed when the run ends. It starts with stand-ins for
  full-mode checkpoints; ``tests/test_checkpoints_untouched.py`` runs after the notebooks and
  checks that the quick runs wrote into ``quick/`` beside them and left them alone.
* **Every English notebook runs once**: the lesson twins, the ``deeper/`` notebooks and the labs.
  ``deeper/`` and the word lab use the lesson's shipped weights in quick mode
  (``textgen.lesson_checkpoint``), so each also passes alone.
* **Only the module's own notebooks run.** Hidden folders (Jupyter's ``.ipynb_checkpoints``
  autosave copies among them) are never collected (``norecursedirs`` in pyproject.toml), nor are
  the starter notebooks (their TODO cells raise on purpose; tests/test_lab.py checks them) or the
  German notebooks (the same code as the English ones, checked by the translation linter, tests/test_translations.py).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

for _name in [name for name in os.environ if name.startswith("TEXTGEN_")]:
    del os.environ[_name]
os.environ["TEXTGEN_QUICK"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up chatter

collect_ignore_glob = [
    "lab/*-starter.ipynb",
    "*.de.ipynb",
    "lab/*.de.ipynb",
    "*-checkpoint.ipynb",
    "checkpoints/*",
    "data/*",
    "benchmarks/results/*",
]

# Which checkpoint each executed notebook writes (the file name is the same in both modes).
NOTEBOOK_CHECKPOINTS = {
    "GenerativePyTorch.ipynb": "char_lstm_torch.pt",
    "GenerativeTF.ipynb": "char_lstm_tf.keras",
    "WordGeneration.ipynb": "word_lstm_torch.pt",
    "DateTranslation.ipynb": "date_translator_torch.pt",
}
TEST_CHECKPOINTS = Path(tempfile.mkdtemp(prefix="textgen-test-checkpoints-"))
os.environ["TEXTGEN_CHECKPOINT_DIR"] = str(TEST_CHECKPOINTS)


def full_mode_stand_in(name: str) -> bytes:
    return f"stand-in for a full-mode {name}: a quick run must never write over this file\n".encode()


for _file in NOTEBOOK_CHECKPOINTS.values():
    (TEST_CHECKPOINTS / _file).write_bytes(full_mode_stand_in(_file))


def pytest_collection_modifyitems(session, config, items):
    """Run the tests marked ``after_notebooks`` last, once every notebook has run."""
    late = [item for item in items if item.get_closest_marker("after_notebooks")]
    items[:] = [item for item in items if item not in late] + late


def pytest_configure(config):
    config.addinivalue_line("markers", "after_notebooks: runs after every notebook of the session (see conftest.py)")


def pytest_unconfigure(config):
    shutil.rmtree(TEST_CHECKPOINTS, ignore_errors=True)


@pytest.fixture(scope="session")
def shakespeare():
    """The built-in corpus, built (or read from data/) once for every test that needs it."""
    import textgen

    return textgen.load_corpus(textgen.shakespeare_path())


@pytest.fixture
def lab_env(tmp_path, monkeypatch):
    """Quick mode with a private checkpoint folder (returned) and no other switch, for tests that run
    a lab's cells in this process; figures go to the non-interactive Agg backend."""
    for name in ("TEXTGEN_PRETRAINED", "TEXTGEN_CORPUS", "TEXTGEN_TRAIN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTGEN_QUICK", "1")
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    import matplotlib

    matplotlib.use("Agg")
    return tmp_path / "checkpoints"
