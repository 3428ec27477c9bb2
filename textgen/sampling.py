"""Choosing the next token from a model's logits, and looking at what was chosen (numpy only).

Both notebooks call the same code, so "temperature 0.7, top-k 10, seed 0" means the
same thing in PyTorch and in TensorFlow.

* ``temperature``: logits are divided by it before the softmax. Below 1 the
  distribution sharpens, above 1 it flattens; 0 means greedy (always the most likely
  token); a temperature so small that the division overflows behaves the same way.
  Negative, NaN or infinite values are errors.
* ``top_k``: keep exactly the k most likely tokens (of equally likely ones, the lowest ids).
* ``top_p`` (nucleus): keep the smallest set of most likely tokens whose probability
  adds up to at least p.
* ``banned``: token ids never to produce (e.g. the unknown token); an id outside the
  vocabulary is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np

from .checks import finite_number, whole_number


def check_temperature(temperature: float) -> float:
    return finite_number(temperature, "temperature", 0, hint=" (0 means greedy)")


def check_top_k(top_k: int | None) -> int | None:
    if top_k is None:
        return None
    return whole_number(top_k, "top_k", 1, " (or None to keep every token)")


def check_top_p(top_p: float | None) -> float | None:
    if top_p is None:
        return None
    return finite_number(top_p, "top_p", 0, 1, min_inclusive=False, hint=" (1 keeps every token)")


def check_banned(banned: Iterable[int] | None, vocab_size: int | None = None) -> list[int]:
    """The banned ids as a list of ints; one-line errors for ids that are not token ids."""
    ids = []
    for b in banned if banned is not None else []:
        b = whole_number(b, "a banned id", 0, " (a token id, e.g. vocab.unk_id)")
        if vocab_size is not None and b >= vocab_size:
            raise ValueError(
                f"banned id {b} is not a token id of this vocabulary -- "
                f"use ids 0 to {vocab_size - 1} (e.g. vocab.unk_id)"
            )
        ids.append(b)
    return ids


def probabilities(
    logits,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    banned: Iterable[int] | None = None,
) -> np.ndarray:
    """The distribution the next token is drawn from: shape (vocab,) or (batch, vocab)."""
    t = check_temperature(temperature)
    k = check_top_k(top_k)
    p = check_top_p(top_p)
    z = np.array(logits, dtype=np.float64)  # a copy: the caller's array is never changed
    if z.ndim not in (1, 2) or z.shape[-1] == 0:
        raise ValueError(f"logits must have shape (vocab,) or (batch, vocab), got {z.shape}")
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError("the logits contain NaN or +inf -- the model diverged; retrain with a lower learning rate")
    single = z.ndim == 1
    z = np.atleast_2d(z)
    banned = check_banned(banned, z.shape[-1])
    if banned:
        z[:, banned] = -np.inf
    top = z.max(axis=-1, keepdims=True)
    if not np.isfinite(top).all():
        raise ValueError("every token is banned -- allow at least one token")
    if t == 0.0:  # greedy: all probability on the most likely token (the lowest id of a tie)
        probs = np.zeros_like(z)
        probs[np.arange(len(z)), z.argmax(axis=-1)] = 1.0
        return probs[0] if single else probs
    if k is not None and k < z.shape[-1]:
        # exactly k tokens: rank by logit (the order is the same at every temperature), ties by id
        ranked = np.argsort(-z, axis=-1, kind="stable")[:, :k]
        keep = np.zeros(z.shape, dtype=bool)
        np.put_along_axis(keep, ranked, True, axis=-1)
        z = np.where(keep, z, -np.inf)
    # Stable softmax: subtract the largest logit *before* dividing by T. The largest becomes 0,
    # the others are <= 0, so nothing overflows: for a tiny T they fall to -inf (probability 0),
    # which is greedy decoding, instead of inf - inf = NaN.
    with np.errstate(over="ignore"):
        z = (z - top) / t
    probs = np.exp(z)
    probs /= probs.sum(axis=-1, keepdims=True)
    if p is not None and p < 1.0:
        order = np.argsort(-probs, axis=-1, kind="stable")
        sorted_probs = np.take_along_axis(probs, order, axis=-1)
        before = np.cumsum(sorted_probs, axis=-1) - sorted_probs  # mass of the tokens ranked above
        keep_sorted = before < p - 1e-12  # the top token always stays; tolerate rounding
        keep = np.zeros_like(keep_sorted)
        np.put_along_axis(keep, order, keep_sorted, axis=-1)
        probs = np.where(keep, probs, 0.0)
        probs /= probs.sum(axis=-1, keepdims=True)
    if not np.isfinite(probs).all() or (banned and probs[:, banned].any()):  # a guard, never expected
        raise ArithmeticError("the sampling probabilities are not a valid distribution -- please report this")
    return probs[0] if single else probs


class Sampler:
    """A reusable sampling rule that remembers the last distribution it drew from.

    ``sampler(logits)`` returns an int for 1-D logits and an array of ids for 2-D
    logits; ``sampler.last_probs`` holds the probabilities of that step (for plots).
    """

    def __init__(
        self,
        rng: np.random.Generator | int | None = 0,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        banned: Iterable[int] | None = None,
    ):
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        self.rng = rng
        self.temperature = check_temperature(temperature)
        self.top_k = check_top_k(top_k)
        self.top_p = check_top_p(top_p)
        self.banned = check_banned(banned)
        self.last_probs: np.ndarray | None = None

    def __call__(self, logits):
        probs = probabilities(logits, self.temperature, self.top_k, self.top_p, self.banned)
        self.last_probs = probs
        if self.temperature == 0.0:
            ids = probs.argmax(axis=-1)
        else:
            # inverse-CDF draw: one uniform number per row, vectorised over the batch
            cdf = np.cumsum(np.atleast_2d(probs), axis=-1)
            u = self.rng.random((cdf.shape[0], 1)) * cdf[:, -1:] * (1.0 - 1e-12)
            ids = np.minimum((cdf <= u).sum(axis=-1), cdf.shape[-1] - 1)
            ids = ids[0] if probs.ndim == 1 else ids
        return int(ids) if np.ndim(ids) == 0 else ids.astype(np.int64)


def entropy(probs) -> np.ndarray | float:
    """Entropy in nats of a distribution (last axis); 0 for a one-hot distribution."""
    p = np.asarray(probs, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=-1)
    return float(h) if np.ndim(h) == 0 else h


# ---------------------------------------------------------------------------------------------
# Looking at generated text: repeating cycles (greedy decoding) and novelty
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cycle:
    start: int  # where the repetition begins in the text
    period: int  # length of the repeating unit
    unit: str | tuple  # the repeating unit itself
    repeats: float  # how many times it repeats up to the end of the text


def find_cycle(seq: Sequence[Hashable], min_repeats: float = 3.0, max_period: int | None = None) -> Cycle | None:
    """Find the shortest unit that repeats at the end of ``seq`` at least ``min_repeats`` times.

    Works on strings (characters) and on lists of words. Returns None when the end of
    the sequence is not periodic. ``min_repeats`` (at least 2: a unit seen once is no cycle) may be
    a fraction, e.g. 2.5; ``max_period`` is the longest unit to look for (None: half the sequence).
    """
    min_repeats = finite_number(min_repeats, "min_repeats", 2, hint=" (how often the unit must occur)")
    n = len(seq)
    if max_period is None:
        max_period = n // 2
    else:
        max_period = whole_number(max_period, "max_period", 1, " (the longest unit to look for, or None for any)")
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
        self.n = whole_number(n, "n", 1, " (the length of the n-grams, e.g. 8 characters)")
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
