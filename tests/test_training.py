"""The plumbing both lesson loops share: the same batches in the same order, and one schedule."""

import math

import numpy as np
import pytest

import textgen


def take(stream, n):
    return [next(stream) for _ in range(n)]


def test_epoch_batches_are_reproducible_contiguous_and_restart_each_epoch():
    ids = np.arange(1_000)
    first = take(textgen.epoch_batches(ids, 4, 10, seed=3), 60)
    again = take(textgen.epoch_batches(ids, 4, 10, seed=3), 60)
    assert all(np.array_equal(a[0], b[0]) and a[2] == b[2] for a, b in zip(first, again))
    per_epoch = len(textgen.ContiguousBatches(ids, 4, 10))
    flags = [new for _, _, new in first]
    assert [i for i, new in enumerate(flags) if new] == list(range(0, 60, per_epoch))
    for (x0, y0, _), (x1, _, new) in zip(first, first[1:]):
        assert np.array_equal(y0, x0 + 1)  # targets are the inputs shifted by one
        if not new:
            assert np.array_equal(x1[:, 0], x0[:, -1] + 1)  # each row continues where it stopped
    offsets = {int(x[0, 0]) for x, _, new in first if new}
    assert len(offsets) > 1 and max(offsets) < 10  # epochs start at different cut points


def test_other_seeds_cut_the_text_elsewhere():
    ids = np.arange(1_000)
    starts = lambda seed: [int(x[0, 0]) for x, _, new in take(textgen.epoch_batches(ids, 4, 10, seed), 200) if new]
    assert starts(1) != starts(2)


def test_learning_rate_warms_up_then_follows_the_cosine_to_the_floor():
    lr = lambda done, **kw: textgen.learning_rate(done, 100, 1.0, 10, 0.05, **kw)
    assert lr(0) == pytest.approx(0.1 * (0.05 + 0.95 * 0.5 * (1 + math.cos(0))))
    assert lr(9) == pytest.approx(0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * 0.09)))
    assert lr(50) == pytest.approx(0.05 + 0.95 * 0.5)
    assert lr(100) == pytest.approx(0.05)
    rates = [lr(s) for s in range(10, 100)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_a_time_cap_moves_the_schedule_on_when_it_is_further_than_the_steps():
    by_steps = textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=10, cap_seconds=100)
    by_time = textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=90, cap_seconds=100)
    assert by_steps == pytest.approx(textgen.learning_rate(20, 100, 1.0, 10, 0.05))
    assert by_time == pytest.approx(0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * 0.9)))
    assert textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=500, cap_seconds=100) == pytest.approx(0.05)


@pytest.mark.parametrize("total", [0, -3, 2.5, None])
def test_total_steps_must_be_a_whole_number(total):
    with pytest.raises(ValueError, match="total_steps must be a whole number >= 1"):
        textgen.learning_rate(0, total, 1.0, 10, 0.05)
