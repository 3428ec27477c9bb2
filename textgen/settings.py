"""The module's switches, read from the environment, plus seeding and device choice.

Every notebook reads the same four variables:

``TEXTGEN_QUICK=1``          quick mode: same code, tiny training budget (CI uses it)
``TEXTGEN_CORPUS=path``      train on another UTF-8 text file instead of Shakespeare
``TEXTGEN_PRETRAINED=path``  skip training and load this checkpoint (instructor mode)
``TEXTGEN_TRAIN_SECONDS=N``  stop training after N seconds of wall time
"""

from __future__ import annotations

import math
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    quick: bool = False
    corpus: str | None = None
    pretrained: str | None = None
    train_seconds: float | None = None

    def pretrained_checkpoint(self, filename: str) -> Path:
        """The checkpoint to load in instructor mode.

        ``TEXTGEN_PRETRAINED`` may name a checkpoint file, or a folder holding the files the
        notebooks write (``char_lstm_torch.pt``, ``char_lstm_tf.keras``, ``word_lstm_torch.pt``),
        so one setting serves every notebook; each then takes ``filename`` from that folder.
        """
        if not self.pretrained:
            raise ValueError("TEXTGEN_PRETRAINED is not set")
        path = Path(self.pretrained).expanduser()
        if path.is_dir():
            path = path / filename
        if not path.is_file():
            raise FileNotFoundError(
                f"pretrained checkpoint not found: {path} -- run the notebook once in full mode to write "
                f"checkpoints/{filename}, then point TEXTGEN_PRETRAINED at that file or its folder"
            )
        return path

    def describe(self) -> str:
        """One line per switch, for the notebooks' Setup section."""
        mode = "quick (TEXTGEN_QUICK=1)" if self.quick else "full (the default)"
        lines = [
            f"mode:            {mode}",
            f"corpus:          {self.corpus or 'built-in Shakespeare (set TEXTGEN_CORPUS to change)'}",
            f"pretrained:      {self.pretrained or 'none: the notebook trains its own model'}",
            "training budget: "
            + (
                f"{self.train_seconds:g} s of wall time (TEXTGEN_TRAIN_SECONDS)"
                if self.train_seconds
                else "the notebook's default (see CONFIG)"
            ),
        ]
        return "\n".join(lines)


def _flag(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"{name}={value!r} is not understood; use {name}=1 to switch it on or 0 to switch it off")


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the TEXTGEN_* switches; a malformed value raises a one-line ValueError."""
    env = os.environ if environ is None else environ
    quick = _flag("TEXTGEN_QUICK", env.get("TEXTGEN_QUICK", ""))
    corpus = env.get("TEXTGEN_CORPUS", "").strip() or None
    pretrained = env.get("TEXTGEN_PRETRAINED", "").strip() or None
    seconds_text = env.get("TEXTGEN_TRAIN_SECONDS", "").strip()
    seconds = None
    if seconds_text:
        try:
            seconds = float(seconds_text)
        except ValueError:
            seconds = math.nan
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(
                f"TEXTGEN_TRAIN_SECONDS={seconds_text!r} must be a positive number of seconds, e.g. 300"
            )
    return Settings(quick=quick, corpus=corpus, pretrained=pretrained, train_seconds=seconds)


def is_quick(environ: Mapping[str, str] | None = None) -> bool:
    return read_settings(environ).quick


def set_seed(seed: int) -> list[str]:
    """Seed Python, NumPy and every deep-learning framework already imported.

    Import torch or TensorFlow *before* calling this. Returns the names seeded so a
    notebook can print them.
    """
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
    """Pick the fastest device: CUDA, then Apple mps, then CPU; print the choice.

    ``framework="torch"`` returns a ``torch.device``; ``"tensorflow"`` returns a
    device string for ``tf.device`` ("/GPU:0" or "/CPU:0").
    """
    if framework == "torch":
        import torch

        if torch.cuda.is_available():
            device = torch.device("cuda")
            name = torch.cuda.get_device_name(0)
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = torch.device("mps")
            name = "Apple GPU (Metal)"
        else:
            device = torch.device("cpu")
            name = f"{os.cpu_count()} CPU cores, {torch.get_num_threads()} torch threads"
    elif framework in ("tensorflow", "tf", "keras"):
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            device, name = "/GPU:0", gpus[0].name
        else:
            device, name = "/CPU:0", f"{os.cpu_count()} CPU cores"
    else:
        raise ValueError(f"framework must be 'torch' or 'tensorflow', got {framework!r}")
    if verbose:
        print(f"device: {device} ({name})")
    return device
