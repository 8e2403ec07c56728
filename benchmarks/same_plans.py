"""Behaviour check for refactors: the plans of the sixteen benchmark profiles, fingerprinted.

Each profile of :mod:`profiles` gets a 7-day plan with a generous per-day time (so no day stops
at its time limit and the plan depends only on the code and the data, not on the machine's
speed). The plan JSON without its ``solver`` block (timings) is hashed with SHA-256.

Usage:
  ``python benchmarks/same_plans.py --write``  record the fingerprints in
  ``benchmarks/same_plans.json`` (before a refactor);
  ``python benchmarks/same_plans.py``          plan again and compare; exit 1 on any difference,
  naming the profiles whose plans changed;
  ``python benchmarks/same_plans.py --batch``  the same, the profiles saved and planned by
  ``batch plan`` in a pool of two processes (issue 15: the pool gives the plans ``plan``
  gives).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profiles import PROFILES  # noqa: E402

from foods.catalog import load_catalog  # noqa: E402
from planner.domain.request import PlanRequest  # noqa: E402
from planner.optimiser.week import plan_week  # noqa: E402

RECORD = Path(__file__).resolve().parent / "same_plans.json"
#: Seconds a day may search: long enough that no benchmark day stops at its limit.
DAY_LIMIT_S = 60.0


def fingerprint(plan: dict) -> str:
    """SHA-256 of the plan JSON without the solver's timings."""
    body = {k: v for k, v in plan.items() if k != "solver"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints() -> dict[str, dict[str, object]]:
    """Profile name → fingerprint, status and seconds of its week."""
    foods = load_catalog()
    out: dict[str, dict[str, object]] = {}
    for name, profile in PROFILES.items():
        request = PlanRequest(
            profile=profile, days=7, day_time_limit_s=DAY_LIMIT_S, time_limit_s=600
        )
        start = time.perf_counter()
        plan = plan_week(request, foods).to_dict()
        seconds = round(time.perf_counter() - start, 2)
        out[name] = {"sha256": fingerprint(plan), "status": plan["status"], "seconds": seconds}
        print(f"{name:45} {plan['status']:9} {seconds:6.2f} s {fingerprint(plan)[:12]}")
    return out


def batch_fingerprints() -> dict[str, dict[str, object]]:
    """The same fingerprints, each week planned by :func:`planner.batch.batch_plan` in a pool
    of two processes from profiles saved in a fresh store."""
    import datetime as dt
    import os
    import tempfile

    from planner import batch, services

    batch.PLAN_OPTIONS = {"days": 7, "time_limit_s": 600, "day_time_limit_s": DAY_LIMIT_S}
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CRAMP_DATA_DIR"] = folder
        names = {f"p{n:02d}": name for n, name in enumerate(PROFILES)}
        for key, name in names.items():
            services.save_profile(key, PROFILES[name])
        summary = batch.batch_plan(dt.date(2026, 12, 7), workers=2)
        out: dict[str, dict[str, object]] = {}
        for outcome in summary.outcomes:
            assert outcome.plan_id is not None, outcome
            plan = services.saved_plan(outcome.plan_id).plan
            out[names[outcome.name]] = {"sha256": fingerprint(plan), "status": plan["status"]}
    print(f"batch of {len(out)} in {summary.seconds:.1f} s")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record instead of compare")
    parser.add_argument("--batch", action="store_true", help="plan through 'batch plan'")
    args = parser.parse_args()
    now = batch_fingerprints() if args.batch and not args.write else fingerprints()
    if args.write:
        RECORD.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(now)} plans in {RECORD}")
        return 0
    before = json.loads(RECORD.read_text(encoding="utf-8"))
    changed = [n for n in now if before.get(n, {}).get("sha256") != now[n]["sha256"]]
    for name in changed:
        print(f"CHANGED: {name}")
    print(f"{len(now) - len(changed)} of {len(now)} plans identical to {RECORD.name}")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
