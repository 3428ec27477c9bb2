"""Where checkpoints live, and what each one says about how it was trained.

A full-mode run writes ``checkpoints/<file>`` at the top of the repository. Quick mode (and so
every test run) writes ``checkpoints/quick/<file>`` instead, so a quick run can never replace a
model that took minutes to train. ``TEXTGEN_CHECKPOINT_DIR`` moves the whole folder (the tests
point it at a temporary one).

Every checkpoint carries a *training record*: mode, optimiser steps, validation loss, seconds and
whether a wall-time cap stopped it early. Instructor mode prints the record of what it loads and
warns when that is a quick-mode model.
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from pathlib import Path
from typing import Any

from .files import atomic_write

QUICK_SUBFOLDER = "quick"


def checkpoint_root() -> Path:
    """``TEXTGEN_CHECKPOINT_DIR`` if set, else ``checkpoints/`` of the checkout (or the cwd)."""
    if os.environ.get("TEXTGEN_CHECKPOINT_DIR", "").strip():
        return Path(os.environ["TEXTGEN_CHECKPOINT_DIR"]).expanduser()
    repo = Path(__file__).resolve().parent.parent
    if (repo / "textgen").is_dir() and (repo / "README.md").is_file():
        return repo / "checkpoints"
    return Path.cwd() / "checkpoints"


def checkpoint_path(filename: str, quick: bool) -> Path:
    """Where a notebook writes ``filename``: full mode and quick mode never share a file."""
    folder = checkpoint_root() / QUICK_SUBFOLDER if quick else checkpoint_root()
    return folder / filename


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
    """A small JSON-able description of how a checkpoint was trained."""
    if not (isinstance(steps, int) and steps >= 0):
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    if not math.isfinite(val_loss):
        raise ValueError(f"val_loss must be a finite number, got {val_loss!r}")
    return {
        "mode": "quick" if quick else "full",
        "steps": steps,
        "planned_steps": planned_steps if planned_steps is not None else steps,
        "stopped_early": planned_steps is not None and steps < planned_steps,
        "val_loss": float(val_loss),
        "unit": unit,
        "seconds": round(float(seconds), 1),
        "device": device,
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }


def describe_record(record: dict[str, Any] | None) -> str:
    """One line: how a checkpoint was trained."""
    if not record:
        return "no training record (a checkpoint from an older version of this module)"
    steps = f"{record['steps']:,} steps"
    if record.get("stopped_early"):
        steps += f" of {record['planned_steps']:,} planned (stopped early by the time cap)"
    return (
        f"trained in {record['mode']} mode: {steps}, {record['seconds']:.0f} s"
        f"{' on ' + record['device'] if record.get('device') else ''}, "
        f"validation {record['val_loss']:.3f} nats/{record.get('unit', 'char')}"
    )


def announce_pretrained(path: str | os.PathLike, record: dict[str, Any] | None) -> None:
    """Print what instructor mode loads; warn when it is not a full-mode model."""
    print(f"instructor mode: skipping training, using {path}")
    print(f"  {describe_record(record)}")
    if not record or record.get("mode") != "full":
        warnings.warn(
            f"{path} is not a full-mode checkpoint: its samples and losses are those of a barely "
            "trained model -- run the notebook once without TEXTGEN_QUICK to write a full one",
            stacklevel=2,
        )
    elif record.get("stopped_early"):
        warnings.warn(
            f"{path} was stopped early by TEXTGEN_TRAIN_SECONDS; its loss is higher than a full run's",
            stacklevel=2,
        )


def sidecar_path(path: str | os.PathLike) -> Path:
    """The JSON file beside a checkpoint that cannot hold extra data itself (``.keras``)."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def write_sidecar(path: str | os.PathLike, data: dict[str, Any]) -> Path:
    """Write ``data`` as JSON beside the checkpoint ``path`` (atomically)."""
    text = json.dumps(data, indent=1, sort_keys=True)
    return atomic_write(sidecar_path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_sidecar(path: str | os.PathLike) -> dict[str, Any] | None:
    """The JSON beside ``path``, or None if there is none."""
    side = sidecar_path(path)
    if not side.is_file():
        return None
    return json.loads(side.read_text(encoding="utf-8"))
