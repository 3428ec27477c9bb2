"""Build the German notebooks from the English ones and a translation catalogue.

Each German notebook is its English notebook with the text of every markdown cell replaced by
its German translation. Code cells, their stored outputs, execution counts and cell ids are
copied from the English notebook unchanged; the German notebook's metadata carries a
``translation`` tag. Nobody edits a ``*.de.ipynb`` by hand: change the English notebook or the
catalogue and run this script again.

The catalogue, ``translations/de.json``, holds one entry per English markdown text:

    "3f9a0c2d41b7": {"en": "## Setup\\n\\nAll imports ...", "de": "## Einrichtung\\n\\nAlle ..."}

The key is a short hash of the English cell source, so an English cell that changes gets a new
key and needs a new German text; a cell that the PyTorch and the TensorFlow notebook share is
translated once. ``en`` is the English text the German translates, kept so that a translator can
see what changed.

    python tools/translate_notebooks.py            write the German notebooks; exit 1 and list the
                                                   English cells without a translation
    python tools/translate_notebooks.py --check    the translation linter: exit 1 if a German
                                                   notebook is out of date, a translation is missing
                                                   or breaks the cell's structure (code, links,
                                                   formulas, headings) or the glossary, or a German
                                                   page differs from its English page (all checks:
                                                   tools/translation_checks.py)
    python tools/translate_notebooks.py --todo     print the cells that still need German as a JSON
                                                   skeleton (with the earlier English and German of
                                                   a changed cell, where there is one)
    python tools/translate_notebooks.py --merge FILE   add a filled-in skeleton to the catalogue
    python tools/translate_notebooks.py --prune    move entries that no English cell uses any more
                                                   to translations/de.unused.json
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from translation_checks import (  # noqa: E402
    FENCE,
    INLINE_CODE,
    MATH,
    is_local,
    link_targets,
    notebook_differences,
    output_note_problems,
    page_problems,
    text_problems,
)

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = "translations/de.json"
UNUSED = "translations/de.unused.json"
LANGUAGE = "de"

# English notebook -> German notebook. A notebook that does not exist yet is skipped with a message.
NOTEBOOKS = {
    "GenerativePyTorch.ipynb": "GenerativePyTorch.de.ipynb",
    "GenerativeTF.ipynb": "GenerativeTF.de.ipynb",
    "lab/WordGeneration-starter.ipynb": "lab/WordGeneration-starter.de.ipynb",
    "lab/DateTranslation-starter.ipynb": "lab/DateTranslation-starter.de.ipynb",
}

KEY_LENGTH = 12

# German texts whose numbers differ from the English on purpose (key: why); none at present.
NUMBERS_ON_PURPOSE: dict[str, str] = {}


# ---------------------------------------------------------------------------------------
# Reading and writing
# ---------------------------------------------------------------------------------------
def key(text: str) -> str:
    """The catalogue key of an English markdown text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def as_source(text: str, like) -> str | list[str]:
    """``text`` in the form the English cell stores its source: one string, or a list of lines."""
    return text if isinstance(like, str) else text.splitlines(keepends=True)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dumps(data) -> str:
    """JSON as Jupyter writes notebooks (indent 1, UTF-8 as is), with a final newline."""
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def load_catalogue(root: Path = ROOT, name: str = CATALOGUE) -> dict[str, dict]:
    path = root / name
    return read_json(path) if path.is_file() else {}


def save_catalogue(entries: dict[str, dict], root: Path = ROOT, name: str = CATALOGUE) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(entries), encoding="utf-8")


def present(root: Path = ROOT) -> dict[str, str]:
    """The pairs whose English notebook exists."""
    return {en: de for en, de in NOTEBOOKS.items() if (root / en).is_file()}


def absent(root: Path = ROOT) -> list[str]:
    return [en for en in NOTEBOOKS if not (root / en).is_file()]


def markdown_cells(notebook: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "markdown"]


# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------
def missing(english: str, notebook: dict, catalogue: dict) -> list[dict]:
    """The markdown cells of ``notebook`` that have no German text in ``catalogue``."""
    out = []
    for index, cell in markdown_cells(notebook):
        text = source(cell)
        entry = catalogue.get(key(text))
        if not entry or not entry.get(LANGUAGE, "").strip():
            first = next((line for line in text.splitlines() if line.strip()), "")
            out.append({"notebook": english, "cell": index, "id": cell.get("id"), "key": key(text),
                        "en": text, "first_line": first[:80]})
    return out


def build(english: str, notebook: dict, catalogue: dict) -> dict:
    """The German notebook: ``notebook`` with every markdown cell's text translated.

    Raises KeyError if a translation is missing (call ``missing`` first).
    """
    german = json.loads(json.dumps(notebook))  # a deep copy; code cells stay as they are
    for cell in german["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        entry = catalogue[key(source(cell))]
        cell["source"] = as_source(entry[LANGUAGE], cell["source"])
    german.setdefault("metadata", {})["translation"] = {
        "language": LANGUAGE,
        "from": Path(english).name,
        "catalogue": CATALOGUE,
        "note": "built by tools/translate_notebooks.py: edit the English notebook or the catalogue, not this file",
    }
    return german


# ---------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------
HEADING = re.compile(r"^(#{1,6})[ \t]+\S", re.M)
BULLET = re.compile(r"^[ \t]*[-*+][ \t]+\S", re.M)
NUMBERED = re.compile(r"^[ \t]*\d+[.)][ \t]+\S", re.M)


def _code_lines(block: str) -> list[str]:
    """A fenced block without comments (comments may be translated)."""
    lines = [re.sub(r"(^|\s)#.*$", "", line).rstrip() for line in block.split("\n")]
    return [line for line in lines if line.strip()]


def _english_target(target: str) -> str:
    """A German link target as the English one it stands for: X.de.md -> X.md, X.de.ipynb -> X.ipynb."""
    return re.sub(r"\.de\.(md|ipynb)(?=$|[#?])", r".\1", target)


def structure(text: str) -> dict:
    """What a translation must keep: code, formulas, link targets, headings, lists, <details>."""
    blocks = [_code_lines(m.group(4)) for m in FENCE.finditer(text)]
    prose = FENCE.sub("", text)
    spans = [_english_target(m.group(2).strip()) for m in INLINE_CODE.finditer(prose)]
    prose = INLINE_CODE.sub(" ", prose)
    return {
        "code blocks": blocks,
        "inline code": sorted(spans),
        "formulas": sorted(m.group(0) for m in MATH.finditer(prose)),
        "links": sorted(_english_target(t) for t in link_targets(prose)),
        "headings": [len(m.group(1)) for m in HEADING.finditer(prose)],
        "bullets": len(BULLET.findall(prose)),
        "numbered items": len(NUMBERED.findall(prose)),
        "<details> blocks": prose.count("<details"),
    }


def structure_problems(en: str, de: str) -> list[str]:
    """How the German text ``de`` differs in structure from the English ``en`` (empty: it does not)."""
    a, b = structure(en), structure(de)
    problems = []
    for what in a:
        if a[what] != b[what]:
            if isinstance(a[what], list) and what not in ("headings", "code blocks"):
                only_en = list((Counter(a[what]) - Counter(b[what])).elements())
                only_de = list((Counter(b[what]) - Counter(a[what])).elements())
                problems.append(f"{what}: only in English {only_en}, only in German {only_de}")
            else:
                problems.append(f"{what}: English {a[what]!r}, German {b[what]!r}")
    return problems


def german_links_problems(de: str, folder: str, root: Path = ROOT) -> list[str]:
    """Local links in a German text (of a notebook in ``folder``) that point to an English page or
    notebook that has a German version."""
    prose = INLINE_CODE.sub(" ", FENCE.sub("", de))
    german_notebooks = {(root / g).resolve() for g in NOTEBOOKS.values()}
    problems = []
    for target in link_targets(prose):
        if not is_local(target):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        for ext in (".md", ".ipynb"):
            if path.endswith(ext) and not path.endswith(".de" + ext):
                twin = (root / folder / (path[: -len(ext)] + ".de" + ext)).resolve()
                if twin.is_file() or twin in german_notebooks:
                    problems.append(f"{target}: link to the German version ({path[: -len(ext)]}.de{ext})")
    return problems


def check(root: Path = ROOT) -> list[str]:
    """Everything that is wrong with the German notebooks, their texts and the German pages (see
    tools/translation_checks.py); empty when all is well."""
    catalogue = load_catalogue(root)
    problems = [f"{CATALOGUE}: key {k} is not the hash of its 'en' text" for k, entry in catalogue.items()
                if key(entry["en"]) != k]
    for english, german in present(root).items():
        notebook = read_json(root / english)
        gaps = missing(english, notebook, catalogue)
        for gap in gaps:
            problems.append(
                f"{english}, cell {gap['cell']} ({gap['first_line']!r}): no German text for key {gap['key']}"
            )
        for index, cell in markdown_cells(notebook):
            k = key(source(cell))
            entry = catalogue.get(k)
            if entry and entry.get(LANGUAGE, "").strip():
                found = structure_problems(source(cell), entry[LANGUAGE])
                found += german_links_problems(entry[LANGUAGE], str(Path(english).parent), root)
                found += text_problems(source(cell), entry[LANGUAGE], check_numbers=k not in NUMBERS_ON_PURPOSE)
                problems += [f"{CATALOGUE}, key {k} ({english}, cell {index}): {p}" for p in found]
        if gaps:
            continue
        wanted = build(english, notebook, catalogue)
        path = root / german
        if not path.is_file():
            problems.append(f"{german} is missing: run python tools/translate_notebooks.py")
        elif path.read_text(encoding="utf-8") != dumps(wanted):
            found = notebook_differences(notebook, read_json(path))
            problems.append(
                f"{german} is out of date with {english} or {CATALOGUE} (or was edited by hand"
                + (": " + "; ".join(found) if found else "") + "): run python tools/translate_notebooks.py"
            )
        problems += [f"{german}: {p}" for p in output_note_problems(wanted)]
    known = {root / german for german in NOTEBOOKS.values()}
    problems += [f"{path.relative_to(root)} is not built by tools/translate_notebooks.py (add it to NOTEBOOKS)"
                 for path in sorted(root.glob("*.de.ipynb")) + sorted(root.glob("lab/*.de.ipynb")) if path not in known]
    problems += page_problems(root)
    return sorted(set(problems), key=problems.index)


# ---------------------------------------------------------------------------------------
# The translator's side: what is left to do, merging, pruning
# ---------------------------------------------------------------------------------------
def used_keys(root: Path = ROOT) -> set[str]:
    return {
        key(source(cell))
        for english in present(root)
        for _, cell in markdown_cells(read_json(root / english))
    }


def todo(root: Path = ROOT) -> dict[str, dict]:
    """A skeleton for the cells without German: fill in "de" and merge it with --merge.

    Where an older catalogue entry (in use or not) has a similar English text, the skeleton shows it
    and its German, so that only the change needs translating.
    """
    catalogue = load_catalogue(root)
    earlier = {**load_catalogue(root, UNUSED), **catalogue}
    skeleton = {}
    for english in present(root):
        for gap in missing(english, read_json(root / english), catalogue):
            if gap["key"] in skeleton:
                skeleton[gap["key"]]["notebooks"].append(f"{english}, cell {gap['cell']}")
                continue
            item = {"notebooks": [f"{english}, cell {gap['cell']}"], "en": gap["en"], "de": ""}
            best, score = None, 0.0
            for k, entry in earlier.items():
                if k == gap["key"] or not entry.get(LANGUAGE):
                    continue
                ratio = difflib.SequenceMatcher(None, entry.get("en", ""), gap["en"]).ratio()
                if ratio > score:
                    best, score = k, ratio
            if best and score >= 0.5:
                was = earlier[best]
                item["was"] = {
                    "key": best,
                    "similarity": round(score, 2),
                    "en_diff": "".join(difflib.unified_diff(
                        was["en"].splitlines(keepends=True), gap["en"].splitlines(keepends=True),
                        "earlier English", "English now")),
                    "de": was[LANGUAGE],
                }
            skeleton[gap["key"]] = item
    return skeleton


def merge(path: Path, root: Path = ROOT) -> list[str]:
    """Add the filled-in entries of a --todo skeleton to the catalogue; returns the problems."""
    filled = read_json(path)
    catalogue = load_catalogue(root)
    problems, added = [], 0
    for k, item in filled.items():
        en, de = item.get("en", ""), item.get(LANGUAGE, "").strip()
        if key(en) != k:
            problems.append(f"{k}: the key does not match its English text (was the English edited?)")
        elif not de:
            problems.append(f"{k}: no German text yet")
        else:
            found = structure_problems(en, item[LANGUAGE])
            found += text_problems(en, item[LANGUAGE], check_numbers=k not in NUMBERS_ON_PURPOSE)
            problems += [f"{k}: {p}" for p in found]
            if not found:
                catalogue[k] = {"en": en, LANGUAGE: item[LANGUAGE]}
                added += 1
    save_catalogue(catalogue, root)
    print(f"merged {added} of {len(filled)} entries into {CATALOGUE}")
    return problems


def prune(root: Path = ROOT) -> int:
    """Move the entries no English cell uses to UNUSED (their German may help with a changed cell)."""
    catalogue, unused = load_catalogue(root), load_catalogue(root, UNUSED)
    used = used_keys(root)
    moved = {k: v for k, v in catalogue.items() if k not in used}
    if moved:
        unused.update(moved)
        save_catalogue(unused, root, UNUSED)
        save_catalogue({k: v for k, v in catalogue.items() if k in used}, root)
    return len(moved)


def write(root: Path = ROOT) -> list[dict]:
    """Write every German notebook whose translations are complete; returns the missing cells."""
    catalogue = load_catalogue(root)
    gaps_all = []
    for english, german in present(root).items():
        notebook = read_json(root / english)
        gaps = missing(english, notebook, catalogue)
        if gaps:
            gaps_all += gaps
            print(f"not written: {german} ({len(gaps)} markdown cells of {english} have no German text)")
            continue
        text = dumps(build(english, notebook, catalogue))
        path = root / german
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            print(f"up to date: {german}")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {german}")
    return gaps_all


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if anything is out of date or missing")
    mode.add_argument("--todo", action="store_true", help="print the cells that need German, as JSON")
    mode.add_argument("--merge", metavar="FILE", type=Path, help="add a filled-in --todo skeleton")
    mode.add_argument("--prune", action="store_true", help=f"move unused entries to {UNUSED}")
    args = parser.parse_args(argv)

    if not args.todo:  # --todo prints JSON only
        for english in absent(root):
            print(f"skipped {english}: it does not exist yet (its German version is {NOTEBOOKS[english]})")
    if args.todo:
        print(dumps(todo(root)), end="")
        return 0
    if args.merge:
        problems = merge(args.merge, root)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1 if problems else 0
    if args.prune:
        print(f"moved {prune(root)} unused entries to {UNUSED}")
        return 0
    if args.check:
        problems = check(root)
        if problems:
            print(f"{len(problems)} problems with the German notebooks and pages:", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            if any("no German text" in problem for problem in problems):
                print("to translate: python tools/translate_notebooks.py --todo > todo.json, fill in "
                      "each \"de\", then python tools/translate_notebooks.py --merge todo.json",
                      file=sys.stderr)
            print("to rebuild the German notebooks: python tools/translate_notebooks.py", file=sys.stderr)
            return 1
        print("the German notebooks and pages are up to date and agree with the English ones")
        return 0
    gaps = write(root)
    if gaps:
        print(f"{len(gaps)} English markdown cells have no German text:", file=sys.stderr)
        for gap in gaps:
            print(f"  {gap['notebook']}, cell {gap['cell']}, key {gap['key']}: {gap['first_line']!r}",
                  file=sys.stderr)
        print("python tools/translate_notebooks.py --todo prints them as a skeleton to fill in",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
