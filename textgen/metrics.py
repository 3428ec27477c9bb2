"""Units for the loss: nats, bits and perplexity; the summary of a run for benchmarks/."""

from __future__ import annotations

import json
import math
import numbers as numbers_abc
from pathlib import Path

from .files import atomic_write


def nats_to_bits(nats: float) -> float:
    return nats / math.log(2.0)


def perplexity(nats: float) -> float:
    return math.exp(nats)


def loss_line(nats: float, unit: str = "char", label: str = "validation loss") -> str:
    """``validation loss: X.XXX nats/char (Y.YYY bits/char, perplexity Z.ZZ)``."""
    if not math.isfinite(nats):
        raise ValueError(f"the loss is {nats}: training diverged -- lower the learning rate and retrain")
    return (
        f"{label}: {nats:.3f} nats/{unit} ({nats_to_bits(nats):.3f} bits/{unit}, "
        f"perplexity {perplexity(nats):.2f})"
    )


# ---------------------------------------------------------------------------------------
# The numbers of one notebook run, for benchmarks/
# ---------------------------------------------------------------------------------------
RUN_SUMMARY_NUMBERS = (
    "steps",  # optimiser steps trained
    "seconds",  # training wall time
    "chars_per_s",  # training characters (steps x batch x sequence length) per second
    "val_loss",  # validation loss, nats per character, over the whole held-out text
    "gen_fast_cps",  # generation carrying the state, characters per second
    "gen_slow_cps",  # generation re-feeding the whole text, characters per second
    "batch16_ratio",  # time for 16 prompts / time for 1 prompt (16x the text)
)


def run_summary_path(framework: str, quick: bool) -> Path:
    """``run_summary_<framework>.json`` beside the notebook's checkpoint."""
    from .checkpoints import checkpoint_path

    return checkpoint_path(f"run_summary_{framework}.json", quick=quick)


def write_run_summary(framework: str, *, quick: bool, device: str, **numbers: float) -> Path:
    """Write what one run of a lesson notebook measured, as JSON, for ``benchmarks/``.

    ``numbers`` are exactly the keys of ``RUN_SUMMARY_NUMBERS``, each a finite number >= 0.
    """
    missing = [k for k in RUN_SUMMARY_NUMBERS if k not in numbers]
    unknown = sorted(set(numbers) - set(RUN_SUMMARY_NUMBERS))
    if missing or unknown:
        raise ValueError(
            f"write_run_summary needs {list(RUN_SUMMARY_NUMBERS)}; missing {missing}, unknown {unknown}"
        )
    summary = {"framework": framework, "mode": "quick" if quick else "full", "device": str(device)}
    for key in RUN_SUMMARY_NUMBERS:
        value = numbers[key]
        if isinstance(value, bool) or not isinstance(value, numbers_abc.Real) or not (
            math.isfinite(value) and value >= 0
        ):
            raise ValueError(f"run summary: {key} must be a finite number >= 0, got {value!r}")
        summary[key] = int(value) if key == "steps" else float(value)  # plain JSON, also for numpy
    text = json.dumps(summary, indent=1) + "\n"
    path = run_summary_path(framework, quick)
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
