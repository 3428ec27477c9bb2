"""Plots both notebooks share (matplotlib)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np


def _plt():
    import matplotlib.pyplot as plt

    return plt


def show_char(c: str) -> str:
    """A printable label for a character: line break, space and tab made visible."""
    return {"\n": "\\n", " ": "␣", "\t": "\\t"}.get(c, c)


def plot_char_frequencies(text: str, top: int | None = None, ax=None):
    """Bar chart of how often each character occurs, most frequent first."""
    plt = _plt()
    counts = Counter(text).most_common(top)
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.2))
    labels = [show_char(c) for c, _ in counts]
    shares = [n / len(text) for _, n in counts]
    ax.bar(range(len(counts)), shares, color="tab:blue")
    ax.set_xticks(range(len(counts)), labels, fontsize=8)
    ax.set_ylabel("share of all characters")
    ax.set_title(f"Character frequencies ({len(set(text))} distinct characters, {len(text):,} in all)")
    ax.margins(x=0.005)
    return ax


def add_bits_axis(ax):
    """A right-hand axis showing the same loss in bits (nats / ln 2)."""
    second = ax.secondary_yaxis("right", functions=(lambda n: n / math.log(2), lambda b: b * math.log(2)))
    second.set_ylabel("bits per token")
    return second


def plot_curves(history: dict, ax=None, unit: str = "char", initial: float | None = None):
    """Training and validation loss against characters seen.

    ``history`` has lists ``step``, ``train`` (running training loss, nats), and
    ``val_step``, ``val`` (validation loss over the whole held-out split, nats).
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    ax.plot(history["step"], history["train"], label="training (running mean)", color="tab:blue", alpha=0.8)
    ax.plot(history["val_step"], history["val"], "o-", label="validation (whole split)", color="tab:orange")
    if initial is not None:
        ax.axhline(initial, color="gray", ls=":", label=f"uniform guess ln V = {initial:.2f}")
    if history["val"]:
        best = int(np.argmin(history["val"]))
        ax.plot(history["val_step"][best], history["val"][best], "*", ms=14, color="tab:red", label="best (kept)")
    ax.set_xlabel("training step")
    ax.set_ylabel(f"loss (nats per {unit})")
    ax.grid(alpha=0.3)
    ax.legend()
    add_bits_axis(ax).set_ylabel(f"bits per {unit}")
    return ax


def plot_distributions(probs_by_temperature: dict, labels: Sequence[str], top: int = 15, ax=None):
    """Bars of the next-token distribution at several temperatures (the top tokens at T=1)."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 3.8))
    temps = list(probs_by_temperature)
    ref = probs_by_temperature[1.0] if 1.0 in probs_by_temperature else probs_by_temperature[temps[0]]
    order = np.argsort(-np.asarray(ref))[:top]
    width = 0.8 / len(temps)
    for j, t in enumerate(temps):
        p = np.asarray(probs_by_temperature[t])[order]
        ax.bar(np.arange(len(order)) + (j - (len(temps) - 1) / 2) * width, p, width, label=f"T = {t:g}")
    ax.set_xticks(range(len(order)), [show_char(labels[i]) for i in order])
    ax.set_ylabel("probability")
    ax.legend()
    return ax
