"""textgen.sampling: the reference sampling rule, entropy, and the checks on generated text."""

import math

import numpy as np
import pytest

from textgen import NgramIndex, Sampler, find_cycle, probabilities
from textgen.sampling import entropy


def test_softmax_is_stable_for_huge_logits():
    # exp(1000 / 0.3) overflows without subtracting the maximum
    p = probabilities([1000.0, 999.0, -5.0], temperature=0.3)
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    assert p[0] > p[1] > p[2]


def test_temperature_zero_is_greedy():
    rng = np.random.default_rng(0)
    assert all(Sampler(rng, temperature=0)([0.1, 2.0, 1.9]) == 1 for _ in range(20))


def test_entropy_rises_with_temperature():
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    hs = [entropy(probabilities(logits, t)) for t in (0.3, 0.7, 1.0, 1.5)]
    assert hs == sorted(hs) and hs[0] < hs[-1]
    assert entropy(probabilities(logits, 0)) == 0.0
    assert entropy(np.full(4, 0.25)) == pytest.approx(math.log(4))


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf"), "hot", None])
def test_bad_temperature(bad):
    with pytest.raises(ValueError, match=r"temperature must be a finite number >= 0 \(0 means greedy\)"):
        probabilities([1.0, 2.0], temperature=bad)


def test_top_k_keeps_k_tokens():
    p = probabilities([1.0, 4.0, 3.0, 2.0], top_k=2)
    assert (p > 0).tolist() == [False, True, True, False]
    assert p.sum() == pytest.approx(1.0)


def test_top_k_keeps_exactly_k_of_tied_tokens_lowest_ids_first():
    assert (probabilities([2.0, 5.0, 5.0, 5.0], top_k=1) > 0).tolist() == [False, True, False, False]
    assert (probabilities([5.0, 5.0, 5.0, 1.0], top_k=2) > 0).tolist() == [True, True, False, False]
    assert (probabilities(np.zeros((3, 6)), top_k=4) > 0).sum(axis=-1).tolist() == [4, 4, 4]
    s = Sampler(np.random.default_rng(0), temperature=1.0, top_k=1)
    assert {s(np.array([0.0, 3.0, 3.0])) for _ in range(50)} == {1}


@pytest.mark.parametrize("tiny", [1e-310, 5e-324, 1e-300, 1e-30])
def test_tiny_temperature_is_greedy_and_respects_banned(tiny):
    p = probabilities([1.0, 3.0, 2.0], temperature=tiny)
    assert p.tolist() == [0.0, 1.0, 0.0]
    # the banned token has the largest logit: it must never come back, and nothing is NaN
    p = probabilities([9.0, 1.0, 3.0, 2.0], temperature=tiny, banned=[0])
    assert p.tolist() == [0.0, 0.0, 1.0, 0.0]
    rng = np.random.default_rng(0)
    assert [Sampler(rng, temperature=tiny, banned=[0])([9.0, 1.0, 3.0, 2.0]) for _ in range(20)] == [2] * 20
    batch = Sampler(1, temperature=tiny, top_p=0.9, banned=[0])(np.tile([9.0, 1.0, 3.0, 2.0], (4, 1)))
    assert batch.tolist() == [2, 2, 2, 2]


@pytest.mark.parametrize("bad", [3, 99])
def test_banned_ids_outside_the_vocabulary_are_errors(bad):
    with pytest.raises(ValueError, match=rf"banned id {bad} is not a token id of this vocabulary -- use ids 0 to 2"):
        probabilities([1.0, 2.0, 3.0], banned=[bad])
    with pytest.raises(ValueError, match=f"banned id {bad} is not a token id"):
        Sampler(0, banned=[bad])(np.zeros(3))


@pytest.mark.parametrize("bad", [-1, 1.0, "0", None, True])
def test_banned_ids_must_be_token_ids(bad):
    # -1 would otherwise ban the last token through numpy's negative indexing
    with pytest.raises(ValueError, match=r"a banned id must be a whole number >= 0 \(a token id, e.g. vocab.unk_id\)"):
        Sampler(0, banned=[bad])


@pytest.mark.parametrize("bad", [0, -3, 1.5, True])
def test_bad_top_k(bad):
    with pytest.raises(ValueError, match="top_k must be a whole number >= 1"):
        probabilities([1.0, 2.0], top_k=bad)


def test_top_p_keeps_the_nucleus():
    logits = np.log([0.5, 0.3, 0.15, 0.05])
    assert (probabilities(logits, top_p=0.7) > 0).tolist() == [True, True, False, False]
    assert (probabilities(logits, top_p=0.8) > 0).tolist() == [True, True, False, False]
    assert (probabilities(logits, top_p=0.81) > 0).tolist() == [True, True, True, False]
    assert (probabilities(logits, top_p=0.1) > 0).tolist() == [True, False, False, False]
    assert (probabilities(logits, top_p=1.0) > 0).all()


@pytest.mark.parametrize("bad", [0, -0.2, 1.01, float("nan")])
def test_bad_top_p(bad):
    with pytest.raises(ValueError, match=r"top_p must lie in \(0, 1\]"):
        probabilities([1.0, 2.0], top_p=bad)


def test_banned_tokens_never_drawn():
    s = Sampler(np.random.default_rng(1), temperature=1.5, banned=[0])
    draws = [s(np.array([5.0, 0.0, 0.0])) for _ in range(200)]
    assert 0 not in draws
    with pytest.raises(ValueError, match="every token is banned"):
        Sampler(0, banned=[0, 1])(np.zeros(2))


def test_nan_logits_are_an_error():
    with pytest.raises(ValueError, match="the logits contain NaN"):
        probabilities([np.nan, 1.0])


def test_sampling_follows_the_distribution_and_is_seeded():
    logits = np.log([0.6, 0.3, 0.1])
    draws = Sampler(np.random.default_rng(0))(np.tile(logits, (20_000, 1)))
    freq = np.bincount(draws, minlength=3) / len(draws)
    assert np.allclose(freq, [0.6, 0.3, 0.1], atol=0.015)
    again = Sampler(np.random.default_rng(0))(np.tile(logits, (20_000, 1)))
    assert (draws == again).all()


def test_batched_sampling_and_last_probs():
    s = Sampler(0, temperature=0.7)
    ids = s(np.zeros((5, 4)))
    assert ids.shape == (5,) and ids.dtype == np.int64
    assert s.last_probs.shape == (5, 4)
    assert isinstance(s(np.zeros(4)), int)


# ---------------------------------------------------------------------------------------------
# Cycles and novelty of generated text


def test_find_cycle_in_greedy_text():
    text = "O, what a noble mind " + "the king the king " * 5
    c = find_cycle(text)
    assert c is not None and c.period == 9 and c.unit in ("the king " * 2)
    assert text[c.start :].startswith(c.unit)


def test_find_cycle_on_words_and_none():
    assert find_cycle(["a", "b", "c", "b", "c", "b", "c"], min_repeats=3).unit == ("b", "c")
    assert find_cycle("the quick brown fox jumps over the lazy dog") is None


@pytest.mark.parametrize("repeats", [0, 1, 1.99, -2, float("nan"), None, "3", True])
def test_find_cycle_needs_a_unit_seen_at_least_twice(repeats):
    # min_repeats=0 or 1 used to report a "cycle" that occurs once: any text ends in one
    with pytest.raises(ValueError, match=r"^min_repeats must be a finite number >= 2 \(how often the unit"):
        find_cycle("abcabcabc", min_repeats=repeats)


@pytest.mark.parametrize("period", [0, -1, 2.5, True])
def test_find_cycle_max_period_is_a_length(period):
    # max_period=0 used to mean "half the text" without saying so; None means that now
    with pytest.raises(ValueError, match=r"^max_period must be a whole number >= 1 \(the longest unit to look for"):
        find_cycle("abcabcabc", max_period=period)


def test_find_cycle_limits_and_fractions():
    text = "xy" + "abc" * 4
    assert find_cycle(text).unit == "abc"
    assert find_cycle(text, max_period=None).unit == "abc"
    assert find_cycle(text, max_period=2) is None  # "abc" is longer than 2
    assert find_cycle(text, min_repeats=np.float64(2.5), max_period=np.int64(3)).repeats == 4.0
    assert find_cycle(text, min_repeats=5) is None
    assert find_cycle("", min_repeats=2) is None


@pytest.mark.parametrize("n", [2.5, 0, -1, "4", None, True])
def test_ngram_length_is_a_whole_number(n):
    with pytest.raises(ValueError, match=r"^n must be a whole number >= 1 \(the length of the n-grams"):
        NgramIndex("to be or not to be", n)


def test_novelty():
    idx = NgramIndex("to be or not to be", 4)
    assert idx.novelty("to be or") == 0.0
    assert idx.novelty("xyzw") == 1.0
    words = NgramIndex("a b c d".split(), 2)
    assert words.novelty("a b x".split()) == 0.5
    with pytest.raises(ValueError, match="shorter than n=4"):
        idx.novelty("abc")
