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
from planner import one_blas_thread

#: Command name → its module under ``planner.cli``, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "plan": "plan",
    "targets": "targets",
    "foods": "foods",
    "solve": "solve",
    "profile": "profile",
    "plans": "plans",
    "shopping-list": "shopping",
    "email": "email",
    "batch": "batch",
}


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word that is not an option), if it is one."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Return the top-level parser.

    With ``argv`` naming a command, only that command's module is imported: ``targets`` or
    ``profile list`` then start without pandas or the solver (≈ 0.2 s instead of 1.4 s). For
    ``--help`` or a word that is no command every command is registered, as argparse needs.
    """
    parser = argparse.ArgumentParser(
        prog="cramp-planner",
        description=(
            "Plan a week of real meals that cover potassium, magnesium, calcium, vitamin D, "
            "sodium and fluids. Plans food, never prescribes."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = chosen_command(argv) if argv is not None else None
    for name, module in COMMANDS.items():
        if chosen in (None, name):
            importlib.import_module(f"planner.cli.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit status (0 ok, 2 bad input, 1 other failure)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
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
    one_blas_thread()
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
