"""Shared fixtures: every test gets its own data directory and the run one table cache (never
the real per-user ones)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _table_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache of the built bundled tables for the whole run (set before any module-scoped
    fixture loads a table; never the real per-user cache)."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("cramp-cache")
        patch.setenv("CRAMP_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CRAMP_DATA_DIR", str(tmp_path_factory.mktemp("cramp-data")))
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
