"""How a notebook run is set up, and what it leaves behind.

* **Switches.** Every ``TEXTGEN_*`` variable is read here, by ``read_settings``, each time it is
  called (a notebook calls it once, in its first cell; helpers such as ``checkpoint_path`` call it
  again, so a switch exported later takes effect from then on):

  ``TEXTGEN_QUICK=1``            quick mode: same code, tiny training budget (the tests use it)
  ``TEXTGEN_CORPUS=path``        train on another UTF-8 text file instead of Shakespeare
  ``TEXTGEN_PRETRAINED=path``    skip training and load this checkpoint, or each notebook's own
                                 file from this folder (class mode; ``pretrained`` is the shipped one)
  ``TEXTGEN_TRAIN_SECONDS=N``    stop training after N seconds of wall time (the learning-rate
                                 schedule then follows the clock, so it still ends low)
  ``TEXTGEN_CHECKPOINT_DIR=path`` where checkpoints go (default: ``checkpoints/`` of the checkout)
  ``TEXTGEN_DATA_DIR=path``      where the built corpus goes (default: ``data/`` of the checkout)

  Paths may start with ``~``; a relative path is read from the top of the repository, so the
  lesson (at the top) and the labs (in ``lab/``) mean the same folder.
* **Seeds and devices**: ``set_seed``, ``pick_device``.
* **Files**: ``atomic_write`` (never a half-written file), checkpoint paths, the lesson's weights
  (``lesson_checkpoint``, ``shipped_checkpoint``), ``save_checkpoint``, ``load_checkpoint`` and
  ``load_keras_model`` (loading never runs code from the file), ``load_weights``, training records.
* **The learning-rate schedule** both lesson loops share.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from .checks import finite_number, whole_number

#: The top of the checkout when the package is used from the repository (``pip install -e .``).
_HERE = Path(__file__).resolve().parent.parent
REPO_ROOT: Path | None = _HERE if (_HERE / "textgen").is_dir() and (_HERE / "README.md").is_file() else None

QUICK_SUBFOLDER = "quick"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


# ---------------------------------------------------------------------------------------------
# Switches
# ---------------------------------------------------------------------------------------------
def _flag(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"{name}={value!r} is not understood; use {name}=1 to switch it on or 0 to switch it off")


def resolve_path(value: str | os.PathLike) -> Path:
    """``~`` expanded; a relative path taken from the top of the repository (else the cwd)."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (REPO_ROOT or Path.cwd()) / path
    return path


def _default_folder(name: str, fallback: Path) -> Path:
    if REPO_ROOT is not None and (name != "data" or (REPO_ROOT / "data" / "README.md").is_file()):
        return REPO_ROOT / name
    return fallback


@dataclass(frozen=True)
class Settings:
    quick: bool = False
    corpus: Path | None = None
    pretrained: Path | None = None
    train_seconds: float | None = None
    # defaults worked out when the settings are read, not when textgen is imported
    checkpoint_dir: Path = field(default_factory=lambda: _default_folder("checkpoints", Path.cwd() / "checkpoints"))
    data_dir: Path = field(default_factory=lambda: _default_folder("data", Path.home() / ".cache" / "textgen"))

    def pretrained_checkpoint(self, filename: str) -> Path:
        """The checkpoint to load in instructor mode: the file itself, or ``filename`` in the folder."""
        if self.pretrained is None:
            raise ValueError("TEXTGEN_PRETRAINED is not set")
        path = self.pretrained / filename if self.pretrained.is_dir() else self.pretrained
        if not path.is_file():
            raise FileNotFoundError(
                f"pretrained checkpoint not found: {path} -- run the notebook once in full mode to write "
                f"checkpoints/{filename}, then point TEXTGEN_PRETRAINED at that file or its folder"
            )
        return path

    def describe(self) -> str:
        """One line per switch, for the notebooks' Setup section."""
        budget = (
            f"{self.train_seconds:g} s of wall time (TEXTGEN_TRAIN_SECONDS)"
            if self.train_seconds
            else "the notebook's default (see CONFIG)"
        )
        return "\n".join(
            [
                f"mode:            {'quick (TEXTGEN_QUICK=1)' if self.quick else 'full (the default)'}",
                f"corpus:          {self.corpus or 'built-in Shakespeare (set TEXTGEN_CORPUS to change)'}",
                f"pretrained:      {self.pretrained or 'none: the notebook trains its own model'}",
                f"training budget: {budget}",
            ]
        )


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every TEXTGEN_* switch; a malformed value raises a one-line ValueError."""
    env = os.environ if environ is None else environ

    def path(name: str) -> Path | None:
        value = env.get(name, "").strip()
        return resolve_path(value) if value else None

    seconds_text = env.get("TEXTGEN_TRAIN_SECONDS", "").strip()
    seconds = None
    if seconds_text:
        try:
            seconds = float(seconds_text)
        except ValueError:
            seconds = math.nan
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"TEXTGEN_TRAIN_SECONDS={seconds_text!r} must be a positive number of seconds, e.g. 300")
    folders = {}
    for key, name in (("checkpoint_dir", "TEXTGEN_CHECKPOINT_DIR"), ("data_dir", "TEXTGEN_DATA_DIR")):
        if path(name) is not None:
            folders[key] = path(name)
    return Settings(
        quick=_flag("TEXTGEN_QUICK", env.get("TEXTGEN_QUICK", "")),
        corpus=path("TEXTGEN_CORPUS"),
        pretrained=path("TEXTGEN_PRETRAINED"),
        train_seconds=seconds,
        **folders,
    )


# ---------------------------------------------------------------------------------------------
# Seeds and devices
# ---------------------------------------------------------------------------------------------
def set_seed(seed: int) -> list[str]:
    """Seed Python, NumPy and every deep-learning framework already imported; return their names.

    Import torch or TensorFlow *before* calling this.
    """
    seed = whole_number(seed, "seed")
    random.seed(seed)
    np.random.seed(seed)
    seeded = ["python", "numpy"]
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)  # also seeds every CUDA device
        seeded.append("torch")
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)
        seeded.append("tensorflow/keras")
    return seeded


def pick_device(framework: str = "torch", verbose: bool = True):
    """The fastest device: CUDA, then Apple mps, then the CPU; printed unless ``verbose=False``.

    ``"torch"`` returns a ``torch.device``; ``"tensorflow"`` a device string for ``tf.device``.
    """
    if framework == "torch":
        import torch

        if torch.cuda.is_available():
            device, name = torch.device("cuda"), torch.cuda.get_device_name(0)
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device, name = torch.device("mps"), "Apple GPU (Metal)"
        else:
            device = torch.device("cpu")
            name = f"{os.cpu_count()} CPU cores, {torch.get_num_threads()} torch threads"
    elif framework in ("tensorflow", "tf", "keras"):
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        device, name = ("/GPU:0", gpus[0].name) if gpus else ("/CPU:0", f"{os.cpu_count()} CPU cores")
    else:
        raise ValueError(f"framework must be 'torch' or 'tensorflow', got {framework!r}")
    if verbose:
        print(f"device: {device} ({name})")
    return device


# ---------------------------------------------------------------------------------------------
# Writing files safely
# ---------------------------------------------------------------------------------------------
def _fsync(path: Path, directory: bool = False) -> None:
    """Ask the operating system to put ``path`` on the disk now (a folder where supported)."""
    if directory and os.name == "nt":  # Windows cannot open a folder for fsync
        return
    try:
        fd = os.open(path, os.O_RDONLY if directory else os.O_RDWR)  # Windows needs a writable handle
    except OSError:
        if directory:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not directory:  # some file systems refuse fsync on folders; that is fine
            raise
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)``, then rename the finished file onto ``path``.

    The temporary file sits in the same folder, has a name no other writer uses and keeps the
    suffix (Keras checks it), so readers see the old file or the new one, never a mix. The data
    is flushed to the disk before the rename; on failure only this call's temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.partial{path.suffix}")
    try:
        write(tmp)
        if not tmp.is_file():
            raise FileNotFoundError(f"the writer did not create {tmp} -- it must write to the path it is given")
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent, directory=True)
    finally:
        if tmp.is_file():
            tmp.unlink()
    return path


# ---------------------------------------------------------------------------------------------
# Checkpoints: where they live, saving, and loading without running code
# ---------------------------------------------------------------------------------------------
class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message is one line and names the file."""


def checkpoint_path(filename: str, quick: bool) -> Path:
    """Where a notebook writes ``filename``: quick mode goes to ``quick/``, so it never replaces a full model."""
    root = read_settings().checkpoint_dir
    return (root / QUICK_SUBFOLDER if quick else root) / filename


#: The lesson's weights shipped with the module (``pretrained/``), from the committed full-mode run.
SHIPPED_DIR: Path | None = None if REPO_ROOT is None else REPO_ROOT / "pretrained"


def shipped_checkpoint(filename: str) -> Path:
    """The shipped copy of the lesson's ``filename`` in ``pretrained/``; a one-line error if it is missing."""
    path = (SHIPPED_DIR or Path.cwd() / "pretrained") / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"shipped weights not found: {path} -- restore the folder pretrained/ from the repository "
            "(git checkout -- pretrained), or run the lesson notebook once to train your own"
        )
    return path


def lesson_checkpoint(filename: str, quick: bool, verbose: bool = True) -> Path:
    """The lesson's trained weights, for a notebook that builds on them (``deeper/``, the word lab).

    In order: ``TEXTGEN_PRETRAINED`` if it is set; in full mode, the checkpoint the lesson notebook
    wrote (``checkpoint_path``) if there is one; else the copy shipped in ``pretrained/``. Quick mode
    always takes the shipped copy: a quick lesson run leaves a barely trained model, and the shipped
    one loads at once. So every notebook also runs on its own. ``verbose`` prints which file and why.

    With ``TEXTGEN_CORPUS`` (another text) the shipped weights, trained on Shakespeare, do not fit:
    the lesson's own checkpoint of the same mode is used, and a one-line error says to run the lesson
    first where there is none.
    """
    settings = read_settings()
    own = checkpoint_path(filename, quick=quick)
    if settings.pretrained is not None:
        path, why = settings.pretrained_checkpoint(filename), "TEXTGEN_PRETRAINED"
    elif settings.corpus is not None:
        if not own.is_file():
            raise FileNotFoundError(
                f"no lesson weights for {settings.corpus.name}: the shipped ones are trained on Shakespeare "
                f"-- run the lesson notebook with the same TEXTGEN_CORPUS{' and TEXTGEN_QUICK' if quick else ''} "
                f"first (it writes {own})"
            )
        path, why = own, f"written by your {'quick' if quick else 'full'}-mode run of the lesson on this text"
    elif not quick and own.is_file():
        path, why = own, "written by your full-mode run of the lesson"
    else:
        path = shipped_checkpoint(filename)
        why = "shipped with the module" + (
            "; quick mode always uses these" if quick else "; the lesson has not been run here in full mode"
        )
    if verbose:
        shown = path.relative_to(REPO_ROOT) if REPO_ROOT is not None and path.is_relative_to(REPO_ROOT) else path
        print(f"lesson weights: {shown} ({why})")
    return path


def save_checkpoint(path: str | os.PathLike, content: Any) -> Path:
    """Write a checkpoint atomically.

    ``.pt``: ``content`` is a dict of tensors and plain data (dicts, lists, tuples, strings,
    numbers, None): what ``load_checkpoint`` can read back without unpickling any code.
    ``.keras``: ``content`` is the Keras model; keep what belongs with it (vocabulary, record) in
    its config, so that model and record land together or not at all.
    """
    path = Path(path)
    if path.suffix == ".keras":
        return atomic_write(path, content.save)
    if path.suffix != ".pt":
        raise ValueError(f"a checkpoint file ends in .pt (PyTorch) or .keras (Keras), got {path.name}")
    if not isinstance(content, dict):
        raise TypeError(f"a .pt checkpoint holds a dict, got {type(content).__name__}")
    import torch

    return atomic_write(path, lambda tmp: torch.save(content, tmp))


def load_weights(model, state: dict, path: str | os.PathLike) -> None:
    """``model.load_state_dict(state)`` with a one-line error when the weights do not fit the model."""
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        first = str(err).strip().splitlines()
        detail = " ".join(line.strip() for line in first[1:3]) if len(first) > 1 else first[0] if first else ""
        raise CheckpointError(
            f"{path}: its weights do not fit this model ({detail[:200]}) -- build the model from the checkpoint's "
            "config (its 'config' entry), or train again with the model as it is now"
        ) from None


def _refuse(path: Path, problem: str, todo: str) -> CheckpointError:
    return CheckpointError(f"{path}: {problem} -- {todo}")


_REWRITE = "write it again with this module's notebook, or ask for a fresh copy"


def _existing(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"checkpoint not found: {path} -- run the notebook that writes it (full mode), or point "
            "TEXTGEN_PRETRAINED at the file"
        )
    return path


def _check_vocab(path: Path, saved_vocab: dict | None, vocab) -> None:
    if vocab is None:
        return
    if saved_vocab is None:
        raise _refuse(path, "stores no vocabulary, so its ids cannot be checked", _REWRITE)
    # from_dict is a staticmethod of every vocabulary: no import of textgen.data needed here
    vocab.require_same(vocab.from_dict(saved_vocab), where=f"checkpoint {path.name}")


def load_checkpoint(path: str | os.PathLike, *, vocab=None, map_location="cpu", required=("model_state",)) -> dict:
    """Read a PyTorch checkpoint (``.pt``) as a dict, without running code from it.

    The file loads with ``weights_only=True`` (tensors and plain data only). A missing, truncated,
    foreign or crafted file, or one trained on another vocabulary (when ``vocab`` is given), raises
    a one-line error that names the file and what to do. Keras files: ``load_keras_model``.
    """
    path = _existing(path)
    if path.suffix == ".keras":
        raise _refuse(path, "is a Keras model, not a PyTorch checkpoint", "load it with textgen.load_keras_model")
    import pickle

    import torch

    try:
        content = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if "Unsupported global" in str(err):  # a class or function to call: code, not weights
            raise _refuse(
                path, "holds Python objects besides weights, which could run code when loaded; refused", _REWRITE
            ) from None
        raise _refuse(path, "is not a readable checkpoint (truncated or another kind of file)", _REWRITE) from None
    except Exception:  # torch raises many kinds for a truncated or foreign file (struct.error, IndexError, ...)
        raise _refuse(path, "is not a readable checkpoint (truncated or another kind of file)", _REWRITE) from None
    if not isinstance(content, dict):
        raise _refuse(path, f"holds a {type(content).__name__}, not a checkpoint dict of this module", _REWRITE)
    missing = [key for key in required if key not in content]
    if missing:
        raise _refuse(path, f"is a PyTorch file but not a checkpoint of this module (no {missing})", _REWRITE)
    _check_vocab(path, content.get("vocab"), vocab)
    return content


def _holds_code(node: Any) -> bool:
    """True if a Keras config names a Lambda layer or a serialised Python function anywhere."""
    if isinstance(node, dict):
        if node.get("class_name") in ("Lambda", "__lambda__", "function") or "__lambda__" in node:
            return True
        return any(_holds_code(value) for value in node.values())
    if isinstance(node, list):
        return any(_holds_code(value) for value in node)
    return False


def load_keras_model(path: str | os.PathLike, *, vocab=None):
    """Read a Keras checkpoint (``.keras``) as a model, without running code from it.

    The model's ``config.json`` is read first and refused if it holds code (a Lambda layer, a
    serialised function); then Keras loads it in ``safe_mode``, which rebuilds only registered
    classes. Errors as for ``load_checkpoint``; the vocabulary is read from the model's ``meta``.
    """
    path = _existing(path)
    if path.suffix != ".keras":
        raise _refuse(path, "is not a Keras model file (.keras)",
                      "load a PyTorch checkpoint with textgen.load_checkpoint")
    import json
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except Exception:
        raise _refuse(path, "is not a Keras model file (no readable config.json inside)", _REWRITE) from None
    if _holds_code(config):
        raise _refuse(path, "holds code (e.g. a Lambda layer) that loading would run; refused", _REWRITE)
    import keras

    try:
        model = keras.saving.load_model(path, safe_mode=True)
    except Exception as err:  # Keras raises ValueError, TypeError or OSError for files it cannot rebuild
        reason = " ".join(str(err).split())[:160]
        raise _refuse(path, f"is not a Keras model this module can read ({reason})", _REWRITE) from None
    _check_vocab(path, getattr(model, "meta", {}).get("vocab"), vocab)
    return model


# ---------------------------------------------------------------------------------------------
# Training records
# ---------------------------------------------------------------------------------------------
def training_record(
    *,
    quick: bool,
    steps: int,
    val_loss: float,
    seconds: float,
    planned_steps: int | None = None,
    unit: str = "char",
    device: str | None = None,
) -> dict[str, Any]:
    """A small JSON-able description of how a checkpoint was trained (stored inside it)."""
    steps = whole_number(steps, "steps")
    planned = steps if planned_steps is None else whole_number(planned_steps, "planned_steps")
    return {
        "mode": "quick" if quick else "full",
        "steps": steps,
        "planned_steps": planned,
        "stopped_early": steps < planned,
        "val_loss": finite_number(val_loss, "val_loss", 0),
        "unit": unit,
        "seconds": round(finite_number(seconds, "seconds", 0), 1),
        "device": None if device is None else str(device),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }


def describe_record(record: dict[str, Any] | None) -> str:
    """One line: how a checkpoint was trained."""
    if not record:
        return "no training record (a checkpoint from an older version of this module)"
    steps = f"{record['steps']:,} steps"
    if record.get("stopped_early"):
        steps += f" of {record['planned_steps']:,} planned (stopped early by the time cap)"
    device = f" on {record['device']}" if record.get("device") else ""
    return (
        f"trained in {record['mode']} mode: {steps}, {record['seconds']:.0f} s{device}, "
        f"validation {record['val_loss']:.3f} nats/{record.get('unit', 'char')}"
    )


def announce_pretrained(path: str | os.PathLike, record: dict[str, Any] | None) -> None:
    """Print what instructor mode loads; warn when it is not a full-mode model."""
    print(f"skipping training: using the weights in {path}")
    print(f"  {describe_record(record)}")
    if not record or record.get("mode") != "full":
        warnings.warn(
            f"{path} is not a full-mode checkpoint: its samples and losses are those of a barely "
            "trained model -- run the notebook once without TEXTGEN_QUICK to write a full one",
            stacklevel=2,
        )
    elif record.get("stopped_early"):
        warnings.warn(
            f"{path} was stopped early by TEXTGEN_TRAIN_SECONDS; its loss is higher than a full run's", stacklevel=2
        )


def weights_instead_of_training(filename: str, use_shipped: bool = False) -> Path | None:
    """The checkpoint a notebook loads instead of training, or None: train.

    ``TEXTGEN_PRETRAINED`` first (a file, or a folder holding ``filename``); else, with ``use_shipped``
    (a notebook's own switch), the lesson's copy in ``pretrained/``. The file is announced with its
    training record (``announce_pretrained``); it is read without running code (``load_checkpoint``,
    ``load_keras_model``), so a file that is no checkpoint fails here, in one line.
    """
    settings = read_settings()
    if settings.pretrained is not None:
        path = settings.pretrained_checkpoint(filename)
    elif use_shipped:
        path = shipped_checkpoint(filename)
    else:
        return None
    if path.suffix == ".keras":
        record = load_keras_model(path).meta.get("trained")
    else:
        record = load_checkpoint(path, required=()).get("trained")
    announce_pretrained(path, record)
    return path


# ---------------------------------------------------------------------------------------------
# The learning-rate schedule of both lesson loops
# ---------------------------------------------------------------------------------------------
def learning_rate(
    steps_done: int,
    total_steps: int,
    peak: float,
    warmup_steps: int,
    final_fraction: float,
    elapsed: float = 0.0,
    cap_seconds: float | None = None,
) -> float:
    """The rate for the next step: a linear warm-up, then a cosine from ``peak`` down to
    ``final_fraction * peak``.

    The cosine follows the progress of training, ``steps_done / total_steps``, or
    ``elapsed / cap_seconds`` when a wall-time cap is set and that share is larger, so that a
    run stopped by the cap still ends its schedule. ``cap_seconds`` of None or 0 means no cap.
    Counts must be whole numbers >= 0, ``peak`` a finite rate >= 0, ``final_fraction`` a share of
    ``peak`` between 0 and 1; anything else raises a one-line ValueError.
    """
    steps_done = whole_number(steps_done, "steps_done", 0, " (optimiser steps taken so far)")
    total_steps = whole_number(total_steps, "total_steps", 1)
    warmup_steps = whole_number(warmup_steps, "warmup_steps", 0, " (0 for no warm-up)")
    peak = finite_number(peak, "peak", 0, hint=" (the largest learning rate)")
    final_fraction = finite_number(final_fraction, "final_fraction", 0, 1, hint=" (the last rate as a share of peak)")
    elapsed = finite_number(elapsed, "elapsed", 0, hint=" (seconds of training so far)")
    progress = steps_done / total_steps
    if cap_seconds is not None and finite_number(cap_seconds, "cap_seconds", 0, hint=" (None for no cap)"):
        progress = max(progress, elapsed / cap_seconds)
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
    decayed = peak * (final_fraction + (1.0 - final_fraction) * cosine)
    return decayed * min(1.0, (steps_done + 1) / max(1, warmup_steps))
