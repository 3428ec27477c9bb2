"""pytest setup shared by the unit tests and the notebook runs (nbval).

* Notebooks run in quick mode under pytest unless the caller chose otherwise: the variable is
  inherited by every Jupyter kernel that nbval starts.
* Checkpoints written during a test run go to a temporary folder (``TEXTGEN_CHECKPOINT_DIR``), never
  to the repository's ``checkpoints/``. That folder starts with stand-ins for full-mode checkpoints;
  ``tests/test_checkpoints_untouched.py`` runs after the notebooks and checks that the quick runs
  wrote into ``quick/`` beside them and left them alone.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TEXTGEN_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up chatter

# The starter notebook of the lab has TODO cells that raise on purpose: its structure is
# checked by tests/test_lab.py instead of being executed.
collect_ignore_glob = ["lab/*-starter.ipynb", "checkpoints/*", "data/*", ".venv/*", "benchmarks/results/*"]

# Which checkpoint each executed notebook writes (the file name is the same in both modes).
NOTEBOOK_CHECKPOINTS = {
    "GenerativePyTorch.ipynb": "char_lstm_torch.pt",
    "GenerativeTF.ipynb": "char_lstm_tf.keras",
    "WordGeneration.ipynb": "word_lstm_torch.pt",
    "DateTranslation.ipynb": "date_translator_torch.pt",
}


def full_mode_stand_in(name: str) -> bytes:
    return f"stand-in for a full-mode {name}: a quick run must never write over this file\n".encode()


if not os.environ.get("TEXTGEN_CHECKPOINT_DIR"):
    _root = Path(tempfile.mkdtemp(prefix="textgen-test-checkpoints-"))
    os.environ["TEXTGEN_CHECKPOINT_DIR"] = str(_root)
    for _name in NOTEBOOK_CHECKPOINTS.values():
        (_root / _name).write_bytes(full_mode_stand_in(_name))
    os.environ["TEXTGEN_TEST_STAND_INS"] = "1"  # tells the check that the stand-ins are ours


def pytest_collection_modifyitems(session, config, items):
    """Run the tests marked ``after_notebooks`` last, once every notebook has run."""
    late = [item for item in items if item.get_closest_marker("after_notebooks")]
    items[:] = [item for item in items if item not in late] + late


def pytest_configure(config):
    config.addinivalue_line("markers", "after_notebooks: runs after every notebook of the session (see conftest.py)")
