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
import importlib
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
MODULES = ["__init__", "checks", "counting", "data", "dates", "display", "keras_model", "models", "run", "sampling",
           "trainlog"]


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
    # the tests do not count: a name only they use belongs to its module, not to textgen's surface
    users = "\n".join(code_of(p) for p in tracked_text_files("*.py", "*.ipynb")
                      if PACKAGE not in p.parents and ROOT / "tests" not in p.parents)
    unused = [name for name in textgen.__all__ if not re.search(rf"\b{name}\b", users)]
    assert not unused, f"public names nobody uses (remove them): {unused}"


@pytest.mark.parametrize("notebook, module, marker", [
    ("GenerativePyTorch.ipynb", "textgen.models", "class CharLSTM(nn.Module)"),
    ("GenerativeTF.ipynb", "textgen.keras_model", "class CharLSTM(keras.Model)"),
])
def test_the_lesson_model_is_the_same_code_in_the_notebook_and_the_package(notebook, module, marker):
    pytest.importorskip("torch" if module == "textgen.models" else "keras")
    CharLSTM = importlib.import_module(module).CharLSTM

    cells = json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if marker in "".join(c["source"]))
    in_notebook = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "CharLSTM")
    in_package = next(n for n in ast.parse(inspect.getsource(importlib.import_module(module))).body
                      if isinstance(n, ast.ClassDef) and n.name == "CharLSTM")
    assert CharLSTM.__name__ == "CharLSTM"
    assert ast.dump(in_notebook) == ast.dump(in_package), (
        f"{notebook} and {module} define CharLSTM differently: change both")


def imports_within_the_package(path):
    """The textgen modules that ``path`` imports, at the top or inside a function (lazily)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or node.module == "textgen" or (node.module or "").startswith("textgen."):
                module = node.module if node.level else node.module.removeprefix("textgen").lstrip(".")
                if module:  # from .run import x, from textgen.run import x
                    found.add(module.split(".")[0])
                else:  # from . import dates
                    found.update(alias.name for alias in node.names if (path.parent / f"{alias.name}.py").is_file())
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("textgen."))
    return found - {"__init__", path.stem}


def import_cycle(graph):
    """One cycle of the graph (module -> modules it imports) as a list, or None."""
    done, path = set(), []

    def visit(module):
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported)
            if cycle:
                return cycle
        path.pop()
        done.add(module)
        return None

    return next((cycle for cycle in map(visit, sorted(graph)) if cycle), None)


def test_no_module_imports_a_module_that_imports_it_back():
    graph = {p.stem: imports_within_the_package(p) for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert graph["checks"] == set(), "textgen/checks.py must import nothing from textgen: every module uses it"
    assert graph["data"] >= {"run", "checks"} and "data" not in graph["run"]  # the parser sees real imports
    cycle = import_cycle(graph)
    assert cycle is None, f"textgen modules import each other in a cycle: {' -> '.join(cycle)}"


def test_the_cycle_finder_finds_lazy_imports(tmp_path):
    (tmp_path / "a.py").write_text("from .b import f\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("import textgen.c\n\n\ndef f():\n    from . import a\n", encoding="utf-8")
    graph = {p.stem: imports_within_the_package(p) for p in sorted(tmp_path.glob("*.py"))}
    assert graph == {"a": {"b"}, "b": {"a", "c"}}
    assert import_cycle(graph) == ["a", "b", "a"]
    (tmp_path / "b.py").write_text("def f():\n    from textgen.a import g\n", encoding="utf-8")
    assert imports_within_the_package(tmp_path / "b.py") == {"a"}
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_deprecation_warnings_are_hidden_only_for_named_third_party_modules():
    import tomllib

    filters = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    for entry in filters.get("filterwarnings", []):
        action, _, category, module = (entry.split(":") + ["", "", "", ""])[:4]
        if action == "ignore" and "Warning" in category:
            assert module.strip(), f"pyproject.toml hides every {category} ({entry!r}): name the module"
            assert not module.startswith(("textgen", ".*", "*")), f"pyproject.toml hides textgen's warnings: {entry!r}"
