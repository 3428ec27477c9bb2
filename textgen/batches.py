"""Training batches for truncated backpropagation through time (TBPTT).

The token stream is laid out as ``batch_size`` long rows. Batch ``i`` takes columns
``i*seq_len … (i+1)*seq_len`` of every row, so row ``r`` of batch ``i+1`` continues
exactly where row ``r`` of batch ``i`` stopped: the recurrent state at the end of one
batch is the right starting state for the next. Targets are the inputs shifted by one.
Everything is numpy slicing of two arrays; no Python loop builds windows.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np


def check_offset(offset: int) -> int:
    """``offset`` counts tokens from the start: a whole number >= 0 (one-line error otherwise)."""
    if isinstance(offset, (bool, np.bool_)) or not isinstance(offset, (int, np.integer)) or offset < 0:
        raise ValueError(
            f"offset must be a whole number >= 0 (tokens to skip at the start), got {offset!r}"
        )
    return int(offset)


def batchify(ids: np.ndarray, batch_size: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Lay ``ids[offset:]`` out as (inputs, targets), each of shape (batch_size, columns)."""
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be one-dimensional, got shape {ids.shape}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    check_offset(offset)
    stream = ids[offset:]
    columns = (len(stream) - 1) // batch_size
    if columns < 1:
        raise ValueError(
            f"{len(stream):,} tokens cannot fill {batch_size} rows -- use a longer text or a smaller batch_size"
        )
    used = batch_size * columns
    inputs = stream[:used].reshape(batch_size, columns)
    targets = stream[1 : used + 1].reshape(batch_size, columns)
    return inputs, targets


class ContiguousBatches:
    """Iterate over contiguous (inputs, targets) batches of shape (batch_size, seq_len).

    ``offset`` shifts where the rows start (vary it per epoch to see new cut points).
    With ``keep_last=True`` a final, shorter batch covers the leftover columns, so that
    every token except at most ``batch_size - 1`` at the end is a target exactly once —
    what a validation pass over the whole held-out text needs.
    """

    def __init__(self, ids: np.ndarray, batch_size: int, seq_len: int, offset: int = 0, keep_last: bool = False):
        if not isinstance(seq_len, (int, np.integer)) or seq_len < 1:
            raise ValueError(f"seq_len must be a positive integer, got {seq_len!r}")
        offset = check_offset(offset)
        ids = np.asarray(ids)
        if len(ids) - offset < batch_size * seq_len + 1 and not keep_last:
            raise ValueError(
                f"{len(ids) - offset:,} tokens are too few for one batch of {batch_size} x {seq_len} "
                f"(needs {batch_size * seq_len + 1:,}) -- use a longer text, or a smaller batch_size or seq_len"
            )
        self.inputs, self.targets = batchify(ids, batch_size, offset)
        self.batch_size, self.seq_len, self.keep_last = batch_size, seq_len, keep_last

    def __len__(self) -> int:
        columns = self.inputs.shape[1]
        full = columns // self.seq_len
        return full + (1 if self.keep_last and columns % self.seq_len else 0)

    @property
    def tokens_per_pass(self) -> int:
        """How many targets one pass over all batches scores."""
        columns = self.inputs.shape[1] if self.keep_last else len(self) * self.seq_len
        return self.batch_size * columns

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for i in range(len(self)):
            cols = slice(i * self.seq_len, (i + 1) * self.seq_len)
            yield self.inputs[:, cols], self.targets[:, cols]
