"""``cramp-planner foods``: list, search, and FoodData Central search/import via a local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from foods.reference import nutrient_keys
from foods.schema import column_names
from planner.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fdc"


def test_list_json_has_every_field_and_nutrient_with_null_for_missing(capsys) -> None:
    assert main(["foods", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 250
    assert set(column_names()) | set(nutrient_keys()) <= set(rows[0])
    apricots = next(r for r in rows if r["ndb_no"] == "09032")
    assert apricots["potassium_mg"] == 1162
    assert any(r["vitamin_d_ug"] is None for r in rows)  # not analysed stays null


def test_list_csv_and_table(capsys) -> None:
    assert main(["foods", "list", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:3] == ["food_id", "ndb_no", "name"] and len(lines) > 250
    assert main(["foods", "list", "--format", "table"]) == 0
    assert "nutrients per 100 g" in capsys.readouterr().out


def test_search_marks_catalogue_and_reference_hits(capsys) -> None:
    assert main(["foods", "search", "apricots dried", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["in_catalog"] is True and hits[0]["ndb_no"] == "09032"
    assert any(not h["in_catalog"] for h in hits)
    assert {"ndb_no", "name", "in_catalog"} <= set(hits[0])
    assert main(["foods", "search", "zzqqxx", "--format", "table"]) == 0
    assert "no food matches" in capsys.readouterr().out


class _Replay(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path.startswith("/v1/foods/search"):
            body = (FIXTURES / "search-banana.json").read_bytes()
        elif self.path.startswith("/v1/food/175167"):
            body = (FIXTURES / "food-175167-abridged.json").read_bytes()
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def fdc_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("FDC_API_URL", url)
    monkeypatch.setenv("FDC_API_KEY", "secret-test-key-123")
    yield url
    server.shutdown()


def test_fdc_search_and_import_then_list_and_plan_use_the_food(
    fdc_server: str, tmp_path: Path, capsys
) -> None:
    assert main(["foods", "fdc-search", "banana", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and {"fdc_id", "name", "data_type"} <= set(hits[0])
    code = main(
        [
            "foods",
            "fdc-import",
            "175167",
            "--serving-g",
            "85",
            "--slots",
            "dinner",
            "--name",
            "My salmon",
            "--category",
            "fish",
            "--aisle",
            "meat_seafood",
            "--price-usd-per-kg",
            "9",
        ]
    )
    out = capsys.readouterr()
    food = json.loads(out.out)
    assert code == 0 and food["name"] == "My salmon" and food["fdc_id"] == "175167"
    assert food["price_source"] == "user" and food["price_usd_per_kg"] == 9
    assert "secret-test-key-123" not in out.out + out.err
    assert main(["foods", "list", "--format", "json"]) == 0
    listed = {r["food_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert food["food_id"] in listed
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps(
            {
                "age": 40,
                "sex": "male",
                "weight_kg": 80,
                "height_cm": 180,
                "activity": "active",
                "like_foods": [food["food_id"]],
            }
        )
    )
    assert main(["plan", "--profile", str(profile), "--days", "1", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    eaten = {i["food_id"] for m in plan["days"][0]["meals"] for i in m["items"]}
    assert food["food_id"] in eaten  # the planner uses the imported, liked food


def test_fdc_unreachable_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    waits: list[float] = []
    monkeypatch.setattr("foods.fdc.time.sleep", waits.append)  # the back-off, not waited
    monkeypatch.setenv("FDC_API_URL", "http://127.0.0.1:9")
    assert main(["foods", "fdc-search", "banana"]) == 2
    err = capsys.readouterr().err
    assert "could not reach FoodData Central" in err and "Traceback" not in err
    assert waits == [1.0, 2.0, 4.0]  # three retries, each waiting twice as long


def test_every_command_has_help(capsys) -> None:
    from planner.cli import COMMANDS

    for cmd in COMMANDS:
        with pytest.raises(SystemExit) as done:
            main([cmd, "--help"])
        assert done.value.code == 0
        assert "usage: cramp-planner" in capsys.readouterr().out
