"""The bundled tables are what their build scripts write (run here on copies of their inputs)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_food_groups_csv_is_what_the_build_script_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_food_groups", ROOT / "scripts" / "build_food_groups.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    data = ROOT / "foods" / "data"
    for name in ("catalog.csv", "usda_sr24_portions.csv.gz"):
        shutil.copy(data / name, tmp_path / name)
    script.DATA = tmp_path
    script.main()
    assert "food_groups.csv:" in capsys.readouterr().out
    written = (tmp_path / "food_groups.csv").read_text(encoding="utf-8")
    assert written == (data / "food_groups.csv").read_text(encoding="utf-8")
