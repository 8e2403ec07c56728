"""The ``cramp-planner`` command line: a thin layer over the library.

Each sub-command lives in ``planner/cli/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func``; ``func(args) -> int`` calls one library function and
prints the result. Errors a person can cause (:class:`foods.errors.UserError`, missing files)
become one line on stderr and exit status 2; no traceback unless ``CRAMP_DEBUG=1``.

The console script enters through :func:`entry`, which keeps stdout for the document alone:
file descriptor 1 is pointed at the null device before any solver is loaded (HiGHS prints its
banner there from C), and Python's ``sys.stdout`` writes to the original stdout. Ctrl-C stops
at once with status 130; the store writes in transactions, so nothing saved is half-written.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence

from foods.errors import UserError

#: Command modules under ``planner.cli``, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "plan",
    "targets",
    "foods",
    "solve",
    "profile",
    "plans",
    "shopping",
    "email",
    "batch",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="cramp-planner",
        description=(
            "Plan a week of real meals that cover potassium, magnesium, calcium, vitamin D, "
            "sodium and fluids. Plans food, never prescribes."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"planner.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit status (0 ok, 2 bad input, 1 other failure)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: file not found: {exc.filename}; check the path", file=sys.stderr)
        return 2
    except (IsADirectoryError, PermissionError) as exc:
        print(f"error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except RecursionError:
        print("error: the input is nested too deeply to read; check the file", file=sys.stderr)
        return 2
    except Exception as exc:  # last resort: one line, never a traceback for a person
        if os.environ.get("CRAMP_DEBUG") == "1":
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set CRAMP_DEBUG=1 for details and please report it)",
            file=sys.stderr,
        )
        return 1


def keep_stdout_for_documents() -> None:
    """Discard whatever C libraries write to fd 1; keep ``sys.stdout`` on the real stdout.

    Does nothing when stdout is not a file descriptor (tests capturing output in-process).
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return
    sys.stdout.flush()
    document = os.dup(fd)
    sink = os.open(os.devnull, os.O_WRONLY)
    os.dup2(sink, fd)  # banners (HiGHS prints one from C) are not for the person
    os.close(sink)
    sys.stdout = open(  # noqa: SIM115 - lives as long as the process
        document,
        "w",
        encoding=sys.stdout.encoding or "utf-8",
        errors="replace",
        buffering=1 if os.isatty(document) else -1,
    )


def entry() -> None:
    """The ``cramp-planner`` console script: clean stdout, clear errors, prompt Ctrl-C."""
    keep_stdout_for_documents()
    try:
        status = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("interrupted; nothing half-saved (the store writes in transactions)", file=sys.stderr)
        sys.stderr.flush()
        os._exit(130)  # solver threads may still be running; do not wait for them
    except BrokenPipeError:
        os._exit(0)
    raise SystemExit(status)


if __name__ == "__main__":
    entry()
