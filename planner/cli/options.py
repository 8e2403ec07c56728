"""Option types and document output shared by the commands.

Every option is checked by argparse before any work starts: numbers must be finite and in
range (``nan``, ``inf`` and negative limits are refused with the allowed range), dates must lie
in a plannable range. :func:`emit` prints a command's document on stdout, or writes it to
``-o/--output FILE`` atomically, so stdout carries the document and nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from foods.errors import UserError

#: Plannable weeks: far enough either side of today for any real use, and always a valid
#: date seven days on (``9999-12-31`` is not: its week would end in year 10000).
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)


def int_in(lo: int, hi: int, what: str = "a whole number") -> Callable[[str], int]:
    """argparse type: a whole number within ``lo``–``hi``.

    Examples
    --------
    >>> int_in(1, 7)("3")
    3
    """

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}; use {lo}–{hi}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text} is outside {lo}–{hi}")
        return value

    return parse


def float_in(lo: float, hi: float) -> Callable[[str], float]:
    """argparse type: a finite number within ``lo``–``hi`` (``nan`` and ``inf`` refused).

    Examples
    --------
    >>> float_in(0, 10)("2.5")
    2.5
    """

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a number; use {lo:g}–{hi:g}"
            ) from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text} is outside {lo:g}–{hi:g}")
        return value

    return parse


def date_arg(text: str) -> dt.date:
    """argparse type: a date ``YYYY-MM-DD`` between :data:`FIRST_DATE` and :data:`LAST_DATE`."""
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-23"
        ) from None
    if not FIRST_DATE <= value <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the plannable range {FIRST_DATE}–{LAST_DATE}"
        )
    return value


def print_notes(notes: Iterable[str]) -> None:
    """Print each note for the person on stderr (stdout keeps the document)."""
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def add_output(parser: argparse.ArgumentParser) -> None:
    """Add ``-o/--output FILE`` to a command that prints a document."""
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of printing"
    )


def emit(args: argparse.Namespace, text: str) -> None:
    """Print ``text`` (a newline is added if missing), or write it to ``args.output``.

    The file is written to a temporary name and renamed, so a failure never leaves half a
    document; the confirmation goes to stderr.
    """
    text = text if text.endswith("\n") else text + "\n"
    target: Path | None = getattr(args, "output", None)
    if target is None:
        sys.stdout.write(text)
        return
    write_atomic(target, text.encode("utf-8"))
    print(f"wrote {target}", file=sys.stderr)


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder.

    Raises
    ------
    UserError
        When the folder does not exist or cannot be written, naming the path.
    """
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror}; check the folder") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {exc.strerror}") from exc
