"""textgen.checks: the one check of whole numbers and the one check of real numbers.

Every module takes its checks from textgen.checks, which imports nothing from textgen; the
modules of textgen import each other without a cycle (tests/test_package.py checks the graph).
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from textgen.checks import finite_number, whole_number

# ---------------------------------------------------------------------------------------------
# Whole numbers


@pytest.mark.parametrize("good", [0, 7, np.int64(7), np.int32(0), np.uint8(3)])
def test_whole_numbers_pass(good):
    assert whole_number(good, "n") == int(good) and type(whole_number(good, "n")) is int


@pytest.mark.parametrize("bad", [True, np.bool_(True), 3.0, 2.5, "3", None, -1])
def test_everything_else_is_refused_in_one_line(bad):
    with pytest.raises(ValueError, match=r"^steps must be a whole number >= 0 \(a count\), got "):
        whole_number(bad, "steps", 0, " (a count)")


# ---------------------------------------------------------------------------------------------
# Real numbers


@pytest.mark.parametrize("good", [0, 0.5, 3, np.float32(0.25), np.float64(2.5), np.int64(4), Fraction(1, 4)])
def test_real_finite_numbers_pass_as_floats(good):
    number = finite_number(good, "x")
    assert type(number) is float and number == pytest.approx(float(good))


@pytest.mark.parametrize("bad", [True, np.bool_(False), "0.5", None, math.nan, math.inf, -math.inf, 10**400, -0.1,
                                 np.float32("nan"), 1 + 2j, [1.0]])
def test_everything_else_is_refused_with_the_condition_it_missed(bad):
    with pytest.raises(ValueError, match=r"^rate must be a finite number >= 0 \(per step\), got .+$"):
        finite_number(bad, "rate", hint=" (per step)")


@pytest.mark.parametrize(
    "bounds, good, bad, condition",
    [
        (dict(minimum=None), [-1e9, 0.0, 1e9], [math.nan, math.inf], "be a finite number"),
        (dict(minimum=2), [2, 2.5], [1.99, -2], "be a finite number >= 2"),
        (dict(minimum=0, min_inclusive=False), [1e-300], [0, -1], "be a finite number > 0"),
        (dict(minimum=None, maximum=1), [-5, 1], [1.01], "be a finite number <= 1"),
        (dict(minimum=0, maximum=1), [0, 1, np.float32(0.1)], [-0.01, 1.01], r"lie in \[0, 1\]"),
        (dict(minimum=0, maximum=1, min_inclusive=False), [1, 0.5], [0, 1.5], r"lie in \(0, 1\]"),
        (dict(minimum=0, maximum=1, max_inclusive=False), [0, 0.5], [1], r"lie in \[0, 1\)"),
    ],
)
def test_bounds_are_kept_and_named_in_the_message(bounds, good, bad, condition):
    for value in good:
        assert finite_number(value, "x", **bounds) == pytest.approx(float(value))
    for value in bad:
        with pytest.raises(ValueError, match=rf"^x must {condition}, got "):
            finite_number(value, "x", **bounds)
