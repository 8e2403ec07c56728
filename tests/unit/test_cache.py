"""The start-up cache of the bundled tables (:mod:`foods.cache`) and the light start of the
commands that need no food table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from foods import cache
from foods.catalog import CATALOG_FILE, build_food_table, read_food_csv
from foods.dishes import bundled_dishes

PROFILE = {"age": 45, "sex": "female", "weight_kg": 68, "height_cm": 165, "activity": "low_active"}


class Builder:
    """Counts how often a value had to be built."""

    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_table_is_built_once_then_read_back(folder: Path) -> None:
    build = Builder({"a": [1, 2]})
    assert cache.cached("t", build, key="k1") == {"a": [1, 2]}
    assert cache.cached("t", build, key="k1") == {"a": [1, 2]}
    assert build.calls == 1
    assert [p.name for p in folder.iterdir()] == ["t-k1.pickle"]


def test_a_new_key_rebuilds_and_removes_the_old_file(folder: Path) -> None:
    cache.cached("t", Builder(1), key="k1")
    cache.cached("other", Builder(3), key="k1")
    build = Builder(2)
    assert cache.cached("t", build, key="k2") == 2 and build.calls == 1
    assert sorted(p.name for p in folder.iterdir()) == ["other-k1.pickle", "t-k2.pickle"]


def test_a_damaged_file_is_rebuilt_and_replaced(folder: Path) -> None:
    folder.mkdir()
    (folder / "t-k1.pickle").write_bytes(b"\x80\x05 not a pickle")
    build = Builder([7])
    assert cache.cached("t", build, key="k1") == [7] and build.calls == 1
    assert cache.cached("t", build, key="k1") == [7] and build.calls == 1


def test_a_folder_that_cannot_be_made_only_costs_time(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    build = Builder("v")
    assert cache.cached("t", build, key="k") == "v"
    assert cache.cached("t", build, key="k") == "v"
    assert build.calls == 2 and blocker.read_text() == "not a folder"


def test_a_value_pickle_refuses_is_returned_and_leaves_no_file(folder: Path) -> None:
    from types import MappingProxyType

    build = Builder(MappingProxyType({"a": 1}))  # read-only mappings cannot be pickled
    assert cache.cached("t", build, key="k") == {"a": 1}
    assert cache.cached("t", build, key="k") == {"a": 1}
    assert build.calls == 2 and list(folder.iterdir()) == []


def test_off_switches_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_DIR_ENV, "off")
    monkeypatch.chdir(tmp_path)
    build = Builder("v")
    cache.cached("t", build, key="k")
    cache.cached("t", build, key="k")
    assert build.calls == 2 and list(tmp_path.iterdir()) == []


def test_the_key_follows_every_file_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "foods.csv").write_text("a,b\n1,2\n")
    (tmp_path / "code.py").write_text("X = 1\n")
    first = cache.package_key(tmp_path)
    cache.package_key.cache_clear()
    (tmp_path / "data" / "foods.csv").write_text("a,b\n1,3\n")
    second = cache.package_key(tmp_path)
    cache.package_key.cache_clear()
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "code.pyc").write_bytes(b"compiled")
    assert cache.package_key(tmp_path) == second != first
    cache.package_key.cache_clear()


def test_the_default_folder_is_the_per_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.CACHE_DIR_ENV)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache.cache_dir() == Path.home() / ".cache" / "cramp-planner"


def test_the_cached_catalogue_is_the_built_one(folder: Path) -> None:
    built = build_food_table(read_food_csv(CATALOG_FILE), "catalog.csv")
    cache.cached("catalog", lambda: built)
    read_back = cache.cached("catalog", Builder(None))
    pd.testing.assert_frame_equal(read_back, built)


def test_the_cached_dishes_are_the_built_ones(folder: Path) -> None:
    dishes = bundled_dishes()
    cache.cached("dishes", lambda: dishes)
    assert cache.cached("dishes", Builder(None)) == dishes


HEAVY = ("pandas", "pulp", "highspy", "requests", "jinja2")
#: Commands that need no food table, then refused input: each with the exit status it must give.
LIGHT: tuple[tuple[tuple[str, ...], int], ...] = (
    (("targets", "--profile", "p.json"), 0),
    (("profile", "list"), 0),
    (("plans", "list"), 0),
    (("plan", "--profile", "p.json", "--days", "0"), 2),
    (("shopping-list", "--plan", "p.json"), 2),  # a profile is not a plan
    (("batch", "plan", "--week-of", "2026-12-07"), 2),  # nobody saved
    (("foods", "fdc-import", "1", "--serving-g", "nan"), 2),
)
#: Runs each command of ``sys.argv[1]`` (JSON) in turn in this one process; after each, prints
#: its exit status and the heavy modules loaded so far (the first command that loads one is
#: the first line that shows it).
RUN_EACH = f"""
import json, sys
from planner.cli import main
for argv in json.loads(sys.argv[1]):
    try:
        status = main(argv)
    except SystemExit as stop:
        status = stop.code
    print(status, sorted(set({HEAVY!r}) & set(sys.modules)), file=sys.stderr)
"""


def test_light_commands_and_refused_input_load_nothing_heavy(tmp_path: Path) -> None:
    """``targets``, ``profile`` and ``plans`` start in ≈ 0.1 s (no pandas, no solver), and a
    wrong argument or file is said at once, not after loading the tables."""
    (tmp_path / "p.json").write_text(json.dumps(PROFILE))
    argvs = json.dumps([list(argv) for argv, _ in LIGHT])
    done = subprocess.run(
        [sys.executable, "-c", RUN_EACH, argvs], cwd=tmp_path, capture_output=True, text=True
    )
    lines = [line for line in done.stderr.splitlines() if line[:1].isdigit()]
    assert lines == [f"{status} []" for _, status in LIGHT], done.stderr


#: Runs the console script's entry on ``targets`` and says, at exit, the OpenBLAS setting the
#: process ran with.
ENTRY_THEN_SAY = """
import atexit, os, sys
atexit.register(lambda: print("blas", os.environ.get("OPENBLAS_NUM_THREADS"), file=sys.stderr))
sys.argv = ["cramp-planner", "targets", "--profile", "p.json"]
from planner.cli import entry
entry()
"""


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("2", "2")])
def test_the_cli_asks_for_one_blas_thread_unless_told_otherwise(
    tmp_path: Path, given: str | None, used: str
) -> None:
    (tmp_path / "p.json").write_text(json.dumps(PROFILE))
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run(
        [sys.executable, "-c", ENTRY_THEN_SAY], cwd=tmp_path, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"blas {used}" in done.stderr.splitlines()
