"""The store across real processes: a writer killed with SIGKILL mid-transaction loses nothing
saved before it, and a damaged database gives one clear line from a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planner.store import DB_FILENAME, Store

REPO = Path(__file__).resolve().parents[2]
PLAN = {"status": "optimal", "days": [{"day": 1, "meals": [], "cost_usd": 7.5}], "shortfalls": []}
REQUEST = {"profile": {"age": 52, "sex": "female"}, "days": 1}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv("CRAMP_DATA_DIR", str(directory))
    return directory


CRASH_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from planner.store import Store

    plan = json.loads(sys.argv[2])
    store = Store.open(Path(sys.argv[1]))
    store.save_profile("anna", {"age": 52, "sex": "female"})
    store.save_plan(plan, {"n": 0}, profile_name="anna")
    with store.transaction():
        big = {**plan, "padding": "x" * 4000}
        for i in range(1500):  # ~7 MB: more than the page cache, so frames reach the WAL
            store.save_plan(big, {"n": i + 1}, profile_name="anna")
        print("in-transaction", flush=True)
        time.sleep(60)
    print("committed", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_process_killed_mid_write_loses_nothing_saved(data_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(data_dir), json.dumps(PLAN)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert line == "in-transaction", proc.stderr.read()  # type: ignore[union-attr]
        wal = data_dir / f"{DB_FILENAME}-wal"
        assert wal.stat().st_size > 1_000_000  # uncommitted pages really hit the disk
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]

    with Store.open(data_dir) as reopened:
        assert reopened.get_profile("anna") == {"age": 52, "sex": "female"}
        plans = reopened.list_plans()
        assert len(plans) == 1
        assert reopened.get_plan(plans[0].id).plan == PLAN
        assert reopened._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert reopened._conn.execute("SELECT count(*) FROM plans").fetchone()[0] == 1
        new_id = reopened.save_plan(PLAN, REQUEST, profile_name="anna")  # still writable
        assert new_id > plans[0].id


def test_cli_subprocess_error_has_no_traceback(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_FILENAME).write_bytes(b"garbage" * 1000)
    code = "import sys, planner.cli as c; raise SystemExit(c.main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(REPO), "CRAMP_DATA_DIR": str(data_dir)}
    env.pop("CRAMP_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", code, "plans", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert (
        done.stderr.startswith("error: ") and "not a readable cramp-planner database" in done.stderr
    )
