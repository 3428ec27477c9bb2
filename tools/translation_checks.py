"""The translation linter: the German pages and the German texts say what the English ones say.

``python tools/translate_notebooks.py --check`` runs every check here, over

* the page pairs README.md / README.de.md and lab/README.md / lab/README.de.md (``page_problems``):
  the same headings at the same levels (paired by position); in each section the same tables (shape,
  and cell by cell the same numbers, each read in its own language's format: English 1,472.5 and
  24.2x, German 1.472,5 and 24,2×), the same numbers in the prose and in each numbered item, the same
  lists and <details> answers, links (a German page points to the German version of a page or
  notebook where one exists), inline code and code blocks (comments and <placeholders> may be
  translated); anchors that resolve; on the German pages German number format, *du*, one term per
  idea (translations/GLOSSARY.de.md);
* every German text of the notebooks' catalogue (``text_problems``): headings translated, the
  glossary's spellings, German number format, *du*, and no English number lost;
* a German notebook against its English one (``notebook_differences``): nothing but the markdown
  text differs; and it opens with the note that its outputs are English (``output_note_problems``).

Every problem is one line that names the page or cell and what differs. The Markdown patterns here
are the module's only ones (the tests import them).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------
# Markdown: fenced code blocks (group 3: the info string, group 4: the body), inline code (group 2:
# its text), links [text](target) (groups: text, target), reference definitions, HTML links
# ---------------------------------------------------------------------------------------
FENCE = re.compile(r"^([ \t]*)(```|~~~)([^\n]*)\n(.*?)^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
MD_LINK = re.compile(r"(!?\[(?:[^\[\]]|\[[^\[\]]*\])*\])\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)


def link_targets(markdown: str) -> list[str]:
    """Every link target of ``markdown``: inline, reference-style and HTML links; links inside code
    (fenced or inline) are not links."""
    text = INLINE_CODE.sub(" ", FENCE.sub("", markdown))
    return ([m.group(2) for m in MD_LINK.finditer(text)] + [m.group(1) for m in REF_LINK.finditer(text)]
            + [m.group(1) for m in HTML_LINK.finditer(text)])


def is_local(target: str) -> bool:
    """A link to a file of the repository (not a URL, not an anchor on the same page)."""
    return not (re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "//")))


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


def read(page: str, root: Path = ROOT) -> str:
    return (root / page).read_text(encoding="utf-8")


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


def paired_sections(english: str, root: Path = ROOT) -> list[tuple[Section, Section]]:
    """(English, German) sections that belong together, in order: paired by position (the text
    above the first heading with its twin, then the first heading with the first, ...), as far as
    both pages go and the levels agree; section_problems reports the rest."""
    pairs = []
    for e, d in zip(sections(read(english, root)), sections(read(PAIRS[english], root))):
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


def normalized_links(page: str, text: str, root: Path = ROOT) -> tuple[list[str], bool]:
    """Link targets with the language switch taken out and German targets made English.

    Returns the targets and whether ``text`` links to the page's twin (the language switch).
    """
    out, switches = [], False
    for target in link_targets(text):
        if target.startswith("#"):
            target = "#" + english_anchor(page, target[1:], root)
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


def anchors(page: str, root: Path = ROOT) -> dict[str, str]:
    """Anchor -> heading, for every heading of ``page`` (a repeated slug gets -1, -2, ...)."""
    found, seen = {}, Counter()
    for section in sections(read(page, root))[1:]:
        base = slug(section.heading)
        name = base if not seen[base] else f"{base}-{seen[base]}"
        seen[base] += 1
        found[name] = section.heading
    return found


def english_anchor(page: str, anchor: str, root: Path = ROOT) -> str:
    """An in-page anchor of ``page`` as the anchor of the English heading it stands for.

    An anchor that names no heading of the page stays as written (anchor_problems says so).
    """
    heading = anchors(page, root).get(anchor)
    if heading is None or language(page) == "en":
        return anchor
    english_anchors = list(anchors(twin(page), root))  # paired by position: the English heading at the same place
    at = list(anchors(page, root)).index(anchor)
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


def german_prose(page: str, root: Path = ROOT) -> str:
    return strip_markup(without_tables(split_fences(read(page, root))[0]))


# ---------------------------------------------------------------------------------------
# The page pairs agree
# ---------------------------------------------------------------------------------------
def section_problems(english: str, root: Path = ROOT) -> list[str]:
    german = PAIRS[english]
    en, de = sections(read(english, root))[1:], sections(read(german, root))[1:]
    for n, (e, d) in enumerate(zip_longest(en, de), start=1):
        if e is None or d is None or level(e) != level(d):
            return [
                "the sections differ (the German page has one heading, at the same level, for each English "
                f"heading, in the same order): heading {n}: {e.heading if e else 'nothing'!r} in {english} (line "
                f"{e.line if e else '-'}), {d.heading if d else 'nothing'!r} in {german} (line {d.line if d else '-'})"
            ]
    return []


def table_problems(english: str, root: Path = ROOT) -> list[str]:
    problems = []
    for en, de in paired_sections(english, root):
        at = where(english, en, de)
        en_tables, de_tables = tables(en.text), tables(de.text)
        if len(en_tables) != len(de_tables):
            problems.append(f"{at}: {len(en_tables)} tables in English, {len(de_tables)} in German")
            continue
        for t, (en_t, de_t) in enumerate(zip(en_tables, de_tables), start=1):
            shape_en, shape_de = [len(row) for row in en_t], [len(row) for row in de_t]
            if shape_en != shape_de:
                problems.append(f"{at}, table {t}: {len(en_t) - 1} rows x {shape_en} cells in English, "
                                f"{len(de_t) - 1} rows x {shape_de} cells in German")
                continue
            for r, (en_row, de_row) in enumerate(zip(en_t, de_t)):
                row_name = "header" if r == 0 else f"row {r} ('{en_row[0]}')"
                for c, (en_cell, de_cell) in enumerate(zip(en_row, de_row)):
                    cell = f"{at}, table {t}, {row_name}, column {c + 1} ('{en_t[0][c]}')"
                    problems += same_numbers(cell, en_cell, de_cell, ordered=True)
    return problems


def same_numbers(at: str, en_text: str, de_text: str, ordered: bool) -> list[str]:
    """The numbers and the versions of two texts, compared (see compare_numbers)."""
    problems = []
    diff = compare_numbers(numbers(en_text, "en"), numbers(de_text, "de"), ordered=ordered)
    if diff:
        problems.append(f"{at}: {diff}")
    en_versions, de_versions = versions(en_text), versions(de_text)
    if (en_versions if ordered else Counter(en_versions)) != (de_versions if ordered else Counter(de_versions)):
        problems.append(f"{at}: versions {en_versions} in English, {de_versions} in German")
    return problems


def prose_problems(english: str, root: Path = ROOT) -> list[str]:
    """In each section: the same numbered items, bullets and <details> answers, and the same numbers
    in the text and in each numbered item."""
    problems = []
    for en, de in paired_sections(english, root):
        at = where(english, en, de)
        en_items, en_rest = numbered_items(without_tables(en.text))
        de_items, de_rest = numbered_items(without_tables(de.text))
        if [n for n, _ in en_items] != [n for n, _ in de_items]:
            problems.append(f"{at}: numbered items {[n for n, _ in en_items]} in English, "
                            f"{[n for n, _ in de_items]} in German")
            en_items, en_rest = [], without_tables(en.text)  # compare the numbers as a whole
            de_items, de_rest = [], without_tables(de.text)
        problems += same_numbers(f"{at}, text", en_rest, de_rest, ordered=False)
        for (n, en_body), (_, de_body) in zip(en_items, de_items):
            problems += same_numbers(f"{at}, item {n}", en_body, de_body, ordered=False)
            if en_body.count("<details") != de_body.count("<details"):
                problems.append(f"{at}, item {n}: {en_body.count('<details')} <details> blocks in "
                                f"English, {de_body.count('<details')} in German")
        counts = {
            "<details> blocks": (en.text.count("<details"), de.text.count("<details")),
            "bullets": tuple(sum(bool(BULLET.match(line)) for line in s.text.split("\n")) for s in (en, de)),
        }
        problems += [f"{at}: {n_en} {what} in English, {n_de} in German"
                     for what, (n_en, n_de) in counts.items() if n_en != n_de]
    return problems


def link_problems(english: str, root: Path = ROOT) -> list[str]:
    """The same links in each section, and a link from each page to its twin."""
    german = PAIRS[english]
    problems = []
    for en, de in paired_sections(english, root):
        en_links, _ = normalized_links(english, en.text, root)
        de_links, _ = normalized_links(german, de.text, root)
        if Counter(en_links) != Counter(de_links):
            only_en = list((Counter(en_links) - Counter(de_links)).elements())
            only_de = list((Counter(de_links) - Counter(en_links)).elements())
            problems.append(f"{where(english, en, de)}: links only in English {only_en}, only in German {only_de}")
    for page, other, name in ((english, german, "German"), (german, english, "English")):
        if not normalized_links(page, read(page, root), root)[1]:
            relative = posixpath.relpath(other, posixpath.dirname(page) or ".")
            problems.append(f"{page} has no link to its {name} version ({relative})")
    return problems


def anchor_problems(page: str, root: Path = ROOT) -> list[str]:
    """Every #anchor that a page links to inside itself names one of its headings."""
    broken = [target for target in link_targets(split_fences(read(page, root))[0])
              if target.startswith("#") and target[1:] not in anchors(page, root)]
    return [f"{page} links to anchors that no heading has: {broken}"] if broken else []


def german_link_problems(german: str, root: Path = ROOT) -> list[str]:
    """Every local link works, and goes to the German version of a page where there is one."""
    problems = []
    for target in link_targets(split_fences(read(german, root))[0]):
        if not is_local(target):
            continue
        path = resolve(german, target)
        if not (root / path).exists():
            problems.append(f"{german}: {target} does not exist")
        elif path != twin(german) and path.endswith((".md", ".ipynb")) and ".de." not in path:
            stem, suffix = posixpath.splitext(path)
            if (root / f"{stem}.de{suffix}").exists():
                problems.append(f"{german}: {target}: link to the German version ({stem}.de{suffix})")
    return problems


def code_problems(english: str, root: Path = ROOT) -> list[str]:
    german = PAIRS[english]
    problems = []
    for en, de in paired_sections(english, root):
        at = where(english, en, de)
        en_spans, de_spans = code_spans(english, en.text), code_spans(german, de.text)
        if en_spans != de_spans:
            problems.append(f"{at}: inline code only in English {sorted(en_spans - de_spans)}, "
                            f"only in German {sorted(de_spans - en_spans)}")
        en_blocks, de_blocks = en.code_blocks, de.code_blocks
        if len(en_blocks) != len(de_blocks):
            problems.append(f"{at}: {len(en_blocks)} code blocks in English, {len(de_blocks)} in German")
            continue
        for b, ((en_info, en_body), (de_info, de_body)) in enumerate(zip(en_blocks, de_blocks), start=1):
            en_lines, de_lines = code_lines(en_body), code_lines(de_body)
            if en_info != de_info or en_lines != de_lines:
                first = next((f"English {a!r}, German {g!r}"
                              for a, g in zip_longest(en_lines, de_lines, fillvalue="") if a != g),
                             f"info string {en_info!r} / {de_info!r}")
                problems.append(f"{at}, code block {b}: {first}")
    return problems


def german_page_problems(german: str, root: Path = ROOT) -> list[str]:
    """German number format, du, one term per idea."""
    text = split_fences(read(german, root))[0]
    cells = [cell for table in tables(text) for row in table for cell in row]
    problems = []
    for number in numbers(without_tables(text), "de") + [n for cell in cells for n in numbers(cell, "de")]:
        if number.value is None and not DATE.fullmatch(number.raw):
            problems.append(f"{german}: '{number.raw}' is not a German number (1.472,5; a version: add its "
                            "software to VERSIONED in tools/translation_checks.py)")
        elif number.kind == "x":
            problems.append(f"{german}: '{number.raw}': write × for 'times' ({number.raw[:-1]}×)")
    return problems + [f"{german}: {p}" for p in glossary_problems(german_prose(german, root))]


def page_problems(root: Path = ROOT) -> list[str]:
    """Everything that differs between the English pages and their German versions."""
    problems = []
    for english, german in PAIRS.items():
        missing = [page for page in (english, german) if not (root / page).is_file()]
        if missing:
            problems += [f"{page} is missing" for page in missing]
            continue
        for check in (section_problems, table_problems, prose_problems, link_problems, code_problems):
            problems += check(english, root)
        problems += anchor_problems(english, root) + anchor_problems(german, root)
        problems += german_link_problems(german, root) + german_page_problems(german, root)
    return problems


# ---------------------------------------------------------------------------------------
# The German texts of the notebooks
# ---------------------------------------------------------------------------------------
# The note each German notebook opens with: its outputs are English, and so is their number format.
OUTPUT_NOTE = "> **Hinweis:**"
OUTPUT_NOTE_WORDS = ("englisch", "Punkt = Dezimalzeichen")
# Words that read the same in German: a German heading equal to its English one is allowed only if
# every word of it is here (or a number).
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
TEXT_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*$", re.M)
PROSE_NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)")


def glossary_problems(prose: str) -> list[str]:
    """Rejected words and *Sie* in German running text. A capitalised Sie/Ihr after a sentence start
    may mean 'they'/'her'."""
    found = [f"'{m.group(0).strip()}' (use {instead})"
             for word, instead in {**GERMAN_TERMS, **NOTEBOOK_SPELLING}.items()
             if (m := re.search(word, prose, re.IGNORECASE))]
    for line in prose.split("\n"):
        for m in FORMAL_ADDRESS.finditer(line):
            before = line[: m.start()].rstrip()
            if before and (before[-1].isalnum() or before[-1] in ",)"):
                found.append(f"Sie: '{line.strip()}' (say du)")
    return found


def text_prose(de: str) -> str:
    """The running text of a cell: no code, formulas, link targets, HTML, and not the output note
    (it quotes English output such as '1.485 nats/char' on purpose)."""
    lines = FENCE.sub("", de).split("\n")
    if de.startswith(OUTPUT_NOTE):  # the note is the opening block quote
        while lines and lines[0].startswith(">"):
            lines.pop(0)
    return VERSION.sub(" ", strip_markup(MATH.sub(" ", "\n".join(lines))))


def text_problems(en: str, de: str, check_numbers: bool = True) -> list[str]:
    """A German cell text against its English: headings translated (paired by position), the glossary,
    German number format, and (``check_numbers``) every English number still there."""
    found = []
    heading_pairs = zip(TEXT_HEADING.finditer(FENCE.sub("", en)), TEXT_HEADING.finditer(FENCE.sub("", de)))
    for a, b in ((a.group(2), b.group(2)) for a, b in heading_pairs):
        words = [w for w in re.split(r"[\s:,.()]+", a) if w and not w.isdigit()]
        if a == b and not all(w in SAME_IN_GERMAN for w in words):
            found.append(f"heading '{b}' is the English one")
    prose = text_prose(de)
    found += glossary_problems(prose)
    found += [f"'{m.group(1)}' is not a German number (1.485 is 1485; 1,485 nat)"
              for m in PROSE_NUMBER.finditer(prose)
              if not NUMBER_FORMAT["de"].fullmatch(m.group(1)) and not DATE.fullmatch(m.group(1))]
    if check_numbers:
        en_numbers = numbers(text_prose(en), "en")
        lost = Counter(n.bare for n in en_numbers) - Counter(n.bare for n in numbers(prose, "de"))
        for n in en_numbers:
            if lost[n.bare] > 0:
                lost[n.bare] -= 1
                found.append(f"the English number '{n.raw}' is not in the German text (German format: "
                             f"{german_spelling(n)})")
    return found


def notebook_differences(en: dict, de: dict) -> list[str]:
    """Everything in which a German notebook differs from its English one but the markdown text."""
    found = []
    if (de.get("nbformat"), de.get("nbformat_minor")) != (en.get("nbformat"), en.get("nbformat_minor")):
        found.append("notebook format")
    if {k: v for k, v in de.get("metadata", {}).items() if k != "translation"} != en.get("metadata", {}):
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


def output_note_problems(de: dict) -> list[str]:
    """A German notebook opens with the note that its outputs are English (a point is the decimal sign there)."""
    first = next(("".join(c["source"]) for c in de["cells"] if c["cell_type"] == "markdown"), "")
    if first.startswith(OUTPUT_NOTE) and all(w in first for w in OUTPUT_NOTE_WORDS):
        return []
    return [f"the first markdown cell should open with the note that the outputs are English "
            f"('{OUTPUT_NOTE} ... englisch ... Punkt = Dezimalzeichen ...'); it opens with {first[:60]!r}"]
