"""What the training loops of both lesson notebooks share, so that they train on the same steps.

* ``epoch_batches`` yields the same contiguous batches in the same order to PyTorch and
  TensorFlow: each epoch lays the text out again from a seeded random offset.
* ``scheduled_lr`` is the learning-rate schedule: a linear warm-up, then a cosine down to a
  floor. It follows the *progress* of training, steps done / steps planned, or the share of a
  wall-time cap already used when that is larger, so a capped run still ends its schedule.

The training *step* (forward, loss, backward, clip, optimiser step) is not here: it is what
the notebooks teach, so each notebook writes it out.
"""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from .batches import ContiguousBatches


def epoch_batches(
    ids: np.ndarray, batch_size: int, seq_len: int, seed: int
) -> Iterator[tuple[np.ndarray, np.ndarray, bool]]:
    """Endless ``(inputs, targets, new_epoch)`` batches of shape (batch_size, seq_len).

    ``new_epoch`` is True for the first batch of each epoch: the rows then start at new
    places in the text, so a carried recurrent state no longer fits and must be reset.
    """
    rng = np.random.default_rng(seed)
    while True:
        batches = ContiguousBatches(ids, batch_size, seq_len, offset=int(rng.integers(seq_len)))
        for i, (x, y) in enumerate(batches):
            yield x, y, i == 0


def learning_rate(
    steps_done: int,
    total_steps: int,
    peak: float,
    warmup_steps: int,
    final_fraction: float,
    elapsed: float = 0.0,
    cap_seconds: float | None = None,
) -> float:
    """The learning rate for the next step: linear warm-up, then a cosine from ``peak`` down to
    ``final_fraction * peak``.

    The cosine follows the progress of training: ``steps_done / total_steps``, or
    ``elapsed / cap_seconds`` when a wall-time cap is set and that share is larger, so that a
    run stopped by the cap still ends its schedule.
    """
    if not (isinstance(total_steps, (int, np.integer)) and total_steps >= 1):
        raise ValueError(f"total_steps must be a whole number >= 1, got {total_steps!r}")
    progress = steps_done / total_steps
    if cap_seconds:
        progress = max(progress, elapsed / cap_seconds)
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
    decayed = peak * (final_fraction + (1.0 - final_fraction) * cosine)
    return decayed * min(1.0, (steps_done + 1) / max(1, warmup_steps))
