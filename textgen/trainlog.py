"""The bookkeeping of a training loop, shared by both lesson notebooks.

The loop itself (batches, the training step, the learning rate) is written out in the notebooks;
what they would otherwise both copy lives here: a running mean of the training loss, the gradient
norm of every step, the "looks" (validation loss, development loss and a watch sample, printed as
one line each), which look did best on the development text, and the summary printed at the end.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .checks import finite_number, whole_number


class TrainingLog:
    """Record a training run step by step.

    ``step(loss, norm)`` after every optimiser step; ``look(step, val, dev, sample)`` whenever the
    loop measures, which prints one line and returns True when ``dev`` is the lowest development
    loss so far (the loop then keeps those weights; ``kept_step``, ``kept_dev`` and ``kept_val`` describe
    them). ``history`` is what the checkpoint stores and
    ``textgen.display.plot_curves`` draws.
    """

    def __init__(self, record_every: int = 10, smoothing: float = 0.95):
        self.record_every = whole_number(record_every, "record_every", 1)
        self.smoothing = finite_number(smoothing, "smoothing", 0.0)
        if self.smoothing >= 1:
            raise ValueError(f"smoothing must be below 1 (0.95 averages over about 20 steps), got {smoothing!r}")
        self.history: dict[str, list] = {"step": [], "train": [], "val_step": [], "val": [], "dev": [], "sample": []}
        self.norms: list[float] = []
        self.running: float | None = None
        self.steps = 0
        self.kept_step, self.kept_dev, self.kept_val = 0, math.inf, math.nan
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def step(self, loss: float, norm: float) -> None:
        loss, norm = float(loss), float(norm)
        if not (math.isfinite(loss) and math.isfinite(norm)):
            raise FloatingPointError(
                f"step {self.steps + 1}: the loss is {loss} and the gradient norm {norm} -- the training diverged; "
                "lower the learning rate (CONFIG['lr']) and run the training cell again"
            )
        self.steps += 1
        self.norms.append(norm)
        self.running = loss if self.running is None else self.smoothing * self.running + (1 - self.smoothing) * loss
        if self.steps % self.record_every == 0:
            self.history["step"].append(self.steps)
            self.history["train"].append(self.running)

    def look(self, step: int, val: float, dev: float, sample: str) -> bool:
        """Record and print one measurement; True if ``dev`` is the best development loss so far."""
        for key, value in (("val_step", step), ("val", float(val)), ("dev", float(dev)), ("sample", sample)):
            self.history[key].append(value)
        print(f"step {step:>5} {self.seconds:>5.0f} s  train {self.running:.3f}  validation {val:.3f}  "
              f"development {dev:.3f}  {sample!r}")
        if dev < self.kept_dev:
            self.kept_step, self.kept_dev, self.kept_val = step, float(dev), float(val)
            return True
        return False

    def summary(self, chars_per_step: int, clip_norm: float, device: str, planned_steps: int | None = None) -> str:
        """Three lines: time and speed (and whether the run stopped before ``planned_steps``), the kept
        step, how often clipping acted."""
        norms = np.array(self.norms)
        clipped = int(np.sum(norms > clip_norm))
        early = ""
        if planned_steps is not None and self.steps < planned_steps:
            early = f" -- stopped early, {planned_steps:,} were planned: the time guard (max_seconds) was reached"
        return (
            f"{self.steps:,} steps in {self.seconds:.0f} s on {device}: "
            f"{self.steps * chars_per_step / self.seconds:,.0f} characters/s{early}\n"
            f"kept the weights of step {self.kept_step:,} (lowest development loss, {self.kept_dev:.3f} nats/char)\n"
            f"gradient norm before clipping: median {np.median(norms):.2f}, largest {norms.max():.2f}; "
            f"clipped at {clip_norm:g} on {clipped:,} of {len(norms):,} steps"
        )
