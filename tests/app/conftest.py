"""AppTest runs: Streamlit scans every installed distribution for v2 component manifests each
time a new ``AppTest`` runs (≈ 0.5 s of reading package metadata). The installed packages do
not change during a test run, so the scan is done once per process and its result reused."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from streamlit.components.v2 import manifest_scanner


@pytest.fixture(autouse=True, scope="session")
def _scan_components_once() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        scan = functools.cache(manifest_scanner.scan_component_manifests)
        patch.setattr(manifest_scanner, "scan_component_manifests", scan)
        yield
