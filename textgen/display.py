"""How results are shown: loss units, plots both notebooks share (matplotlib), and the
temperature slider (ipywidgets)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Sequence

import numpy as np


# ---------------------------------------------------------------------------------------------
# Units of the loss: nats, bits and perplexity
# ---------------------------------------------------------------------------------------------
def nats_to_bits(nats: float) -> float:
    return nats / math.log(2.0)


def perplexity(nats: float) -> float:
    """e ** nats; ``inf`` where that no longer fits in a float (a loss above about 709 nats)."""
    try:
        return math.exp(nats)
    except OverflowError:
        return math.inf


def loss_line(nats: float, unit: str = "char", label: str = "validation loss") -> str:
    """``validation loss: X.XXX nats/char (Y.YYY bits/char, perplexity Z.ZZ)``."""
    if not math.isfinite(nats):
        raise ValueError(f"the loss is {nats}: training diverged -- lower the learning rate and retrain")
    return (
        f"{label}: {nats:.3f} nats/{unit} ({nats_to_bits(nats):.3f} bits/{unit}, "
        f"perplexity {perplexity(nats):.2f})"
    )


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------
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
    ax.set_xlabel("character (␣ is the space, \\n the line break)")
    ax.set_ylabel("share of all characters")
    ax.set_title(f"Character frequencies ({len(set(text))} distinct characters, {len(text):,} in all)")
    ax.margins(x=0.005)
    return ax


def add_bits_axis(ax, unit: str = "token"):
    """A right-hand axis showing the same loss in bits (nats / ln 2), labelled "bits per ``unit``"."""
    second = ax.secondary_yaxis("right", functions=(lambda n: n / math.log(2), lambda b: b * math.log(2)))
    second.set_ylabel(f"bits per {unit}")
    return second


def plot_curves(history: dict, ax=None, unit: str = "char", initial: float | None = None, zoom=None,
                val_label: str = "validation (whole split)"):
    """Training and validation loss against the training step.

    ``history`` has lists ``step``, ``train`` (running training loss, nats), and ``val_step``,
    ``val`` (validation loss over the whole held-out split, nats). The step axis is logarithmic,
    so the first hundred steps, where the loss falls fastest, are as readable as the last
    thousand. A star marks the kept weights: the lowest ``dev`` loss where ``history`` has a
    ``dev`` list, else the lowest ``val``. ``zoom=(low, high)`` adds a second panel that shows
    only losses in that range, where the late progress happens. ``val_label`` names the held-out curve in the legend.
    Returns the list of axes.
    """
    plt = _plt()
    if ax is None:
        _, grid = plt.subplots(1, 2 if zoom else 1, figsize=(13 if zoom else 9, 4), squeeze=False,
                               layout="constrained")  # room for both panels' axis labels
        axes = list(grid[0])
    else:
        axes = [ax]
    # the kept weights: those with the lowest development loss where the loop chose on a development
    # text (history["dev"]), else those with the lowest held-out loss
    chosen_on = history.get("dev") or history["val"]
    best = int(np.argmin(chosen_on)) if chosen_on else None
    for i, ax in enumerate(axes):
        ax.plot(history["step"], history["train"], label="training (running mean)", color="tab:blue", alpha=0.8)
        ax.plot(history["val_step"], history["val"], "o-", label=val_label, color="tab:orange")
        if initial is not None and i == 0:
            ax.axhline(initial, color="gray", ls=":", label=f"uniform guess ln V = {initial:.2f}")
        if best is not None:
            ax.plot(history["val_step"][best], history["val"][best], "*", ms=14, color="tab:red", label="best (kept)")
        ax.set_xscale("log")
        ax.set_xlabel("training step (logarithmic)")
        ax.set_ylabel(f"loss (nats per {unit})")
        ax.grid(alpha=0.3, which="both")
        add_bits_axis(ax, unit)
        if i == 1:
            ax.set_ylim(*zoom)
            ax.set_title(f"zoom: losses between {zoom[0]:g} and {zoom[1]:g}", fontsize=10)
    axes[0].legend()
    return axes


def plot_coloured_text(text: str, values, ax=None, cmap: str = "RdBu", vmin=None, vmax=None, label: str = "",
                       width: int = 80):
    """``text`` drawn character by character on cells coloured by ``values`` (one per character).

    A line break is drawn as ``↵`` and starts a new row; longer lines wrap at ``width``.
    """
    plt = _plt()
    values = np.asarray(values, dtype=float)
    if len(values) != len(text):
        raise ValueError(f"one value per character: {len(text)} characters, {len(values)} values")
    cells, row, col = [], 0, 0
    for ch, v in zip(text, values):
        cells.append((row, col, "↵" if ch == "\n" else ch, v))
        col += 1
        if ch == "\n" or col == width:
            row, col = row + 1, 0
    grid = np.full((row + 1, width), np.nan)
    for r, c, _, v in cells:
        grid[r, c] = v
    if ax is None:
        _, ax = plt.subplots(figsize=(width * 0.13, (row + 1) * 0.24 + 0.8))
    limit = np.nanmax(np.abs(values)) if vmin is None and vmax is None else None
    image = ax.imshow(grid, cmap=cmap, vmin=-limit if limit else vmin, vmax=limit if limit else vmax,
                      aspect="auto", interpolation="nearest")
    for r, c, ch, _ in cells:
        if ch != " ":
            ax.text(c, r, ch, ha="center", va="center", fontsize=8, family="monospace")
    ax.set_xticks([])
    ax.set_yticks([])
    plt.colorbar(image, ax=ax, fraction=0.025, pad=0.01).set_label(label)
    return ax


def plot_distributions(probs_by_temperature: dict, labels: Sequence[str], top: int = 15, ax=None,
                       unit: str = "character"):
    """Bars of the next-``unit`` distribution at several temperatures (the top ones at T = 1)."""
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
    ax.set_xlabel(f"next {unit} (the most likely ones at T = 1)")
    ax.set_ylabel("probability")
    ax.legend()
    return ax


# ---------------------------------------------------------------------------------------------
# The temperature slider
# ---------------------------------------------------------------------------------------------
def explorer_text(prompt: str, temperature: float, sample: str) -> str:
    """What the explorer shows: a label with the temperature, then the prompt and its continuation."""
    return f"temperature {temperature:.2f}:\n{prompt}{sample}"


def temperature_explorer(
    generate: Callable[[str, float, int], str],
    prompt: str = "ROMEO:\n",
    length: int = 300,
    temperature: float = 0.8,
) -> None:
    """Show a prompt box, a temperature slider and a button; regenerate the text when they change.

    ``generate(prompt, temperature, length)`` must return the generated text. The sample is
    one output of the cell, shown below the controls and *replaced* (not appended to) at every
    change, so a live session always shows exactly one, current sample. A static page (or
    nbval) shows the first sample with its temperature. Errors, such as an unknown character
    typed into the prompt, replace the sample by their one-line message. Returns None, so the
    cell does not print the sample a second time.
    """
    import ipywidgets as w
    from IPython.display import display

    wide_label = {"description_width": "initial"}  # the full label, not "temperat…"
    prompt_box = w.Textarea(value=prompt, description="prompt", layout=w.Layout(width="60%", height="4em"))
    slider = w.FloatSlider(
        value=temperature,
        min=0.0,
        max=2.0,
        step=0.05,
        description="temperature T",
        continuous_update=False,
        style=wide_label,
        layout=w.Layout(width="45%"),
    )
    button = w.Button(description="generate again")

    def current() -> dict:
        try:
            text = explorer_text(prompt_box.value, slider.value, generate(prompt_box.value, slider.value, length))
        except ValueError as err:
            text = f"error: {err}"
        return {"text/plain": text}

    display(w.VBox([prompt_box, w.HBox([slider, button])]))
    shown = display(current(), raw=True, display_id=True)

    def refresh(*_):
        shown.update(current(), raw=True)

    slider.observe(refresh, names="value")
    button.on_click(refresh)
