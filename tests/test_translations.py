"""The German pages say what the English pages say.

README.de.md mirrors README.md, and lab/README.de.md mirrors lab/README.md, section by section.
The English page is the reference; for every pair of pages this file checks

* the headings: the same sections, in the same order. Each German page is paired with its
  English page by position (the same number of headings, each at the same level);
* the tables of every section: the same shape and, cell by cell, the same numbers, each read in
  its own language's format (English 1,472.5 and 24.2x; German 1.472,5 and 24,2×);
* the numbers in the prose of every section and of every numbered item (quiz questions, steps);
* the lists: the same numbered items, bullets and <details> answers;
* the links (German pages point to the German version of a page or notebook where one exists:
  lab/README.de.md, GenerativePyTorch.de.ipynb, ...), the inline code and the code blocks
  (comments and <placeholders> in code blocks may be translated);
* the German pages: German number format, *du* instead of *Sie*, one term per idea.

Every failure names the page, the section and the table cell or number that differs.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import pytest
from support import INLINE_CODE, MD_LINK, is_local, link_targets

ROOT = Path(__file__).resolve().parent.parent

# English page -> German page
PAIRS = {"README.md": "README.de.md", "lab/README.md": "lab/README.de.md"}

# Words the German pages do not use, and the term they use for the same idea instead.
GERMAN_TERMS = {
    r"(?<!neu)gierig": "Greedy-Decoding / greedy",
    "Rückpropagation": "Backpropagation (abgeschnittene Backpropagation durch die Zeit, TBPTT)",
    "Gatter": "Gates",
    "weiterreich": "den Zustand mitführen",
    "weitergereicht": "mitgeführt",
    "Stundenplan": "Unterrichtsplan",
    # translations/GLOSSARY.de.md lists the terms the German pages and notebooks use
    "Studierende": "du, oder Lernende",
    "Endemarke": "Endmarke",
    "verlustfrei": "umkehrbar (Verlust ist der Loss)",
    r"\bZug\b": "Ziehung",
    r"\bScore\b": "Logit",
    r"\bZiele\b": "Zielzeichen (das Ziel ist die Aufgabe)",
    "Lehrende": "Lehrkraft",
    "Lehrperson": "Lehrkraft",
    r"(?-i:truncated Backpropagation)": "abgeschnittene Backpropagation durch die Zeit (TBPTT)",
    r"Backward.?Pass": "Rückwärtsdurchlauf",
    r"Durchg[aä]ng": "Durchlauf",
    r"warm(?:lauf|läuf|gelaufen)|sich\s+warm\b": "aufwärmen, das Aufwärmen",
    "Trefferquote": "exakte Übereinstimmung",
    "bepreis": "Kosten anrechnen",
    # the charge for <unk> is "Kosten"; only the fixed price of a call keeps "Preis"
    r"\bPreis(?:e|es|en)?\b(?!\s+(?:eines|jedes|des)\s+Aufruf)": "Kosten für <unk>",
    r"\d\s*(?:Nats|Bits)\b": "nat, bit (klein, ohne Plural: 4,16 nat)",
    r"\bln\s+\d{1,3}\.\d{3}\b": "kein Tausenderpunkt in einer Formel: ln 5074",
}

# Software whose version numbers stay as they are in German (2.21 is a version, not 2,21).
VERSIONED = r"tensorflow-cpu|tensorflow|TensorFlow|torch|Python|Keras|NumPy|nbclient"

FENCE_OPEN = re.compile(r"^([ \t]*)(```+|~~~+)(.*)$")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
URL = re.compile(r"https?://\S+")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Python 3.11; torch 2.13.0+cpu; Python 3.10–3.12; Python 3.11, 3.12 or 3.13
VERSION = re.compile(
    rf"\b({VERSIONED})(?:[ \t]+|==)(\d+(?:\.\d+)*(?:\+\w+)?"
    r"(?:(?:[ \t]*[–-][ \t]*|,[ \t]*|[ \t]+(?:or|and|to|oder|und|bis)[ \t]+)\d+\.\d+(?:\.\d+)*)*)"
)
VERSION_NUMBER = re.compile(r"\d+(?:\.\d+)*(?:\+\w+)?")
NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)(?:([x×k])(?![^\W\d_]))?")
NUMBER_FORMAT = {
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
    "de": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
}
DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")  # 3.3.2026 is a date in both languages
TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
NUMBERED_ITEM = re.compile(r"^(\d+)\.[ \t]+")
BULLET = re.compile(r"^[ \t]*[-*+][ \t]+")
FORMAL_ADDRESS = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")


# ---------------------------------------------------------------------------------------
# Reading a page
# ---------------------------------------------------------------------------------------
def language(page: str) -> str:
    return "de" if page.endswith(".de.md") else "en"


def read(page: str) -> str:
    path = ROOT / page
    assert path.is_file(), f"{page} is missing"
    return path.read_text(encoding="utf-8")


def split_fences(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    """The text with fenced code blocks blanked out (lines kept), and the blocks as (info, body)."""
    out, blocks = [], []
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        fence, info, body = m.group(2), m.group(3).strip(), []
        out.append("")
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            out.append("")
            i += 1
        out.append("")  # the closing fence (or the end of the page)
        i += 1
        blocks.append((info, "\n".join(body)))
    return "\n".join(out), blocks


@dataclass
class Section:
    heading: str  # "## Quick start"; "" for the text above the first heading
    body: str  # Markdown up to the next heading of any level, fenced code included
    line: int  # 1-based line of the heading

    @property
    def text(self) -> str:
        """The body without fenced code blocks."""
        return split_fences(self.body)[0]

    @property
    def code_blocks(self) -> list[tuple[str, str]]:
        return split_fences(self.body)[1]


def sections(markdown: str) -> list[Section]:
    masked, _ = split_fences(markdown)
    lines, masked_lines = markdown.split("\n"), masked.split("\n")
    found = [Section("", "", 0)]
    start = 0
    for n, line in enumerate(masked_lines):
        m = HEADING.match(line)
        if m:
            found[-1].body = "\n".join(lines[start:n])
            found.append(Section(f"{m.group(1)} {m.group(2)}", "", n + 1))
            start = n + 1
    found[-1].body = "\n".join(lines[start:])
    return found


def level(section: Section) -> int:
    return len(section.heading) - len(section.heading.lstrip("#"))


def paired_sections(english: str) -> list[tuple[Section, Section]]:
    """(English, German) sections that belong together, in order: paired by position (the text
    above the first heading with its twin, then the first heading with the first, ...), as far as
    both pages go and the levels agree; test_same_sections reports the rest."""
    pairs = []
    for e, d in zip(sections(read(english)), sections(read(PAIRS[english]))):
        if level(e) != level(d):
            break
        pairs.append((e, d))
    return pairs


def where(english: str, en: Section, de: Section) -> str:
    if not en.heading:
        return f"{english} / {PAIRS[english]}, top of the page"
    return f"{english} / {PAIRS[english]}, section '{en.heading}' / '{de.heading}'"


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    raw: str  # as written, suffix included: "24.2x"
    value: float | None  # None: not a number in this language's format
    kind: str = ""  # "ratio" for 24.2x / 24,2×; "x" for a German 24,2x

    @property
    def key(self) -> tuple:
        """Equal for equal numbers; a token that is no number (3.3.2026) equals the same text."""
        return ("text", self.raw) if self.value is None else (round(self.value, 9), self.kind)

    @property
    def bare(self) -> tuple:
        """The value alone: in prose, 23x may well be written 23-mal."""
        return ("text", self.raw) if self.value is None else (round(self.value, 9), "")


def parse_number(digits: str, suffix: str, lang: str) -> Number:
    raw = digits + (suffix or "")
    if not NUMBER_FORMAT[lang].fullmatch(digits):
        return Number(raw, None)
    if lang == "en":
        value = float(digits.replace(",", ""))
    else:
        value = float(digits.replace(".", "").replace(",", "."))
    kind = ""
    if suffix == "k":
        value *= 1000
    elif suffix == "×" or (suffix == "x" and lang == "en"):
        kind = "ratio"
    elif suffix == "x":
        kind = "x"
    return Number(raw, value, kind)


def strip_markup(text: str) -> str:
    """Prose only: no inline code, link targets, URLs or HTML tags."""
    text = INLINE_CODE.sub(" ", text)
    text = MD_LINK.sub(lambda m: m.group(1), text)
    text = URL.sub(" ", text)
    return HTML_TAG.sub(" ", text)


def versions(text: str) -> list[str]:
    """'Python 3.11/3.12/3.13' for 'Python 3.11, 3.12 or 3.13' (and for '3.11, 3.12 oder 3.13')."""
    return [
        f"{m.group(1)} {'/'.join(VERSION_NUMBER.findall(m.group(2)))}"
        for m in VERSION.finditer(strip_markup(text))
    ]


def numbers(text: str, lang: str) -> list[Number]:
    """Every number in the prose of ``text`` (code, links and version numbers left out)."""
    text = VERSION.sub(" ", strip_markup(text))
    return [parse_number(m.group(1), m.group(2), lang) for m in NUMBER.finditer(text)]


def german_spelling(english: Number) -> str:
    """How a number written in English format is written in German: 1,472.5 -> 1.472,5."""
    swapped = english.raw.translate(str.maketrans({",": ".", ".": ","}))
    return swapped[:-1] + "×" if english.kind == "ratio" else swapped


def number_hints(only_en: list[Number], only_de: list[Number]) -> list[str]:
    """Say how to write a German number that is wrong, e.g. in English format or with 'x'."""
    hints = []
    for de in only_de:
        digits = de.raw.rstrip("x×k")
        as_english = (
            parse_number(digits, de.raw[len(digits):], "en")
            if NUMBER_FORMAT["en"].fullmatch(digits)
            else None
        )
        for en in only_en:
            if en.value is None:
                continue
            if de.value != en.value and as_english and as_english.value == en.value:
                seen = "no number" if de.value is None else f"{de.value:g}"
                hints.append(
                    f"'{de.raw}' is English number format (a German reader sees {seen}); "
                    f"write '{german_spelling(en)}'"
                )
                break
            if de.value == en.value and de.kind != en.kind:
                hints.append(f"'{de.raw}': write '{german_spelling(en)}'")
                break
    return hints


def compare_numbers(en: list[Number], de: list[Number], ordered: bool) -> str | None:
    """None if the two lists agree, else a one-line description of the difference.

    ordered (tables): the same numbers in the same order, 24.2x written 24,2×;
    unordered (prose): the same values, in any order and with any way of saying 'times'.
    """
    if ordered:
        if [n.key for n in en] == [n.key for n in de]:
            return None
        only_en, only_de = en, de
    else:
        only_en, only_de = _unmatched(en, de), _unmatched(de, en)
        if not only_en and not only_de:
            return None
    message = (
        f"English has [{', '.join(n.raw for n in only_en)}], "
        f"German has [{', '.join(n.raw for n in only_de)}]"
    )
    hints = number_hints(only_en, only_de)
    return message + ("; " + "; ".join(hints) if hints else "")


def _unmatched(these: list[Number], others: list[Number]) -> list[Number]:
    """The numbers of ``these`` left over after pairing each with an equal one of ``others``."""
    pool = Counter(n.bare for n in others)
    left = []
    for n in these:
        if pool[n.bare] > 0:
            pool[n.bare] -= 1
        else:
            left.append(n)
    return left


# ---------------------------------------------------------------------------------------
# Tables, lists, links, code
# ---------------------------------------------------------------------------------------
def split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    # a | inside inline code does not separate cells
    cells, depth, current = [], False, ""
    for ch in line:
        if ch == "`":
            depth = not depth
        if ch == "|" and not depth:
            cells.append(current.strip())
            current = ""
        else:
            current += ch
    cells.append(current.strip())
    return cells


def tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in ``text`` (fenced code already removed): rows of cells, header first."""
    found, block = [], []
    for line in text.split("\n") + [""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and TABLE_RULE.match(block[1].strip()):
            found.append([split_row(row) for i, row in enumerate(block) if i != 1])
        block = []
    return found


def without_tables(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.strip().startswith("|"))


def numbered_items(text: str) -> tuple[list[tuple[int, str]], str]:
    """The top-level numbered items of ``text`` as (number, text), and the text around them.

    An item runs until the next item or the next line that is neither blank nor indented.
    """
    items, rest, current = [], [], None
    for line in text.split("\n"):
        m = NUMBERED_ITEM.match(line)
        if m:
            current = [int(m.group(1)), [line[m.end():]]]
            items.append(current)
        elif current is not None and (not line.strip() or line[:1] in " \t"):
            current[1].append(line)
        else:
            current = None
            rest.append(line)
    return [(n, "\n".join(body)) for n, body in items], "\n".join(rest)


def resolve(page: str, target: str) -> str:
    """A local link target as a path from the repository root."""
    file_part = target.split("#", 1)[0].split("?", 1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), file_part))


def twin(page: str) -> str:
    return PAIRS.get(page) or {de: en for en, de in PAIRS.items()}[page]


def normalized_links(page: str, text: str) -> tuple[list[str], bool]:
    """Link targets with the language switch taken out and German targets made English.

    Returns the targets and whether ``text`` links to the page's twin (the language switch).
    """
    out, switches = [], False
    for target in link_targets(text):
        if target.startswith("#"):
            target = "#" + english_anchor(page, target[1:])
        elif is_local(target) and resolve(page, target) == twin(page):
            switches = True
            continue
        elif language(page) == "de":
            target = re.sub(r"\.de\.(md|ipynb)(?=$|#)", r".\1", target)
        out.append(target)
    return out, switches


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: '### Why `a.txt` installs' -> 'why-atxt-installs'."""
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: str) -> dict[str, str]:
    """Anchor -> heading, for every heading of ``page`` (a repeated slug gets -1, -2, ...)."""
    found, seen = {}, Counter()
    for section in sections(read(page))[1:]:
        base = slug(section.heading)
        name = base if not seen[base] else f"{base}-{seen[base]}"
        seen[base] += 1
        found[name] = section.heading
    return found


def english_anchor(page: str, anchor: str) -> str:
    """An in-page anchor of ``page`` as the anchor of the English heading it stands for.

    An anchor that names no heading of the page stays as written (test_anchors_resolve says so).
    """
    heading = anchors(page).get(anchor)
    if heading is None or language(page) == "en":
        return anchor
    english_anchors = list(anchors(twin(page)))  # paired by position: the English heading at the same place
    at = list(anchors(page)).index(anchor)
    return english_anchors[at] if at < len(english_anchors) else anchor


def code_spans(page: str, text: str) -> set[str]:
    """Inline code of ``text`` (fenced code removed); the twin's file name reads as <twin>."""
    spans = set()
    twin_name = posixpath.relpath(twin(page), posixpath.dirname(page) or ".")
    for m in INLINE_CODE.finditer(text):
        span = m.group(2).strip()
        if span == twin_name:
            span = "<twin>"
        elif language(page) == "de":
            span = re.sub(r"\.de\.(md|ipynb)\b", r".\1", span)
        spans.add(span)
    return spans


def code_lines(body: str) -> list[str]:
    """A code block without comments and <placeholders> (both may be translated)."""
    lines = []
    for line in body.split("\n"):
        line = re.sub(r"(^|\s)#.*$", "", line)
        line = re.sub(r"<[^<>\n]*>", "<…>", line).rstrip()
        if line.strip():
            lines.append(line)
    return lines


def german_prose(page: str) -> str:
    return strip_markup(without_tables(split_fences(read(page))[0]))


# ---------------------------------------------------------------------------------------
# The parsers themselves, so that a broken parser cannot make the real tests pass vacuously
# ---------------------------------------------------------------------------------------
def test_numbers_are_read_in_each_language():
    en = numbers("1,472.5 nats, 24.2x faster, 53k chars/s, 0.07 s, 2,399 steps", "en")
    de = numbers("1.472,5 Nats, 24,2× schneller, 53.000 Zeichen/s, 0,07 s, 2.399 Schritte", "de")
    assert [n.key for n in en] == [n.key for n in de]
    assert [n.value for n in en] == [1472.5, 24.2, 53000, 0.07, 2399]
    assert en[1].kind == "ratio" and de[1].kind == "ratio"
    assert numbers("1.698", "de")[0].value == 1698  # what a German reader sees
    assert numbers("0.07", "de")[0].value is None  # not a German number at all
    assert numbers("24,2x", "de")[0].kind == "x"
    assert [n.key for n in numbers("3.3.2026", "en")] == [n.key for n in numbers("3.3.2026", "de")]
    assert numbers("0.07", "en")[0].key != numbers("0.07", "de")[0].key
    assert numbers("1.2.3", "de")[0].key != numbers("1.2.4", "de")[0].key


def test_versions_are_not_numbers():
    text = "Python 3.10–3.12, torch 2.13.0+cpu, TensorFlow 2.21 / Keras 3 on WSL2 and M1, `x 1.5`"
    assert numbers(text, "de") == []
    assert versions("Python 3.11, 3.12 oder 3.13 und 2,5 GB") == ["Python 3.11/3.12/3.13"]
    assert versions("Python 3.11, 3.12 or 3.13") == ["Python 3.11/3.12/3.13"]
    assert versions("torch 2.13.0, 2,399 steps") == ["torch 2.13.0"]
    assert versions(text) == [
        "Python 3.10/3.12",
        "torch 2.13.0+cpu",
        "TensorFlow 2.21",
        "Keras 3",
    ]


def test_compare_numbers_names_the_difference():
    en, de = numbers("1.698 and 54,068", "en"), numbers("1.698 und 54.068", "de")
    message = compare_numbers(en, de, ordered=True)
    assert message and "'1.698' is English number format" in message and "'1,698'" in message
    assert compare_numbers(numbers("3, 2, 1", "en"), numbers("1, 2, 3", "de"), False) is None
    assert compare_numbers(numbers("3, 2, 1", "en"), numbers("1, 2, 3", "de"), True)


def test_sections_ignore_code_and_tables_are_parsed():
    page = (
        "# Title\n\nintro\n\n```bash\n# 1. not a heading\n```\n\n## Part\n\n"
        "| a | `b|c` |\n|---|---:|\n| 1,000 | 2.5 |\n\n1. first `x`\n   more 3\n2. second\n"
    )
    found = sections(page)
    assert [s.heading for s in found] == ["", "# Title", "## Part"]
    assert found[1].code_blocks == [("bash", "# 1. not a heading")]
    assert tables(found[2].text) == [[["a", "`b|c`"], ["1,000", "2.5"]]]
    items, rest = numbered_items(without_tables(found[2].text))
    assert [n for n, _ in items] == [1, 2] and "more 3" in items[0][1]


def test_links_are_normalised_across_languages():
    de_links, switch = normalized_links(
        "README.de.md",
        "[English](README.md) · [Lab](lab/README.de.md#schritte) [x](https://a.b/1)",
    )
    assert switch and de_links == ["lab/README.md#schritte", "https://a.b/1"]
    de_links, _ = normalized_links("README.de.md", "[PyTorch](GenerativePyTorch.de.ipynb)")
    assert de_links == ["GenerativePyTorch.ipynb"]
    assert slug("### Why `requirements.txt` installs `tensorflow-cpu`, and a CPU-only torch") == (
        "why-requirementstxt-installs-tensorflow-cpu-and-a-cpu-only-torch"
    )
    assert slug("### 8. Den Verlust lesen: Nats, Bits, Perplexität") == (
        "8-den-verlust-lesen-nats-bits-perplexität"
    )
    assert code_spans("README.de.md", "`README.md` and `lab/README.de.md`") == {
        "<twin>",
        "lab/README.md",
    }
    assert code_spans("README.de.md", "`GenerativeTF.de.ipynb`") == {"GenerativeTF.ipynb"}


# ---------------------------------------------------------------------------------------
# The pages agree
# ---------------------------------------------------------------------------------------
@pytest.fixture(params=list(PAIRS), ids=list(PAIRS))
def english(request) -> str:
    return request.param


def test_same_sections(english):
    german = PAIRS[english]
    en, de = sections(read(english))[1:], sections(read(german))[1:]
    for n, (e, d) in enumerate(zip_longest(en, de), start=1):
        assert e is not None and d is not None and level(e) == level(d), (
            "the sections differ (the German page has one heading, at the same level, for each English "
            f"heading, in the same order): heading {n}: {e.heading if e else 'nothing'!r} in {english} (line "
            f"{e.line if e else '-'}), {d.heading if d else 'nothing'!r} in {german} (line {d.line if d else '-'})"
        )


def test_same_tables(english):
    problems = []
    for en, de in paired_sections(english):
        at = where(english, en, de)
        en_tables, de_tables = tables(en.text), tables(de.text)
        if len(en_tables) != len(de_tables):
            problems.append(f"{at}: {len(en_tables)} tables in English, {len(de_tables)} in German")
            continue
        for t, (en_t, de_t) in enumerate(zip(en_tables, de_tables), start=1):
            shape_en = [len(row) for row in en_t]
            shape_de = [len(row) for row in de_t]
            if shape_en != shape_de:
                problems.append(
                    f"{at}, table {t}: {len(en_t) - 1} rows x {shape_en} cells in English, "
                    f"{len(de_t) - 1} rows x {shape_de} cells in German"
                )
                continue
            for r, (en_row, de_row) in enumerate(zip(en_t, de_t)):
                row_name = "header" if r == 0 else f"row {r} ('{en_row[0]}')"
                for c, (en_cell, de_cell) in enumerate(zip(en_row, de_row)):
                    column = f"column {c + 1} ('{en_t[0][c]}')"
                    diff = compare_numbers(
                        numbers(en_cell, "en"), numbers(de_cell, "de"), ordered=True
                    )
                    if diff:
                        problems.append(f"{at}, table {t}, {row_name}, {column}: {diff}")
                    if versions(en_cell) != versions(de_cell):
                        problems.append(
                            f"{at}, table {t}, {row_name}, {column}: versions "
                            f"{versions(en_cell)} in English, {versions(de_cell)} in German"
                        )
    assert not problems, "the tables differ:\n  " + "\n  ".join(problems)


def test_same_numbers_in_the_prose(english):
    problems = []
    for en, de in paired_sections(english):
        at = where(english, en, de)
        en_items, en_rest = numbered_items(without_tables(en.text))
        de_items, de_rest = numbered_items(without_tables(de.text))
        if len(en_items) != len(de_items):  # test_same_lists reports it; compare as a whole
            en_items, en_rest = [], without_tables(en.text)
            de_items, de_rest = [], without_tables(de.text)
        blocks = [("text", en_rest, de_rest)] + [
            (f"item {n}", en_body, de_body)
            for (n, en_body), (_, de_body) in zip(en_items, de_items)
        ]
        for label, en_text, de_text in blocks:
            diff = compare_numbers(numbers(en_text, "en"), numbers(de_text, "de"), ordered=False)
            if diff:
                problems.append(f"{at}, {label}: {diff}")
            if Counter(versions(en_text)) != Counter(versions(de_text)):
                problems.append(
                    f"{at}, {label}: versions {versions(en_text)} in English, "
                    f"{versions(de_text)} in German"
                )
    assert not problems, "the numbers differ:\n  " + "\n  ".join(problems)


def test_same_lists(english):
    problems = []
    for en, de in paired_sections(english):
        at = where(english, en, de)
        en_items, _ = numbered_items(without_tables(en.text))
        de_items, _ = numbered_items(without_tables(de.text))
        if [n for n, _ in en_items] != [n for n, _ in de_items]:
            problems.append(
                f"{at}: numbered items {[n for n, _ in en_items]} in English, "
                f"{[n for n, _ in de_items]} in German"
            )
        else:
            for (n, en_body), (_, de_body) in zip(en_items, de_items):
                if en_body.count("<details") != de_body.count("<details"):
                    problems.append(
                        f"{at}, item {n}: {en_body.count('<details')} <details> blocks in "
                        f"English, {de_body.count('<details')} in German"
                    )
        counts = {
            "<details> blocks": (en.text.count("<details"), de.text.count("<details")),
            "bullets": tuple(
                sum(bool(BULLET.match(line)) for line in s.text.split("\n")) for s in (en, de)
            ),
        }
        for what, (n_en, n_de) in counts.items():
            if n_en != n_de:
                problems.append(f"{at}: {n_en} {what} in English, {n_de} in German")
    assert not problems, "the lists differ:\n  " + "\n  ".join(problems)


def test_same_links(english):
    german = PAIRS[english]
    problems = []
    for en, de in paired_sections(english):
        en_links, _ = normalized_links(english, en.text)
        de_links, _ = normalized_links(german, de.text)
        if Counter(en_links) != Counter(de_links):
            only_en = list((Counter(en_links) - Counter(de_links)).elements())
            only_de = list((Counter(de_links) - Counter(en_links)).elements())
            problems.append(
                f"{where(english, en, de)}: links only in English {only_en}, "
                f"only in German {only_de}"
            )
    assert not problems, "the links differ:\n  " + "\n  ".join(problems)


def test_pages_link_to_each_other(english):
    german = PAIRS[english]
    _, english_switch = normalized_links(english, read(english))
    _, german_switch = normalized_links(german, read(german))
    missing = []
    if not english_switch:
        name = posixpath.relpath(german, posixpath.dirname(english) or ".")
        missing.append(f"{english} has no link to its German version ({name})")
    if not german_switch:
        name = posixpath.relpath(english, posixpath.dirname(german) or ".")
        missing.append(f"{german} has no link to its English version ({name})")
    assert not missing, "; ".join(missing)


@pytest.mark.parametrize("page", [p for pair in PAIRS.items() for p in pair])
def test_anchors_resolve(page):
    """Every #anchor that a page links to inside itself names one of its headings."""
    broken = [
        target
        for target in link_targets(split_fences(read(page))[0])
        if target.startswith("#") and target[1:] not in anchors(page)
    ]
    assert not broken, f"{page} links to anchors that no heading has: {broken}"


@pytest.mark.parametrize("german", list(PAIRS.values()))
def test_german_pages_link_to_german_pages(german):
    """Every local link works, and goes to the German version of a page where there is one."""
    problems = []
    for target in link_targets(split_fences(read(german))[0]):
        if not is_local(target):
            continue
        path = resolve(german, target)
        if not (ROOT / path).exists():
            problems.append(f"{target} does not exist")
        elif path != twin(german) and path.endswith((".md", ".ipynb")) and ".de." not in path:
            stem, suffix = posixpath.splitext(path)
            german_version = f"{stem}.de{suffix}"
            if (ROOT / german_version).exists():
                problems.append(f"{target}: link to the German version ({german_version})")
    assert not problems, f"{german}: " + "; ".join(problems)


def test_same_code(english):
    german = PAIRS[english]
    problems = []
    for en, de in paired_sections(english):
        at = where(english, en, de)
        en_spans, de_spans = code_spans(english, en.text), code_spans(german, de.text)
        if en_spans != de_spans:
            problems.append(
                f"{at}: inline code only in English {sorted(en_spans - de_spans)}, "
                f"only in German {sorted(de_spans - en_spans)}"
            )
        en_blocks, de_blocks = en.code_blocks, de.code_blocks
        if len(en_blocks) != len(de_blocks):
            problems.append(
                f"{at}: {len(en_blocks)} code blocks in English, {len(de_blocks)} in German"
            )
            continue
        for b, ((en_info, en_body), (de_info, de_body)) in enumerate(
            zip(en_blocks, de_blocks), start=1
        ):
            en_lines, de_lines = code_lines(en_body), code_lines(de_body)
            if en_info != de_info or en_lines != de_lines:
                first = next(
                    (
                        f"English {a!r}, German {g!r}"
                        for a, g in zip_longest(en_lines, de_lines, fillvalue="")
                        if a != g
                    ),
                    f"info string {en_info!r} / {de_info!r}",
                )
                problems.append(f"{at}, code block {b}: {first}")
    assert not problems, "the code differs:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------------------
# The German pages read as German
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("german", list(PAIRS.values()))
def test_german_number_format(german):
    text = without_tables(split_fences(read(german))[0])
    page_tables = tables(split_fences(read(german))[0])
    cells = [cell for table in page_tables for row in table for cell in row]
    bad = []
    for number in numbers(text, "de") + [n for cell in cells for n in numbers(cell, "de")]:
        if number.value is None and not DATE.fullmatch(number.raw):
            bad.append(f"'{number.raw}' is not a German number (1.472,5; a version: add its "
                       f"software to VERSIONED in tests/test_translations.py)")
        elif number.kind == "x":
            bad.append(f"'{number.raw}': write × for 'times' ({number.raw[:-1]}×)")
    assert not bad, f"{german}: " + "; ".join(bad)


@pytest.mark.parametrize("german", list(PAIRS.values()))
def test_german_pages_say_du(german):
    """No formal address. A capitalised Sie/Ihr after a sentence start may mean 'they'/'her'."""
    formal = []
    for line in german_prose(german).split("\n"):
        for m in FORMAL_ADDRESS.finditer(line):
            before = line[: m.start()].rstrip()
            if before and (before[-1].isalnum() or before[-1] in ",)"):
                formal.append(f"'{line.strip()}'")
    assert not formal, f"{german} addresses the reader with Sie: " + "; ".join(formal)


@pytest.mark.parametrize("german", list(PAIRS.values()))
def test_german_pages_use_one_term_per_idea(german):
    prose = german_prose(german)
    found = [
        f"'{word}' (use {instead})"
        for word, instead in GERMAN_TERMS.items()
        if re.search(word, prose, re.IGNORECASE)
    ]
    assert not found, f"{german}: " + "; ".join(found)
