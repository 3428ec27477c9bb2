"""Checks on generated text: repeating cycles (greedy decoding) and novelty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Sequence


@dataclass(frozen=True)
class Cycle:
    start: int  # where the repetition begins in the text
    period: int  # length of the repeating unit
    unit: str | tuple  # the repeating unit itself
    repeats: float  # how many times it repeats up to the end of the text


def find_cycle(seq: Sequence[Hashable], min_repeats: float = 3.0, max_period: int | None = None) -> Cycle | None:
    """Find the shortest unit that repeats at the end of ``seq`` at least ``min_repeats`` times.

    Works on strings (characters) and on lists of words. Returns None when the end of
    the sequence is not periodic.
    """
    n = len(seq)
    max_period = max_period or n // 2
    for period in range(1, max_period + 1):
        # walk back from the end while seq[i] == seq[i + period]
        i = n - period - 1
        while i >= 0 and seq[i] == seq[i + period]:
            i -= 1
        start = i + 1
        span = n - start
        if span >= min_repeats * period:
            unit = seq[start : start + period]
            unit = unit if isinstance(unit, str) else tuple(unit)
            return Cycle(start=start, period=period, unit=unit, repeats=span / period)
    return None


class NgramIndex:
    """All n-grams of a reference text, for asking how much of a sample is new.

    Works on strings (character n-grams) and on token lists (word n-grams).
    """

    def __init__(self, reference: Sequence[Hashable], n: int):
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        self.n = n
        self.grams = set(self._grams(reference))

    def _grams(self, seq):
        n = self.n
        if isinstance(seq, str):
            return (seq[i : i + n] for i in range(len(seq) - n + 1))
        seq = list(seq)
        return (tuple(seq[i : i + n]) for i in range(len(seq) - n + 1))

    def novelty(self, sample: Sequence[Hashable]) -> float:
        """Share of the sample's n-grams that never occur in the reference (0 … 1)."""
        grams = list(self._grams(sample))
        if not grams:
            raise ValueError(f"the sample is shorter than n={self.n} -- generate a longer sample")
        return sum(g not in self.grams for g in grams) / len(grams)
