"""Batch planning on a real local Ray cluster (``ray start --head`` on 127.0.0.1, started by
the test): the same plans as planning in the script's own process, through the installed
script (the process pool's plans equal those too: ``test_batch.py``)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planner import services
from planner.domain.profile import demo_profile

BIN = Path(sys.executable).parent
#: Ray on one machine, on the loopback address only, and quiet (no usage reports).
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A one-CPU Ray head node on 127.0.0.1 (no dashboard, no log monitor); its address.

    ``ray start --block`` runs in a process group of its own; the group is killed at the end
    (``ray stop`` takes 6 s, a graceful SIGTERM half a minute).
    """
    port = _free_port()
    start = [str(BIN / "ray"), "start", "--head", "--block", "--node-ip-address=127.0.0.1",
             f"--port={port}", "--num-cpus=1", "--include-dashboard=false",
             "--include-log-monitor=false", "--object-store-memory=200000000",
             "--disable-usage-stats"]  # fmt: skip
    head = subprocess.Popen(
        start, env=dict(os.environ, **RAY_ENV), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        said = []
        for line in head.stdout or ():
            said.append(line)
            if "Ray runtime started" in line:
                break
        assert head.poll() is None, "".join(said)
        yield f"127.0.0.1:{port}"
    finally:
        os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=30)


def _batch(folder: Path, data: Path, *where: str) -> dict[str, Any]:
    env = dict(os.environ, CRAMP_DATA_DIR=str(data), **RAY_ENV)
    done = subprocess.run(
        [str(BIN / "cramp-planner"), "batch", "plan", "--week-of", "2026-12-07", "--days", "2",
         "--from-dir", str(folder), *where, "--day-time-limit", "30", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return dict(json.loads(done.stdout))


def _plans(data: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """The saved plans of a data folder by profile name (without the solver's timings)."""
    monkeypatch.setenv("CRAMP_DATA_DIR", str(data))
    out: dict[str, dict[str, Any]] = {}
    for summary in services.list_plans():
        plan = services.saved_plan(summary.id).plan
        out[str(summary.profile_name)] = {k: v for k, v in plan.items() if k != "solver"}
    return out


def test_the_ray_cluster_saves_the_plans_the_script_saves_alone(
    cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    for n, diet in enumerate(("vegetarian", "vegan")):
        profile = dataclasses.replace(demo_profile(), diet=diet, age=28 + 9 * n)
        (folder / f"p{n}.json").write_text(json.dumps(profile.to_dict()))
    on_ray = _batch(folder, tmp_path / "ray", "--ray", cluster)
    alone = _batch(folder, tmp_path / "alone", "--workers", "1")
    assert on_ray["planned"] == alone["planned"] == 2
    ray_plans = _plans(tmp_path / "ray", monkeypatch)
    assert set(ray_plans) == {"p0", "p1"}
    assert ray_plans == _plans(tmp_path / "alone", monkeypatch)


def test_an_address_where_no_cluster_listens_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    (folder / "p.json").write_text(json.dumps(demo_profile().to_dict()))
    env = dict(os.environ, **RAY_ENV)
    done = subprocess.run(
        [str(BIN / "cramp-planner"), "batch", "plan", "--week-of", "2026-12-07", "--from-dir",
         str(folder), "--ray", f"127.0.0.1:{_free_port()}"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2  # bad input, said in one line
    assert "no Ray cluster answers there" in done.stderr and "ray start --head" in done.stderr
    assert "Traceback" not in done.stderr
