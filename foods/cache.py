"""A start-up cache for the bundled tables, so a command does not rebuild them every time.

Building the catalogue and the dish library from their CSV files (typing, every check, the
join with USDA nutrients) takes ≈ 0.9 s; reading the built tables back takes ≈ 0.01 s. Each
table is kept as ``<name>-<key>.pickle`` in the cache folder, where ``key`` is a SHA-256 of
everything the table is made from: every file of the ``foods`` package (its data *and* its
code), the Python and pandas versions. Any change to one of them gives a new key, so a cached
table is never stale; the older files of that name are removed when the new one is written.

A cache is only ever a saving of time: a folder that cannot be written, a file that cannot be
read or unpickled, or a cache switched off (``CRAMP_CACHE_DIR=off``) means the table is built
as if there were no cache. Files are written to a temporary name and renamed, so two processes
starting at once never read half a file.

The folder is ``CRAMP_CACHE_DIR`` when set, otherwise the per-user cache folder:
``$XDG_CACHE_HOME/cramp-planner`` (default ``~/.cache/cramp-planner``) on Linux and other Unix
systems, ``~/Library/Caches/cramp-planner`` on macOS, ``%LOCALAPPDATA%\\cramp-planner\\Cache``
on Windows.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar, cast

import pandas as pd

CACHE_DIR_ENV = "CRAMP_CACHE_DIR"
#: Raise when the layout of cached values changes in a way the key cannot see.
CACHE_FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parent

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder (not created here), or ``None`` when ``CRAMP_CACHE_DIR=off``."""
    override = os.environ.get(CACHE_DIR_ENV, "").strip()
    if override.lower() == "off":
        return None
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", "").strip()
        return (Path(local) if local else home / "AppData" / "Local") / "cramp-planner" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "cramp-planner"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache"
    return base / "cramp-planner"


@cache
def package_key(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 (hex, 16 characters) of every file under ``root`` plus the Python and pandas
    versions: what the bundled tables are made from (≈ 1.3 MB read, a few ms)."""
    digest = hashlib.sha256(f"{CACHE_FORMAT} {sys.version} {pd.__version__}".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(name: str, build: Callable[[], T], key: str | None = None) -> T:
    """Return the table ``name`` from the cache, or ``build()`` it and keep it for next time.

    Parameters
    ----------
    name : str
        File-name prefix, e.g. ``"catalog"``.
    build : callable
        Makes the value when the cache has no good copy; its errors propagate unchanged.
    key : str, optional
        What the value is made from (default :func:`package_key`).
    """
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{key or package_key()}.pickle"
    try:
        return cast(T, pickle.loads(path.read_bytes()))
    except Exception:  # noqa: BLE001 - absent, unreadable or damaged: build it instead
        pass
    value = build()
    _write(folder, name, path.name, value)
    return value


def _write(folder: Path, name: str, file_name: str, value: object) -> None:
    """Keep ``value`` as ``folder/file_name`` (atomically); remove older files of ``name``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    except OSError:
        return  # a folder that cannot be written: no cache, the same tables
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / file_name)
    except Exception:  # noqa: BLE001 - a full disk or a value pickle refuses: no cache
        Path(temp).unlink(missing_ok=True)
        return
    for old in folder.glob(f"{name}-*.pickle"):
        if old.name != file_name:
            old.unlink(missing_ok=True)
