"""Dates as people write them, paired with their ISO form: the data of the date-translation lab.

Every pair is generated here, offline and deterministically from a seed: a calendar date between
1 January 1800 and 31 December 2199 (400 years, one full cycle of the Gregorian calendar), written
in one of eighteen English, German or ISO formats, in one of three letter cases, sometimes with
irregular spacing and, if asked for, with one typing mistake, next to its ISO 8601 form
``YYYY-MM-DD``. For Tuesday, 3 March 2026:

=======================  ===========================  =========================================
format                   written                      what varies by month
=======================  ===========================  =========================================
``en_dmy``               ``3 March 2026``
``en_dmy_ordinal``       ``3rd March 2026``
``en_the_of``            ``the 3rd of March, 2026``
``en_mdy``               ``March 3rd, 2026``
``en_mdy_abbr``          ``March 3, 2026``            AP style: ``Oct. 3, 1990``, ``Sept. 3``
``en_dmy_abbr``          ``3 Mar 2026``               British, no dot: ``3 Sept 2026``
``en_wd_short``          ``Tue, 3 Mar 2026``          three letters, as in e-mail headers
``en_wd_long``           ``Tuesday, March 3, 2026``
``us_numeric``           ``03/03/2026``               month first, zero-padded
``us_numeric_unpadded``  ``3/3/2026``                 month first
``de_numeric``           ``3.3.2026``                 day first
``de_numeric_padded``    ``03.03.2026``               day first, zero-padded
``de_dmy``               ``3. März 2026``
``de_dmy_abbr``          ``3. Mrz. 2026``             DIN 5008: ``Okt.``, ``Sept.``, ``Mai``
``de_am``                ``am 3. März 2026``
``de_wd``                ``Dienstag, 3. März 2026``
``de_wd_short``          ``Di., 03.03.2026``
``iso``                  ``2026-03-03``               the target itself, passed through
=======================  ===========================  =========================================

The rule for numbers only: **a slash means month first** (US), **a dot means day first**
(German), padded or not. Weekday names are always the true weekday of the date.

Two kinds of variation come on top of format and case, each drawn with its own random generator:

* ``respace``: irregular spacing that a reader does not even notice (a double space, no space after
  a comma, a space around a separator, a space at either end);
* ``add_noise``: one typing mistake (a dropped or doubled letter, a missing or extra space, a
  stray punctuation mark). Digits are never touched and never run together, and a month or weekday
  name is changed only where the result cannot be read as another name, so that every noisy text
  still names exactly one date.

The held-out split holds calendar dates that never occur in the training split, in any form; an
optional block of whole years is kept out of both and tested on its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .checks import finite_number, whole_number

FIRST_DATE = dt.date(1800, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")
# AP style (US newspapers): five months written out, the others cut, with a dot
MONTHS_EN_AP = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
                "Nov.", "Dec.")
# British short forms: no dot, September as Sept
MONTHS_EN_UK = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")
# DIN 5008 / Duden: with a dot, Mai written out
MONTHS_DE_ABBR = ("Jan.", "Feb.", "Mrz.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sept.", "Okt.",
                  "Nov.", "Dez.")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
WEEKDAYS_DE_ABBR = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")

FORMATS: tuple[str, ...] = (
    "en_dmy",
    "en_dmy_ordinal",
    "en_the_of",
    "en_mdy",
    "en_mdy_abbr",
    "en_dmy_abbr",
    "en_wd_short",
    "en_wd_long",
    "us_numeric",
    "us_numeric_unpadded",
    "de_numeric",
    "de_numeric_padded",
    "de_dmy",
    "de_dmy_abbr",
    "de_am",
    "de_wd",
    "de_wd_short",
    "iso",
)
LANGUAGE = {f: f.split("_")[0].replace("us", "en") for f in FORMATS}  # "en", "de" or "iso"
CASES: tuple[str, ...] = ("as written", "lower", "upper")
SPACINGS: tuple[str, ...] = ("regular", "irregular")
NOISE_KINDS: tuple[str, ...] = (
    "dropped letter",
    "doubled letter",
    "missing space",
    "extra space",
    "stray punctuation",
)
STRAY_PUNCTUATION = ".,;:'-"


def ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st, 22nd, 23rd, ..., 31st."""
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _check_date(day: dt.date) -> None:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"expected a datetime.date, got {day!r}")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(
            f"{day.isoformat()} lies outside {FIRST_DATE.isoformat()} .. {LAST_DATE.isoformat()}"
        )


# How each format writes a date: one small function per format, so that writing a date builds only
# its own string. Arguments: day, month index 0-11, year, weekday 0-6 (Monday first).
_WRITERS = {
    "en_dmy": lambda d, m, y, wd: f"{d} {MONTHS_EN[m]} {y}",
    "en_dmy_ordinal": lambda d, m, y, wd: f"{ordinal(d)} {MONTHS_EN[m]} {y}",
    "en_the_of": lambda d, m, y, wd: f"the {ordinal(d)} of {MONTHS_EN[m]}, {y}",
    "en_mdy": lambda d, m, y, wd: f"{MONTHS_EN[m]} {ordinal(d)}, {y}",
    "en_mdy_abbr": lambda d, m, y, wd: f"{MONTHS_EN_AP[m]} {d}, {y}",
    "en_dmy_abbr": lambda d, m, y, wd: f"{d} {MONTHS_EN_UK[m]} {y}",
    "en_wd_short": lambda d, m, y, wd: f"{WEEKDAYS_EN[wd][:3]}, {d} {MONTHS_EN[m][:3]} {y}",
    "en_wd_long": lambda d, m, y, wd: f"{WEEKDAYS_EN[wd]}, {MONTHS_EN[m]} {d}, {y}",
    "us_numeric": lambda d, m, y, wd: f"{m + 1:02d}/{d:02d}/{y}",
    "us_numeric_unpadded": lambda d, m, y, wd: f"{m + 1}/{d}/{y}",
    "de_numeric": lambda d, m, y, wd: f"{d}.{m + 1}.{y}",
    "de_numeric_padded": lambda d, m, y, wd: f"{d:02d}.{m + 1:02d}.{y}",
    "de_dmy": lambda d, m, y, wd: f"{d}. {MONTHS_DE[m]} {y}",
    "de_dmy_abbr": lambda d, m, y, wd: f"{d}. {MONTHS_DE_ABBR[m]} {y}",
    "de_am": lambda d, m, y, wd: f"am {d}. {MONTHS_DE[m]} {y}",
    "de_wd": lambda d, m, y, wd: f"{WEEKDAYS_DE[wd]}, {d}. {MONTHS_DE[m]} {y}",
    "de_wd_short": lambda d, m, y, wd: f"{WEEKDAYS_DE_ABBR[wd]}., {d:02d}.{m + 1:02d}.{y}",
    "iso": lambda d, m, y, wd: f"{y:04d}-{m + 1:02d}-{d:02d}",
}


def _written(day: dt.date, fmt: str) -> str:
    return _WRITERS[fmt](day.day, day.month - 1, day.year, day.weekday())


def write_date(day: dt.date, fmt: str, case: str = "as written") -> str:
    """``day`` written in format ``fmt`` (one of FORMATS) and letter case ``case`` (of CASES)."""
    _check_date(day)
    if fmt not in FORMATS:
        raise ValueError(f"unknown date format {fmt!r} -- use one of {', '.join(FORMATS)}")
    text = _written(day, fmt)
    if case == "as written":
        return text
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    choices = ", ".join(repr(c) for c in CASES)
    raise ValueError(f"unknown letter case {case!r} -- use one of {choices}")


def iso(day: dt.date) -> str:
    """The target: ``YYYY-MM-DD``."""
    _check_date(day)
    return day.isoformat()


# ---------------------------------------------------------------------------------------------
# Irregular spacing and typing mistakes
# ---------------------------------------------------------------------------------------------
def _between_digits(text: str, i: int) -> bool:
    """True if position ``i`` (a gap before text[i]) lies between two digits."""
    return 0 < i < len(text) and text[i - 1].isdigit() and text[i].isdigit()


def respace(text: str, rng: np.random.Generator) -> str:
    """``text`` with one or two spacing changes a reader hardly notices.

    A space doubled; the space after a comma or a dot dropped (``Tue,3 Mar``, ``3.März``); a space
    put before or after a separator (``3 .3.2026``, ``03/ 03/2026``); a space at the start or the
    end. No space ever lands between two digits, so no number is split.
    """
    original, changes = text, 1 + int(rng.integers(2))
    while changes > 0 or text == original:  # a second change may undo the first: then one more
        changes -= 1
        options = ["edge"]
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        tight = [i for i in spaces if i > 0 and text[i - 1] in ",."]
        loose = [i + side for i, ch in enumerate(text) if ch in "./,-" for side in (0, 1)
                 if not (0 < i + side < len(text) and " " in text[i + side - 1 : i + side + 1])
                 and not _between_digits(text, i + side)]
        options += ["double"] * bool(spaces) + ["tight"] * bool(tight) + ["loose"] * bool(loose)
        choice = options[int(rng.integers(len(options)))]
        if choice == "double":
            i = spaces[int(rng.integers(len(spaces)))]
            text = text[:i] + " " + text[i:]
        elif choice == "tight":
            i = tight[int(rng.integers(len(tight)))]
            text = text[:i] + text[i + 1 :]
        elif choice == "loose":
            i = loose[int(rng.integers(len(loose)))]
            text = text[:i] + " " + text[i:]
        else:
            text = " " + text if rng.integers(2) else text + " "
    return text


def _name_meanings() -> dict[str, set[str]]:
    """Every month and weekday name (lower case, dot dropped) -> what it means ("m3", "w1")."""
    meanings: dict[str, set[str]] = {}
    months = (MONTHS_EN, MONTHS_DE, MONTHS_EN_AP, MONTHS_EN_UK, MONTHS_DE_ABBR,
              [m[:3] for m in MONTHS_EN])
    weekdays = (WEEKDAYS_EN, WEEKDAYS_DE, WEEKDAYS_DE_ABBR, [w[:3] for w in WEEKDAYS_EN])
    for prefix, tables in (("m", months), ("w", weekdays)):
        for table in tables:
            for k, name in enumerate(table):
                meanings.setdefault(name.lower().rstrip("."), set()).add(f"{prefix}{k}")
    return meanings


def _one_letter_changes(word: str) -> dict[str, list[tuple[str, int]]]:
    """The words one dropped or one doubled letter makes of ``word``: text -> [(kind, index)]."""
    changes: dict[str, list[tuple[str, int]]] = {}
    for i in range(len(word)):
        changes.setdefault(word[:i] + word[i + 1 :], []).append(("dropped letter", i))
        changes.setdefault(word[: i + 1] + word[i:], []).append(("doubled letter", i))
    return changes


def _one_shorter(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@functools.cache
def _safe_name_changes() -> dict[str, dict[str, list[int]]]:
    """For each name: the letters that may be dropped or doubled without making another name.

    A change is unsafe if the result is a name with another meaning, or one letter (more or less)
    away from one: ``Mar`` and ``May`` both become ``Ma``; ``Juni`` and ``Juli`` both become
    ``Jui``; ``Mai`` becomes the weekday ``Mi``. Results shorter than two letters are unsafe too.
    """
    meanings = _name_meanings()
    shorter = {name: _one_shorter(name) for name in meanings}

    def readable_as(text: str) -> set[str]:
        found = set(meanings.get(text, ()))
        text_shorter = _one_shorter(text)
        for name, meaning in meanings.items():
            if text in shorter[name] or name in text_shorter:
                found |= meaning
        return found

    safe: dict[str, dict[str, list[int]]] = {}
    for name, meaning in meanings.items():
        allowed: dict[str, list[int]] = {"dropped letter": [], "doubled letter": []}
        for changed, ways in _one_letter_changes(name).items():
            if len(changed) >= 2 and readable_as(changed) <= meaning:
                for kind, i in ways:
                    allowed[kind].append(i)
        safe[name] = {kind: sorted(set(found)) for kind, found in allowed.items()}
    return safe


_WORD = re.compile(r"[^\W\d_]+")


def _letter_positions(text: str, kind: str) -> list[int]:
    """Where in ``text`` a letter may be dropped or doubled (indexes into ``text``)."""
    positions = []
    safe_changes = _safe_name_changes()  # worked out on first use, then kept
    for m in _WORD.finditer(text):
        word = m.group().lower()
        if word in safe_changes:
            positions += [m.start() + i for i in safe_changes[word][kind]]
        elif kind == "doubled letter" or len(word) >= 2:
            positions += list(range(m.start(), m.end()))
    return positions


def _noise_positions(text: str) -> dict[str, list[int]]:
    """For each kind of typing mistake, where in ``text`` it may happen (empty: not at all)."""
    spaces = [i for i, ch in enumerate(text) if ch == " " and not _between_digits(text[:i] + text[i + 1 :], i)]
    gaps = [i for i in range(len(text) + 1) if not _between_digits(text, i)]
    return {
        "dropped letter": _letter_positions(text, "dropped letter"),
        "doubled letter": _letter_positions(text, "doubled letter"),
        "missing space": spaces,
        "extra space": [i for i in gaps if " " not in text[max(i - 1, 0) : i + 1]],
        "stray punctuation": gaps,
    }


def _noise_kinds(kinds, name: str = "kinds") -> tuple[str, ...]:
    """``kinds`` checked: a non-empty selection of NOISE_KINDS, in the order of NOISE_KINDS."""
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in NOISE_KINDS]
    if unknown or not kinds:
        raise ValueError(f"{name} must name one or more of {', '.join(NOISE_KINDS)}, got {kinds!r}")
    return tuple(k for k in NOISE_KINDS if k in kinds)


def add_noise(text: str, rng: np.random.Generator, kind: str | None = None,
              kinds: Sequence[str] = NOISE_KINDS) -> tuple[str, str]:
    """``text`` with one typing mistake, and its kind (one of NOISE_KINDS).

    ``kind=None`` draws one of ``kinds`` (all of NOISE_KINDS by default) that ``text`` allows (a
    numeric date has no letter to drop). Digits are never dropped or doubled, no space or
    punctuation mark is put between two digits, and no space between two digits is removed; a month
    or weekday name loses or gains a letter only where the result cannot be read as another name.
    """
    where = _noise_positions(text)
    if kind is None:
        kinds = _noise_kinds(kinds)
        possible = [k for k in kinds if where[k]]
        if not possible:
            raise ValueError(f"{text!r} allows none of the typing mistakes {', '.join(kinds)}")
        kind = possible[int(rng.integers(len(possible)))]
    elif kind not in NOISE_KINDS:
        raise ValueError(f"unknown kind of noise {kind!r} -- use one of {', '.join(NOISE_KINDS)}")
    if not where[kind]:
        raise ValueError(f"{text!r} allows no {kind}")
    i = where[kind][int(rng.integers(len(where[kind])))]
    if kind == "dropped letter" or kind == "missing space":
        return text[:i] + text[i + 1 :], kind
    if kind == "doubled letter":
        return text[: i + 1] + text[i:], kind
    mark = " " if kind == "extra space" else STRAY_PUNCTUATION[int(rng.integers(len(STRAY_PUNCTUATION)))]
    return text[:i] + mark + text[i:], kind


# ---------------------------------------------------------------------------------------------
# Pairs and splits
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DatePair:
    """One example: the written date, its ISO form, and how it was written."""

    text: str
    iso: str
    format: str
    case: str
    date: dt.date
    spacing: str = "regular"
    noise: str = ""  # the kind of typing mistake, "" for none


def all_dates(first: dt.date = FIRST_DATE, last: dt.date = LAST_DATE) -> list[dt.date]:
    """Every calendar date from ``first`` to ``last``, inclusive."""
    _check_date(first)
    _check_date(last)
    if last < first:
        raise ValueError(
            f"last date {last.isoformat()} comes before first date {first.isoformat()}"
        )
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class DateData:
    """The splits, with the calendar dates behind them.

    ``heldout_noisy`` is ``heldout`` with one typing mistake in each text, of the ``noise_kinds``
    that the training pairs have too. ``heldout_new_noise`` holds the held-out dates again, each with
    one mistake of a kind *not* in ``noise_kinds`` (only the texts that allow one; empty when every
    kind is trained on). ``unseen`` maps each block of unseen years (``"1960-1969"``) to pairs of
    its dates; neither the training nor the held-out split contains a date of those years.
    """

    train: list[DatePair]
    heldout: list[DatePair]
    heldout_noisy: list[DatePair]
    unseen: dict[str, list[DatePair]]
    train_dates: frozenset  # the dates that occur in ``train``
    heldout_dates: frozenset
    calendar_size: int  # how many dates the calendar FIRST_DATE .. LAST_DATE has
    seed: int
    noise_kinds: tuple[str, ...] = NOISE_KINDS  # the kinds of typing mistake in ``train`` and ``heldout_noisy``
    heldout_new_noise: list[DatePair] = field(default_factory=list)  # held-out dates, a mistake of another kind

    def describe(self) -> str:
        per_format = len(self.heldout) // len(FORMATS)
        noisy = sum(bool(p.noise) for p in self.train)
        irregular = sum(p.spacing == "irregular" for p in self.train)
        years = sorted({d.year for d in self.train_dates})
        lines = [
            f"calendar: {self.calendar_size:,} dates, "
            f"{FIRST_DATE.isoformat()} .. {LAST_DATE.isoformat()}",
            f"training: {len(self.train):,} pairs of {len(self.train_dates):,} distinct dates in "
            f"{len(years)} years from {years[0]} to {years[-1]}",
            f"          {irregular / len(self.train):.0%} irregularly spaced, "
            f"{noisy / len(self.train):.0%} with a typing mistake",
            f"held out: {len(self.heldout):,} dates never trained on, one pair each, "
            f"{per_format:,} per format; the same dates with a typing mistake each",
        ]
        if self.noise_kinds != NOISE_KINDS:
            lines.insert(3, f"          typing mistakes only of the kinds {', '.join(self.noise_kinds)}")
            lines.append(f"held out: {len(self.heldout_new_noise):,} of the same dates with a mistake of a kind "
                         f"never trained on ({', '.join(k for k in NOISE_KINDS if k not in self.noise_kinds)})")
        for block, pairs in self.unseen.items():
            lines.append(f"unseen years {block}: {len(pairs):,} dates of years without a single "
                         f"training or held-out date")
        return "\n".join(lines)


def _year_blocks(unseen_years) -> list[tuple[int, int]]:
    blocks = []
    for block in unseen_years:
        if not (isinstance(block, (tuple, list)) and len(block) == 2):
            raise ValueError(f"unseen_years must hold (first, last) pairs of years, got {block!r}")
        for year, name in ((block[0], "the first unseen year"), (block[1], "the last unseen year")):
            whole_number(year, name, FIRST_DATE.year)
            if year > LAST_DATE.year:
                raise ValueError(f"{name} must lie in {FIRST_DATE.year} .. {LAST_DATE.year}, got {year}")
        if block[1] < block[0]:
            raise ValueError(f"unseen years {block[0]}-{block[1]}: the last year comes before the first")
        blocks.append((int(block[0]), int(block[1])))
    return blocks


def make_date_data(
    n_train: int = 100_000,
    n_heldout: int = 2_700,
    seed: int = 0,
    *,
    irregular: float = 0.25,
    noise: float = 0.0,
    unseen_years: Sequence[tuple[int, int]] = (),
    noise_kinds: Sequence[str] = NOISE_KINDS,
) -> DateData:
    """Split the calendar into held-out and training dates, and write the pairs.

    * the dates of each block of ``unseen_years`` (first and last year, inclusive) are set aside
      first; up to ``n_heldout`` of them, drawn at random, are written once each, the formats
      taking turns, into ``unseen["first-last"]``;
    * ``n_heldout`` dates (a multiple of the number of formats) are drawn without replacement from
      the rest and removed from the training pool; each is written once, in a random case, the
      formats taking turns, so that every format gets the same number of held-out dates;
      ``heldout_noisy`` is the same pairs with one typing mistake each;
    * ``n_train`` training pairs draw a date from the rest of the calendar, a format and a case
      uniformly at random (a date may appear several times, in different formats).

    A share ``irregular`` of all pairs is irregularly spaced (``respace``), and a share ``noise``
    of the training pairs gets one typing mistake (``add_noise``), of one of ``noise_kinds`` (a
    training text that allows none of them stays as it is). The kinds left out of ``noise_kinds``
    are tested on their own: ``heldout_new_noise`` is the held-out dates with one mistake of those
    kinds. The same arguments give the same pairs on every machine.
    """
    whole_number(n_train, "n_train", 1)
    whole_number(n_heldout, "n_heldout", len(FORMATS))
    whole_number(seed, "seed", 0)
    irregular = finite_number(irregular, "irregular", 0, 1, hint=" (the share of irregularly spaced pairs)")
    noise = finite_number(noise, "noise", 0, 1, hint=" (the share of training pairs with a typing mistake)")
    noise_kinds = _noise_kinds(noise_kinds, "noise_kinds")
    new_kinds = tuple(k for k in NOISE_KINDS if k not in noise_kinds)
    if n_heldout % len(FORMATS):
        raise ValueError(
            f"n_heldout={n_heldout:,} must be a multiple of {len(FORMATS)}, so that every format "
            f"gets the same number of held-out dates"
        )
    blocks = _year_blocks(unseen_years)
    calendar = all_dates()
    year_of = np.array([d.year for d in calendar])
    in_block = [(year_of >= y1) & (year_of <= y2) for y1, y2 in blocks]
    pool = np.flatnonzero(~np.any(in_block, axis=0)) if blocks else np.arange(len(calendar))
    if n_heldout > len(pool) // 2:
        raise ValueError(
            f"n_heldout={n_heldout:,} would leave too few training dates "
            f"-- use at most {len(pool) // 2:,}"
        )
    rng = np.random.default_rng(seed)
    layout_rng, noise_rng = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 2])

    def pair(day, fmt, case, mistakes=None):
        text = write_date(day, fmt, case)
        spacing = "regular"
        if irregular and layout_rng.random() < irregular:
            text, spacing = respace(text, layout_rng), "irregular"
        kind = ""
        if mistakes is not None and any(_noise_positions(text)[k] for k in noise_kinds):
            text, kind = add_noise(text, mistakes, kinds=noise_kinds)
        return DatePair(text, day.isoformat(), fmt, case, day, spacing, kind)

    def written_once(indexes):
        # each date once: random order, the formats taking turns, a random case
        order = rng.permutation(indexes)
        cases = rng.integers(len(CASES), size=len(order))
        return [pair(calendar[i], FORMATS[k % len(FORMATS)], CASES[c])
                for k, (i, c) in enumerate(zip(order.tolist(), cases.tolist()))]

    held_idx = np.sort(rng.choice(pool, size=n_heldout, replace=False))
    in_training = np.zeros(len(calendar), dtype=bool)
    in_training[pool] = True
    in_training[held_idx] = False
    train_idx = np.flatnonzero(in_training)

    heldout = written_once(held_idx)
    heldout_noisy = []
    for p in heldout:
        text, kind = add_noise(p.text, noise_rng, kinds=noise_kinds)
        heldout_noisy.append(DatePair(text, p.iso, p.format, p.case, p.date, p.spacing, kind))
    heldout_new_noise, new_noise_rng = [], np.random.default_rng([seed, 3])
    for p in heldout if new_kinds else []:
        if any(_noise_positions(p.text)[k] for k in new_kinds):
            text, kind = add_noise(p.text, new_noise_rng, kinds=new_kinds)
            heldout_new_noise.append(DatePair(text, p.iso, p.format, p.case, p.date, p.spacing, kind))
    unseen = {}
    for (y1, y2), mask in zip(blocks, in_block):
        dates_of_block = np.flatnonzero(mask)
        if len(dates_of_block) > n_heldout:
            dates_of_block = np.sort(rng.choice(dates_of_block, size=n_heldout, replace=False))
        unseen[f"{y1}-{y2}"] = written_once(dates_of_block)

    picks = train_idx[rng.integers(len(train_idx), size=n_train)]
    fmts = rng.integers(len(FORMATS), size=n_train)
    cases = rng.integers(len(CASES), size=n_train)
    noisy = rng.random(n_train) < noise
    train = [
        pair(calendar[i], FORMATS[f], CASES[c], noise_rng if z else None)
        for i, f, c, z in zip(picks.tolist(), fmts.tolist(), cases.tolist(), noisy.tolist())
    ]
    return DateData(
        train=train,
        heldout=heldout,
        heldout_noisy=heldout_noisy,
        unseen=unseen,
        train_dates=frozenset(calendar[i] for i in np.unique(picks).tolist()),
        heldout_dates=frozenset(calendar[i] for i in held_idx.tolist()),
        calendar_size=len(calendar),
        seed=seed,
        noise_kinds=noise_kinds,
        heldout_new_noise=heldout_new_noise,
    )


def every_format(day: dt.date, cases: Sequence[str] = ("as written",)) -> list[DatePair]:
    """``day`` in every format (and each of ``cases``): for comparing how one date is encoded."""
    return [DatePair(write_date(day, f, c), iso(day), f, c, day) for f in FORMATS for c in cases]


def parse_iso(text: str) -> dt.date | None:
    """The date an ISO string ``YYYY-MM-DD`` names, or None if it names none (e.g. 2025-02-30)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    y, m, d = text[:4], text[5:7], text[8:]
    if not all(ch in "0123456789" for ch in y + m + d):
        return None
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
