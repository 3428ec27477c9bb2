"""Units for the loss: nats, bits and perplexity."""

from __future__ import annotations

import math


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
