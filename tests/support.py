"""Helpers the test modules share (``import support``; pytest puts ``tests/`` on the path).

* ``load_module``: a script of the repository (lab/make_starter.py, tools/...) as a module;
* ``load_notebook`` and ``sources``: a notebook's JSON and the sources of its code or markdown cells;
* ``run_lab_with_mistakes``: the one harness for both labs' self-checks (with ``stub_function`` and
  ``assigned_names``, which read a cell's code);
* the Markdown patterns and ``link_targets`` (every link of a page: inline, reference-style and HTML,
  code left out), from tools/translation_checks.py: the module's one Markdown parser.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_module(relative_path: str, name: str | None = None, register: bool = False):
    """The Python file at ``relative_path`` (from the repository root), imported as a module.

    ``register`` puts it into ``sys.modules`` under ``name`` before it runs (dataclasses in the file
    look their module up while it runs).
    """
    path = ROOT / relative_path
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_notebook(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def sources(nb: dict, kind: str = "code") -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


def stub_function(source: str) -> str:
    """The name of the function (or method) that holds a cell's SOLUTION block."""
    line = next(i for i, text in enumerate(source.split("\n"), 1) if "# SOLUTION START:" in text)
    found = [n.name for n in ast.walk(ast.parse(source))
             if isinstance(n, ast.FunctionDef) and n.lineno <= line <= n.end_lineno]
    return found[-1]


def assigned_names(source: str) -> set[str]:
    """Names a cell binds at top level (assignments, functions, classes, loop targets): a starter cell
    must not rebind a name an earlier cell defined."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if target is not None:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def run_lab_with_mistakes(solution: list[str], starter: list[str], mistakes: dict,
                          after_cell=None) -> tuple[dict, list[str], list[str]]:
    """Run a lab's worked solution cell by cell in one namespace, trying the starter and the mistakes.

    The same rules for every lab:

    * in a cell the starter stubs, the starter's version must raise ``NotImplementedError("TODO: ...")``
      and must not bind a name an earlier cell defined;
    * each mistake is a list of ``(right, wrong)`` replacements, every occurrence of ``right`` in the
      solution cell replaced by ``wrong``; the mistaken cell must fail with an ``AssertionError`` (its
      self-check). ``mistakes`` maps a function's name to ``{label: [(right, wrong), ...]}``: a stub's,
      or a function the starter gives whole (its self-check guards a student who changes it); every
      name in ``mistakes`` must be defined by some cell;
    * the random number generators are restored after every try, so the solution's own run does not
      depend on which mistakes were tried;
    * ``after_cell(i, namespace)`` runs after solution cell ``i`` (e.g. to shrink a configuration).

    Returns the namespace, the stubs found (in order) and every mistake the self-checks let through.
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import pytest
    import torch

    assert len(solution) == len(starter), "the starter and the solution have different numbers of code cells"
    ns = {"__name__": "__main__"}
    stubs, missed, tried = [], [], set()
    for i, (sol, sta) in enumerate(zip(solution, starter)):
        rng_state, np_state = torch.get_rng_state(), np.random.get_state()
        if sol != sta:  # a cell with a stub
            name = stub_function(sol)
            stubs.append(name)
            reused = sorted(n for n in assigned_names(sta) - {"_"} if n in ns)
            assert not reused, f"cell {i} ({name}) binds {reused}, already defined by an earlier cell"
            with pytest.raises(NotImplementedError, match="^TODO: "):
                exec(compile(sta, f"<starter cell {i}: {name}>", "exec"), dict(ns))
            names = [name]
        else:  # a cell the starter gives whole: the mistakes listed for the functions it defines
            names = [name for name in mistakes if f"\ndef {name}(" in "\n" + sol]
        for name in names:
            tried.add(name)
            for label, replacements in mistakes.get(name, {}).items():
                wrong = sol
                for right, instead in replacements:
                    assert right in wrong, f"the mistake '{label}' for {name} no longer applies: {right!r} is gone"
                    wrong = wrong.replace(right, instead)
                try:
                    exec(compile(wrong, f"<mistaken cell {i}: {name}, {label}>", "exec"), dict(ns))
                except AssertionError:
                    pass  # the self-check caught it
                else:
                    missed.append(f"{name}: {label}")
                torch.set_rng_state(rng_state)
                np.random.set_state(np_state)
        exec(compile(sol, f"<solution cell {i}>", "exec"), ns)
        if after_cell is not None:
            after_cell(i, ns)
        plt.close("all")
    assert tried == set(mistakes), f"mistakes listed for functions no cell defines: {sorted(set(mistakes) - tried)}"
    return ns, stubs, missed


_markdown = load_module("tools/translation_checks.py", "translation_checks", register=True)
FENCE, INLINE_CODE, MD_LINK = _markdown.FENCE, _markdown.INLINE_CODE, _markdown.MD_LINK
link_targets, is_local = _markdown.link_targets, _markdown.is_local
