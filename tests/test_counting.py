"""textgen.counting: the Kneser-Ney counting model against a slow reference written out plainly.

* the probabilities after any history (seen, unseen, shorter than the order) add up to 1;
* losses and distributions agree with a dict-based reference to 1e-12, for the classic fixed
  discount and for three discounts per order (modified Kneser-Ney), orders 1 to 5;
* the estimated discounts follow Chen & Goodman's formula; tuning lowers the development loss;
* characters never seen in training get a finite loss; large alphabets do not overflow;
* the order is chosen on the development text; bad input raises a one-line ValueError.
"""

from collections import Counter

import numpy as np
import pytest

from textgen.counting import UNKNOWN, KneserNey, choose_counting_model, estimate_discounts, tune_discounts

TRAIN = (
    "KING:\nThe king is in his tent, and the tent is in the field.\n\n"
    "QUEEN:\nThen let the king come in; the field is cold, my lord.\n\n"
    "KING:\nCold is the field, and colder still the king that keeps it.\n\n"
    "FOOL:\nA king, a queen, a tent: three things and none of them warm.\n"
)
SCORED = "QUEEN:\nThe kind king keeps his tent; Zounds! the fool is cold.\n"  # unseen: 'Z', 'u', ';' ...
OTHER = "\x00"  # the reference's name for the unknown slot
HISTORIES = ["", "t", "the kin", "zzqx", "KING:\nTh", "\n\n", "Zounds"]


# ---------------------------------------------------------------------------------------------
# the reference: every probability from Counters, one character at a time


class Reference:
    """Interpolated (modified) Kneser-Ney written out the slow, plain way. The model's UNKNOWN slot
    is the character OTHER here, which no training text contains."""

    def __init__(self, text, order, discounts, alphabet):
        self.order, self.alphabet = order, [OTHER if c == UNKNOWN else c for c in alphabet]
        self.d = np.full((order, 3), discounts) if np.ndim(discounts) == 0 else np.asarray(discounts, float)
        self.count = Counter(text[i : i + k] for k in range(1, order + 1) for i in range(len(text) - k + 1))
        before = {}
        for gram in self.count:
            if len(gram) > 1:
                before.setdefault(gram[1:], set()).add(gram[0])
        self.cont = {gram: len(chars) for gram, chars in before.items()}

    def discount(self, level, c):
        return 0.0 if c == 0 else self.d[level - 1][min(c, 3) - 1]

    def prob(self, history, char, level, top):
        if level == 0:
            return 1.0 / len(self.alphabet)
        lower = self.prob(history, char, level - 1, top=False)
        h = history[len(history) - (level - 1) :] if level > 1 else ""
        table = self.count if top else self.cont
        follow = {x: table.get(h + x, 0) for x in self.alphabet}
        total = sum(follow.values())
        if total == 0:
            return lower  # a history never seen: the lower order alone
        mass = sum(self.discount(level, c) for c in follow.values())
        c = follow.get(char, 0)
        return (c - self.discount(level, c) + mass * lower) / total

    def p(self, history, char):
        history = history[max(0, len(history) - (self.order - 1)) :]
        return self.prob(history, char, min(self.order, len(history) + 1), top=True)

    def symbols(self, text):
        return "".join(c if c in self.alphabet else OTHER for c in text)

    def losses(self, text):
        text = self.symbols(text)
        return np.array([-np.log(self.p(text[:i], text[i])) for i in range(1, len(text))])


def reference_for(model, discounts):
    return Reference(TRAIN, model.order, discounts, model.alphabet)


def random_discounts(order, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.05, 1.0, (order, 3)) * np.array([1.0, 2.0, 3.0])


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("discounts", [0.75, None, "random"])
@pytest.mark.parametrize("order", [1, 2, 3, 5, 8])
def test_probabilities_sum_to_one_after_any_history(order, discounts):
    d = random_discounts(order, order) if discounts == "random" else discounts
    model = KneserNey(TRAIN, order, discounts=d)
    for history in HISTORIES:
        p = model.distribution(history)
        assert p.shape == (len(model.alphabet),)
        assert abs(p.sum() - 1.0) < 1e-12, f"after {history!r}: {p.sum()}"
        assert (p > 0).all()


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_fixed_discount_matches_the_reference(order):
    model = KneserNey(TRAIN, order, discounts=0.75)
    expected = reference_for(model, 0.75).losses(SCORED)
    np.testing.assert_allclose(model.losses(SCORED), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_modified_discounts_match_the_reference(order):
    d = random_discounts(order, 10 + order)
    model = KneserNey(TRAIN, order, discounts=d)
    reference = reference_for(model, d)
    np.testing.assert_allclose(model.losses(SCORED), reference.losses(SCORED), rtol=0, atol=1e-12)
    for history in HISTORIES:
        expected = [reference.p(reference.symbols(history), c) for c in reference.alphabet]
        np.testing.assert_allclose(model.distribution(history), expected, rtol=0, atol=1e-12)


def test_losses_by_order_are_the_models_of_each_order():
    d = random_discounts(5, 3)
    by_order = KneserNey(TRAIN, 5, discounts=d).losses_by_order(SCORED)
    assert by_order.shape == (len(SCORED) - 1, 5)
    for k in range(1, 6):
        np.testing.assert_allclose(by_order[:, k - 1], KneserNey(TRAIN, k, discounts=d[:k]).losses(SCORED),
                                   rtol=0, atol=1e-12)


def chen_goodman(counts):
    n1, n2, n3, n4 = (sum(1 for c in counts if c == k) for k in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2)
    return [1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3]


def test_estimated_discounts_follow_chen_and_goodman(shakespeare):
    text = shakespeare[:30_000]
    reference = Reference(text, 3, 0.5, sorted(set(text)))
    expected = [chen_goodman([c for g, c in reference.cont.items() if len(g) == k]) for k in (1, 2)]
    expected.append(chen_goodman([c for g, c in reference.count.items() if len(g) == 3]))  # the top: raw counts
    expected = np.clip(expected, 0.05, [1, 2, 3])  # kept valid: the order-1 D2 comes out negative here
    assert expected[0, 1] == 0.05
    np.testing.assert_allclose(estimate_discounts(text, 3), expected, rtol=1e-12)
    np.testing.assert_allclose(KneserNey(text, 3).discounts, expected, rtol=1e-12)


def test_a_training_text_shorter_than_the_order():
    model = KneserNey("ab", 6)
    assert np.isfinite(model.losses("abcab")).all()
    assert abs(model.distribution("ab").sum() - 1) < 1e-12
    reference = Reference("ab", 6, model.discounts, model.alphabet)
    np.testing.assert_allclose(model.losses("abcab"), reference.losses("abcab"), rtol=0, atol=1e-12)


def test_unseen_characters_get_a_finite_loss():
    model = KneserNey(TRAIN, 4)
    assert model.alphabet[-1] == UNKNOWN
    losses = model.losses("the king: Ωmega and Zeus¿\n")
    assert np.isfinite(losses).all() and (losses > 0).all()
    assert model.distribution("Ωme")[-1] > 0  # the unknown slot has probability after an unknown history
    with pytest.raises(ValueError, match="outside the alphabet"):
        KneserNey(TRAIN, 3, alphabet=sorted(set(TRAIN))).losses("the Ω")


def test_a_large_alphabet_does_not_overflow():
    rng = np.random.default_rng(0)
    chars = np.array([chr(0x400 + i) for i in range(300)])  # 300 distinct characters: 300**10 > 2**63
    text = "".join(rng.choice(chars[:40], 3000)) + "".join(chars) + "".join(chars[:20]) * 30
    model = KneserNey(text, 10)
    scored = "".join(chars[:20]) * 2 + text[:100]
    reference = Reference(text, 10, model.discounts, model.alphabet)
    np.testing.assert_allclose(model.losses(scored), reference.losses(scored), rtol=0, atol=1e-12)
    assert abs(model.distribution(text[:30]).sum() - 1) < 1e-12


def test_order_is_chosen_on_the_development_text():
    rng = np.random.default_rng(1)
    train = TRAIN * 20
    noise = "".join(rng.choice(sorted(set(TRAIN)), 3000))  # letters drawn at random: longer contexts do not help
    model, report = choose_counting_model(train, noise, max_order=6, tune=False)
    assert {"order", "dev_loss_by_order", "discounts", "seconds"} <= set(report)
    assert report["order"] == int(np.argmin(report["dev_loss_by_order"])) + 1 == model.order
    validation = TRAIN  # text like the training text, where a long context helps most
    best_on_validation = int(np.argmin(KneserNey(train, 6).losses_by_order(validation).mean(0))) + 1
    assert report["order"] < best_on_validation  # the two texts disagree, and the development text decides
    assert model.losses(noise).mean() == pytest.approx(report["dev_loss_by_order"][model.order - 1], abs=1e-12)


def test_tuning_lowers_the_development_loss(shakespeare):
    train, dev = shakespeare[:40_000], shakespeare[-3_000:]
    estimated = KneserNey(train, 4)
    tuned = tune_discounts(train, dev, 4)
    assert tuned.shape == (4, 3)
    assert ((tuned > 0) & (tuned <= [1, 2, 3])).all()
    assert KneserNey(train, 4, discounts=tuned).losses(dev).mean() < estimated.losses(dev).mean() - 1e-3
    model, report = choose_counting_model(train, dev, max_order=4)
    assert report["tuned"] and (report["dev_loss_by_order"] <= report["estimated_dev_loss_by_order"] + 1e-12).all()
    assert model.losses(dev).mean() == pytest.approx(report["dev_loss_by_order"].min(), abs=1e-12)
    for k, each in enumerate(report["models"], start=1):  # every order's model scores as the report says
        assert each.order == k
        assert each.losses(dev).mean() == pytest.approx(report["dev_loss_by_order"][k - 1], abs=1e-12)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: KneserNey(TRAIN, 0), "order must be a whole number"),
        (lambda: KneserNey(TRAIN, True), "order must be a whole number"),
        (lambda: KneserNey(TRAIN, 2.0), "order must be a whole number"),
        (lambda: KneserNey("a", 2), "needs at least 2"),
        (lambda: KneserNey(b"abc", 2), "must be a str"),
        (lambda: KneserNey(TRAIN, 3, discounts=np.full((2, 3), 0.5)), r"shape \(3, 3\)"),
        (lambda: KneserNey(TRAIN, 2, discounts=[[1.2, 1, 1], [0.5, 1, 1]]), r"D1 of order 1 .* \(0, 1\]"),
        (lambda: KneserNey(TRAIN, 2, discounts=[[0.5, 1, 1], [0.5, 2.5, 1]]), r"D2 of order 2 .* \(0, 2\]"),
        (lambda: KneserNey(TRAIN, 1, discounts=[[0.5, 1, 3.5]]), r"D3\+ of order 1 .* \(0, 3\]"),
        (lambda: KneserNey(TRAIN, 1, discounts=[[0.0, 1, 1]]), r"D1 of order 1"),
        (lambda: KneserNey(TRAIN, 1, discounts=[[np.nan, 1, 1]]), r"D1 of order 1"),
        (lambda: KneserNey(TRAIN, 2, discounts=1.5), r"single discount must lie in \(0, 1\]"),
        (lambda: KneserNey(TRAIN, 2, discounts="big"), "discounts must be None"),
        (lambda: KneserNey(TRAIN, 2, alphabet="abc"), "lacks"),
        (lambda: KneserNey(TRAIN, 2, alphabet=["ab"]), "distinct single characters"),
        (lambda: KneserNey(TRAIN, 2).losses("a"), "needs at least 2"),
        (lambda: choose_counting_model(TRAIN, ""), "development text is empty"),
        (lambda: choose_counting_model(TRAIN, TRAIN, max_order=0), "order must be a whole number"),
        (lambda: tune_discounts(TRAIN, "", 2), "development text is empty"),
    ],
)
def test_bad_input_raises_one_line(make, message):
    with pytest.raises(ValueError, match=message) as info:
        make()
    assert "\n" not in str(info.value)
