"""Writing files safely: a crash mid-write never leaves a half-written checkpoint."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable


def _fsync_path(path: Path, directory: bool = False) -> None:
    """Ask the operating system to put ``path`` on the disk now (a folder where supported)."""
    if directory and os.name == "nt":  # Windows cannot open a folder for fsync
        return
    flags = os.O_RDONLY if directory else os.O_RDWR  # Windows needs a writable handle for files
    try:
        fd = os.open(path, flags)
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

    The temporary file sits in the same folder, has a name no other writer uses and keeps
    the suffix (Keras checks it), so the rename is atomic: readers see the old file or the
    new one, never a mix, and two programs saving at once each finish with a whole file.
    The data is flushed to the disk before the rename. On failure only this call's own
    temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.partial{path.suffix}")
    try:
        write(tmp)
        if not tmp.is_file():
            raise FileNotFoundError(
                f"the writer did not create {tmp} -- it must write to the path it is given"
            )
        _fsync_path(tmp)
        os.replace(tmp, path)
        _fsync_path(path.parent, directory=True)
    finally:
        if tmp.is_file():
            tmp.unlink()
    return path
