"""The ``cramp-planner`` command line: a thin layer over the library.

Each sub-command lives in ``planner/commands/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func``; ``func(args) -> int`` calls one library function and
prints the result. Errors a person can cause (:class:`foods.errors.UserError`, missing files)
become one line on stderr and exit status 2; no traceback unless ``CRAMP_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from foods.errors import UserError

#: Command modules under ``planner.commands``, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "plan",
    "targets",
    "foods",
    "solve",
    "profile",
    "plans",
    "shopping",
    "email",
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
        importlib.import_module(f"planner.commands.{name}").register(sub)
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
    except Exception as exc:  # last resort: one line, never a traceback for a person
        if os.environ.get("CRAMP_DEBUG") == "1":
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set CRAMP_DEBUG=1 for details and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
