"""Draw the lesson's two diagrams as PNG files.

    python images/make_diagrams.py [OUTDIR]

OUTDIR defaults to the folder this script lives in (images/). The script needs only
matplotlib, uses no network and draws the same pictures on every run:

* rnn_patterns.png                    the four ways to wire a recurrent network
* hello_training_vs_generation.png    training (teacher forcing) versus generation, on "HELLO"
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files only; works without a display

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

DPI = 150

# One colour per role, used in both figures.
INPUT = "#f4c7c3"  # input tokens
CELL = "#b7e1cd"  # the recurrent cell (its state)
CELL_2 = "#a4c2f4"  # a second recurrent network (the decoder of a seq2seq model)
OUTPUT = "#fce8b2"  # outputs / predictions
PROMPT = "#d9d2e9"  # prompt characters given by the user
EDGE = "#444444"
NOTE = "#555555"
FEED = "#b45f06"  # the feedback arrows of generation

BOX_W, BOX_H = 0.9, 0.6  # box size in data units
STEP = 1.4  # horizontal distance between time steps
Y_IN, Y_CELL, Y_OUT = 0.0, 1.25, 2.5  # rows: inputs, cells, outputs


# ---------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------
def box(ax, x, y, label, color, *, fontsize=10, w=BOX_W, h=BOX_H, weight="normal"):
    """A rounded box centred on (x, y) with a label inside."""
    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=color,
        edgecolor=EDGE,
        linewidth=1.0,
        zorder=3,
    )
    ax.add_patch(patch)
    ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, weight=weight, zorder=4)


def arrow(ax, start, end, *, color=EDGE, style="-|>", ls="-", rad=0.0, lw=1.2):
    """An arrow between two points (data coordinates), drawn under the boxes' text."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=11,
            color=color,
            linewidth=lw,
            linestyle=ls,
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
    )


def up(ax, x, y_from, y_to):
    """A vertical arrow from the top of the box at y_from to the bottom of the box at y_to."""
    arrow(ax, (x, y_from + BOX_H / 2), (x, y_to - BOX_H / 2))


def right(ax, x_from, x_to, y):
    """A horizontal arrow between neighbouring boxes in one row (the state moving on)."""
    arrow(ax, (x_from + BOX_W / 2, y), (x_to - BOX_W / 2, y))


def bracket(ax, x0, x1, y, label, *, fontsize=9):
    """A thin bracket under the span x0..x1 with a label below it."""
    ax.plot([x0, x0, x1, x1], [y + 0.08, y, y, y + 0.08], color=NOTE, lw=1.0, zorder=1)
    ax.text((x0 + x1) / 2, y - 0.1, label, ha="center", va="top", fontsize=fontsize, color=NOTE)


def save(fig, outdir: Path, name: str) -> Path:
    path = outdir / name
    # No "Software" entry: the bytes then do not depend on the matplotlib version string.
    fig.savefig(path, dpi=DPI, facecolor="white", metadata={"Software": None})
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------------------
# Figure 1: the four recurrent patterns
# ---------------------------------------------------------------------------------------
def patterns_figure(outdir: Path) -> Path:
    # (title, example, steps, inputs, outputs, cell colours, brackets under the chain)
    panels = [
        (
            "one-to-one",
            "a plain network:\nimage \u2192 class",
            1,
            {0: "image"},
            {0: "cat"},
            None,
            None,
        ),
        (
            "one-to-many",
            "image captioning:\nfeature vector \u2192 words",
            4,
            {0: "image"},
            {0: "a", 1: "dog", 2: "on", 3: "grass"},
            None,
            None,
        ),
        (
            "many-to-one",
            "classification:\nwords \u2192 one label",
            3,
            {0: "what", 1: "a", 2: "film"},
            {2: "positive"},
            None,
            None,
        ),
        (
            "many-to-many (sequence-to-sequence)",
            "translation: one network reads the sentence,\na second one writes the translation",
            6,
            {0: "the", 1: "cat", 2: "sleeps"},
            {3: "die", 4: "Katze", 5: "schläft"},
            [CELL] * 3 + [CELL_2] * 3,
            [(0, 2, "encoder"), (3, 5, "decoder")],
        ),
    ]
    # All four panels share one axes, so every box has the same size; panels sit side by side.
    fig, ax = plt.subplots(figsize=(14, 3.7))
    gap = 0.9
    x0 = 0.0
    for title, example, n, inputs, outputs, colors, spans in panels:
        width = max(n, 2) * STEP  # a one-step panel still needs room for its text
        first = x0 + (width - n * STEP) / 2 + STEP / 2  # centre of the first step
        centre = x0 + width / 2

        def at(t, first=first):
            return first + t * STEP

        colors = colors or [CELL] * n
        for t in range(n):
            box(ax, at(t), Y_CELL, "", colors[t])
            if t > 0:
                arrow(ax, (at(t - 1) + BOX_W / 2, Y_CELL), (at(t) - BOX_W / 2, Y_CELL))
            if t in inputs:
                box(ax, at(t), Y_IN, inputs[t], INPUT, fontsize=8.5)
                arrow(ax, (at(t), Y_IN + BOX_H / 2), (at(t), Y_CELL - BOX_H / 2))
            if t in outputs:
                box(ax, at(t), Y_OUT, outputs[t], OUTPUT, fontsize=8.5)
                arrow(ax, (at(t), Y_CELL + BOX_H / 2), (at(t), Y_OUT - BOX_H / 2))
        ax.text(centre, 3.95, title, ha="center", va="bottom", fontsize=11, weight="bold")
        ax.text(centre, 3.85, example, ha="center", va="top", fontsize=9, color=NOTE)
        for a, b, label in spans or []:
            bracket(ax, at(a) - BOX_W / 2, at(b) + BOX_W / 2, Y_IN - BOX_H / 2 - 0.15, label)
        x0 += width + gap
    ax.set_xlim(-0.2, x0 - gap + 0.2)
    ax.set_ylim(-1.0, 4.5)
    ax.set_aspect("equal")
    ax.axis("off")

    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor=EDGE)
        for c in (INPUT, CELL, CELL_2, OUTPUT)
    ]
    labels = [
        "input",
        "recurrent cell (passes its state \u2192)",
        "a second recurrent network",
        "output",
    ]
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize=9.5)
    fig.subplots_adjust(left=0.01, right=0.99, top=1.0, bottom=0.08)
    return save(fig, outdir, "rnn_patterns.png")


# ---------------------------------------------------------------------------------------
# Figure 2: training versus generation on "HELLO"
# ---------------------------------------------------------------------------------------
def row_labels(ax, x, labels):
    for y, text in labels:
        ax.text(x, y, text, ha="right", va="center", fontsize=9, color=NOTE)


def hello_figure(outdir: Path) -> Path:
    word = "HELLO"
    n = len(word) - 1  # four steps: H->E, E->L, L->L, L->O
    step = 1.7  # wider than in the other figure: the feedback arrows run between the cells
    left = 2.3  # room for the row labels
    label_x = -step / 2 - 0.35  # right edge of the row labels
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.6, 9.2))

    def chain(ax, inputs, input_colors, start_label):
        for t in range(n):
            x = t * step
            box(ax, x, Y_IN, inputs[t], input_colors[t], fontsize=12, weight="bold")
            box(ax, x, Y_CELL, "LSTM", CELL, fontsize=9)
            box(ax, x, Y_OUT, word[t + 1], OUTPUT, fontsize=12, weight="bold")
            up(ax, x, Y_IN, Y_CELL)
            up(ax, x, Y_CELL, Y_OUT)
            if t > 0:
                right(ax, (t - 1) * step, x, Y_CELL)
        # the state the first step starts from
        arrow(ax, (label_x + 0.1, Y_CELL), (-BOX_W / 2, Y_CELL), ls="--")
        row_labels(ax, label_x, [(Y_CELL, start_label)])
        ax.set_xlim(-step / 2 - left, (n - 0.5) * step)
        ax.set_ylim(-1.15, 3.55)
        ax.set_aspect("equal")
        ax.axis("off")

    def caption(ax, text):  # a note centred above the row of outputs
        ax.text((n - 1) * step / 2, Y_OUT + 0.5, text, ha="center", va="bottom", fontsize=9, color=NOTE)

    # --- training: the true text goes in at every position (teacher forcing) ---------------
    chain(top, word[:n], [INPUT] * n, "state from the\nprevious batch")
    row_labels(
        top, label_x, [(Y_IN, "input\n(the real text)"), (Y_OUT, "target\n(next character)")]
    )
    caption(top, "a loss at every position: how likely was the target?")
    bracket(
        top,
        -BOX_W / 2,
        (n - 1) * step + BOX_W / 2,
        Y_IN - BOX_H / 2 - 0.15,
        "targets = inputs shifted by one; all positions in one pass",
    )
    top.set_title("Training (teacher forcing)", fontsize=12, weight="bold", loc="left")

    # --- generation: a prompt warms up the state, then every output is fed back ------------
    chain(bottom, word[:n], [PROMPT] + [OUTPUT] * (n - 1), "empty state\n(zeros)")
    for t in range(n - 1):
        x = t * step
        # the chosen character becomes the next input; the line runs through the gap between cells
        arrow(
            bottom,
            (x + BOX_W / 2, Y_OUT - BOX_H / 2 + 0.05),
            (x + step - BOX_W / 2, Y_IN + BOX_H / 2 - 0.05),
            color=FEED,
            ls="--",
            lw=1.4,
        )
    bottom.text(
        step / 2, Y_OUT + 0.02, "fed\nback", ha="center", va="center", fontsize=8, color=FEED
    )
    row_labels(bottom, label_x, [(Y_IN, "input"), (Y_OUT, "sampled\ncharacter")])
    caption(bottom, "one step per new character; the state remembers the rest")
    bracket(bottom, -BOX_W / 2, BOX_W / 2, Y_IN - BOX_H / 2 - 0.15, "prompt")
    bracket(
        bottom,
        step - BOX_W / 2,
        (n - 1) * step + BOX_W / 2,
        Y_IN - BOX_H / 2 - 0.15,
        "generated: each one becomes the next input",
    )
    bottom.set_title("Generation", fontsize=12, weight="bold", loc="left")

    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor=EDGE)
        for c in (PROMPT, INPUT, CELL, OUTPUT)
    ]
    labels = ["prompt", "real text", "LSTM step (state \u2192)", "prediction / sample"]
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize=9)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.96, bottom=0.05, hspace=0.1)
    return save(fig, outdir, "hello_training_vs_generation.png")


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    outdir = Path(argv[0]) if argv else Path(__file__).resolve().parent
    outdir.mkdir(parents=True, exist_ok=True)
    plt.rcParams.update({"font.family": "DejaVu Sans"})  # ships with matplotlib
    for path in (patterns_figure(outdir), hello_figure(outdir)):
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
