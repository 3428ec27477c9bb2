"""textgen.dates: the written dates of the translation lab, checked by an independent parser.

The reference parser below has its own month and weekday tables and its own weekday formula
(Zeller's congruence); it does not import anything from textgen.dates but the functions under test.
"""

import datetime as dt
import re

import pytest

from textgen import dates

# --- a reference parser, written independently of the generator ----------------------------------
_EN_MONTHS = "january february march april may june july august september october november december"
_DE_MONTHS = "januar februar märz april mai juni juli august september oktober november dezember"
EN_MONTH = {name: i + 1 for i, name in enumerate(_EN_MONTHS.split())}
EN_MONTH_ABBR = {name[:3]: number for name, number in EN_MONTH.items()}
DE_MONTH = {name: i + 1 for i, name in enumerate(_DE_MONTHS.split())}
# weekday numbers as Zeller's congruence gives them: 0 = Saturday, 1 = Sunday, ..., 6 = Friday
EN_WEEKDAY = dict(zip("saturday sunday monday tuesday wednesday thursday friday".split(), range(7)))
EN_WEEKDAY_ABBR = {name[:3]: number for name, number in EN_WEEKDAY.items()}
DE_WEEKDAY = dict(
    zip("samstag sonntag montag dienstag mittwoch donnerstag freitag".split(), range(7))
)


def zeller(year: int, month: int, day: int) -> int:
    """Day of the week in the Gregorian calendar: 0 = Saturday ... 6 = Friday."""
    if month < 3:
        month += 12
        year -= 1
    k, j = year % 100, year // 100
    return (day + 13 * (month + 1) // 5 + k + k // 4 + j // 4 + 5 * j) % 7


def english_suffix(day: int) -> str:
    last_two, last = day % 100, day % 10
    if last_two in (11, 12, 13) or last not in (1, 2, 3):
        return "th"
    return ["st", "nd", "rd"][last - 1]


def reference_parse(text: str) -> tuple[dt.date, str]:
    """(date, language) of a written date; AssertionError if the text is not a consistent date."""
    t = text.lower()
    weekday_name, weekdays = None, None
    if m := re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", t):
        month, day, year, lang = int(m[1]), int(m[2]), int(m[3]), "en"
    elif m := re.fullmatch(r"([1-9]\d?)\.([1-9]\d?)\.(\d{4})", t):
        day, month, year, lang = int(m[1]), int(m[2]), int(m[3]), "de"
    elif m := re.fullmatch(r"(?:([a-z]+), )?([1-9]\d?)\. ([a-zä]+) (\d{4})", t):
        weekday_name, weekdays = m[1], DE_WEEKDAY
        day, month, year, lang = int(m[2]), DE_MONTH[m[3]], int(m[4]), "de"
    elif m := re.fullmatch(r"([a-z]{3}), ([1-9]\d?) ([a-z]{3}) (\d{4})", t):
        weekday_name, weekdays = m[1], EN_WEEKDAY_ABBR
        day, month, year, lang = int(m[2]), EN_MONTH_ABBR[m[3]], int(m[4]), "en"
    elif m := re.fullmatch(r"([1-9]\d?) ([a-z]+) (\d{4})", t):
        day, month, year, lang = int(m[1]), EN_MONTH[m[2]], int(m[3]), "en"
    elif m := re.fullmatch(r"([a-z]+), ([a-z]+) ([1-9]\d?), (\d{4})", t):
        weekday_name, weekdays = m[1], EN_WEEKDAY
        month, day, year, lang = EN_MONTH[m[2]], int(m[3]), int(m[4]), "en"
    elif m := re.fullmatch(r"([a-z]+) ([1-9]\d?)(st|nd|rd|th), (\d{4})", t):
        month, day, year, lang = EN_MONTH[m[1]], int(m[2]), int(m[4]), "en"
        assert m[3] == english_suffix(day), f"{text!r}: wrong ordinal suffix"
    else:
        raise AssertionError(f"{text!r} matches no known date format")
    date = dt.date(year, month, day)  # raises for impossible dates such as 30 February
    if weekday_name is not None:
        assert weekdays[weekday_name] == zeller(year, month, day), f"{text!r}: wrong weekday"
    return date, lang


# --- the parser itself must be able to fail ----------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    ["Wednesday, March 3, 2026", "Mo, 3. März 2026", "Montag, 3. März 2026", "March 3th, 2026",
     "3/3/2026", "31 February 2026", "2026-03-03"],
)
def test_reference_parser_rejects_wrong_dates(bad):
    with pytest.raises((AssertionError, ValueError, KeyError)):
        reference_parse(bad)


def test_zeller_agrees_with_known_weekdays():
    assert zeller(2026, 3, 3) == EN_WEEKDAY["tuesday"]
    assert zeller(1999, 12, 24) == EN_WEEKDAY["friday"]
    assert zeller(1800, 1, 1) == EN_WEEKDAY["wednesday"]
    assert zeller(2000, 2, 29) == EN_WEEKDAY["tuesday"]


# --- the generator -----------------------------------------------------------------------------
def test_the_examples_of_the_lab():
    day = dt.date(2026, 3, 3)
    assert [dates.write_date(day, f) for f in dates.FORMATS] == [
        "3 March 2026",
        "March 3rd, 2026",
        "Tue, 3 Mar 2026",
        "Tuesday, March 3, 2026",
        "03/03/2026",
        "3.3.2026",
        "3. März 2026",
        "Dienstag, 3. März 2026",
    ]
    assert dates.write_date(day, "de_wd", "upper") == "DIENSTAG, 3. MÄRZ 2026"
    assert dates.write_date(day, "en_mdy", "lower") == "march 3rd, 2026"
    assert dates.iso(day) == "2026-03-03"


def test_ordinals():
    days = (1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31)
    expected = "1st 2nd 3rd 4th 10th 11th 12th 13th 14th 20th 21st 22nd 23rd 24th 30th 31st".split()
    assert [dates.ordinal(d) for d in days] == expected


@pytest.mark.parametrize("year", [1800, 1900, 2000, 2024, 2100, 2199])
def test_every_day_of_a_year_in_every_format_and_case_parses_back(year):
    for day in dates.all_dates(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        for fmt in dates.FORMATS:
            for case in dates.CASES:
                text = dates.write_date(day, fmt, case)
                parsed, lang = reference_parse(text)
                assert parsed == day, f"{text!r} ({fmt}, {case}) parses to {parsed}, not {day}"
                assert lang == dates.LANGUAGE[fmt]


def test_dataset_pairs_parse_back_to_their_iso_date():
    data = dates.make_date_data(n_train=4_000, n_heldout=800, seed=3)
    for pair in data.train + data.heldout:
        parsed, _ = reference_parse(pair.text)
        assert parsed == pair.date and pair.iso == parsed.isoformat(), pair
        assert dates.parse_iso(pair.iso) == pair.date
        assert pair.text == dates.write_date(pair.date, pair.format, pair.case)


def test_mixed_case_every_format_and_a_wide_range_of_years():
    data = dates.make_date_data(n_train=6_000, n_heldout=800, seed=5)
    assert {p.format for p in data.train} == set(dates.FORMATS)
    assert {p.case for p in data.train} == set(dates.CASES)
    worded = [p for p in data.train if p.format not in ("us_numeric", "de_numeric")]
    assert any(p.text == p.text.upper() for p in worded)
    assert any(p.text == p.text.lower() for p in worded)
    assert any(p.text != p.text.upper() and p.text != p.text.lower() for p in worded)
    years = [p.date.year for p in data.train]
    assert min(years) < 1810 and max(years) > 2189
    assert len({y // 10 for y in years}) == 40  # every decade of the 400 years


def test_heldout_dates_never_occur_in_training():
    data = dates.make_date_data(n_train=20_000, n_heldout=2_400, seed=11)
    train_days = {p.date for p in data.train}
    held_days = [p.date for p in data.heldout]
    assert len(set(held_days)) == len(held_days) == 2_400  # one pair per held-out date
    assert not train_days & set(held_days)
    assert train_days == data.train_dates and set(held_days) == data.heldout_dates
    # nor does a held-out date hide in training under another written form
    train_texts = {p.text for p in data.train}
    assert not any(dates.write_date(d, f, c) in train_texts for d in held_days[:300]
                   for f in dates.FORMATS for c in dates.CASES)
    counts = {f: sum(p.format == f for p in data.heldout) for f in dates.FORMATS}
    assert set(counts.values()) == {2_400 // len(dates.FORMATS)}
    assert data.calendar_size == len(dates.all_dates()) == 400 * 365 + 97


def test_the_same_seed_gives_the_same_pairs():
    a = dates.make_date_data(n_train=500, n_heldout=80, seed=7)
    b = dates.make_date_data(n_train=500, n_heldout=80, seed=7)
    c = dates.make_date_data(n_train=500, n_heldout=80, seed=8)
    assert a.train == b.train and a.heldout == b.heldout
    assert a.train != c.train and a.heldout != c.heldout
    # the exact pairs depend only on the seed, not on the machine (numpy's PCG64 generator)
    assert a.describe() == b.describe()


def test_every_format_of_one_day():
    pairs = dates.every_format(dt.date(1999, 12, 24), cases=dates.CASES)
    assert len(pairs) == len(dates.FORMATS) * len(dates.CASES)
    assert {reference_parse(p.text)[0] for p in pairs} == {dt.date(1999, 12, 24)}
    assert "Freitag, 24. Dezember 1999" in [p.text for p in pairs]


def test_calendar_is_consecutive():
    days = dates.all_dates()
    assert days[0] == dates.FIRST_DATE == dt.date(1800, 1, 1) and days[-1] == dates.LAST_DATE
    assert all((b - a).days == 1 for a, b in zip(days, days[1:]))


def test_parse_iso():
    assert dates.parse_iso("2024-02-29") == dt.date(2024, 2, 29)
    bad_strings = ["2025-02-29", "2024-2-29", "2024-02-29\n", "202a-01-01", "２024-01-01",
                   "2024-13-01", "", "2024/01/01"]
    for bad in bad_strings:
        assert dates.parse_iso(bad) is None, bad


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dates.write_date(dt.date(2026, 3, 3), "fr_dmy"),
         "unknown date format 'fr_dmy' -- use one of en_dmy"),
        (lambda: dates.write_date(dt.date(2026, 3, 3), "en_dmy", "title"),
         "unknown letter case 'title'"),
        (lambda: dates.write_date(dt.date(1799, 12, 31), "en_dmy"),
         "1799-12-31 lies outside 1800-01-01 .. 2199-12-31"),
        (lambda: dates.iso(dt.date(2200, 1, 1)), "lies outside"),
        (lambda: dates.make_date_data(n_train=0), "n_train must be a whole number >= 1"),
        (lambda: dates.make_date_data(n_heldout=3), "n_heldout must be a whole number >= 8"),
        (lambda: dates.make_date_data(n_heldout=801), "n_heldout=801 must be a multiple of 8"),
        (lambda: dates.make_date_data(n_heldout=100_000), "would leave too few training dates"),
        (lambda: dates.all_dates(dt.date(2000, 1, 2), dt.date(2000, 1, 1)), "comes before"),
    ],
)
def test_bad_arguments_are_one_line_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        call()
    assert "\n" not in str(info.value)


def test_a_datetime_is_not_a_date():
    with pytest.raises(TypeError, match="expected a datetime.date"):
        dates.write_date(dt.datetime(2026, 3, 3, 12, 0), "en_dmy")
