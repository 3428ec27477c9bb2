"""The helper package as a whole: small enough to see whole, one place for each job, linted.

* ruff passes with the rules configured in pyproject.toml;
* the package has the modules its docstring lists, and each ``TEXTGEN_*`` switch is read in one
  place (``textgen.run``);
* checkpoints are loaded in one place, without running code: no ``torch.load`` or Keras
  ``load_model`` anywhere else, and no ``weights_only=False`` anywhere;
* every public name is used by a notebook, a lab, the benchmark or a test;
* the lesson's model is defined once in the notebook (where students read it) and kept in
  ``textgen.models`` for the labs and tests; the two are the same code.
"""

import ast
import inspect
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import textgen

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "textgen"
MODULES = ["__init__", "data", "dates", "display", "models", "run", "sampling"]


def tracked_text_files(*patterns):
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in out.split() if (ROOT / name).is_file()]


def code_of(path):
    """The Python a file holds: the code cells of a notebook, or the file itself."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return path.read_text(encoding="utf-8")


def test_ruff_passes_with_the_configured_rules():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "check", "--output-format", "concise", "."], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_the_package_has_the_modules_its_docstring_lists():
    found = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert found == sorted(MODULES)
    for module in MODULES[1:]:
        assert f"``{module}``" in textgen.__doc__, f"textgen/__init__.py does not say what {module} holds"


def test_switches_are_read_in_one_place():
    readers = [p.name for p in PACKAGE.glob("*.py") if re.search(r"environ|getenv", p.read_text(encoding="utf-8"))]
    assert readers == ["run.py"], f"TEXTGEN_* switches read outside textgen/run.py: {readers}"


def test_checkpoints_are_loaded_in_one_place_and_never_run_code():
    loaders = re.compile(r"torch\.load\(|load_model\(")
    for path in tracked_text_files("*.py", "*.ipynb"):
        if path == Path(__file__):
            continue  # this file names what it looks for
        code = code_of(path)
        assert "weights_only=False" not in code, f"{path.relative_to(ROOT)} unpickles with weights_only=False"
        if path != PACKAGE / "run.py":
            assert not loaders.search(code), (
                f"{path.relative_to(ROOT)} loads a checkpoint itself; use textgen.load_checkpoint")


def test_every_public_name_is_used_outside_the_package():
    users = "\n".join(code_of(p) for p in tracked_text_files("*.py", "*.ipynb") if PACKAGE not in p.parents)
    unused = [name for name in textgen.__all__ if not re.search(rf"\b{name}\b", users)]
    assert not unused, f"public names nobody uses (remove them): {unused}"


def test_the_lesson_model_is_the_same_code_in_the_notebook_and_the_package():
    pytest.importorskip("torch")
    from textgen.models import CharLSTM

    cells = json.loads((ROOT / "GenerativePyTorch.ipynb").read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if "class CharLSTM(nn.Module)" in "".join(c["source"]))
    in_notebook = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "CharLSTM")
    in_package = ast.parse(inspect.getsource(CharLSTM)).body[0]
    assert ast.dump(in_notebook) == ast.dump(in_package), (
        "GenerativePyTorch.ipynb and textgen/models.py define CharLSTM differently: change both")
