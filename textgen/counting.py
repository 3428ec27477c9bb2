"""Character n-gram counting models: interpolated (modified) Kneser-Ney smoothing, vectorised with numpy.

The strong non-neural baseline that the ``deeper/`` notebooks set beside the LSTM:

* ``KneserNey``              a model of one order: losses of a text, the distribution after a history
* ``estimate_discounts``     Chen & Goodman's discounts D1, D2, D3+ from counts of counts
* ``tune_discounts``         the discounts searched coordinate by coordinate on a development text
* ``choose_counting_model``  the order (and tuned discounts) chosen on a development text only

**The model** (Chen & Goodman 1998, "An empirical study of smoothing techniques for language
modeling", interpolated modified Kneser-Ney). For a history h and the next character w, at the top
order n (h is the n - 1 characters before w)::

    P_n(w | h) = (c(hw) - D(c(hw)) + gamma(h) * P_{n-1}(w | h')) / c(h.)
    gamma(h)   = D1 * N1(h.) + D2 * N2(h.) + D3 * N3+(h.)

where c(hw) is how often hw occurs in the training text, c(h.) the sum of c(hw) over all w,
N1(h.), N2(h.) and N3+(h.) the numbers of characters w seen once, twice and three or more times
after h, D(0) = 0, D(1) = D1, D(2) = D2 and D(c) = D3 for c >= 3, and h' is h without its first
character. The lower orders 1 .. n - 1 use the same formula with *continuation counts* in place
of c: the number of different characters seen just before hw. Below order 1 sits the uniform
distribution over the alphabet, so no character has probability 0. A history the training text
never contained (c(h.) = 0) hands its character straight to the next lower order. Where a text
has only just begun (fewer than n - 1 characters before w), the order len(history) + 1 is the top
(with raw counts and that order's discounts).

**Discounts** are valid in 0 < D1 <= 1, 0 < D2 <= 2, 0 < D3 <= 3: then every count class loses exactly
its discount (c - D(c) >= 0, so nothing is clipped), the mass collected is exactly gamma(h) and the
probabilities after every history add up to 1; a positive discount makes gamma(h) > 0 for every
seen history, so the uniform floor reaches every character.

**How it is fast.** Every n-gram gets a dense integer id, built order by order: the key of an
n-gram is (id of its first n - 1 characters) * alphabet size + its last character, made dense by
``np.unique``. Keys never overflow (they stay below the number of n-grams times the alphabet size,
whatever the order or the alphabet), n-grams that share a history sit next to each other, and a
text is scored with ``np.searchsorted``: no Python loop over characters.
"""

from __future__ import annotations

import time
from numbers import Integral, Real

import numpy as np

__all__ = ["UNKNOWN", "KneserNey", "estimate_discounts", "tune_discounts", "choose_counting_model"]

UNKNOWN = "<unk>"  # the alphabet's slot for characters never seen in training (not a single character)
UPPER = np.array([1.0, 2.0, 3.0])  # the largest valid D1, D2, D3+ (see the module docstring)
_LOWEST = 1e-3  # the smallest discount the search tries (discounts must be positive)


# ---------------------------------------------------------------------------------------------
# checks of the arguments (one-line errors that say what to do)


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, Integral) or order < 1:
        raise ValueError(f"order must be a whole number >= 1 (1 = character frequencies alone), got {order!r}")
    return int(order)


def _check_text(text, what: str, minimum: int = 2) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a str, got {type(text).__name__}")
    if len(text) < minimum:
        raise ValueError(f"{what} has {len(text)} characters; it needs at least {minimum} -- pass a longer text")
    return text


def _check_discounts(discounts, order: int) -> np.ndarray:
    """A single D (fixed-discount Kneser-Ney) or an (order, 3) array of D1, D2, D3+ -> (order, 3) array."""
    if isinstance(discounts, Real) and not isinstance(discounts, bool):
        d = float(discounts)
        if not 0.0 < d <= 1.0:
            raise ValueError(f"a single discount must lie in (0, 1] (every count is at least 1), got {d}")
        return np.full((order, 3), d)
    try:
        table = np.array(discounts, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"discounts must be None, a number in (0, 1] or an ({order}, 3) array of numbers") from None
    if table.shape != (order, 3):
        raise ValueError(f"discounts must have shape ({order}, 3) (D1, D2, D3+ for orders 1..{order}), "
                         f"got shape {table.shape}")
    bad = ~np.isfinite(table) | (table <= 0) | (table > UPPER)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"discount D{col + 1}{'+' if col == 2 else ''} of order {row + 1} is {table[row, col]}; "
                         f"it must lie in (0, {UPPER[col]:g}]")
    return table


# ---------------------------------------------------------------------------------------------
# the counts of a training text


class _Counts:
    """Every n-gram of orders 1 .. max_order of a text of ids: dense ids, counts, continuation counts,
    and per history the totals and the numbers of continuations seen once, twice, three or more times.

    Level j holds the j-grams: ``keys[j]`` sorted (history id * size + last id), ``count[j]`` and
    ``cont[j]`` (j < max_order) aligned with it; ``raw_ctx[j]`` and ``cont_ctx[j]`` are (4, histories)
    arrays: total, N1, N2, N3+ for each (j - 1)-gram history (one history, the empty one, at j = 1).
    """

    def __init__(self, ids: np.ndarray, size: int, max_order: int):
        self.size, self.max_order = size, max_order
        self.keys, self.count, self.cont = {}, {}, {}
        self.raw_ctx, self.cont_ctx = {}, {}
        n = len(ids)
        gid = np.zeros(n + 1, dtype=np.int64)  # level 0: every start has the empty history, id 0
        histories = 1
        for j in range(1, max_order + 1):
            starts = max(n - j + 1, 0)
            if histories * size >= 2**62:  # cannot happen for a text that fits in memory
                raise ValueError(f"too many distinct {j - 1}-grams for the alphabet; use an order below {j}")
            key = gid[:starts] * size + ids[j - 1 : j - 1 + starts]
            uniq, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
            if j > 1:  # the continuation count of each (j-1)-gram: how many different j-grams end with it
                self.cont[j - 1] = np.bincount(gid[first + 1], minlength=histories).astype(np.int64)
                self.cont_ctx[j - 1] = self._per_history(j - 1, self.cont[j - 1])
            self.keys[j], self.count[j] = uniq, counts.astype(np.int64)
            self.raw_ctx[j] = self._per_history(j, self.count[j])
            gid, histories = inverse.reshape(-1).astype(np.int64), len(uniq)

    def _per_history(self, j: int, counts: np.ndarray) -> np.ndarray:
        parent = self.keys[j] // self.size
        width = len(self.keys[j - 1]) if j > 1 else 1  # the histories: every (j - 1)-gram
        out = np.zeros((4, width))
        out[0] = np.bincount(parent, weights=counts, minlength=width)
        for k, mask in enumerate((counts == 1, counts == 2, counts >= 3), start=1):
            out[k] = np.bincount(parent[mask], minlength=width)
        return out

    def lookup(self, j: int, history: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Positions in level j of the j-grams (history id, last id); -1 where not in the training text."""
        keys = self.keys[j]
        key = history * self.size + last
        pos = np.minimum(np.searchsorted(keys, key), max(len(keys) - 1, 0))
        found = (history >= 0) & (len(keys) > 0)
        if len(keys):
            found &= keys[pos] == key
        return np.where(found, pos, -1)

    def history_ids(self, ids: np.ndarray, levels: int) -> list[np.ndarray]:
        """ids of the j-grams starting at each position of a text, j = 0 .. levels (-1: not in training)."""
        out = [np.zeros(len(ids) + 1, dtype=np.int64)]
        for j in range(1, levels + 1):
            starts = max(len(ids) - j + 1, 0)
            out.append(self.lookup(j, out[-1][:starts], ids[j - 1 : j - 1 + starts]))
        return out


def _take(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """values[..., index] as floats, 0 where index is -1 (also when values is empty: a text too short)."""
    if values.shape[-1] == 0:
        return np.zeros(values.shape[:-1] + index.shape)
    return np.where(index >= 0, values[..., np.maximum(index, 0)], 0).astype(float)


class _Stats:
    """What scoring needs at each level for a set of (history, next character) queries.

    ``raw[j]`` and ``cont[j]`` are (5, queries) arrays: the count of the j-gram (raw or continuation),
    then the total, N1, N2, N3+ of its history (all 0 where the history is not in the training text).
    ``shown`` is how many characters of history each query has.
    """

    def __init__(self, counts: _Counts, history: list[np.ndarray], nxt: np.ndarray, shown: np.ndarray, levels: int):
        self.size, self.shown, self.raw, self.cont = counts.size, shown, {}, {}
        for j in range(1, levels + 1):
            hist = history[j]
            pos = counts.lookup(j, hist, nxt)
            kinds = ((self.raw, counts.count, counts.raw_ctx), (self.cont, counts.cont, counts.cont_ctx))
            for table, count, ctx in kinds:
                if j in count:
                    table[j] = np.vstack([_take(count[j], pos), _take(ctx[j], hist)])

    @classmethod
    def of_text(cls, counts: _Counts, ids: np.ndarray, levels: int) -> "_Stats":
        """Queries for every character of a text but the first, each with the characters before it."""
        grams = counts.history_ids(ids, levels - 1)
        positions = np.arange(1, len(ids))
        history = [None]
        for j in range(1, levels + 1):  # the history of level j: the j - 1 characters before each position
            start = positions - (j - 1)
            history.append(np.where(start >= 0, grams[j - 1][np.maximum(start, 0)], -1))
        return cls(counts, history, ids[1:], positions, levels)

    @classmethod
    def of_history(cls, counts: _Counts, ids: np.ndarray, levels: int) -> "_Stats":
        """Queries for every character of the alphabet after one history (its last levels - 1 characters)."""
        ids = ids[len(ids) - min(len(ids), levels - 1) :]
        grams = counts.history_ids(ids, levels - 1)
        nxt = np.arange(counts.size)
        history = [None]
        for j in range(1, levels + 1):
            start = len(ids) - (j - 1)
            gid = grams[j - 1][start] if start >= 0 else -1
            history.append(np.full(counts.size, gid, dtype=np.int64))
        return cls(counts, history, nxt, np.full(counts.size, len(ids)), levels)

    def level(self, j: int, order: int) -> np.ndarray:
        """The (5, queries) rows that the model of this order uses at level j: raw counts at its top
        (level `order`, or level shown + 1 where the history is shorter), continuation counts below."""
        if j == order:
            return self.raw[j]
        return np.where(self.shown == j - 1, self.raw[j], self.cont[j])


def _affine(rows: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One level as p_j = a + b * p_{j-1}, for the discounts d = (D1, D2, D3+) of that level."""
    count, total, n1, n2, n3 = rows
    seen = total > 0
    inv = np.where(seen, 1.0 / np.where(seen, total, 1.0), 0.0)
    lost = np.where(count >= 3, d[2], np.where(count == 2, d[1], np.where(count == 1, d[0], 0.0)))
    a = (count - lost) * inv
    b = np.where(seen, (d[0] * n1 + d[1] * n2 + d[2] * n3) * inv, 1.0)
    return a, b


def _probabilities(stats: _Stats, order: int, discounts: np.ndarray) -> np.ndarray:
    """P(next | history) of every query under the model of this order."""
    p = np.full(len(stats.shown), 1.0 / stats.size)
    for j in range(1, order + 1):
        a, b = _affine(stats.level(j, order), discounts[j - 1])
        p = a + b * p
    return p


# ---------------------------------------------------------------------------------------------
# discounts


def _chen_goodman(counts: np.ndarray) -> np.ndarray:
    """D1, D2, D3+ from the counts of counts n1..n4 (Chen & Goodman 1998, eq. 26), kept valid."""
    n = np.array([np.count_nonzero(counts == k) for k in (1, 2, 3, 4)], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = n[0] / (n[0] + 2 * n[1])
        d = np.array([1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]])
    fallback = np.array([0.5, 1.0, 1.5])  # too few n-grams to estimate from (a tiny text)
    d = np.where(np.isfinite(d), d, fallback)
    return np.clip(d, 0.05, UPPER)


def _estimate(counts: _Counts, order: int) -> np.ndarray:
    rows = [_chen_goodman(counts.cont[j]) for j in range(1, order)]  # lower orders: continuation counts
    return np.array(rows + [_chen_goodman(counts.count[order])])


def estimate_discounts(text: str, order: int) -> np.ndarray:
    """Chen & Goodman's estimates of D1, D2, D3+ for the model of this order: (order, 3).

    Each order's discounts come from its counts of counts: continuation counts for orders
    1 .. order - 1, raw counts at the top order.
    """
    order = _check_order(order)
    model = KneserNey(text, order)
    return model.discounts.copy()


# ---------------------------------------------------------------------------------------------
# the model


class KneserNey:
    """An interpolated (modified) Kneser-Ney character model of one order (see the module docstring).

    ``discounts``: None for Chen & Goodman's estimates from counts of counts (per order), an
    (order, 3) array of D1, D2, D3+ for orders 1..order, or one number D for the classic
    fixed-discount model. ``alphabet``: the characters the uniform floor spreads over; by default
    the characters of ``text`` plus the slot ``UNKNOWN``, which takes every character never seen in
    training, so that it still gets a finite loss. A given alphabet must contain every character of
    ``text``; texts scored later must use only its characters.
    """

    def __init__(self, text: str, order: int, discounts=None, alphabet=None):
        _check_text(text, "the training text")
        self.order = _check_order(order)
        self._set_alphabet(text, alphabet)
        self._counts = _Counts(self._ids(text, "the training text"), len(self.alphabet), self.order)
        self._finish(discounts)

    @classmethod
    def _from_counts(cls, counts: _Counts, order: int, discounts, like: "KneserNey") -> "KneserNey":
        """A model of a lower order that shares the counts of a higher one (counted once)."""
        model = cls.__new__(cls)
        model.order, model._counts = order, counts
        model.alphabet, model._unknown = like.alphabet, like._unknown
        model._codes, model._slots = like._codes, like._slots
        model._finish(discounts)
        return model

    def _finish(self, discounts) -> None:
        if discounts is None:
            self.discounts = _estimate(self._counts, self.order)
        else:
            self.discounts = _check_discounts(discounts, self.order)

    def _set_alphabet(self, text: str, alphabet) -> None:
        seen = sorted(set(text))
        if alphabet is None:
            self.alphabet, self._unknown = seen + [UNKNOWN], len(seen)
        else:
            chars = list(alphabet)
            if any(not isinstance(c, str) or len(c) != 1 for c in chars) or len(set(chars)) != len(chars):
                raise ValueError("alphabet must be distinct single characters, e.g. a str -- or None for the default")
            missing = set(seen) - set(chars)
            if missing:
                raise ValueError(f"the alphabet lacks {len(missing)} characters of the training text, e.g. "
                                 f"{sorted(missing)[:5]} -- add them or pass alphabet=None")
            self.alphabet, self._unknown = chars, None
        known = [c for c in self.alphabet if c != UNKNOWN or self._unknown is None]
        codes = np.array([ord(c) for c in known], dtype=np.int64)
        order = np.argsort(codes)
        self._codes, self._slots = codes[order], order.astype(np.int64)

    def _ids(self, text: str, what: str) -> np.ndarray:
        """The alphabet position of every character of text (UNKNOWN's for characters not in it)."""
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        pos = np.minimum(np.searchsorted(self._codes, codes), len(self._codes) - 1)
        found = self._codes[pos] == codes
        if not found.all() and self._unknown is None:
            strange = sorted(set(np.array(list(text))[~found]))[:5]
            raise ValueError(f"{what} has characters outside the alphabet, e.g. {strange} -- add them to the "
                             f"alphabet or use the default (alphabet=None), which has a slot for unknown characters")
        return np.where(found, self._slots[pos], -1 if self._unknown is None else self._unknown)

    def _stats_of(self, text: str, levels: int) -> _Stats:
        _check_text(text, "the text to score")
        return _Stats.of_text(self._counts, self._ids(text, "the text to score"), levels)

    def losses(self, text: str) -> np.ndarray:
        """-ln P(text[i] | up to order - 1 characters before it, within text), for i = 1 .. len(text) - 1."""
        return -np.log(_probabilities(self._stats_of(text, self.order), self.order, self.discounts))

    def losses_by_order(self, text: str) -> np.ndarray:
        """(len(text) - 1, order): the losses of the models of orders 1 .. order, in one pass.

        Column k - 1 is what ``KneserNey(train, k, discounts=self.discounts[:k]).losses(text)`` gives.
        """
        stats = self._stats_of(text, self.order)
        out = np.empty((len(stats.shown), self.order))
        lower = np.full(len(stats.shown), 1.0 / stats.size)  # the chain below the top: continuation counts
        for k in range(1, self.order + 1):
            a, b = _affine(stats.raw[k], self.discounts[k - 1])
            top = np.where(stats.shown >= k - 1, a + b * lower, lower)  # shorter histories: a lower top already
            out[:, k - 1] = -np.log(top)
            if k < self.order:
                a, b = _affine(stats.level(k, self.order), self.discounts[k - 1])
                lower = a + b * lower
        return out

    def distribution(self, history: str) -> np.ndarray:
        """P(. | history) over self.alphabet (sums to 1); only the last order - 1 characters count."""
        _check_text(history, "the history", minimum=0)
        stats = _Stats.of_history(self._counts, self._ids(history, "the history"), self.order)
        return _probabilities(stats, self.order, self.discounts)

    def __repr__(self) -> str:
        return f"KneserNey(order={self.order}, alphabet of {len(self.alphabet)})"


# ---------------------------------------------------------------------------------------------
# choosing discounts and the order on a development text


def _golden(loss, low: float, high: float, steps: int) -> tuple[float, float]:
    """The minimum of a one-dimensional loss on [low, high] by golden-section search."""
    ratio = (np.sqrt(5) - 1) / 2
    x1, x2 = high - ratio * (high - low), low + ratio * (high - low)
    f1, f2 = loss(x1), loss(x2)
    for _ in range(steps):
        if f1 <= f2:
            high, x2, f2 = x2, x1, f1
            x1 = high - ratio * (high - low)
            f1 = loss(x1)
        else:
            low, x1, f1 = x1, x2, f2
            x2 = low + ratio * (high - low)
            f2 = loss(x2)
    return (x1, f1) if f1 <= f2 else (x2, f2)


def _tune(stats: _Stats, order: int, start: np.ndarray, sweeps: int, steps: int = 18, tol: float = 1e-6):
    """Coordinate search of the (order, 3) discounts on the queries of stats: (discounts, mean loss).

    Level by level, the levels below are a fixed vector p_{j-1} and the levels above an affine map
    p_top = A + B * p_j. One discount enters p_j linearly, so with all else fixed the top
    probability is u + value * v for every query: each trial costs one multiply-add, and the mean
    loss -mean(log(u + value * v)) is convex in the value, so the golden-section search finds that
    coordinate's minimum over its whole valid range.
    """
    d = start.copy()
    rows = [None] + [stats.level(j, order) for j in range(1, order + 1)]
    best = -np.log(_probabilities(stats, order, d)).mean()
    for _ in range(sweeps):
        before = best
        above = [None] * (order + 1)  # above[j]: (A, B) of the levels j+1 .. order
        big_a, big_b = np.zeros(len(stats.shown)), np.ones(len(stats.shown))
        for j in range(order, 0, -1):
            above[j] = (big_a, big_b)
            a, b = _affine(rows[j], d[j - 1])
            big_a, big_b = big_a + big_b * a, big_b * b
        below = np.full(len(stats.shown), 1.0 / stats.size)
        for j in range(1, order + 1):
            big_a, big_b = above[j]
            count, total, *follow = rows[j]
            inv = np.where(total > 0, 1.0 / np.where(total > 0, total, 1.0), 0.0)
            for col in range(3):
                in_class = (count >= 3) if col == 2 else (count == col + 1)
                rest = d[j - 1].copy()
                rest[col] = 0.0
                a, b = _affine(rows[j], rest)
                u = big_a + big_b * (a + b * below)
                v = big_b * (follow[col] * below - in_class) * inv  # d p_top / d (this discount)
                value, found = _golden(lambda x: -np.log(u + x * v).mean(), _LOWEST, UPPER[col], steps)
                if found < best:
                    d[j - 1, col], best = value, found
            a, b = _affine(rows[j], d[j - 1])
            below = a + b * below
        if before - best < tol:
            break
    return d, best


def tune_discounts(train_text: str, dev_text: str, order: int, start=None, sweeps: int = 4) -> np.ndarray:
    """The (order, 3) discounts D1, D2, D3+ that minimise the mean loss on dev_text, by coordinate search.

    Starts from ``start`` (default: Chen & Goodman's estimates) and searches one discount at a time
    (golden section over its valid range), for at most ``sweeps`` rounds over all of them.
    """
    order = _check_order(order)
    model = KneserNey(train_text, order, discounts=start)
    if not isinstance(dev_text, str) or len(dev_text) < 2:
        raise ValueError("the development text is empty or has 1 character -- pass text held out from training")
    d, _ = _tune(model._stats_of(dev_text, order), order, model.discounts, sweeps)
    return d


def choose_counting_model(train_text: str, dev_text: str, max_order: int = 10, tune: bool = True,
                          verbose: bool = False, alphabet=None) -> tuple[KneserNey, dict]:
    """Modified Kneser-Ney models of orders 1 .. max_order, the order (and discounts) chosen on dev_text only.

    Returns the chosen model and a report: ``order``, ``dev_loss_by_order`` (nats/char, index k - 1
    for order k), ``estimated_dev_loss_by_order`` (with the estimated discounts), ``discounts`` (of
    the chosen model), ``models`` (the model of every order, with its own discounts; they share
    one set of counts), ``tuned`` and ``seconds``. The text the model is later judged on must not be
    dev_text: choosing on it would flatter the model.
    """
    begin = time.perf_counter()
    max_order = _check_order(max_order)
    if not isinstance(dev_text, str) or len(dev_text) < 2:
        raise ValueError("the development text is empty or has 1 character -- pass text held out from training")
    top = KneserNey(train_text, max_order, alphabet=alphabet)
    stats = top._stats_of(dev_text, max_order)
    estimated, dev_losses, discounts = [], [], []
    previous = None
    for k in range(1, max_order + 1):
        start = _estimate(top._counts, k)
        estimated.append(float(-np.log(_probabilities(stats, k, start)).mean()))
        if tune:
            if previous is not None:  # the lower levels start where the order below ended
                start[: k - 2] = previous[: k - 2]
            d, loss = _tune(stats, k, start, sweeps=4)
            previous = d
        else:
            d, loss = start, estimated[-1]
        dev_losses.append(float(loss))
        discounts.append(d)
        if verbose:
            print(f"order {k:>2}: development loss {estimated[-1]:.4f} nats/char (estimated discounts)"
                  + (f", {loss:.4f} (tuned)" if tune else ""))
    order = int(np.argmin(dev_losses)) + 1
    models = [KneserNey._from_counts(top._counts, k, discounts[k - 1], top) for k in range(1, max_order + 1)]
    model = models[order - 1]
    report = {"order": order, "dev_loss_by_order": np.array(dev_losses), "estimated_dev_loss_by_order":
              np.array(estimated), "discounts": model.discounts.copy(), "models": models, "tuned": bool(tune),
              "seconds": time.perf_counter() - begin}
    return model, report
