"""``cramp-planner profile``: save, list, show and delete profiles in the local store.

The store lives in ``CRAMP_DATA_DIR`` (or the per-user data directory, see
:func:`planner.store.default_data_dir`). ``profile save`` validates the file with
:func:`planner.domain.profile.load_profile` before anything is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from planner import services
from planner.cli.options import add_output, emit
from planner.cli.plans import utc_minutes
from planner.outputs.textfmt import cell, text_table, to_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``profile save|list|show|delete``."""
    parser = sub.add_parser(
        "profile", help="save, list, show or delete profiles kept in the local store"
    )
    actions = parser.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    save = actions.add_parser(
        "save", help="validate a profile file (.json or .toml) and save it under a name"
    )
    save.add_argument(
        "--name", required=True, help="name to save it under (letters, digits, space, - or _)"
    )
    save.add_argument("--profile", required=True, metavar="FILE", help="profile .json or .toml")
    save.set_defaults(func=run_save)

    lst = actions.add_parser("list", help="list saved profiles")
    lst.add_argument("--format", choices=("json", "table"), default="table")
    add_output(lst)
    lst.set_defaults(func=run_list)

    show = actions.add_parser("show", help="print one saved profile")
    show.add_argument("name", help="saved profile name")
    show.add_argument("--format", choices=("json", "table"), default="table")
    add_output(show)
    show.set_defaults(func=run_show)

    delete = actions.add_parser(
        "delete", help="delete a saved profile (its saved plans are kept, unnamed)"
    )
    delete.add_argument("name", help="saved profile name")
    delete.set_defaults(func=run_delete)


def run_save(args: argparse.Namespace) -> int:
    """Validate ``--profile`` and store it under ``--name`` (replacing one of that name)."""
    from planner.domain.profile import load_profile

    profile = load_profile(args.profile)
    existed, path = services.save_profile(args.name, profile)
    verb = "updated" if existed else "saved"
    print(f"{verb} profile {args.name!r} in {path}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the saved profiles' names and when each was last saved (UTC)."""
    profiles = services.list_profiles()
    if args.format == "json":
        emit(args, to_json(profiles))
    elif profiles:
        rows = [{**p, "updated_at": utc_minutes(p["updated_at"])} for p in profiles]
        emit(args, text_table(rows, ("name", "updated_at")))
    else:
        emit(
            args,
            "no saved profiles; save one with 'cramp-planner profile save --name N --profile F'",
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one saved profile: JSON (the profile dict) or a field/value table."""
    profile = _contract_order(services.profile_record(args.name))
    if args.format == "json":
        emit(args, to_json(profile))
    else:
        rows = [{"field": key, "value": _value_text(value)} for key, value in profile.items()]
        emit(args, text_table(rows, ("field", "value")))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    """Delete a saved profile; its plans stay in the store without a profile name."""
    orphaned = services.delete_profile(args.name)
    kept = f"; its {orphaned} saved plan(s) are kept without a profile" if orphaned else ""
    print(f"deleted profile {args.name!r}{kept}")
    return 0


def _contract_order(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Return the profile with the field order of docs/contract.md first, any other keys after."""
    from planner.domain.profile import FIELDS

    ordered = {key: profile[key] for key in FIELDS if key in profile}
    ordered.update({key: value for key, value in profile.items() if key not in ordered})
    return ordered


def _value_text(value: object) -> str:
    """One table cell: lists comma-joined, None as ``-``, booleans yes/no, numbers as saved."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) if value else "-"
    if value is None or isinstance(value, bool):
        return cell(value)
    return str(value)
