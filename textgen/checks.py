"""The checks of the numbers callers pass: one-line ValueErrors that say what is expected.

``whole_number`` ("a whole number >= n") and ``finite_number`` (a real, finite number, optionally
with bounds) are the only such checks in the package; every module takes them from here. This
module imports nothing from textgen (and not numpy either), so any module may import it.

Python and numpy numbers pass alike (numpy registers its integers and floats as ``numbers``
types). Bools do not (True is not a count), nor do strings ("0.5") or ``None``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any


def whole_number(value: Any, name: str, minimum: int = 0, hint: str = "") -> int:
    """``value`` as an int if it is a whole number >= ``minimum``; else a one-line ValueError.

    Python and numpy integers pass; bools, floats (even 3.0) and strings do not. ``hint`` is
    added after the condition, e.g. ``" (or None to keep every token)"``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}{hint}, got {value!r}")
    return int(value)


def _condition(minimum, maximum, min_inclusive, max_inclusive) -> str:
    """What ``finite_number`` asks for, in words: "lie in (0, 1]", "be a finite number >= 0"."""
    if minimum is not None and maximum is not None:
        return f"lie in {'[' if min_inclusive else '('}{minimum:g}, {maximum:g}{']' if max_inclusive else ')'}"
    limits = ""
    if minimum is not None:
        limits = f" {'>=' if min_inclusive else '>'} {minimum:g}"
    if maximum is not None:
        limits = f" {'<=' if max_inclusive else '<'} {maximum:g}"
    return "be a finite number" + limits


def finite_number(
    value: Any,
    name: str,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    *,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
    hint: str = "",
) -> float:
    """``value`` as a float if it is a real, finite number within the bounds; else a one-line ValueError.

    ``minimum`` is 0 unless given (every real number the package takes is >= 0, as before this
    module); None means no bound, as does ``maximum=None``. A bound is included unless
    ``min_inclusive`` or ``max_inclusive`` is False. Python and numpy ints and floats pass; bools,
    strings, NaN and infinities do not.
    """
    number = math.nan
    if not isinstance(value, bool) and isinstance(value, numbers.Real):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            pass
    inside = math.isfinite(number) and (
        (minimum is None or (number >= minimum if min_inclusive else number > minimum))
        and (maximum is None or (number <= maximum if max_inclusive else number < maximum))
    )
    if not inside:
        condition = _condition(minimum, maximum, min_inclusive, max_inclusive)
        raise ValueError(f"{name} must {condition}{hint}, got {value!r}")
    return number
