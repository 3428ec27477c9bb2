"""The German notebooks are the English notebooks with German markdown, and nothing else.

tools/translate_notebooks.py builds each ``*.de.ipynb`` from its English notebook and the
catalogue translations/de.json. These tests run no notebook; they fail when

* an English markdown cell has no German text (it is new or it changed: its key is not in the
  catalogue);
* a German notebook is out of date with its English notebook or with the catalogue (or was edited
  by hand);
* a code cell, a stored output or anything else outside the markdown text differs from the English
  notebook;
* a German text lost the inline code, the links, the formulas, the headings or the lists of the
  English cell it translates;
* a German notebook does not open with the note that its outputs are English (a point is the
  decimal sign there), or a German text breaks the agreed spelling (translations/GLOSSARY.de.md):
  an English heading left untranslated, "## Setup", "Id", an English number format, *Sie*.

The fix is always the same: ``python tools/translate_notebooks.py --todo`` lists what needs German,
``--merge`` adds it to the catalogue, and ``python tools/translate_notebooks.py`` rebuilds.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from support import load_module

ROOT = Path(__file__).resolve().parent.parent
REBUILD = "run python tools/translate_notebooks.py"
TRANSLATE = (
    "python tools/translate_notebooks.py --todo > todo.json prints them; fill in each \"de\", "
    "then python tools/translate_notebooks.py --merge todo.json && python tools/translate_notebooks.py"
)


tool = load_module("tools/translate_notebooks.py", "translate_notebooks")


def _load_page_checks():
    """tests/test_translations.py, for its list of rejected words and its *Sie* pattern (one list
    for the German pages and the German notebooks)."""
    name = "_german_page_checks"
    if name not in sys.modules:
        sys.modules[name] = load_module("tests/test_translations.py", name, register=True)
    return sys.modules[name]


pages = _load_page_checks()

# The note each German notebook opens with: its outputs are English, and so is their number format.
OUTPUT_NOTE = "> **Hinweis:**"
OUTPUT_NOTE_WORDS = ("englisch", "Punkt = Dezimalzeichen")

# Words that read the same in German: a German heading equal to its English one is allowed only if
# every word of it is here (or a number), so an untranslated heading is caught without a list of
# the notebooks' headings.
SAME_IN_GERMAN = {"Training", "Lab", "LSTM", "PyTorch", "TensorFlow", "Keras", "Token", "Batches",
                  "Encoder", "Decoder", "Top-k", "Top-p"}

# Spellings translations/GLOSSARY.de.md settles for the notebooks, beyond the pages' GERMAN_TERMS.
NOTEBOOK_SPELLING = {
    r"(?m)^#{1,6}[ \t]+Setup\b": "## Einrichtung",
    r"(?-i:\bIds?\b)": "ID, IDs",
    r"Trainingstexts\b": "des Trainingstextes",
    r"versteckte\w*\s+Größe": "Zustandsgröße (hidden size)",
    r"auf\s+(?:einem|dem)\s+Prompt\s+aufwärm": "mit dem Prompt aufwärmen",
}
# German texts whose numbers differ from the English on purpose (key: why).
NUMBERS_ON_PURPOSE = {
    "8ca9598b03d4": "the 2100s, not 'the 22nd century' (which is 2101-2200): the German review, item 30",
}
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*$", re.M)
NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)")
GERMAN_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def english_or_skip(english: str, root: Path = ROOT) -> dict:
    if not (root / english).is_file():
        pytest.skip(f"{english} does not exist yet; its German version follows when it does")
    return read(root / english)


# ---------------------------------------------------------------------------------------
# Checks, written as functions so that the self-tests below can feed them wrong states
# ---------------------------------------------------------------------------------------
def untranslated(english: str, root: Path = ROOT) -> list[str]:
    catalogue = tool.load_catalogue(root)
    return [
        f"cell {gap['cell']} ({gap['first_line']!r}): no German text for key {gap['key']}"
        for gap in tool.missing(english, read(root / english), catalogue)
    ]


def staleness(english: str, root: Path = ROOT) -> str | None:
    """None if the German notebook on disk is what the tool builds now, else why not."""
    german = root / tool.NOTEBOOKS[english]
    notebook = read(root / english)
    catalogue = tool.load_catalogue(root)
    if tool.missing(english, notebook, catalogue):
        return f"{german.name} cannot be up to date: {english} has markdown cells without German text"
    if not german.is_file():
        return f"{german.relative_to(root)} is missing: {REBUILD}"
    if german.read_text(encoding="utf-8") != tool.dumps(tool.build(english, notebook, catalogue)):
        return (
            f"{german.relative_to(root)} is out of date with {english} or {tool.CATALOGUE} "
            f"(or was edited by hand): {REBUILD}"
        )
    return None


def differences(en: dict, de: dict) -> list[str]:
    """Everything in which the German notebook differs from the English one, but the markdown text."""
    found = []
    if de.get("nbformat") != en.get("nbformat") or de.get("nbformat_minor") != en.get("nbformat_minor"):
        found.append("notebook format")
    metadata = {k: v for k, v in de.get("metadata", {}).items() if k != "translation"}
    if metadata != en.get("metadata", {}):
        found.append("notebook metadata (other than the translation tag)")
    if de.get("metadata", {}).get("translation", {}).get("language") != "de":
        found.append("no language tag: metadata.translation.language should be 'de'")
    if len(de["cells"]) != len(en["cells"]):
        found.append(f"{len(en['cells'])} cells in English, {len(de['cells'])} in German")
    for i, (a, b) in enumerate(zip(en["cells"], de["cells"])):
        if a["cell_type"] != b["cell_type"]:
            found.append(f"cell {i}: {a['cell_type']} in English, {b['cell_type']} in German")
        elif a["cell_type"] == "markdown":
            if {k: v for k, v in a.items() if k != "source"} != {k: v for k, v in b.items() if k != "source"}:
                found.append(f"cell {i} (markdown): id, metadata or attachments differ")
        elif a != b:
            parts = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            found.append(f"cell {i} ({a['cell_type']}, id {a.get('id')}): {', '.join(parts)} differ")
    return found


def headings(text: str) -> list[str]:
    """The headings of a markdown text, code blocks left out, without their '#' marks."""
    return [m.group(2) for m in HEADING.finditer(tool.FENCE.sub("", text))]


def untranslated_headings(en: str, de: str) -> list[str]:
    """Headings of ``de`` that are still the English ones, paired with ``en``'s by position."""
    found = []
    for a, b in zip(headings(en), headings(de)):
        words = [w for w in re.split(r"[\s:,.()]+", a) if w and not w.isdigit()]
        if a == b and not all(w in SAME_IN_GERMAN for w in words):
            found.append(f"heading '{b}' is the English one")
    return found


def prose(de: str) -> str:
    """The German running text: no code, formulas, link targets, HTML, and not the output note
    (it quotes English output such as '1.485 nats/char' on purpose)."""
    lines = tool.FENCE.sub("", de).split("\n")
    if de.startswith(OUTPUT_NOTE):  # the note is the opening block quote
        while lines and lines[0].startswith(">"):
            lines.pop(0)
    text = "\n".join(lines)
    text = re.sub(r"\$\$.+?\$\$|\$[^$\n]+\$", " ", text, flags=re.S)
    return pages.VERSION.sub(" ", pages.strip_markup(text))


def spelling_problems(de: str) -> list[str]:
    """Where a German text breaks the glossary: rejected words, Sie, a number that is not in
    German format (English 2,000 is caught by comparing with the English: number_problems)."""
    text = prose(de)
    found = []
    for word, instead in {**pages.GERMAN_TERMS, **NOTEBOOK_SPELLING}.items():
        m = re.search(word, text, re.IGNORECASE)
        if m:
            found.append(f"'{m.group(0).strip()}' (use {instead})")
    for line in text.split("\n"):
        for m in pages.FORMAL_ADDRESS.finditer(line):
            before = line[: m.start()].rstrip()
            if before and (before[-1].isalnum() or before[-1] in ",)"):
                found.append(f"Sie: '{line.strip()}' (the notebooks say du)")
    for m in NUMBER.finditer(text):
        if not GERMAN_NUMBER.fullmatch(m.group(1)) and not DATE.fullmatch(m.group(1)):
            found.append(f"'{m.group(1)}' is not a German number (1.485 is 1485; 1,485 nat)")
    return found


def number_problems(en: str, de: str) -> list[str]:
    """English numbers that the German text lost, each read in its own language's format: an
    English 2,000 written as 2,000 in German reads as 2 (the German text may add numbers)."""
    en_numbers = pages.numbers(prose(en), "en")
    lost = Counter(n.bare for n in en_numbers) - Counter(n.bare for n in pages.numbers(prose(de), "de"))
    found = []
    for n in en_numbers:
        if lost[n.bare] > 0:
            lost[n.bare] -= 1
            found.append(f"the English number '{n.raw}' is not in the German text (German format: "
                         f"{pages.german_spelling(n)})")
    return found


# ---------------------------------------------------------------------------------------
# The real notebooks
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("english", list(tool.NOTEBOOKS))
def test_every_markdown_cell_has_a_german_text(english):
    english_or_skip(english)
    gaps = untranslated(english)
    assert not gaps, (
        f"{english}: {len(gaps)} markdown cells are new or changed and have no German text:\n  "
        + "\n  ".join(gaps) + f"\n{TRANSLATE}"
    )


@pytest.mark.parametrize("english", list(tool.NOTEBOOKS))
def test_german_notebook_is_up_to_date(english):
    english_or_skip(english)
    problem = staleness(english)
    assert problem is None, problem


@pytest.mark.parametrize("english", list(tool.NOTEBOOKS))
def test_code_cells_and_outputs_are_the_english_ones(english):
    en = english_or_skip(english)
    german = ROOT / tool.NOTEBOOKS[english]
    assert german.is_file(), f"{tool.NOTEBOOKS[english]} is missing: {REBUILD}"
    found = differences(en, read(german))
    assert not found, (
        f"{german.name} differs from {english} outside the markdown text ({REBUILD}; never edit a "
        "German notebook by hand):\n  " + "\n  ".join(found)
    )


def translated_cells():
    """(English notebook, cell index, key, English text, German text) of every markdown cell that has a
    German text; the cells without one are reported by test_every_markdown_cell_has_a_german_text."""
    catalogue = tool.load_catalogue()
    for english in tool.present():
        for index, cell in tool.markdown_cells(read(ROOT / english)):
            text = tool.source(cell)
            entry = catalogue.get(tool.key(text))
            if entry:
                yield english, index, tool.key(text), text, entry["de"]


def test_translations_keep_code_links_and_structure():
    problems = []
    for english, _, key, text, german in translated_cells():
        found = tool.structure_problems(text, german)
        found += tool.german_links_problems(german, str(Path(english).parent))
        problems += [f"{english}, key {key}: {p}" for p in found]
    assert not problems, "German texts that lost part of the English cell:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("english", list(tool.NOTEBOOKS))
def test_german_notebook_opens_with_the_output_note(english):
    """The outputs stay English: a reader must know that 1.485 there is 1,485 here."""
    english_or_skip(english)
    german = ROOT / tool.NOTEBOOKS[english]
    assert german.is_file(), f"{tool.NOTEBOOKS[english]} is missing: {REBUILD}"
    cells = tool.markdown_cells(read(german))
    assert cells, f"{german.name} has no markdown cell"
    first = tool.source(cells[0][1])
    assert first.startswith(OUTPUT_NOTE) and all(w in first for w in OUTPUT_NOTE_WORDS), (
        f"{german.name}: its first markdown cell should open with the note that the outputs are "
        f"English ('{OUTPUT_NOTE} ... englisch ... Punkt = Dezimalzeichen ...'); it opens with "
        f"{first[:80]!r}. Add it to the German text of that cell in {tool.CATALOGUE}."
    )


def test_german_texts_follow_the_glossary():
    """Headings translated (paired with the English by position), the glossary's spellings,
    German number format and du, in every German text the notebooks use."""
    problems = []
    for english, index, key, text, german in translated_cells():
        found = untranslated_headings(text, german) + spelling_problems(german)
        if key not in NUMBERS_ON_PURPOSE:
            found += number_problems(text, german)
        problems += [f"{english}, cell {index} (key {key}): {p}" for p in found]
    problems = sorted(set(problems), key=problems.index)
    assert not problems, (
        f"German texts in {tool.CATALOGUE} that break translations/GLOSSARY.de.md:\n  "
        + "\n  ".join(problems)
    )


def test_catalogue_keys_match_their_english_text():
    wrong = [k for k, entry in tool.load_catalogue().items() if tool.key(entry["en"]) != k]
    assert not wrong, f"{tool.CATALOGUE}: keys that are not the hash of their 'en' text: {wrong}"


def test_every_german_notebook_is_built_by_the_tool():
    """A *.de.ipynb that the tool does not build would be a hand-made copy nobody keeps in step."""
    known = {ROOT / german for german in tool.NOTEBOOKS.values()}
    stray = [
        str(path.relative_to(ROOT))
        for path in list(ROOT.glob("*.de.ipynb")) + list(ROOT.glob("lab/*.de.ipynb"))
        if path not in known
    ]
    assert not stray, f"German notebooks that tools/translate_notebooks.py does not build: {stray}"


# ---------------------------------------------------------------------------------------
# The three wrong states, made on purpose in a scratch copy, must each be caught
# ---------------------------------------------------------------------------------------
def _scratch(tmp_path: Path) -> tuple[Path, str]:
    """A tiny repository: one English notebook, its catalogue, and its German notebook, built."""
    english = "GenerativePyTorch.ipynb"
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {},
             "source": ["## Setup\n", "\n", "Run `make_model` first; see the [README](README.md)."]},
            {"cell_type": "code", "execution_count": 1, "id": "b", "metadata": {}, "outputs": [
                {"name": "stdout", "output_type": "stream", "text": ["1.485 nats/char\n"]}],
             "source": ["print('1.485 nats/char')"]},
            {"cell_type": "markdown", "id": "c", "metadata": {}, "source": "The loss is $-\\ln p$."},
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / english).write_text(tool.dumps(notebook), encoding="utf-8")
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    (tmp_path / "README.de.md").write_text("x", encoding="utf-8")
    german = {
        tool.source(notebook["cells"][0]):
            "> **Hinweis:** Ausgaben sind englisch: Punkt = Dezimalzeichen.\n\n"
            "## Einrichtung\n\nFühre zuerst `make_model` aus; siehe die [README](README.de.md).",
        tool.source(notebook["cells"][2]): "Der Verlust ist $-\\ln p$.",
    }
    tool.save_catalogue({tool.key(en): {"en": en, "de": de} for en, de in german.items()}, tmp_path)
    assert tool.write(tmp_path) == []
    return tmp_path, english


def _edit(path: Path, change) -> None:
    notebook = read(path)
    change(notebook)
    path.write_text(tool.dumps(notebook), encoding="utf-8")


def test_scratch_copy_starts_clean(tmp_path):
    root, english = _scratch(tmp_path)
    assert untranslated(english, root) == []
    assert staleness(english, root) is None
    assert differences(read(root / english), read(root / tool.NOTEBOOKS[english])) == []
    assert tool.check(root) == []


def test_a_changed_english_cell_without_german_is_caught(tmp_path):
    root, english = _scratch(tmp_path)
    _edit(root / english, lambda nb: nb["cells"][2].update(source="The loss is $-\\ln p$ per character."))
    gaps = untranslated(english, root)
    assert len(gaps) == 1 and "cell 2" in gaps[0]
    assert "markdown cells without German text" in staleness(english, root)
    assert any("no German text" in p for p in tool.check(root))
    assert list(tool.todo(root).values())[0]["was"]["de"] == "Der Verlust ist $-\\ln p$."


def test_a_stale_german_notebook_is_caught(tmp_path):
    root, english = _scratch(tmp_path)
    catalogue = tool.load_catalogue(root)
    first = next(iter(catalogue))
    catalogue[first]["de"] = catalogue[first]["de"].replace("zuerst", "als Erstes")
    tool.save_catalogue(catalogue, root)  # a better translation, but the notebook was not rebuilt
    assert untranslated(english, root) == []
    assert "out of date" in staleness(english, root)
    assert any("out of date" in p for p in tool.check(root))


def test_a_changed_code_cell_or_output_is_caught(tmp_path):
    root, english = _scratch(tmp_path)
    german = root / tool.NOTEBOOKS[english]
    _edit(german, lambda nb: nb["cells"][1]["outputs"][0].update(text=["1,485 nat/Zeichen\n"]))
    assert differences(read(root / english), read(german)) == ["cell 1 (code, id b): outputs differ"]
    assert "out of date" in staleness(english, root)
    _edit(german, lambda nb: nb["cells"][1].update(source=["print('übersetzt')"]))
    assert "source differ" in differences(read(root / english), read(german))[0]


def test_a_german_text_that_loses_code_or_links_is_caught():
    en = "## Steps\n\n1. Call `generate` ([README](README.md)).\n2. Read $p_i$.\n\n<details>x</details>"
    good = "## Schritte\n\n1. Ruf `generate` auf ([README](README.de.md)).\n2. Lies $p_i$.\n\n<details>x</details>"
    assert tool.structure_problems(en, good) == []
    assert tool.german_links_problems(good, ".", ROOT) == []
    assert tool.german_links_problems(good.replace("README.de.md", "README.md"), ".", ROOT)
    for broken in (
        good.replace("`generate`", "generate"),  # inline code
        good.replace("(README.de.md)", "(LIESMICH.md)"),  # link target
        good.replace("$p_i$", "p_i"),  # formula
        good.replace("## Schritte", "### Schritte"),  # heading level
        good.replace("2. Lies", "Lies"),  # numbered item
        good.replace("<details>x</details>", ""),  # <details> block
    ):
        assert tool.structure_problems(en, broken), broken


def test_a_missing_english_notebook_is_skipped_with_a_message(tmp_path, capsys):
    root, _ = _scratch(tmp_path)
    assert tool.main([], root) == 0
    out = capsys.readouterr().out
    for english in tool.NOTEBOOKS:
        if english != "GenerativePyTorch.ipynb":
            assert f"skipped {english}: it does not exist yet" in out
    assert "lab/DateTranslation-starter.ipynb" in tool.NOTEBOOKS


def test_untranslated_headings_and_broken_spelling_are_caught():
    en = "## 2. Training batches\n\ntext\n\n## 4. Training\n\n```python\n# Setup\n```"
    good = "## 2. Trainings-Batches\n\nText\n\n## 4. Training\n\n```python\n# Setup\n```"
    assert untranslated_headings(en, good) == []
    assert untranslated_headings(en, good.replace("Trainings-Batches", "Training batches")) == [
        "heading '2. Training batches' is the English one"
    ]
    fine = (
        "> **Hinweis:** „1.485 nats/char“ bedeutet 1,485 nat/Zeichen.\n\n## Einrichtung\n\n"
        "Jede ID zählt: 2.000 Schritte, 1,485 nat pro Zeichen, `temperature=0.8`, Python 3.11, "
        "am 3.3.2026. Sie lehnt es ab."
    )
    assert spelling_problems(fine) == [], spelling_problems(fine)
    assert spelling_problems("> 1.485 nats/char\n\nText")  # only the opening note may quote output
    for broken in (
        fine.replace("## Einrichtung", "## Setup"),
        fine.replace("Jede ID", "Jede Id"),
        fine.replace("2.000 Schritte", "2.000.0 Schritte"),
        fine.replace("1,485 nat pro", "1,485 Nats pro"),
        fine.replace("Sie lehnt es ab.", "Dann können Sie es ablehnen."),
        fine + " Danach mit einem Prompt warmlaufen.",
    ):
        assert spelling_problems(broken), broken

    en = "Train 2,000 steps at T = 0.5 (1.485 nats/char), 15 times."
    de = "Trainiere 2.000 Schritte bei T = 0,5 (1,485 nat/Zeichen), 15-mal, ab Abschnitt 3."
    assert number_problems(en, de) == []
    assert number_problems(en, de.replace("2.000", "2,000")) == [
        "the English number '2,000' is not in the German text (German format: 2.000)"
    ]
    assert len(number_problems(en, de.replace("0,5", "0.5"))) == 1
    assert len(number_problems(en, de.replace("1,485", "1.485"))) == 1
