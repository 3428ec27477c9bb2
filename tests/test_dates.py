"""textgen.dates: the written dates of the translation lab, checked by an independent parser.

The reference parser below has its own month and weekday tables, its own way of reading spacing
and its own weekday formula (Zeller's congruence); it imports nothing from textgen.dates but the
functions under test. Typing mistakes are checked against the clean text by what they may change
(one letter, one space or one mark; never a digit) and against the parser's own name tables (a
changed name must not read as another one).
"""

import datetime as dt
import re
import subprocess
import sys

import numpy as np
import pytest

from textgen import dates

# --- a reference parser, written independently of the generator ----------------------------------
_EN_MONTHS = "january february march april may june july august september october november december"
_DE_MONTHS = "januar februar märz april mai juni juli august september oktober november dezember"
EN_MONTH = {name: i + 1 for i, name in enumerate(_EN_MONTHS.split())}
EN_MONTH_3 = {name[:3]: number for name, number in EN_MONTH.items()}
DE_MONTH = {name: i + 1 for i, name in enumerate(_DE_MONTHS.split())}
# AP style: March to July written out, the rest cut with a dot (September as Sept.)
EN_MONTH_AP = dict(zip("jan. feb. march april may june july aug. sept. oct. nov. dec.".split(), range(1, 13)))
# British short forms: no dot, September as Sept
EN_MONTH_UK = dict(zip("jan feb mar apr may jun jul aug sept oct nov dec".split(), range(1, 13)))
# DIN 5008: Mrz. for März, Sept. for September, Mai not cut
DE_MONTH_DIN = dict(zip("jan. feb. mrz. apr. mai jun. jul. aug. sept. okt. nov. dez.".split(), range(1, 13)))
# weekday numbers as Zeller's congruence gives them: 0 = Saturday, 1 = Sunday, ..., 6 = Friday
EN_WEEKDAY = dict(zip("saturday sunday monday tuesday wednesday thursday friday".split(), range(7)))
EN_WEEKDAY_3 = {name[:3]: number for name, number in EN_WEEKDAY.items()}
DE_WEEKDAY = dict(
    zip("samstag sonntag montag dienstag mittwoch donnerstag freitag".split(), range(7))
)
DE_WEEKDAY_2 = dict(zip("sa so mo di mi do fr".split(), range(7)))

DAY = r"([1-9]|[12]\d|3[01])"  # 1 .. 31, no leading zero
DAY2 = r"(0[1-9]|[12]\d|3[01])"  # 01 .. 31
MONTH2 = r"(0[1-9]|1[0-2])"
YEAR = r"(\d{4})"
SUFFIX = r"(st|nd|rd|th)"
WORD = r"([a-zä]+\.?)"
# (pattern, language, what each group is); the text is first brought to a canonical spacing
PATTERNS = [
    (rf"{MONTH2}/{DAY2}/{YEAR}", "en", "m d y"),
    (rf"([1-9]|1[0-2])/{DAY}/{YEAR}", "en", "m d y"),
    (rf"{DAY}\.([1-9]|1[0-2])\.{YEAR}", "de", "d m y"),
    (rf"{DAY2}\.{MONTH2}\.{YEAR}", "de", "d m y"),
    (rf"([a-z]{{2}})\.,{DAY2}\.{MONTH2}\.{YEAR}", "de", "w2 d m y"),
    (rf"{YEAR}-{MONTH2}-{DAY2}", "iso", "y m d"),
    (rf"{DAY}\.{WORD} ?{YEAR}", "de", "d mde y"),
    (rf"am {DAY}\.{WORD} {YEAR}", "de", "d mde y"),
    (rf"([a-z]+),{DAY}\.{WORD} {YEAR}", "de", "wde d mde y"),
    (rf"{DAY} {WORD} {YEAR}", "en", "d men y"),
    (rf"{DAY}{SUFFIX} {WORD} {YEAR}", "en", "d s men y"),
    (rf"the {DAY}{SUFFIX} of {WORD},{YEAR}", "en", "d s men y"),
    (rf"{WORD} {DAY}{SUFFIX},{YEAR}", "en", "men d s y"),
    (rf"{WORD} ?{DAY},{YEAR}", "en", "men d y"),
    (rf"([a-z]{{3}}),{DAY} ([a-z]{{3}}) {YEAR}", "en", "w3 d m3 y"),
    (rf"([a-z]+),{WORD} {DAY},{YEAR}", "en", "wen men d y"),
]


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


def canonical(text: str) -> str:
    """Lower case, no space at the ends or around . / , -, single spaces elsewhere."""
    t = re.sub(r" +", " ", text.lower().strip())
    return re.sub(r" ?([./,-]) ?", r"\1", t)


def month_word(word: str, tables: list[dict]) -> int:
    for table in tables:
        if word in table:
            return table[word]
    raise KeyError(f"{word!r} is no month name")


def reference_parse(text: str) -> tuple[dt.date, str]:
    """(date, language) of a written date; AssertionError if the text is not a consistent date."""
    t = canonical(text)
    for pattern, lang, fields in PATTERNS:
        m = re.fullmatch(pattern, t)
        if m:
            break
    else:
        raise AssertionError(f"{text!r} matches no known date format")
    values = dict(zip(fields.split(), m.groups()))
    day, year = int(values["d"]), int(values["y"])
    if "m" in values:
        month = int(values["m"])
    elif "m3" in values:
        month = EN_MONTH_3[values["m3"]]
    elif "mde" in values:
        month = month_word(values["mde"], [DE_MONTH, DE_MONTH_DIN])
    else:
        month = month_word(values["men"], [EN_MONTH, EN_MONTH_AP, EN_MONTH_UK])
    if "s" in values:
        assert values["s"] == english_suffix(day), f"{text!r}: wrong ordinal suffix"
    date = dt.date(year, month, day)  # raises for impossible dates such as 30 February
    for key, table in [("w2", DE_WEEKDAY_2), ("w3", EN_WEEKDAY_3), ("wde", DE_WEEKDAY), ("wen", EN_WEEKDAY)]:
        if key in values:
            assert table[values[key]] == zeller(year, month, day), f"{text!r}: wrong weekday"
    return date, lang


# --- the parser itself must be able to fail ----------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    ["Wednesday, March 3, 2026", "Mo., 03.03.2026", "Montag, 3. März 2026", "March 3th, 2026",
     "31 February 2026", "3/3/26", "13/03/2026", "3 Mrz 2026", "32.1.2026", "2026-3-3",
     "03.3.2026", "the 3rd of Mar., 2026"],
)
def test_reference_parser_rejects_wrong_dates(bad):
    with pytest.raises((AssertionError, ValueError, KeyError)):
        reference_parse(bad)


def test_reference_parser_reads_the_two_conventions():
    assert reference_parse("03/10/1990") == (dt.date(1990, 3, 10), "en")
    assert reference_parse("03.10.1990") == (dt.date(1990, 10, 3), "de")
    assert reference_parse(" 3 . 10 .1990 ") == (dt.date(1990, 10, 3), "de")
    assert reference_parse("Oct.  3,1990") == (dt.date(1990, 10, 3), "en")


def test_zeller_agrees_with_known_weekdays():
    assert zeller(2026, 3, 3) == EN_WEEKDAY["tuesday"]
    assert zeller(1999, 12, 24) == EN_WEEKDAY["friday"]
    assert zeller(1800, 1, 1) == EN_WEEKDAY["wednesday"]
    assert zeller(2000, 2, 29) == EN_WEEKDAY["tuesday"]


# --- the generator -----------------------------------------------------------------------------
def test_the_examples_of_the_lab():
    day, october = dt.date(2026, 3, 3), dt.date(1990, 10, 3)
    assert [dates.write_date(day, f) for f in dates.FORMATS] == [
        "3 March 2026",
        "3rd March 2026",
        "the 3rd of March, 2026",
        "March 3rd, 2026",
        "March 3, 2026",
        "3 Mar 2026",
        "Tue, 3 Mar 2026",
        "Tuesday, March 3, 2026",
        "03/03/2026",
        "3/3/2026",
        "3.3.2026",
        "03.03.2026",
        "3. März 2026",
        "3. Mrz. 2026",
        "am 3. März 2026",
        "Dienstag, 3. März 2026",
        "Di., 03.03.2026",
        "2026-03-03",
    ]
    assert dates.write_date(october, "en_mdy_abbr") == "Oct. 3, 1990"
    assert dates.write_date(october, "de_dmy_abbr") == "3. Okt. 1990"
    assert dates.write_date(october, "us_numeric_unpadded") == "10/3/1990"
    assert dates.write_date(october, "de_numeric_padded") == "03.10.1990"
    assert dates.write_date(dt.date(2026, 9, 7), "en_dmy_abbr") == "7 Sept 2026"
    assert dates.write_date(dt.date(2026, 9, 7), "en_mdy_abbr") == "Sept. 7, 2026"
    assert dates.write_date(dt.date(2026, 5, 1), "de_dmy_abbr") == "1. Mai 2026"
    assert dates.write_date(day, "de_wd", "upper") == "DIENSTAG, 3. MÄRZ 2026"
    assert dates.write_date(day, "en_the_of", "upper") == "THE 3RD OF MARCH, 2026"
    assert dates.write_date(day, "en_mdy", "lower") == "march 3rd, 2026"
    assert dates.iso(day) == "2026-03-03"
    assert set(dates.LANGUAGE.values()) == {"en", "de", "iso"} and dates.LANGUAGE["us_numeric"] == "en"


def test_ordinals():
    days = (1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31)
    expected = "1st 2nd 3rd 4th 10th 11th 12th 13th 14th 20th 21st 22nd 23rd 24th 30th 31st".split()
    assert [dates.ordinal(d) for d in days] == expected


@pytest.mark.parametrize("year", [1800, 1900, 2000, 2199])
def test_every_day_of_a_year_in_every_format_and_case_parses_back(year):
    for day in dates.all_dates(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        for fmt in dates.FORMATS:
            for case in dates.CASES:
                text = dates.write_date(day, fmt, case)
                parsed, lang = reference_parse(text)
                assert parsed == day, f"{text!r} ({fmt}, {case}) parses to {parsed}, not {day}"
                assert lang == dates.LANGUAGE[fmt]


def alnum_runs(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def test_irregular_spacing_changes_only_spaces_and_splits_no_word_or_number():
    rng = np.random.default_rng(0)
    for day in dates.all_dates(dt.date(1999, 1, 1), dt.date(1999, 2, 28)):
        for fmt in dates.FORMATS:
            text = dates.write_date(day, fmt, "upper" if day.day % 2 else "as written")
            spaced = dates.respace(text, rng)
            assert spaced != text
            assert spaced.replace(" ", "") == text.replace(" ", ""), (text, spaced)
            assert alnum_runs(spaced) == alnum_runs(text), f"{spaced!r} splits or joins a word or number"
            assert reference_parse(spaced)[0] == day, (text, spaced)


def one_letter_apart(a: str, b: str) -> bool:
    """True if one letter more or less turns b into a."""
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


NAMES: dict[str, set] = {}
for _kind, _tables in [("month", [EN_MONTH, DE_MONTH, EN_MONTH_3, EN_MONTH_AP, EN_MONTH_UK, DE_MONTH_DIN]),
                       ("weekday", [EN_WEEKDAY, DE_WEEKDAY, EN_WEEKDAY_3, DE_WEEKDAY_2])]:
    for _table in _tables:
        for _name, _number in _table.items():
            NAMES.setdefault(_name.rstrip("."), set()).add((_kind, _number))


def check_mistake(clean: str, noisy: str, kind: str) -> None:
    """The one change add_noise may make, checked from the outside."""
    assert re.findall(r"\d+", noisy) == re.findall(r"\d+", clean), f"{clean!r} -> {noisy!r} changed a number"
    if kind in ("dropped letter", "missing space"):
        assert len(noisy) == len(clean) - 1
        i = next((k for k in range(len(noisy)) if noisy[k] != clean[k]), len(noisy))
        assert noisy == clean[:i] + clean[i + 1 :] or noisy == clean[: i - 1] + clean[i:]
        removed = clean[i]
        assert removed.isalpha() if kind == "dropped letter" else removed == " ", (clean, noisy)
    else:
        assert len(noisy) == len(clean) + 1
        i = next((k for k in range(len(clean)) if noisy[k] != clean[k]), len(clean))
        added = noisy[i]
        assert noisy[:i] + noisy[i + 1 :] == clean
        if kind == "doubled letter":
            assert added.isalpha() and added in (noisy[i - 1 : i] + noisy[i + 1 : i + 2])
        elif kind == "extra space":
            assert added == " "
        else:
            assert added in ".,;:'-"
    if kind in ("dropped letter", "doubled letter"):
        before = {w.lower() for w in re.findall(r"[^\W\d_]+", clean)}
        for word in {w.lower() for w in re.findall(r"[^\W\d_]+", noisy)} - before:
            was = next(w for w in before if one_letter_apart(word, w))
            meaning = NAMES.get(was)
            if meaning is None:
                continue  # not a name: "the", "am", an ordinal ending
            others = [n for n, m in NAMES.items() if m != meaning and (n == word or one_letter_apart(word, n))]
            assert not others, f"{clean!r} -> {noisy!r}: {word!r} could also be {others}"


def test_typing_mistakes_change_one_thing_and_never_a_number_or_the_meaning_of_a_name():
    rng = np.random.default_rng(1)
    seen = set()
    days = dates.all_dates(dt.date(1850, 1, 1), dt.date(1850, 12, 31))
    for n, day in enumerate(days):
        for fmt in dates.FORMATS:
            clean = dates.write_date(day, fmt, dates.CASES[n % 3])
            noisy, kind = dates.add_noise(clean, rng)
            seen.add(kind)
            check_mistake(clean, noisy, kind)
    assert seen == set(dates.NOISE_KINDS)


@pytest.mark.parametrize("kind", dates.NOISE_KINDS)
def test_each_kind_of_mistake_on_request(kind):
    rng = np.random.default_rng(2)
    for name in ["Mar", "May", "Juni", "Juli", "Mai", "Mi", "Jun", "Tue", "Thu", "Mrz.", "Sept"]:
        clean = f"3 {name} 2026"
        if kind == "dropped letter" and name in ("Mi", "Jun"):
            # every letter dropped leaves a text too short or one letter away from another name
            word, meaning = name.lower(), NAMES[name.lower()]
            for shorter in {word[:i] + word[i + 1 :] for i in range(len(word))}:
                assert len(shorter) < 2 or any(m != meaning and (n == shorter or one_letter_apart(shorter, n))
                                               for n, m in NAMES.items()), shorter
            with pytest.raises(ValueError, match=f"'{clean}' allows no dropped letter"):
                dates.add_noise(clean, rng, kind)
            continue
        for _ in range(20):
            noisy, got = dates.add_noise(clean, rng, kind)
            assert got == kind
            check_mistake(clean, noisy, kind)
    with pytest.raises(ValueError, match="'03/03/2026' allows no dropped letter"):
        dates.add_noise("03/03/2026", rng, "dropped letter")
    with pytest.raises(ValueError, match="unknown kind of noise 'typo'"):
        dates.add_noise("3 May 2026", rng, "typo")


def test_names_that_would_become_other_names_keep_their_letters():
    rng = np.random.default_rng(3)
    outcomes = {dates.add_noise("MAY", rng, "dropped letter")[0] for _ in range(200)}
    assert "MA" not in outcomes and outcomes <= {"AY", "MY"}  # "MA" could be March (Mar)
    outcomes = {dates.add_noise("juni", rng, "dropped letter")[0] for _ in range(200)}
    assert "jui" not in outcomes  # Juli loses its l the same way


def test_dataset_pairs_parse_back_to_their_iso_date():
    data = dates.make_date_data(n_train=4_000, n_heldout=900, seed=3)
    for pair in data.train + data.heldout:
        assert not pair.noise
        parsed, _ = reference_parse(pair.text)
        assert parsed == pair.date and pair.iso == parsed.isoformat(), pair
        assert dates.parse_iso(pair.iso) == pair.date
        written = dates.write_date(pair.date, pair.format, pair.case)
        assert (pair.text == written) == (pair.spacing == "regular"), pair
        assert pair.text.replace(" ", "") == written.replace(" ", "")


def test_noisy_pairs_and_the_noisy_copy_of_the_heldout_dates():
    data = dates.make_date_data(n_train=6_000, n_heldout=900, seed=4, noise=0.3)
    noisy = [p for p in data.train if p.noise]
    assert 0.25 < len(noisy) / len(data.train) < 0.35
    assert {p.noise for p in noisy} == set(dates.NOISE_KINDS)
    for p in data.train:
        clean = dates.write_date(p.date, p.format, p.case)
        if not p.noise:
            assert reference_parse(p.text)[0] == p.date
        elif p.spacing == "regular":
            check_mistake(clean, p.text, p.noise)
    assert len(data.heldout_noisy) == len(data.heldout)
    for clean, mistyped in zip(data.heldout, data.heldout_noisy):
        assert (mistyped.date, mistyped.format, mistyped.case, mistyped.spacing) == \
            (clean.date, clean.format, clean.case, clean.spacing)
        check_mistake(clean.text, mistyped.text, mistyped.noise)


def test_kinds_of_mistake_left_out_of_training_are_held_out_on_their_own():
    kept = ("missing space", "extra space", "stray punctuation")
    left_out = {"dropped letter", "doubled letter"}
    full = dates.make_date_data(n_train=6_000, n_heldout=900, seed=4, noise=0.3)
    data = dates.make_date_data(n_train=6_000, n_heldout=900, seed=4, noise=0.3, noise_kinds=list(kept))
    assert data.noise_kinds == kept and full.noise_kinds == dates.NOISE_KINDS and full.heldout_new_noise == []
    # only the noise changes: the same dates, formats, cases and spacing, and the same held-out pairs
    assert data.heldout == full.heldout
    assert [(p.date, p.format, p.case, p.spacing) for p in data.train] == \
        [(p.date, p.format, p.case, p.spacing) for p in full.train]
    assert {p.noise for p in data.train} == set(kept) | {""}
    assert {p.noise for p in data.heldout_noisy} <= set(kept)
    assert 0.25 < sum(bool(p.noise) for p in data.train) / len(data.train) < 0.35
    # the held-out dates again, each with one mistake of a kind left out, wherever the text allows one
    assert {p.noise for p in data.heldout_new_noise} == left_out
    has_letters = [p for p in data.heldout if re.search(r"[^\W\d_]{2}", p.text)]
    assert len(data.heldout_new_noise) == len(has_letters) and len(has_letters) < len(data.heldout)
    for clean, mistyped in zip(has_letters, data.heldout_new_noise):
        assert (mistyped.date, mistyped.format, mistyped.case, mistyped.spacing) == \
            (clean.date, clean.format, clean.case, clean.spacing)
        check_mistake(clean.text, mistyped.text, mistyped.noise)
    assert "typing mistakes only of the kinds missing space, extra space, stray punctuation" in data.describe()
    assert "never trained on (dropped letter, doubled letter)" in data.describe()
    assert "kind never trained on" not in full.describe()
    again = dates.make_date_data(n_train=6_000, n_heldout=900, seed=4, noise=0.3, noise_kinds=reversed(kept))
    assert again.train == data.train and again.heldout_new_noise == data.heldout_new_noise


def test_add_noise_draws_only_the_kinds_asked_for():
    rng = np.random.default_rng(6)
    drawn = {dates.add_noise("Dienstag, 3. März 2026", rng, kinds=["extra space", "doubled letter"])[1]
             for _ in range(200)}
    assert drawn == {"extra space", "doubled letter"}
    assert dates.add_noise("03/03/2026", rng, kinds=["stray punctuation", "dropped letter"])[1] == "stray punctuation"
    with pytest.raises(ValueError, match="'03/03/2026' allows none of the typing mistakes dropped letter"):
        dates.add_noise("03/03/2026", rng, kinds=["dropped letter"])
    with pytest.raises(ValueError, match="kinds must name one or more of"):
        dates.add_noise("3 May 2026", rng, kinds=["typo"])
    with pytest.raises(ValueError, match="noise_kinds must name one or more of"):
        dates.make_date_data(500, 90, noise=0.3, noise_kinds=[])


def test_mixed_case_spacing_every_format_and_a_wide_range_of_years():
    data = dates.make_date_data(n_train=10_000, n_heldout=900, seed=5)
    assert {p.format for p in data.train} == set(dates.FORMATS)
    assert {p.case for p in data.train} == set(dates.CASES)
    assert 0.2 < np.mean([p.spacing == "irregular" for p in data.train]) < 0.3
    worded = [p for p in data.train if re.search("[a-z]", p.text, re.I)]
    assert any(p.text == p.text.upper() for p in worded)
    assert any(p.text == p.text.lower() for p in worded)
    assert any(p.text != p.text.upper() and p.text != p.text.lower() for p in worded)
    years = [p.date.year for p in data.train]
    assert min(years) < 1810 and max(years) > 2189
    assert len({y // 10 for y in years}) == 40  # every decade of the 400 years
    assert not any(p.spacing == "irregular" for p in dates.make_date_data(500, 90, irregular=0).train)


def test_heldout_dates_never_occur_in_training():
    data = dates.make_date_data(n_train=20_000, n_heldout=2_700, seed=11)
    train_days = {p.date for p in data.train}
    held_days = [p.date for p in data.heldout]
    assert len(set(held_days)) == len(held_days) == 2_700  # one pair per held-out date
    assert not train_days & set(held_days)
    assert train_days == data.train_dates and set(held_days) == data.heldout_dates
    # nor does a held-out date hide in training under another written form
    train_texts = {p.text for p in data.train}
    assert not any(dates.write_date(d, f, c) in train_texts for d in held_days[:300]
                   for f in dates.FORMATS for c in dates.CASES)
    counts = {f: sum(p.format == f for p in data.heldout) for f in dates.FORMATS}
    assert set(counts.values()) == {2_700 // len(dates.FORMATS)}
    assert data.calendar_size == len(dates.all_dates()) == 400 * 365 + 97
    assert data.unseen == {}


def test_unseen_years_are_in_no_other_split():
    data = dates.make_date_data(n_train=20_000, n_heldout=1_800, seed=12,
                                unseen_years=[(1960, 1969), (2100, 2199), (1800, 1800)])
    assert list(data.unseen) == ["1960-1969", "2100-2199", "1800-1800"]
    blocks = {"1960-1969": (1960, 1969), "2100-2199": (2100, 2199), "1800-1800": (1800, 1800)}
    for name, (y1, y2) in blocks.items():
        pairs = data.unseen[name]
        assert all(y1 <= p.date.year <= y2 for p in pairs)
        assert not [p for p in data.train + data.heldout if y1 <= p.date.year <= y2]
        for p in pairs:
            assert reference_parse(p.text)[0] == p.date
    assert len(data.unseen["1960-1969"]) == 1_800  # at most n_heldout dates of a block
    assert len({p.date for p in data.unseen["1960-1969"]}) == 1_800
    assert len(data.unseen["1800-1800"]) == 365  # every date of a smaller block
    assert {p.format for p in data.unseen["2100-2199"]} == set(dates.FORMATS)
    assert max(p.date.year for p in data.train) == 2099
    text = data.describe()
    assert "unseen years 2100-2199: 1,800 dates" in text and "from 1801 to 2099" in text


def test_the_same_seed_gives_the_same_pairs():
    a = dates.make_date_data(n_train=500, n_heldout=90, seed=7, noise=0.5, unseen_years=[(1900, 1909)])
    b = dates.make_date_data(n_train=500, n_heldout=90, seed=7, noise=0.5, unseen_years=[(1900, 1909)])
    c = dates.make_date_data(n_train=500, n_heldout=90, seed=8, noise=0.5, unseen_years=[(1900, 1909)])
    assert a.train == b.train and a.heldout == b.heldout and a.heldout_noisy == b.heldout_noisy
    assert a.unseen == b.unseen
    assert a.train != c.train and a.heldout != c.heldout
    assert a.describe() == b.describe()


def test_the_pairs_do_not_depend_on_the_machine():
    """numpy's PCG64 and the order of the draws fix every pair: these were written down once."""
    data = dates.make_date_data(n_train=3, n_heldout=18, seed=0, noise=1.0)
    assert [p.text for p in data.train] == ["feeb. 13, 1943", "5 feb :2069", "10. a ugust  2028"]
    assert [p.text for p in data.heldout[:3]] == ["27 NOVEMBER 2052", "4TH OCTOBER 2054", "the 28th of november, 1907"]
    assert [p.text for p in data.heldout_noisy[:3]] == ["27, NOVEMBER 2052", "4THOCTOBER 2054",
                                                         "the 28th of november , 1907"]
    assert sorted(p.format for p in data.heldout) == sorted(dates.FORMATS)


def test_every_format_of_one_day():
    pairs = dates.every_format(dt.date(1999, 12, 24), cases=dates.CASES)
    assert len(pairs) == len(dates.FORMATS) * len(dates.CASES)
    assert {reference_parse(p.text)[0] for p in pairs} == {dt.date(1999, 12, 24)}
    assert "Freitag, 24. Dezember 1999" in [p.text for p in pairs]
    assert "Fr., 24.12.1999" in [p.text for p in pairs]


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
        (lambda: dates.make_date_data(n_heldout=3), "n_heldout must be a whole number >= 18"),
        (lambda: dates.make_date_data(n_heldout=800), "n_heldout=800 must be a multiple of 18"),
        (lambda: dates.make_date_data(n_heldout=100_008), "would leave too few training dates"),
        (lambda: dates.make_date_data(seed=-1), "seed must be a whole number >= 0"),
        (lambda: dates.make_date_data(noise=1.5),
         "noise must lie in [0, 1] (the share of training pairs with a typing mistake), got 1.5"),
        (lambda: dates.make_date_data(irregular=True), "irregular must lie in [0, 1] (the share of irregularly"),
        (lambda: dates.make_date_data(irregular=float("nan")), "irregular must lie in [0, 1]"),
        (lambda: dates.make_date_data(irregular="0.1"), "irregular must lie in [0, 1]"),
        (lambda: dates.make_date_data(noise=-0.1), "noise must lie in [0, 1]"),
        (lambda: dates.make_date_data(unseen_years=[(1990, 1980)]), "the last year comes before the first"),
        (lambda: dates.make_date_data(unseen_years=[(1700, 1800)]),
         "the first unseen year must be a whole number >= 1800"),
        (lambda: dates.make_date_data(unseen_years=[(2100, 2300)]), "the last unseen year must lie in 1800 .. 2199"),
        (lambda: dates.make_date_data(unseen_years=[1960]), "unseen_years must hold (first, last) pairs"),
        (lambda: dates.make_date_data(n_heldout=198, unseen_years=[(1800, 2198)]), "would leave too few"),
        (lambda: dates.all_dates(dt.date(2000, 1, 2), dt.date(2000, 1, 1)), "comes before"),
    ],
)
def test_bad_arguments_are_one_line_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        call()
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("share", [np.float32(0.25), np.float64(0.25), 0.25])
def test_numpy_shares_are_real_numbers_too(share):
    # a share read from a numpy array is as good as a Python float, and gives the same pairs
    made = dates.make_date_data(500, 90, irregular=share, noise=share)
    assert made.train == dates.make_date_data(500, 90, irregular=0.25, noise=0.25).train


def test_a_datetime_is_not_a_date():
    with pytest.raises(TypeError, match="expected a datetime.date"):
        dates.write_date(dt.datetime(2026, 3, 3, 12, 0), "en_dmy")


def test_the_name_table_is_worked_out_on_first_use_not_at_import():
    # importing textgen (every notebook does) must not pay for the date lab's lookup table
    code = (
        "import numpy as np, textgen\n"
        "from textgen import dates\n"
        "assert dates._safe_name_changes.cache_info().currsize == 0\n"
        "dates.add_noise('Monday, 3 March 2026', np.random.default_rng(0), 'dropped letter')\n"
        "assert dates._safe_name_changes.cache_info().currsize == 1\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_format_has_exactly_one_writer():
    from textgen import dates

    assert list(dates._WRITERS) == list(dates.FORMATS)
    for day in (dates.dt.date(1800, 1, 1), dates.dt.date(2199, 12, 31), dates.dt.date(2026, 3, 4)):
        assert dates.write_date(day, "iso") == day.isoformat()
