"""Batch planning on a real local Ray cluster (``ray start --head`` on 127.0.0.1, started by
the test): the same plans as the process pool, through the installed script."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planner.domain.profile import demo_profile

BIN = Path(sys.executable).parent
#: Ray on one machine, on the loopback address only, and quiet (no usage reports).
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A two-CPU Ray head node on 127.0.0.1; its address."""
    port = _free_port()
    env = dict(os.environ, **RAY_ENV)
    start = [str(BIN / "ray"), "start", "--head", "--node-ip-address=127.0.0.1",
             f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
             "--object-store-memory=200000000", "--disable-usage-stats"]  # fmt: skip
    done = subprocess.run(start, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(BIN / "ray"), "stop", "--force"], env=env, capture_output=True,
                       timeout=120)  # fmt: skip


def _batch(folder: Path, data: Path, *where: str) -> dict[str, Any]:
    env = dict(os.environ, CRAMP_DATA_DIR=str(data), **RAY_ENV)
    done = subprocess.run(
        [str(BIN / "cramp-planner"), "batch", "plan", "--week-of", "2026-12-07", "--from-dir",
         str(folder), *where, "--day-time-limit", "30", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return dict(json.loads(done.stdout))


def _plans(data: Path) -> dict[str, dict[str, Any]]:
    env = dict(os.environ, CRAMP_DATA_DIR=str(data))
    out: dict[str, dict[str, Any]] = {}
    listed = subprocess.run([str(BIN / "cramp-planner"), "plans", "list", "--format", "json"],
                            env=env, capture_output=True, text=True, check=True)  # fmt: skip
    for row in json.loads(listed.stdout):
        shown = subprocess.run(
            [str(BIN / "cramp-planner"), "plans", "show", str(row["id"]), "--format", "json"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        plan = json.loads(shown.stdout)
        out[row["profile_name"]] = {k: v for k, v in plan.items() if k != "solver"}
    return out


def test_the_ray_cluster_saves_the_plans_the_pool_saves(cluster: str, tmp_path: Path) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    for n, diet in enumerate(("omnivore", "vegetarian", "vegan")):
        profile = dataclasses.replace(demo_profile(), diet=diet, age=28 + 9 * n)
        (folder / f"p{n}.json").write_text(json.dumps(profile.to_dict()))
    on_ray = _batch(folder, tmp_path / "ray", "--ray", cluster)
    in_pool = _batch(folder, tmp_path / "pool", "--workers", "2")
    assert on_ray["planned"] == in_pool["planned"] == 3
    ray_plans, pool_plans = _plans(tmp_path / "ray"), _plans(tmp_path / "pool")
    assert set(ray_plans) == {"p0", "p1", "p2"}
    assert ray_plans == pool_plans


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
