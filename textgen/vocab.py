"""Vocabularies: characters or words to integer ids and back.

Both kinds are built from training text only, keep id 0 for an explicit unknown token,
and refuse unknown input unless the caller asks for the unknown token. Ids depend only
on the text (sorted order), so PyTorch and TensorFlow see identical numbers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np


def _preview(items: Iterable[str], limit: int = 10) -> str:
    items = list(items)
    shown = ", ".join(repr(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class _Vocab:
    kind = "?"
    unk_token = "?"
    unit = "token"

    def __init__(self, tokens: Sequence[str]):
        tokens = list(tokens)
        if not tokens or tokens[0] != self.unk_token:
            raise ValueError(f"a {self.kind} vocabulary starts with its unknown token {self.unk_token!r}")
        if len(set(tokens)) != len(tokens):
            raise ValueError(f"the {self.kind} vocabulary lists a token twice")
        self.itos: list[str] = tokens
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(tokens)}

    unk_id = 0

    def __len__(self) -> int:
        return len(self.itos)

    @property
    def size(self) -> int:
        return len(self.itos)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Vocab) and other.kind == self.kind and other.itos == self.itos

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} {self.unit}s)"

    # -- encoding -----------------------------------------------------------------------
    def _encode_units(self, units: Sequence[str], allow_unknown: bool) -> np.ndarray:
        stoi = self.stoi
        ids = np.fromiter((stoi.get(u, -1) for u in units), dtype=np.int64, count=len(units))
        missing = ids < 0
        if missing.any():
            unknown = sorted({units[i] for i in np.flatnonzero(missing)})
            if not allow_unknown:
                raise ValueError(
                    f"{len(unknown)} {self.unit}(s) not in the vocabulary: {_preview(unknown)} -- "
                    f"remove them, or pass allow_unknown=True to map them to {self.unk_token!r}"
                )
            ids[missing] = self.unk_id
        return ids

    def decode_tokens(self, ids: Iterable[int]) -> list[str]:
        ids = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self.itos)):
            bad = ids[(ids < 0) | (ids >= len(self.itos))]
            raise ValueError(f"ids outside 0..{len(self.itos) - 1}: {_preview(map(str, bad.tolist()))}")
        return [self.itos[i] for i in ids.tolist()]

    # -- comparing and saving -----------------------------------------------------------
    def require_same(self, other: "_Vocab", where: str = "the checkpoint") -> None:
        """Raise a one-line error when ``other`` (e.g. a checkpoint's) differs from this one."""
        if self == other:
            return
        mine, theirs = set(self.itos), set(other.itos)
        only_theirs, only_mine = sorted(theirs - mine), sorted(mine - theirs)
        detail = []
        if only_theirs:
            detail.append(f"only in {where}: {_preview(only_theirs, 5)}")
        if only_mine:
            detail.append(f"only in this corpus: {_preview(only_mine, 5)}")
        if not detail:
            detail.append("same tokens, different order")
        raise ValueError(
            f"{where} has a {other.kind} vocabulary of {len(other)} tokens that differs from this corpus's "
            f"({len(self)} tokens; {'; '.join(detail)}) -- train a new model, or set TEXTGEN_CORPUS to the text "
            f"the checkpoint was trained on"
        )

    def to_dict(self) -> dict:
        return {"kind": self.kind, "tokens": self.itos}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @staticmethod
    def from_dict(data: dict) -> "CharVocab | WordVocab":
        kinds = {"char": CharVocab, "word": WordVocab}
        if data.get("kind") not in kinds or not isinstance(data.get("tokens"), list):
            raise ValueError("not a saved vocabulary: expected {'kind': 'char'|'word', 'tokens': [...]}")
        return kinds[data["kind"]](data["tokens"])

    @staticmethod
    def from_json(text: str) -> "CharVocab | WordVocab":
        return _Vocab.from_dict(json.loads(text))

    @staticmethod
    def load(path: str | Path) -> "CharVocab | WordVocab":
        return _Vocab.from_json(Path(path).read_text(encoding="utf-8"))


load_vocab = _Vocab.load
vocab_from_dict = _Vocab.from_dict


class CharVocab(_Vocab):
    """One id per distinct character; id 0 is the unknown character U+FFFD."""

    kind = "char"
    unk_token = "\ufffd"
    unit = "character"

    @classmethod
    def build(cls, text: str) -> "CharVocab":
        if not text:
            raise ValueError("cannot build a vocabulary from empty text -- pass the training text")
        chars = sorted(set(text) - {cls.unk_token})
        return cls([cls.unk_token, *chars])

    def encode(self, text: str, allow_unknown: bool = False) -> np.ndarray:
        return self._encode_units(text, allow_unknown)

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.decode_tokens(ids))


# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------
# A token is one of four kinds of pieces of the text, tried in this order at each position:
#   1. a line break "\n", always a token of its own;
#   2. a word (letters, digits, "_"; an apostrophe between letters stays inside: "that's", "o'er"),
#      together with the single space in front of it, if there is one: " be";
#   3. a run of one repeated punctuation mark ("," "--" "..." "'"), again with one space in front;
#   4. any other whitespace (a tab, a second space, spaces before a line break) as it stands.
# Every character of the text belongs to exactly one token, so joining the tokens gives the text
# back. The lazy whitespace run (4) stops where a word or mark can take the last space.
_WORD_PATTERN = re.compile(
    r"\n"
    r"| ?\w+(?:['\u2019]\w+)*"
    r"| ?([^\w\s])\1*"
    r"|[^\S\n]+?(?= ?\S|\n|\Z)"
)


def tokenize_words(text: str) -> list[str]:
    r"""Split text into word tokens that keep every character: ``"".join(tokens) == text``.

    A word or a punctuation run carries the single space in front of it (" be", " --"), a line
    break is a token of its own, and any other whitespace stays as a token as it is. Case is kept.

    >>> tokenize_words("HAMLET:\nTo be, or not--to be.")
    ['HAMLET', ':', '\n', 'To', ' be', ',', ' or', ' not', '--', 'to', ' be', '.']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize_words takes a str, got {type(text).__name__}")
    return [m.group(0) for m in _WORD_PATTERN.finditer(text)]


def detokenize_words(tokens: Iterable[str]) -> str:
    """The text the tokens came from: the exact inverse of tokenize_words (tokens hold their spaces)."""
    tokens = list(tokens)
    bad = [t for t in tokens if not isinstance(t, str)]
    if bad:
        raise TypeError(
            f"detokenize_words takes token strings, got {type(bad[0]).__name__} -- turn ids into tokens "
            "with vocab.decode(ids) first"
        )
    return "".join(tokens)


class WordVocab(_Vocab):
    """Word tokens (see tokenize_words); id 0 is "<unk>" for tokens seen fewer than min_freq times."""

    kind = "word"
    unk_token = "<unk>"
    unit = "token"

    @classmethod
    def build(cls, tokens: Sequence[str], min_freq: int = 1, max_size: int | None = None) -> "WordVocab":
        if isinstance(tokens, str):
            raise TypeError("WordVocab.build takes a list of tokens: call tokenize_words(text) first")
        if not isinstance(min_freq, int) or min_freq < 1:
            raise ValueError(f"min_freq must be an integer >= 1, got {min_freq!r}")
        if not tokens:
            raise ValueError("cannot build a vocabulary from no tokens -- pass the training tokens")
        counts = Counter(tokens)
        counts.pop(cls.unk_token, None)
        kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max(0, max_size - 1)]
        return cls([cls.unk_token, *kept])

    def encode(self, tokens: Sequence[str], allow_unknown: bool = False) -> np.ndarray:
        if isinstance(tokens, str):
            raise TypeError("WordVocab.encode takes a list of tokens: call tokenize_words(text) first")
        return self._encode_units(list(tokens), allow_unknown)

    def decode(self, ids: Iterable[int]) -> list[str]:
        return self.decode_tokens(ids)

    def coverage(self, tokens: Sequence[str]) -> float:
        """Share of ``tokens`` that are in the vocabulary (the rest would become <unk>)."""
        if not tokens:
            return 1.0
        stoi = self.stoi
        return sum(1 for t in tokens if t in stoi) / len(tokens)
