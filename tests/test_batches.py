import numpy as np
import pytest

from textgen import ContiguousBatches, batchify


def test_targets_are_inputs_shifted_by_one():
    ids = np.arange(101)
    x, y = batchify(ids, 4)
    assert x.shape == y.shape == (4, 25)
    assert (y == x + 1).all()


def test_batches_continue_row_by_row():
    ids = np.arange(1 + 3 * 20)
    batches = list(ContiguousBatches(ids, batch_size=3, seq_len=5))
    assert len(batches) == 4
    for (x0, _), (x1, _) in zip(batches, batches[1:]):
        assert (x1[:, 0] == x0[:, -1] + 1).all()  # row r of batch i+1 continues row r of batch i
    assert all(x.shape == (3, 5) for x, _ in batches)


def test_batches_are_views_not_copies():
    ids = np.arange(1000)
    b = ContiguousBatches(ids, 4, 10)
    x, _ = next(iter(b))
    assert np.shares_memory(x, ids)


def test_keep_last_covers_every_target_once():
    ids = np.arange(1 + 4 * 23)
    b = ContiguousBatches(ids, 4, 10, keep_last=True)
    shapes = [x.shape for x, _ in b]
    assert shapes == [(4, 10), (4, 10), (4, 3)]
    targets = np.concatenate([y.ravel() for _, y in b])
    assert sorted(targets.tolist()) == list(range(1, 93)) and b.tokens_per_pass == 92


def test_offset_shifts_the_cut_points():
    ids = np.arange(200)
    x, _ = next(iter(ContiguousBatches(ids, 2, 10, offset=3)))
    assert x[0, 0] == 3


def test_too_short_for_one_batch():
    with pytest.raises(ValueError, match=r"50 tokens are too few for one batch of 4 x 20 \(needs 81\) -- use a longer text"):
        ContiguousBatches(np.arange(50), 4, 20)


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="must be a positive integer"):
        ContiguousBatches(np.arange(50), bad, 5)
    with pytest.raises(ValueError, match="must be a positive integer"):
        ContiguousBatches(np.arange(50), 2, bad)


@pytest.mark.parametrize("bad", [-1, -200, 1.5, True])
def test_bad_offset(bad):
    # a negative offset would start the rows near the end of the text (numpy's ids[-1:])
    with pytest.raises(ValueError, match=r"offset must be a whole number >= 0 \(tokens to skip at the start\)"):
        ContiguousBatches(np.arange(200), 2, 10, offset=bad)
    with pytest.raises(ValueError, match="offset must be a whole number >= 0"):
        batchify(np.arange(200), 2, offset=bad)
