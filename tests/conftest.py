"""Shared fixtures: every test gets its own data directory and the run one table cache (never
the real per-user ones)."""

from __future__ import annotations

import compileall
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner import one_blas_thread

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# pytest rewrites the asserts of every test module on import and keeps the result in
# ``__pycache__`` only when Python may write bytecode; with ``PYTHONDONTWRITEBYTECODE`` set (CI
# sets it) each worker redid it every run (collection 5.1 s instead of 2.6 s). The test run
# writes bytecode, as Python does by default; ``__pycache__`` is ignored by git.
sys.dont_write_bytecode = False
# As the front ends do: the workers and the servers and scripts they start get one OpenBLAS
# thread (its idle pool spins ≈ 0.13 CPU-s per process on this 2-core machine).
one_blas_thread()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the project's modules to bytecode once, before workers and subprocesses start.

    The ``cramp-planner`` processes the tests start inherit ``PYTHONDONTWRITEBYTECODE`` when
    it is set and, without bytecode, compiled the project from source (≈ 0.2 s each). They
    still *read* bytecode that exists; Python checks it against the source's time stamp, so a
    stale file is never used.
    """
    if "PYTEST_XDIST_WORKER" in os.environ:
        return
    for part in ("planner", "foods", "ui"):
        compileall.compile_dir(ROOT / part, quiet=1)
    compileall.compile_file(ROOT / "app.py", quiet=1)
    _build_tables_once(session.config)


#: Builds the bundled tables into ``CRAMP_CACHE_DIR`` (the cache of ``foods/cache.py``).
_BUILD_TABLES = (
    "from foods.catalog import load_catalog; from foods.dishes import bundled_dishes; "
    "load_catalog(); bundled_dishes()"
)


def _build_tables_once(config: pytest.Config) -> None:
    """On the first run in a checkout, build the bundled tables into the run's table cache
    before the workers start: otherwise every test worker and every script started in the
    first seconds built them at once (≈ 0.9 CPU-s each; a cold ``make test`` took ≈ 10 s more
    than a warm one). Later runs find the cache and skip this."""
    cache = getattr(config, "cache", None)
    if cache is None:
        return
    folder = cache.mkdir("cramp-tables")
    if any(folder.glob("catalog-*.pickle")):
        return
    env = os.environ | {"CRAMP_CACHE_DIR": str(folder)}
    subprocess.run([sys.executable, "-c", _BUILD_TABLES], env=env, check=False, timeout=300)


@pytest.fixture(scope="session", autouse=True)
def _table_cache(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The cache of the built bundled tables for the run (set before any module-scoped fixture
    loads a table; never the real per-user one): in pytest's cache folder, so that it is
    shared by the workers and kept between runs (its key changes with every file of the
    ``foods`` package, see ``foods/cache.py``), or a fresh folder with ``-p no:cacheprovider``.
    """
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("cramp-tables") if cache else tmp_path_factory.mktemp("cramp-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAMP_CACHE_DIR", str(folder))
        yield folder


#: Numbers the tests' data folders within a process (each worker has its own base folder).
_DATA_FOLDERS = itertools.count()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A data folder of its own for every test, not created: the product creates it when it
    first saves something, as on a person's first run. (A numbered ``mktemp`` per test lists
    every earlier folder each time: ≈ 0.5 s per 600 tests.)"""
    folder = tmp_path_factory.getbasetemp() / "data" / str(next(_DATA_FOLDERS))
    monkeypatch.setenv("CRAMP_DATA_DIR", str(folder))
    for name in ("CRAMP_SMTP_HOST", "CRAMP_SMTP_PASSWORD", "FDC_API_KEY", "FDC_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def scan_components_once() -> Iterator[None]:
    """For AppTest modules: Streamlit scans every installed distribution for v2 component
    manifests each time a new ``AppTest`` runs (≈ 0.5 s of reading package metadata). The
    installed packages do not change during a run, so the scan is done once per process."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        scan = functools.cache(manifest_scanner.scan_component_manifests)
        patch.setattr(manifest_scanner, "scan_component_manifests", scan)
        yield


#: The longest tests (about 4 to 23 s each on a 2-core machine): started first, so that
#: parallel workers (``make test``: pytest-xdist) do not end with one of them running alone.
SLOW = (
    "tests/e2e/test_e2e_browser.py",
    "tests/solver/test_batch_ray.py::test_the_ray_cluster_saves_the_plans_the_script_saves_alone",
    "tests/solver/test_batch_email.py::test_a_batch_killed_mid_way_resumes_with_nobody_twice",
    "tests/e2e/test_hostile_inputs.py::test_every_hostile_input_gets_a_clear_answer",
    "tests/e2e/test_cli_installed.py::test_every_document_command_prints_only_its_document",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the slow tests first (a stable sort: the rest keep their order)."""
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW))
