"""The test command gives the same result in a checkout that people have used.

A student opens the notebooks in JupyterLab (autosave copies appear in ``.ipynb_checkpoints/``),
runs the quick start (an executed copy lands in ``runs/``), builds the German notebooks, and
exports switches in the shell as INSTRUCTORS.md suggests. This test builds such a checkout in a
scratch folder, with this repository's ``pyproject.toml`` and ``conftest.py``, every notebook
that must *not* run failing loudly, and a test that records the environment the tests see; then
it runs pytest there the way the README does, with switches exported.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAILING_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": ["raise RuntimeError('this notebook must not be collected')"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
NOT_COLLECTED = [
    ".ipynb_checkpoints/GenerativePyTorch-checkpoint.ipynb",
    "lab/.ipynb_checkpoints/WordGeneration-starter-checkpoint.ipynb",
    "runs/GenerativePyTorch.ipynb",
    "GenerativePyTorch.de.ipynb",
    "lab/DateTranslation-starter.ipynb",
    "lab/WordGeneration-starter.de.ipynb",
]
RECORD_ENVIRONMENT = '''
import json, os
from pathlib import Path


def test_the_environment_the_tests_see():
    seen = {name: value for name, value in os.environ.items() if name.startswith("TEXTGEN_")}
    Path(os.environ["SEEN_FILE"]).write_text(json.dumps(seen))
    Path(seen["TEXTGEN_CHECKPOINT_DIR"], "quick").mkdir()  # something a notebook would write
'''


def test_a_used_checkout_with_switches_exported_gives_the_same_result(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "tests").mkdir(parents=True)
    for name in ("pyproject.toml", "conftest.py"):
        shutil.copy(ROOT / name, checkout / name)
    (checkout / "tests" / "test_env.py").write_text(RECORD_ENVIRONMENT)
    for name in NOT_COLLECTED:
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(json.dumps(FAILING_NOTEBOOK))
    exported = {"TEXTGEN_QUICK": "0", "TEXTGEN_PRETRAINED": str(tmp_path / "someone-elses.pt"),
                "TEXTGEN_TRAIN_SECONDS": "5", "TEXTGEN_CORPUS": str(tmp_path / "missing.txt"),
                "TEXTGEN_CHECKPOINT_DIR": str(tmp_path / "my-checkpoints"), "TEXTGEN_DATA_DIR": "~/elsewhere"}
    env = {**os.environ, **exported, "SEEN_FILE": str(tmp_path / "seen.json")}
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q"],
                            cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-3000:]

    seen = json.loads((tmp_path / "seen.json").read_text())
    assert set(seen) == {"TEXTGEN_QUICK", "TEXTGEN_CHECKPOINT_DIR"}, f"switches that leaked into the tests: {seen}"
    assert seen["TEXTGEN_QUICK"] == "1"
    assert not seen["TEXTGEN_CHECKPOINT_DIR"].startswith(str(tmp_path))
    assert not Path(seen["TEXTGEN_CHECKPOINT_DIR"]).exists(), "the temporary checkpoint folder was left behind"
    assert not (tmp_path / "my-checkpoints").exists()
