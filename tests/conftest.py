"""Shared fixtures: every test gets its own data directory (never the real per-user one)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CRAMP_DATA_DIR", str(tmp_path_factory.mktemp("cramp-data")))
    for name in ("CRAMP_SMTP_HOST", "CRAMP_SMTP_PASSWORD", "FDC_API_KEY", "FDC_API_URL"):
        monkeypatch.delenv(name, raising=False)
