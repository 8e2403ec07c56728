"""Tests of the FoodData Central client against a real HTTP server on 127.0.0.1.

The server replays JSON fixtures by path (``tests/fixtures/fdc``) and records every request,
so the tests can check the ``X-Api-Key`` header and the query parameters. No test touches
the network beyond the loopback interface, and injected ``sleep`` keeps retries instant.
"""

from __future__ import annotations

import csv
import json
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from foods import fdc
from foods.errors import UserError
from foods.fdc import FdcClient, FdcError, FdcFood, food_to_custom_row, parse_nutrients

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fdc"
SHARED_FDC = Path(__file__).resolve().parents[3] / "shared" / "data" / "fdc-api"
REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "sk-test-KEY-7Qz9xW2v"  # distinctive: must never show up in any error text


# --------------------------------------------------------------------------------------------
# A real local HTTP server that replays canned answers and records requests
# --------------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One canned answer: status, body (bytes), headers, and a delay before answering (s)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    #: send the body one byte at a time, this many seconds apart (a slow-loris server)
    trickle_s: float = 0.0


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw_target: str


class _QuietServer(ThreadingHTTPServer):
    """Threads die with the test process; a client that hung up is not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FdcServer:
    """ThreadingHTTPServer on 127.0.0.1:0 serving queued replies by path."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                with server._lock:
                    server.requests.append(
                        Recorded(
                            method="GET",
                            path=parts.path,
                            query=parse_qs(parts.query),
                            headers={k.lower(): v for k, v in self.headers.items()},
                            raw_target=self.path,
                        )
                    )
                    queue = server.routes.get(parts.path)
                    if queue:
                        reply = queue.pop(0) if len(queue) > 1 else queue[0]
                    else:
                        reply = Reply(404, b"")
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "application/json", **reply.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.trickle_s:
                        for byte in reply.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.trickle_s)
                    else:
                        self.wfile.write(reply.body)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def route(self, path: str, *replies: Reply) -> None:
        """Answer ``path`` with ``replies`` in order; the last one repeats."""
        self.routes[path] = list(replies)

    def route_json(self, path: str, payload: object | Path) -> None:
        body = payload.read_bytes() if isinstance(payload, Path) else json.dumps(payload).encode()
        self.route(path, Reply(200, body))

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FdcServer]:
    srv = FdcServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


class SleepRecorder:
    """Stands in for ``time.sleep``: records the waits, returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def client(server: FdcServer, sleeps: SleepRecorder) -> Iterator[FdcClient]:
    with FdcClient(
        base_url=server.url + "/",  # trailing slash is tolerated
        api_key=SECRET_KEY,
        timeout_s=2.0,
        max_retries=2,
        backoff_s=0.01,
        sleep=sleeps,
    ) as fdc_client:
        yield fdc_client


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fixture(name: str) -> Path:
    return FIXTURES / name


def assert_no_key(error: BaseException) -> None:
    """The key is absent from the message, the repr and the printed traceback."""
    texts = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        str(error.__cause__ or ""),
    ]
    if not error.__suppress_context__:
        texts.append(str(error.__context__ or ""))
    for text in texts:
        assert SECRET_KEY not in text
        assert SECRET_KEY.lower() not in text.lower()


def nutrient_keys() -> list[str]:
    with (REPO / "foods" / "data" / "nutrients.csv").open(encoding="utf-8") as handle:
        return [row["key"] for row in csv.DictReader(handle)]


# --------------------------------------------------------------------------------------------
# Parsing through the server
# --------------------------------------------------------------------------------------------


def test_search_parses_hits_and_sends_key_in_header(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/foods/search", fixture("search-banana.json"))

    hits = client.search("banana", page_size=3, data_types=["foundation", "SR Legacy", "Branded"])

    assert [h.fdc_id for h in hits] == [1105314, 173944, 2345678]
    foundation, legacy, branded = hits
    assert foundation.name == "Bananas, ripe and slightly ripe, raw"
    assert foundation.data_type == "Foundation"
    assert foundation.brand is None
    assert foundation.nutrients_per_100g["potassium_mg"] == 326.0
    assert foundation.nutrients_per_100g["energy_kcal"] == 98.0  # Atwater general (2047)
    assert foundation.nutrients_per_100g["sodium_mg"] == 0.0  # a reported zero stays zero
    assert foundation.nutrients_per_100g["fiber_g"] is None  # not reported: missing
    assert legacy.nutrients_per_100g["energy_kcal"] == 89.0  # kcal preferred over kJ
    assert legacy.nutrients_per_100g["vitamin_d_ug"] == 0.0  # from IU
    assert branded.brand == "SUNNY ORCHARD"
    assert branded.data_type == "Branded"
    assert branded.nutrients_per_100g["magnesium_mg"] is None
    assert set(branded.nutrients_per_100g) == set(nutrient_keys())

    (request,) = server.requests
    assert request.path == "/v1/foods/search"
    assert request.query == {
        "query": ["banana"],
        "pageSize": ["3"],
        "dataType": ["Foundation,SR Legacy,Branded"],
    }
    assert request.headers["x-api-key"] == SECRET_KEY
    assert SECRET_KEY not in request.raw_target
    assert "api_key" not in request.query


def test_abridged_detail_prefers_vitamin_d_in_micrograms(
    client: FdcClient, server: FdcServer
) -> None:
    server.route_json("/v1/food/175167", fixture("food-175167-abridged.json"))

    food = client.get_food(175167)

    assert isinstance(food, FdcFood)
    assert food.fdc_id == 175167
    assert food.name == "Fish, salmon, Atlantic, farmed, raw"
    assert food.data_type == "SR Legacy"
    assert food.ndb_number == "15236"
    n = food.nutrients_per_100g
    assert n["vitamin_d_ug"] == 11.0  # µg row wins over the IU row (441 IU)
    assert n["energy_kcal"] == 208.0
    assert n["potassium_mg"] == 363.0
    assert n["zinc_mg"] == 0.36
    assert n["fiber_g"] is None
    assert food.portions == ()
    assert food.source_url.endswith("/175167/nutrients")
    (request,) = server.requests
    assert request.path == "/v1/food/175167"
    assert request.query == {"format": ["abridged"]}
    assert request.headers["x-api-key"] == SECRET_KEY


def test_full_detail_vitamin_d_from_iu_and_energy_from_atwater(
    client: FdcClient, server: FdcServer
) -> None:
    server.route_json("/v1/food/746782", fixture("food-746782-full.json"))

    food = client.get_food(746782, detail="full")

    n = food.nutrients_per_100g
    assert n["vitamin_d_ug"] == pytest.approx(46.0 / 40)  # IU ÷ 40
    assert n["energy_kcal"] == 44.0  # 2047 (general) preferred over 2048 listed first
    assert n["calcium_mg"] == 118.0
    assert n["water_g"] == 89.9
    assert n["fat_g"] is None
    assert food.portions == (("1 cup", 244.0), ("1 fl oz", 30.5))
    assert server.requests[0].query == {"format": ["full"]}


def test_full_format_404_falls_back_to_abridged(client: FdcClient, server: FdcServer) -> None:
    body = fixture("food-2262074-foundation-upper.json").read_bytes()
    server.route("/v1/food/2262074", Reply(404, b""), Reply(200, body))

    food = client.get_food(2262074, detail="full")

    assert food.fdc_id == 2262074
    assert [r.query["format"] for r in server.requests] == [["full"], ["abridged"]]


def test_foundation_upper_case_units_and_conversions(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/food/2262074", fixture("food-2262074-foundation-upper.json"))

    n = client.get_food(2262074).nutrients_per_100g

    assert n["energy_kcal"] == 103.0  # only Atwater general (957) present
    assert n["potassium_mg"] == pytest.approx(323.0)  # 0.323 G → mg
    assert n["zinc_mg"] == pytest.approx(0.79)  # 790 UG → mg
    assert n["vitamin_d_ug"] == 0.0
    assert n["sodium_mg"] == 214.0
    assert n["fat_g"] is None


def test_get_food_accepts_digit_string(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/food/175167", fixture("food-175167-abridged.json"))
    assert client.get_food("175167").fdc_id == 175167  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Nutrient parsing rules (no server needed)
# --------------------------------------------------------------------------------------------


def test_energy_fallback_order_and_kj_only_when_no_kcal() -> None:
    only_specific = [{"nutrientId": 2048, "nutrientNumber": "958", "unitName": "KCAL", "value": 50}]
    assert parse_nutrients(only_specific)["energy_kcal"] == 50.0

    both = [
        {"number": "958", "amount": 50, "unitName": "KCAL"},
        {"number": "957", "amount": 52, "unitName": "KCAL"},
    ]
    assert parse_nutrients(both)["energy_kcal"] == 52.0

    with_main = [*both, {"number": "208", "amount": 51, "unitName": "kcal"}]
    assert parse_nutrients(with_main)["energy_kcal"] == 51.0

    kj_first = [
        {"number": "268", "amount": 418.4, "unitName": "kJ"},
        {"number": "958", "amount": 99, "unitName": "kcal"},
    ]
    assert parse_nutrients(kj_first)["energy_kcal"] == 99.0

    kj_only = [{"nutrient": {"id": 1062, "number": "268", "unitName": "kJ"}, "amount": 418.4}]
    assert parse_nutrients(kj_only)["energy_kcal"] == pytest.approx(100.0)


def test_vitamin_d_iu_converted_and_ug_preferred_in_any_order() -> None:
    iu_only = [{"nutrient": {"id": 1110, "number": "324", "unitName": "IU"}, "amount": 400}]
    assert parse_nutrients(iu_only)["vitamin_d_ug"] == pytest.approx(10.0)

    ug_after_iu = [
        {"nutrientId": 1110, "nutrientNumber": "324", "unitName": "IU", "value": 400},
        {"nutrientId": 1114, "nutrientNumber": "328", "unitName": "UG", "value": 2.5},
    ]
    assert parse_nutrients(ug_after_iu)["vitamin_d_ug"] == 2.5

    greek_mu = [{"number": 328, "amount": 3, "unitName": "μg"}]  # U+03BC, int number
    assert parse_nutrients(greek_mu)["vitamin_d_ug"] == 3.0


def test_missing_and_unusable_values_are_none_never_zero() -> None:
    entries = [
        {"nutrient": {"id": 2045, "number": "951", "name": "Proximates", "unitName": "g"}},
        {"nutrient": {"id": 1092, "number": "306", "unitName": "mg"}},  # no amount
        {"number": "307", "amount": "n/a", "unitName": "mg"},  # not a number
        {"number": "304", "amount": 30, "unitName": "furlongs"},  # unknown unit
        {"number": "301", "amount": -4, "unitName": "mg"},  # impossible
    ]
    result = parse_nutrients(entries)
    assert set(result) == set(nutrient_keys())
    assert all(value is None for value in result.values())
    assert parse_nutrients([]) == dict.fromkeys(nutrient_keys())


def test_mapping_comes_from_nutrients_csv() -> None:
    with (REPO / "foods" / "data" / "nutrients.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        unit = row["unit"].lower()
        by_id = [{"nutrientId": int(row["fdc_id"]), "unitName": unit, "value": 1.5}]
        by_number = [{"number": row["fdc_number"], "amount": 1.5, "unitName": unit.upper()}]
        assert parse_nutrients(by_id)[row["key"]] == 1.5, row["key"]
        assert parse_nutrients(by_number)[row["key"]] == 1.5, row["key"]


def test_mass_unit_conversions() -> None:
    entries = [
        {"number": "306", "amount": 0.4, "unitName": "G"},
        {"number": "301", "amount": 120000, "unitName": "UG"},
        {"number": "203", "amount": 2500, "unitName": "MG"},
        {"number": "328", "amount": 0.002, "unitName": "MG"},
    ]
    n = parse_nutrients(entries)
    assert n["potassium_mg"] == pytest.approx(400.0)
    assert n["calcium_mg"] == pytest.approx(120.0)
    assert n["protein_g"] == pytest.approx(2.5)
    assert n["vitamin_d_ug"] == pytest.approx(2.0)


def test_search_answer_with_unexpected_shape(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/foods/search", {"error": "nope"})
    with pytest.raises(FdcError, match="unexpected shape"):
        client.search("banana")


def test_detail_answer_with_unexpected_shape(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/food/5", {"foods": []})
    with pytest.raises(FdcError, match="unexpected shape"):
        client.get_food(5)


# --------------------------------------------------------------------------------------------
# Robustness: retries, timeouts, refused connections, bad answers
# --------------------------------------------------------------------------------------------


def test_429_with_retry_after_then_success(
    client: FdcClient, server: FdcServer, sleeps: SleepRecorder
) -> None:
    body = fixture("food-175167-abridged.json").read_bytes()
    server.route("/v1/food/175167", Reply(429, b"{}", {"Retry-After": "1"}), Reply(200, body))

    food = client.get_food(175167)

    assert food.fdc_id == 175167
    assert sleeps.calls == [1.0]
    assert len(server.requests) == 2


def test_retry_after_above_the_cap_gives_up_at_once(
    client: FdcClient, server: FdcServer, sleeps: SleepRecorder
) -> None:
    """A server asking for an hour's (or 100,000 s) wait gets no retry and no long block."""
    body = fixture("search-banana.json").read_bytes()
    for wait in ("3600", "100000"):
        server.route("/v1/foods/search", Reply(503, b"", {"Retry-After": wait}), Reply(200, body))
        with pytest.raises(FdcError, match=r"busy \(HTTP 503\) and asks to wait longer than 30 s"):
            client.search("banana")
    assert sleeps.calls == []


def test_retry_after_within_the_cap_is_honoured(
    client: FdcClient, server: FdcServer, sleeps: SleepRecorder
) -> None:
    body = fixture("search-banana.json").read_bytes()
    server.route("/v1/foods/search", Reply(503, b"", {"Retry-After": "30"}), Reply(200, body))
    assert len(client.search("banana")) == 3
    assert sleeps.calls == [fdc.MAX_WAIT_S]


def test_429_after_all_retries_names_rate_limit_and_fix(
    client: FdcClient, server: FdcServer, sleeps: SleepRecorder
) -> None:
    server.route("/v1/foods/search", Reply(429, b"", {"Retry-After": "2"}))
    with pytest.raises(FdcError) as caught:
        client.search("banana")
    message = str(caught.value)
    assert "rate limit" in message
    assert "DEMO_KEY" in message and "30 requests/hour" in message
    assert "FDC_API_KEY" in message
    assert sleeps.calls == [2.0, 2.0]
    assert len(server.requests) == 3
    assert_no_key(caught.value)


def test_500_three_times_raises_after_backoff(
    client: FdcClient, server: FdcServer, sleeps: SleepRecorder
) -> None:
    server.route("/v1/food/42", Reply(500, b"oops"))
    with pytest.raises(FdcError, match=r"HTTP 500.*3 attempts") as caught:
        client.get_food(42)
    assert len(server.requests) == 3
    assert sleeps.calls == pytest.approx([0.01, 0.02])  # exponential backoff
    assert isinstance(caught.value, UserError)
    assert_no_key(caught.value)


def test_malformed_json(client: FdcClient, server: FdcServer) -> None:
    server.route(
        "/v1/food/175167",
        Reply(200, b"<html>Sign in to the hotel wifi</html>", {"Content-Type": "text/html"}),
    )
    with pytest.raises(FdcError, match="something that is not JSON") as caught:
        client.get_food(175167)
    assert_no_key(caught.value)


def test_timeout_names_timeout(server: FdcServer, sleeps: SleepRecorder) -> None:
    body = fixture("food-175167-abridged.json").read_bytes()
    server.route("/v1/food/175167", Reply(200, body, delay_s=1.0))
    slow_client = FdcClient(
        base_url=server.url, api_key=SECRET_KEY, timeout_s=0.2, max_retries=1, sleep=sleeps
    )
    started = time.monotonic()
    with pytest.raises(FdcError, match="timed out") as caught:
        slow_client.get_food(175167)
    assert time.monotonic() - started < 1.5
    assert "0.2 s" in str(caught.value)
    assert len(sleeps.calls) == 1  # one retry, then give up
    assert_no_key(caught.value)


def test_connection_refused(closed_port: int, sleeps: SleepRecorder) -> None:
    base = f"http://127.0.0.1:{closed_port}"
    refused = FdcClient(
        base_url=base, api_key=SECRET_KEY, max_retries=2, backoff_s=0.5, sleep=sleeps
    )
    with pytest.raises(FdcError) as caught:
        refused.search("banana")
    message = str(caught.value)
    assert message.startswith(f"could not reach FoodData Central at {base}: ")
    assert "refused" in message.lower()
    assert "check your connection or FDC_API_URL" in message
    assert sleeps.calls == [0.5, 1.0]
    assert_no_key(caught.value)


def test_key_is_stripped_from_wrapped_requests_error_text(
    closed_port: int, sleeps: SleepRecorder
) -> None:
    # A misconfigured proxy URL carrying the key: requests' own error text would echo it.
    base = f"http://127.0.0.1:{closed_port}/{SECRET_KEY}"
    refused = FdcClient(base_url=base, api_key=SECRET_KEY, max_retries=0, sleep=sleeps)
    with pytest.raises(FdcError) as caught:
        refused.get_food(1)
    assert "***" in str(caught.value)
    assert_no_key(caught.value)


def test_404_names_the_id(client: FdcClient, server: FdcServer, sleeps: SleepRecorder) -> None:
    with pytest.raises(FdcError, match="no FDC food with id 999999") as caught:
        client.get_food(999999)
    assert sleeps.calls == []  # 404 is not retried
    assert_no_key(caught.value)


@pytest.mark.parametrize("status", [401, 403])
def test_key_rejected(client: FdcClient, server: FdcServer, status: int) -> None:
    server.route(
        "/v1/foods/search",
        Reply(status, json.dumps({"error": {"code": "API_KEY_INVALID"}}).encode()),
    )
    with pytest.raises(FdcError, match="API key rejected") as caught:
        client.search("banana")
    assert "https://fdc.nal.usda.gov/api-key-signup" in str(caught.value)
    assert "FDC_API_KEY" in str(caught.value)
    assert len(server.requests) == 1
    assert_no_key(caught.value)


def test_400_echoed_key_is_scrubbed(client: FdcClient, server: FdcServer) -> None:
    server.route("/v1/foods/search", Reply(400, f"bad request for key {SECRET_KEY}".encode()))
    with pytest.raises(FdcError, match="HTTP 400") as caught:
        client.search("banana")
    assert_no_key(caught.value)


def test_key_absent_from_client_repr() -> None:
    client = FdcClient(base_url="http://127.0.0.1:9", api_key=SECRET_KEY)
    assert SECRET_KEY not in repr(client)
    assert SECRET_KEY not in str(client.__dict__.get("_base_url"))


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda c: c.search("   "), "needs some words"),
        (lambda c: c.search("milk", page_size=0), "page_size"),
        (lambda c: c.search("milk", data_types=["Candy"]), "unknown FDC data type"),
        (lambda c: c.get_food(-3), "positive whole number"),
        (lambda c: c.get_food(True), "positive whole number"),
        (lambda c: c.get_food(1, detail="huge"), "detail"),
    ],
)
def test_bad_arguments_raise_before_any_request(
    client: FdcClient, server: FdcServer, call: object, pattern: str
) -> None:
    with pytest.raises(FdcError, match=pattern):
        call(client)  # type: ignore[operator]
    assert server.requests == []


# --------------------------------------------------------------------------------------------
# Environment configuration
# --------------------------------------------------------------------------------------------


def test_environment_read_at_call_time(
    server: FdcServer, sleeps: SleepRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FDC_API_URL", raising=False)
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    env_client = FdcClient(sleep=sleeps)
    assert env_client.base_url == fdc.DEFAULT_BASE_URL

    monkeypatch.setenv("FDC_API_URL", server.url + "/")
    monkeypatch.setenv("FDC_API_KEY", SECRET_KEY)
    server.route_json("/v1/foods/search", fixture("search-banana.json"))
    assert len(env_client.search("banana")) == 3
    assert server.requests[-1].headers["x-api-key"] == SECRET_KEY
    assert SECRET_KEY not in repr(env_client)

    monkeypatch.delenv("FDC_API_KEY")
    env_client.search("banana")
    assert server.requests[-1].headers["x-api-key"] == "DEMO_KEY"


def test_invalid_base_url_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FDC_API_URL", "api.nal.usda.gov/fdc")
    with pytest.raises(FdcError, match="FDC_API_URL"):
        FdcClient().search("milk")


# --------------------------------------------------------------------------------------------
# Catalogue row
# --------------------------------------------------------------------------------------------


def _schema_columns() -> list[str]:
    with (REPO / "foods" / "data" / "schema.csv").open(encoding="utf-8") as handle:
        return [row["column"] for row in csv.DictReader(handle)]


def test_food_to_custom_row_defaults(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/food/746782", fixture("food-746782-full.json"))
    food = client.get_food(746782, detail="full")

    row = food_to_custom_row(food)

    assert list(row) == _schema_columns() + nutrient_keys()
    # the slug is cut at 60 characters and never ends in "_"
    assert row["food_id"] == "fdc_746782_milk_lowfat_fluid_1_milkfat_with_added_vitamin_a"
    food_id = str(row["food_id"])
    assert len(food_id) <= 60
    assert set(food_id) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")
    assert row["ndb_no"] == ""
    assert row["fdc_id"] == "746782"
    assert row["name"] == food.name
    assert row["slots"] == "lunch|dinner"
    assert row["serving_g"] == 100.0
    assert row["household"] == "100 g"
    assert row["allow_half"] is True
    assert row["max_servings_per_day"] == 3
    assert row["diet_tags"] == "" and row["allergens"] == ""
    assert row["fortified"] is False
    assert row["category"] == "mixed" and row["aisle"] == "dry_goods"
    assert row["purchase_unit"] == "1 kg" and row["purchase_g"] == 1000
    assert row["price_usd_per_kg"] is None
    assert row["calcium_mg"] == 118.0
    assert row["vitamin_d_ug"] == pytest.approx(1.15)
    assert row["fat_g"] is None  # missing stays missing


def test_food_to_custom_row_uses_fitting_portion_and_overrides(
    client: FdcClient, server: FdcServer
) -> None:
    server.route_json("/v1/food/746782", fixture("food-746782-full.json"))
    food = client.get_food(746782, detail="full")

    row = food_to_custom_row(
        food,
        serving_g=244,
        slots=("breakfast", "snack"),
        name="Milk, 1%",
        food_id="milk_1pct",
        category="dairy",
        aisle="dairy_eggs",
        price_usd_per_kg=1.02,
        price_source="estimate: store receipt",
        diet_tags=("vegetarian",),
        allergens=("milk",),
    )
    assert row["household"] == "1 cup"
    assert row["food_id"] == "milk_1pct"
    assert row["name"] == "Milk, 1%"
    assert row["slots"] == "breakfast|snack"
    assert row["price_usd_per_kg"] == 1.02
    assert row["price_source"] == "estimate: store receipt"
    assert row["diet_tags"] == "vegetarian" and row["allergens"] == "milk"
    assert food_to_custom_row(food, serving_g=150)["household"] == "150 g"


def test_slug_of_odd_names() -> None:
    food = FdcFood(fdc_id=7, name="Crème brûlée — “café” style!!", data_type="Survey (FNDDS)")
    assert food_to_custom_row(food)["food_id"] == "fdc_7_creme_brulee_cafe_style"
    nameless = FdcFood(fdc_id=8, name="†††", data_type="Branded")
    assert food_to_custom_row(nameless)["food_id"] == "fdc_8"


def test_foods_package_does_not_import_planner() -> None:
    code = (
        "import sys, foods.fdc; "
        "bad = [m for m in sys.modules if m == 'planner' or m.startswith('planner.')]; "
        "sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


# --------------------------------------------------------------------------------------------
# The real recorded FDC answers, replayed by the local server
# --------------------------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(
    not SHARED_FDC.is_dir(), reason="recorded FDC answers (shared/data/fdc-api) not present"
)


@needs_shared
def test_recorded_cheddar_search(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/foods/search", SHARED_FDC / "cheddar-cheese.search-all.json")
    hits = client.search("cheddar cheese", page_size=10)
    assert len(hits) == 10
    calcium = [h.nutrients_per_100g["calcium_mg"] for h in hits]
    assert calcium[0] == 714.0
    assert sum(value is not None for value in calcium) >= 9
    assert all(value is None or 100 < value < 1500 for value in calcium)
    assert all(h.data_type == "Branded" and h.brand for h in hits)

    server.route_json("/v1/foods/search", SHARED_FDC / "cheddar-cheese.search-foundation.json")
    (first, *_) = client.search("cheddar cheese", data_types=["Foundation"])
    assert (first.fdc_id, first.name) == (328637, "Cheese, cheddar")
    assert first.nutrients_per_100g["calcium_mg"] == 707.0
    assert first.nutrients_per_100g["sugars_g"] == 0.33  # 1063 / 269.3 fallback


@needs_shared
def test_recorded_cheddar_abridged_detail(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/food/328637", SHARED_FDC / "food-328637.detail-abridged.json")
    food = client.get_food(328637)
    n = food.nutrients_per_100g
    assert (food.fdc_id, food.name, food.data_type) == (328637, "Cheese, cheddar", "Foundation")
    assert n["energy_kcal"] == 408.0
    assert n["calcium_mg"] == 707.0
    assert n["sodium_mg"] == 654.0
    assert n["potassium_mg"] == 77.0
    assert n["vitamin_d_ug"] is None  # not in this record: missing, not 0


@needs_shared
def test_recorded_bigmac_full_2019(client: FdcClient, server: FdcServer) -> None:
    server.route_json("/v1/food/170720", SHARED_FDC / "bigmac-170720.food-full-2019.json")
    food = client.get_food(170720, detail="full")
    n = food.nutrients_per_100g
    assert food.data_type == "SR Legacy"
    assert n["energy_kcal"] == 257.0
    assert n["sodium_mg"] == 460.0
    assert n["potassium_mg"] == 181.0
    assert food.portions == (("1 item 7.6 oz", 219.0),)
    row = food_to_custom_row(food, serving_g=219)
    assert row["household"] == "1 item 7.6 oz"
    assert row["food_id"] == "fdc_170720_mcdonald_s_big_mac"


# --------------------------------------------------------------------------------------------
# Hostile servers: overall deadline, size caps, redirects, the key
# --------------------------------------------------------------------------------------------


def test_a_server_trickling_bytes_cannot_outlast_the_deadline(server: FdcServer) -> None:
    """One byte every 0.05 s never trips a per-read timeout; the whole-call deadline stops it."""
    server.route("/v1/foods/search", Reply(200, b'{"foods": []}' * 50, trickle_s=0.05))
    start = time.monotonic()
    with FdcClient(base_url=server.url, api_key=SECRET_KEY, timeout_s=1.0, deadline_s=0.6) as c:
        with pytest.raises(FdcError, match=r"did not answer in time .* longer than 0.6 s"):
            c.search("banana")
    assert time.monotonic() - start < 2.0


def test_an_oversized_answer_is_refused(server: FdcServer, monkeypatch) -> None:
    monkeypatch.setattr(fdc, "MAX_RESPONSE_BYTES", 10_000)
    server.route("/v1/foods/search", Reply(200, b'{"foods": [' + b" " * 20_000 + b"]}"))
    with FdcClient(base_url=server.url, api_key=SECRET_KEY, max_retries=0) as c:
        with pytest.raises(FdcError, match="sent more than"):
            c.search("banana")


def test_a_gzip_bomb_is_stopped_after_decompression(server: FdcServer, monkeypatch) -> None:
    import gzip

    monkeypatch.setattr(fdc, "MAX_RESPONSE_BYTES", 1_000_000)
    bomb = gzip.compress(b'{"foods": [' + b" " * 50_000_000 + b"]}")
    assert len(bomb) < 100_000  # tiny on the wire, 50 MB unpacked
    server.route("/v1/foods/search", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    with FdcClient(base_url=server.url, api_key=SECRET_KEY, max_retries=0) as c:
        with pytest.raises(FdcError, match="sent more than 1 MB"):
            c.search("banana")


def test_more_hits_than_asked_are_cut_to_the_limit(server: FdcServer) -> None:
    hit = {"fdcId": 1, "description": "Banana", "dataType": "SR Legacy", "foodNutrients": []}
    server.route_json("/v1/foods/search", {"foods": [hit | {"fdcId": i} for i in range(1, 300)]})
    with FdcClient(base_url=server.url, api_key=SECRET_KEY) as c:
        assert len(c.search("banana", page_size=25)) == 25


def test_the_key_never_follows_a_redirect_to_another_host(server: FdcServer) -> None:
    other = FdcServer()
    other.start()
    try:
        other.route_json("/v1/foods/search", {"foods": []})
        target = other.url.replace("127.0.0.1", "localhost") + "/v1/foods/search"
        server.route("/v1/foods/search", Reply(302, b"", {"Location": target}))
        with FdcClient(base_url=server.url, api_key=SECRET_KEY, max_retries=0) as c:
            with pytest.raises(FdcError) as err:
                c.search("banana")
        assert "redirected to another address" in str(err.value)
        assert SECRET_KEY not in str(err.value)
        assert other.requests == []  # nothing, and so no key, went to the other host
    finally:
        other.stop()


def test_a_redirect_within_the_api_host_is_followed(server: FdcServer) -> None:
    body = fixture("search-banana.json").read_bytes()
    server.route("/v1/foods/search", Reply(301, b"", {"Location": "/v2/search?query=banana"}))
    server.route("/v2/search", Reply(200, body))
    with FdcClient(base_url=server.url, api_key=SECRET_KEY) as c:
        assert len(c.search("banana")) == 3
    assert server.requests[-1].headers["x-api-key"] == SECRET_KEY


@pytest.mark.parametrize("key", ["abc\r\nX-Evil: 1", "two words", "tab\tkey"])
def test_a_broken_api_key_is_refused_without_echoing_it(server: FdcServer, key: str) -> None:
    with FdcClient(base_url=server.url, api_key=key) as c:
        with pytest.raises(FdcError) as err:
            c.search("banana")
    message = str(err.value)
    assert "FDC_API_KEY contains spaces, line breaks" in message
    assert key not in message and "FDC_API_URL" not in message
    assert server.requests == []


def test_json_nested_too_deeply_is_a_clear_error(server: FdcServer) -> None:
    server.route("/v1/foods/search", Reply(200, b"[" * 100_000 + b"]" * 100_000))
    with FdcClient(base_url=server.url, api_key=SECRET_KEY, max_retries=0) as c:
        with pytest.raises(FdcError, match="nested too deeply"):
            c.search("banana")
