"""The German notebooks and pages pass the translation linter, and the linter catches what it must.

``python tools/translate_notebooks.py --check`` is the linter (its checks: tools/translation_checks.py).
One test runs it on the repository. The others build a tiny repository (one notebook, its catalogue,
its German notebook, and both page pairs), see that it passes, then break it in each of the ways the
linter exists for and see each caught: a linter that passes everything would pass the repository too.

The fix for a failure is always the same: ``python tools/translate_notebooks.py --todo`` lists what
needs German, ``--merge`` adds it to the catalogue, ``python tools/translate_notebooks.py`` rebuilds,
and the German pages are edited by hand.
"""

from __future__ import annotations

import json

import pytest
from support import load_module

tool = load_module("tools/translate_notebooks.py", "translate_notebooks")
checks = load_module("tools/translation_checks.py", "translation_checks", register=True)


def test_the_repository_passes_the_translation_linter(capsys):
    code = tool.main(["--check"])
    assert code == 0, capsys.readouterr().err


# ---------------------------------------------------------------------------------------
# A tiny repository, clean, then broken on purpose
# ---------------------------------------------------------------------------------------
NOTEBOOK_TEXTS = {  # English markdown cell -> German
    "## Setup\n\nRun `make_model` first; see the [README](README.md). It trains 2,000 steps.":
        "> **Hinweis:** Die Ausgaben sind englisch (Punkt = Dezimalzeichen).\n\n## Einrichtung\n\n"
        "Führe zuerst `make_model` aus; siehe die [README](README.de.md). Es trainiert 2.000 Schritte.",
    "## 4. Steps\n\n1. Read $p_i$ (1.485 nats/char).\n2. Call `generate`.\n\n<details>x</details>":
        "## 4. Schritte\n\n1. Lies $p_i$ (1,485 nat/Zeichen).\n2. Ruf `generate` auf.\n\n<details>x</details>",
}
PAGES = {
    "README.md": "# Title\n\n[Deutsch](README.de.md) · [Lab](lab/README.md) · [Setup](#setup)\n\n## Setup\n\n"
                 "Train 2,000 steps at 1.485 nats/char with Python 3.11.\n\n| run | loss |\n|---|---|\n"
                 "| full | 1.485 |\n\n1. Run `make_model`.\n2. Read the [notebook](GenerativePyTorch.ipynb).\n\n"
                 "- a bullet\n\n```bash\npip install x  # install\n```\n",
    "README.de.md": "# Titel\n\n[English](README.md) · [Lab](lab/README.de.md) · [Einrichtung](#einrichtung)\n\n"
                    "## Einrichtung\n\nTrainiere 2.000 Schritte bei 1,485 nat/Zeichen mit Python 3.11.\n\n"
                    "| Lauf | Verlust |\n|---|---|\n| voll | 1,485 |\n\n1. Führe `make_model` aus.\n"
                    "2. Lies das [Notebook](GenerativePyTorch.de.ipynb).\n\n- ein Punkt\n\n"
                    "```bash\npip install x  # installieren\n```\n",
    "lab/README.md": "# Lab\n\n[Deutsch](README.de.md) · [Home](../README.md)\n",
    "lab/README.de.md": "# Lab\n\n[English](README.md) · [Start](../README.de.md)\n",
}
ENGLISH = "GenerativePyTorch.ipynb"


@pytest.fixture
def scratch(tmp_path):
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": list(NOTEBOOK_TEXTS)[0]},
             {"cell_type": "code", "execution_count": 1, "id": "b", "metadata": {}, "source": "print(1.485)",
              "outputs": [{"name": "stdout", "output_type": "stream", "text": ["1.485\n"]}]},
             {"cell_type": "markdown", "id": "c", "metadata": {}, "source": list(NOTEBOOK_TEXTS)[1]}]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "lab").mkdir()
    (tmp_path / ENGLISH).write_text(tool.dumps(notebook), encoding="utf-8")
    for page, text in PAGES.items():
        (tmp_path / page).write_text(text, encoding="utf-8")
    tool.save_catalogue({tool.key(en): {"en": en, "de": de} for en, de in NOTEBOOK_TEXTS.items()}, tmp_path)
    assert tool.write(tmp_path) == []
    return tmp_path


def test_the_tiny_repository_starts_clean(scratch, capsys):
    assert tool.check(scratch) == []
    assert tool.main([], scratch) == 0  # the other English notebooks do not exist: skipped, said so
    assert "skipped lab/DateTranslation-starter.ipynb: it does not exist yet" in capsys.readouterr().out


def edit_text(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}: the mistake no longer applies"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_german_notebook(root, change):
    path = root / tool.NOTEBOOKS[ENGLISH]
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook)
    path.write_text(tool.dumps(notebook), encoding="utf-8")


CATALOGUE_MISTAKES = [  # (what, German text before, after, what the linter says); the notebook is rebuilt
    ("inline code lost", "`generate` auf", "generate auf", "inline code: only in English"),
    ("link target changed", "(README.de.md)", "(LIESMICH.md)", "links: only in English"),
    ("link to the English page", "(README.de.md)", "(README.md)", "link to the German version"),
    ("formula lost", "$p_i$", "p_i", "formulas"),
    ("heading level", "## 4. Schritte", "### 4. Schritte", "headings"),
    ("numbered item lost", "2. Ruf", "Ruf", "numbered items"),
    ("<details> lost", "<details>x</details>", "", "<details> blocks"),
    ("heading left English", "## 4. Schritte", "## 4. Steps", "heading '4. Steps' is the English one"),
    ("Setup heading", "## Einrichtung", "## Setup", "(use ## Einrichtung)"),
    ("English number format", "2.000 Schritte", "2,000 Schritte", "the English number '2,000'"),
    ("not a German number", "2.000 Schritte", "2.000.0 Schritte", "'2.000.0' is not a German number"),
    ("unit in the plural", "1,485 nat/Zeichen", "1,485 Nats pro Zeichen", "(use nat, bit"),
    ("Sie", "Führe zuerst", "Dann führen Sie zuerst", "Sie: "),
    ("Id", "aus; siehe", "aus (jede Id); siehe", "(use ID, IDs)"),
    ("no output note", "> **Hinweis:** Die Ausgaben sind englisch (Punkt = Dezimalzeichen).\\n\\n", "",
     "should open with the note that the outputs are English"),
]


@pytest.mark.parametrize("what, old, new, said", CATALOGUE_MISTAKES, ids=[m[0] for m in CATALOGUE_MISTAKES])
def test_a_broken_german_text_is_caught(scratch, what, old, new, said):
    edit_text(scratch / tool.CATALOGUE, old, new)
    tool.write(scratch)  # rebuilt: only the text itself is wrong
    problems = tool.check(scratch)
    assert any(said in p for p in problems), problems


def test_missing_stale_and_hand_edited_german_is_caught(scratch):
    edit_text(scratch / ENGLISH, "Call `generate`.", "Call `generate` once.")
    assert any("cell 2" in p and "no German text" in p for p in tool.check(scratch))
    skeleton = tool.todo(scratch)
    assert list(skeleton.values())[0]["was"]["de"] == list(NOTEBOOK_TEXTS.values())[1]  # what to adapt
    for entry in skeleton.values():  # a translation that breaks the glossary is not merged
        entry["de"] = entry["was"]["de"].replace("Ruf `generate` auf", "Rufen Sie `generate` einmal auf")
    (scratch / "todo.json").write_text(json.dumps(skeleton), encoding="utf-8")
    assert any("Sie: " in p for p in tool.merge(scratch / "todo.json", scratch))
    edit_text(scratch / ENGLISH, "Call `generate` once.", "Call `generate`.")
    assert tool.check(scratch) == []

    edit_text(scratch / tool.CATALOGUE, "zuerst", "als Erstes")  # a better text, the notebook not rebuilt
    assert any("out of date" in p for p in tool.check(scratch))
    tool.write(scratch)
    edit_german_notebook(scratch, lambda nb: nb["cells"][1]["outputs"][0].update(text=["1,485\n"]))
    assert any("out of date" in p and "cell 1 (code, id b): outputs differ" in p for p in tool.check(scratch))
    tool.write(scratch)
    (scratch / "Other.de.ipynb").write_text("{}", encoding="utf-8")
    assert any("Other.de.ipynb is not built by" in p for p in tool.check(scratch))


PAGE_MISTAKES = [  # (what, page, before, after, what the linter says)
    ("heading level", "README.de.md", "## Einrichtung", "### Einrichtung", "the sections differ"),
    ("table number", "README.de.md", "| voll | 1,485 |", "| voll | 1,49 |", "table 1, row 1 ('full')"),
    ("English format in prose", "README.de.md", "2.000 Schritte", "2,000 Schritte", "is English number format"),
    ("version", "README.de.md", "Python 3.11", "Python 3.12", "versions ['Python 3.11'] in English"),
    ("numbered item", "README.de.md", "2. Lies", "Lies", "numbered items [1, 2] in English, [1] in German"),
    ("bullet", "README.de.md", "- ein Punkt", "ein Punkt", "1 bullets in English, 0 in German"),
    ("link", "README.de.md", "[Notebook](GenerativePyTorch.de.ipynb)", "Notebook", "links only in English"),
    ("no language switch", "lab/README.de.md", "[English](README.md) · ", "", "has no link to its English version"),
    ("broken anchor", "README.md", "](#setup)", "](#set-up)", "anchors that no heading has: ['#set-up']"),
    ("missing file", "lab/README.de.md", "(../README.de.md)", "(../LIESMICH.md)", "../LIESMICH.md does not exist"),
    ("English notebook linked", "README.de.md", "(GenerativePyTorch.de.ipynb)", "(GenerativePyTorch.ipynb)",
     "link to the German version (GenerativePyTorch.de.ipynb)"),
    ("inline code", "README.de.md", "`make_model`", "make_model", "inline code only in English ['make_model']"),
    ("code block", "README.de.md", "pip install x", "pip install y", "code block 1: English 'pip install x'"),
    ("'x' for times", "README.de.md", "1,485 nat", "1,485x nat", "write × for 'times'"),
    ("Sie", "README.de.md", "Trainiere 2.000", "Dann trainieren Sie 2.000", "Sie: "),
    ("rejected term", "README.de.md", "ein Punkt", "ein Gatter", "(use Gates)"),
]


@pytest.mark.parametrize("what, page, old, new, said", PAGE_MISTAKES, ids=[m[0] for m in PAGE_MISTAKES])
def test_a_german_page_that_differs_is_caught(scratch, what, page, old, new, said):
    edit_text(scratch / page, old, new)
    problems = tool.check(scratch)
    assert any(said in p for p in problems), problems


def test_numbers_and_versions_are_read_in_each_language():
    en = checks.numbers("1,472.5 nats, 24.2x faster, 53k chars/s, 0.07 s, 2,399 steps", "en")
    de = checks.numbers("1.472,5 nat, 24,2× schneller, 53.000 Zeichen/s, 0,07 s, 2.399 Schritte", "de")
    assert [n.key for n in en] == [n.key for n in de] and [n.value for n in en] == [1472.5, 24.2, 53000, 0.07, 2399]
    assert checks.numbers("1.698", "de")[0].value == 1698 and checks.numbers("0.07", "de")[0].value is None
    assert [n.key for n in checks.numbers("3.3.2026", "en")] == [n.key for n in checks.numbers("3.3.2026", "de")]
    assert checks.numbers("Python 3.10–3.12, torch 2.13.0+cpu, `x 1.5`", "de") == []
    assert checks.versions("Python 3.11, 3.12 oder 3.13 und 2,5 GB") == ["Python 3.11/3.12/3.13"]
