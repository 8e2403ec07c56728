"""The *installed* ``cramp-planner`` console script, run as a subprocess: every command that
prints a document prints one that parses, and nothing else on stdout (solver banners go to
stderr); ``-o FILE`` writes the same document.

``capsys`` only sees Python's ``sys.stdout``; a C library writing to file descriptor 1 (HiGHS's
banner) is only caught by reading a real process's stdout, as here. So ``solve`` and the light
listings run here in every format, ``plan`` as JSON and as a table; the food table's commands
and the shopping list run here once each (a process that loads the food table costs ≈ 0.8
CPU-s), their other formats — and ``plan``'s Markdown — in-process
(``tests/e2e/test_cli_foods.py``, ``tests/solver/test_shopping.py``,
``tests/solver/test_weekly.py``) and in the built wheel (``.ci/wheel-check``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fdc"
PROFILE = (
    '{"age": 45, "sex": "female", "weight_kg": 68, "height_cm": 165, "activity": "low_active"}'
)


def script() -> str:
    """The console script installed next to this interpreter (never the source tree)."""
    found = Path(sys.executable).with_name("cramp-planner")
    path = str(found) if found.exists() else shutil.which("cramp-planner")
    assert path, "cramp-planner is not installed in this environment (pip install -e .)"
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory with a saved profile and plan, plus input files."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "me.json").write_text(PROFILE)
    (folder / "FOODS.csv").write_text("food,cost,protein\nbeans,1,20\nrice,0.5,5\n")
    (folder / "REQ.csv").write_text("nutrient,min,max\nprotein,50,\n")
    yield folder


class _Fdc(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        name = "search-banana.json" if "search" in self.path else "food-175167-abridged.json"
        body = (FIXTURES / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fdc_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fdc)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(home: Path, *args: str, fdc_url: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"CRAMP_DATA_DIR": str(home / "data"), "FDC_API_KEY": "cli-test-key"}
    if fdc_url:
        env["FDC_API_URL"] = fdc_url
    return subprocess.run(
        [script(), *args], capture_output=True, text=True, env=env, cwd=home, timeout=120
    )


def parses_as(kind: str) -> Callable[[str], object]:
    def check(text: str) -> object:
        assert "Running HiGHS" not in text and "Copyright" not in text
        if kind == "json":
            return json.loads(text)
        if kind == "csv":
            rows = list(csv.reader(io.StringIO(text)))
            assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
            return rows
        assert text.strip(), "a table prints something"
        return text

    return check


def test_plan_json_is_pure_and_feeds_the_shopping_list(home: Path) -> None:
    done = run(home, "plan", "--profile", "me.json", "--days", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    plan = parses_as("json")(done.stdout)
    assert isinstance(plan, dict) and plan["status"] in ("optimal", "feasible", "partial")
    (home / "plan.json").write_text(done.stdout)
    listed = run(home, "shopping-list", "--plan", "plan.json", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert parses_as("csv")(listed.stdout)[0][0] == "aisle"


#: The commands that print a document, with its kind (see the module's docstring).
DOCUMENTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("plan", "--profile", "me.json", "--days", "1", "--format", "table"), "table"),
    (("targets", "--profile", "me.json", "--format", "json"), "json"),
    (("targets", "--profile", "me.json", "--format", "table"), "table"),
    (("foods", "list", "--format", "csv"), "csv"),
    (("foods", "search", "apple", "--format", "table"), "table"),
    (("solve", "--foods", "FOODS.csv", "--requirements", "REQ.csv"), "json"),
    (("solve", "--foods", "FOODS.csv", "--requirements", "REQ.csv", "--format", "table"), "table"),
)


def test_every_document_command_prints_only_its_document(home: Path) -> None:
    """All at once (each process is independent; start-up dominates, so run them in parallel)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda case: run(home, *case[0]), DOCUMENTS))
    for (args, kind), result in zip(DOCUMENTS, done, strict=True):
        assert result.returncode == 0, (args, result.stderr)
        parses_as(kind)(result.stdout)


def test_dash_o_writes_the_same_document_and_nothing_on_stdout(home: Path) -> None:
    args = ("targets", "--profile", "me.json", "--format", "json")
    printed = run(home, *args).stdout
    done = run(home, *args, "-o", "targets.json")
    assert done.returncode == 0 and done.stdout == ""
    assert "wrote targets.json" in done.stderr
    assert (home / "targets.json").read_text() == printed


def test_saved_profile_plans_and_listings_in_every_format(home: Path) -> None:
    assert run(home, "profile", "save", "--name", "ana", "--profile", "me.json").returncode == 0
    week = ("--week-of", "2026-11-23")
    saved = run(home, "plan", "--profile-name", "ana", "--days", "1", *week, "--save")
    assert saved.returncode == 0, saved.stderr
    again = run(home, "plan", "--profile-name", "ana", "--days", "1", *week, "--save")
    assert "saved as plan #1" in saved.stderr and "saved as plan #1" in again.stderr
    calls = [(("profile", "list", "--format", fmt), fmt) for fmt in ("json", "table")] + [
        (("profile", "show", "ana", "--format", fmt), fmt) for fmt in ("json", "table")
    ]
    calls += [(("plans", "list", "--format", fmt), fmt) for fmt in ("json", "table")]
    calls += [(("plans", "show", "1", "--format", fmt), fmt) for fmt in ("json", "table")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda case: run(home, *case[0]), calls))
    for (args, kind), result in zip(calls, done, strict=True):
        assert result.returncode == 0, (args, result.stderr)
        parsed = parses_as(kind)(result.stdout)
        if args[:2] == ("plans", "list") and kind == "json":
            assert isinstance(parsed, list) and len(parsed) == 1  # replaced, not duplicated


def test_email_dry_run_writes_the_message_and_saves_nothing(home: Path) -> None:
    run(home, "profile", "save", "--name", "bo", "--profile", "me.json")
    args = ("email", "--to", "bo@example.org", "--profile-name", "bo", "--days", "1")
    done = run(home, *args, "--week-of", "2026-11-30", "--dry-run", "bo.eml")
    assert done.returncode == 0, done.stderr
    assert (home / "bo.eml").read_bytes().startswith(b"Subject:") or b"\nSubject:" in (
        home / "bo.eml"
    ).read_bytes()
    listed = json.loads(
        run(home, "plans", "list", "--profile-name", "bo", "--format", "json").stdout
    )
    assert listed == []


def test_fdc_commands_against_a_local_server(home: Path, fdc_url: str) -> None:
    for fmt in ("json", "table"):
        done = run(home, "foods", "fdc-search", "banana", "--format", fmt, fdc_url=fdc_url)
        assert done.returncode == 0, done.stderr
        parses_as(fmt)(done.stdout)
    done = run(home, "foods", "fdc-import", "175167", "--serving-g", "118", fdc_url=fdc_url)
    assert done.returncode == 0, done.stderr
    food = parses_as("json")(done.stdout)
    assert isinstance(food, dict)
    removed = run(home, "foods", "remove", str(food["food_id"]))
    assert removed.returncode == 0 and "removed your food" in removed.stderr


def _solver_loaded(pid: int) -> bool:
    """Whether the process has loaded HiGHS: it is imported just before the week is planned."""
    try:
        return "highspy" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_stops_a_plan_at_once(home: Path) -> None:
    """SIGINT while the solver works: exit 130 with one line, quickly, no traceback."""
    import signal
    import time

    env = os.environ | {"CRAMP_DATA_DIR": str(home / "data")}
    args = [script(), "plan", "--profile", "me.json", "--days", "7", "--format", "json"]
    # A run started as a background job ignores SIGINT and its children inherit that; a handler
    # is reset at exec, so the script starts with Ctrl-C's default as from a terminal.
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            args, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    finally:
        signal.signal(signal.SIGINT, ignored)
    deadline = time.monotonic() + 60
    while not _solver_loaded(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # start-up done when HiGHS is loaded: the week is being planned
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 3.0
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err and out == b""
