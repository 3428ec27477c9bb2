"""Dates written in words, paired with their ISO form: the data of the date-translation lab.

Every pair is generated here, offline and deterministically from a seed: a calendar date between
1 January 1800 and 31 December 2199 (400 years, one full cycle of the Gregorian calendar), written
in one of eight English or German formats and in one of three letter cases, next to its ISO 8601
form ``YYYY-MM-DD``. For Tuesday, 3 March 2026:

=================  ==========================
format             written
=================  ==========================
``en_dmy``         ``3 March 2026``
``en_mdy``         ``March 3rd, 2026``
``en_wd_short``    ``Tue, 3 Mar 2026``
``en_wd_long``     ``Tuesday, March 3, 2026``
``us_numeric``     ``03/03/2026`` (month first)
``de_numeric``     ``3.3.2026``
``de_dmy``         ``3. März 2026``
``de_wd``          ``Dienstag, 3. März 2026``
=================  ==========================

Weekday names are always the true weekday of the date. The held-out split holds calendar dates
that never occur in the training split, in any format or case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import numpy as np

FIRST_DATE = dt.date(1800, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

FORMATS: tuple[str, ...] = (
    "en_dmy",
    "en_mdy",
    "en_wd_short",
    "en_wd_long",
    "us_numeric",
    "de_numeric",
    "de_dmy",
    "de_wd",
)
LANGUAGE = {f: ("de" if f.startswith("de_") else "en") for f in FORMATS}
CASES: tuple[str, ...] = ("as written", "lower", "upper")


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


def write_date(day: dt.date, fmt: str, case: str = "as written") -> str:
    """``day`` written in format ``fmt`` (one of FORMATS) and letter case ``case`` (of CASES)."""
    _check_date(day)
    d, m, y = day.day, day.month, day.year
    wd = day.weekday()
    if fmt == "en_dmy":
        text = f"{d} {MONTHS_EN[m - 1]} {y}"
    elif fmt == "en_mdy":
        text = f"{MONTHS_EN[m - 1]} {ordinal(d)}, {y}"
    elif fmt == "en_wd_short":
        text = f"{WEEKDAYS_EN[wd][:3]}, {d} {MONTHS_EN[m - 1][:3]} {y}"
    elif fmt == "en_wd_long":
        text = f"{WEEKDAYS_EN[wd]}, {MONTHS_EN[m - 1]} {d}, {y}"
    elif fmt == "us_numeric":
        text = f"{m:02d}/{d:02d}/{y}"
    elif fmt == "de_numeric":
        text = f"{d}.{m}.{y}"
    elif fmt == "de_dmy":
        text = f"{d}. {MONTHS_DE[m - 1]} {y}"
    elif fmt == "de_wd":
        text = f"{WEEKDAYS_DE[wd]}, {d}. {MONTHS_DE[m - 1]} {y}"
    else:
        raise ValueError(f"unknown date format {fmt!r} -- use one of {', '.join(FORMATS)}")
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


@dataclass(frozen=True)
class DatePair:
    """One example: the written date, its ISO form, and how it was written."""

    text: str
    iso: str
    format: str
    case: str
    date: dt.date


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
    """The two splits, with the calendar dates behind them."""

    train: list[DatePair]
    heldout: list[DatePair]
    train_dates: frozenset  # the dates that occur in ``train``
    heldout_dates: frozenset
    calendar_size: int  # how many dates the calendar FIRST_DATE .. LAST_DATE has
    seed: int

    def describe(self) -> str:
        return (
            f"calendar: {self.calendar_size:,} dates, "
            f"{FIRST_DATE.isoformat()} .. {LAST_DATE.isoformat()}; "
            f"{len(self.heldout_dates):,} of them held out\n"
            f"training: {len(self.train):,} pairs, drawn from the other "
            f"{self.calendar_size - len(self.heldout_dates):,} dates "
            f"({len(self.train_dates):,} distinct dates drawn)\n"
            f"held out: {len(self.heldout):,} pairs, one per held-out date, "
            f"{len(self.heldout) // len(FORMATS):,} per format"
        )


def _check_count(name: str, value: int, lowest: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lowest:
        raise ValueError(f"{name} must be a whole number >= {lowest}, got {value!r}")


def make_date_data(n_train: int = 100_000, n_heldout: int = 2_400, seed: int = 0) -> DateData:
    """Split the calendar into held-out and training dates, and write the pairs.

    * ``n_heldout`` dates (a multiple of the number of formats) are drawn without replacement and
      removed from the training pool; each is written once, in a random case, the formats taking
      turns, so that every format gets the same number of held-out dates.
    * ``n_train`` training pairs draw a date from the rest of the calendar, a format and a case
      uniformly at random (a date may appear several times, in different formats).

    The same arguments give the same pairs on every machine.
    """
    _check_count("n_train", n_train, 1)
    _check_count("n_heldout", n_heldout, len(FORMATS))
    if n_heldout % len(FORMATS):
        raise ValueError(
            f"n_heldout={n_heldout:,} must be a multiple of {len(FORMATS)}, so that every format "
            f"gets the same number of held-out dates"
        )
    calendar = all_dates()
    if n_heldout > len(calendar) // 2:
        raise ValueError(
            f"n_heldout={n_heldout:,} would leave too few training dates "
            f"-- use at most {len(calendar) // 2:,}"
        )
    rng = np.random.default_rng(seed)
    held_idx = np.sort(rng.choice(len(calendar), size=n_heldout, replace=False))
    is_held = np.zeros(len(calendar), dtype=bool)
    is_held[held_idx] = True
    train_idx = np.flatnonzero(~is_held)

    held_order = rng.permutation(held_idx)  # which date gets which format: random, formats in turn
    held_cases = rng.integers(len(CASES), size=n_heldout)
    heldout = []
    for k, (i, c) in enumerate(zip(held_order.tolist(), held_cases.tolist())):
        heldout.append(_pair(calendar[i], FORMATS[k % len(FORMATS)], CASES[c]))

    picks = train_idx[rng.integers(len(train_idx), size=n_train)]
    fmts = rng.integers(len(FORMATS), size=n_train)
    cases = rng.integers(len(CASES), size=n_train)
    train = [
        _pair(calendar[i], FORMATS[f], CASES[c])
        for i, f, c in zip(picks.tolist(), fmts.tolist(), cases.tolist())
    ]
    return DateData(
        train=train,
        heldout=heldout,
        train_dates=frozenset(calendar[i] for i in np.unique(picks).tolist()),
        heldout_dates=frozenset(calendar[i] for i in held_idx.tolist()),
        calendar_size=len(calendar),
        seed=seed,
    )


def _pair(day: dt.date, fmt: str, case: str) -> DatePair:
    return DatePair(write_date(day, fmt, case), day.isoformat(), fmt, case, day)


def every_format(day: dt.date, cases: Sequence[str] = ("as written",)) -> list[DatePair]:
    """``day`` in every format (and each of ``cases``): for comparing how one date is encoded."""
    return [_pair(day, f, c) for f in FORMATS for c in cases]


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
