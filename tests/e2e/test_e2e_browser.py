"""End-to-end test in a real headless Chromium: start the server, plan, swap a dish, re-plan,
shop, download.

Runs ``streamlit run app.py`` on a free loopback port and drives Debian's headless Chromium
(``chromium-headless-shell``) with Playwright. Screenshots, the downloaded CSV and the measured
timings go to ``test-artifacts/`` (and the plan page to ``PLAN_SCREENSHOT`` when that
environment variable names a file). Skipped only when Chromium is missing *and* ``CI`` is not
set; in CI a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
#: Debian's ``chromium-headless-shell``: the headless-only build of Chromium that Playwright
#: itself runs headless (the full browser in headless mode costs ≈ 12 % more CPU here).
CHROMIUM = Path("/usr/lib/chromium/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Bounds that catch a page that hangs, not speed targets: those (a swap ≤ 3 s, a week re-plan
#: ≤ 3 s) are measured by ``benchmarks/bench_dashboard.py`` as medians of several runs, since a
#: single timed run on a shared 2-core machine is noise (3.02 s seen with other tests running).
FIRST_PLAN_LIMIT_S = 30.0
#: "Swap dish": that meal planned again, the rest kept, click to idle.
REPLAN_LIMIT_S = 10.0
#: A whole week planned afresh after a profile change.
WEEK_REPLAN_LIMIT_S = 20.0

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason=f"{CHROMIUM} is not installed (apt-get install chromium-headless-shell); "
        "CI requires it",
    ),
]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    """Wait until Streamlit answers its health check (or fail with its output)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"streamlit exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"streamlit did not answer at {url} within {timeout_s:.0f} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh ``streamlit run app.py`` with its own data directory; yields its URL."""
    port = free_port()
    env = os.environ | {"CRAMP_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log = process.stdout.read().decode(errors="replace") if process.stdout else ""
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "e2e-streamlit.log").write_text(log, encoding="utf-8")


def wait_idle(page, timeout_ms: float = 60_000) -> None:  # noqa: ANN001 - Playwright Page
    """Wait until the script run has finished: the app says it is not running (a click sets
    "rerun requested" at once, so this cannot pass before the rerun has even started), and no
    spinner and no stale (not yet redrawn) element is left."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.dataset.testScriptState === 'notRunning'
                && !document.querySelector('[data-testid="stSpinner"]')
                && !document.querySelector('[data-stale="true"]');
        }""",
        timeout=timeout_ms,
    )


def next_frames(page, frames: int = 2) -> None:  # noqa: ANN001 - Playwright Page
    """Wait until the browser has drawn ``frames`` more frames (layout and paint are done), in
    place of a fixed sleep."""
    page.evaluate(
        """n => new Promise(done => {
            const step = k => k ? requestAnimationFrame(() => step(k - 1)) : done();
            step(n);
        })""",
        frames,
    )


def no_overflow(page) -> None:  # noqa: ANN001 - Playwright Page
    """Nothing is wider than the window (1280 px): no horizontal scrolling anywhere.

    (The sidebar element itself is 6 px wider than its content box because of Streamlit's
    resize handle, so its content box is checked.)
    """
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    widths = page.evaluate(
        """() => ['stMain', 'stMainBlockContainer', 'stSidebarContent', 'stAppViewContainer']
           .map(id => {
               const el = document.querySelector(`[data-testid="${id}"]`);
               return el ? [id, el.scrollWidth, el.clientWidth] : [id, 0, 0];
           })"""
    )
    for name, scroll, client in widths:
        assert scroll <= client + 1, f"{name} overflows: {scroll} px > {client} px"


def shoot(page, path: Path) -> None:  # noqa: ANN001 - Playwright Page
    """A screenshot for a person to look at, as JPEG unless ``path`` asks for PNG (seven PNGs
    cost the browser ≈ 1 CPU-s a run, JPEGs a third of it)."""
    page.screenshot(path=path, **({"quality": 85} if path.suffix == ".jpg" else {}))


def whole_page(page, path: Path) -> None:  # noqa: ANN001 - Playwright Page
    """Screenshot of the whole page (Streamlit scrolls inside the app, not the document)."""
    height = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent'].map(
            id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": 1280, "height": int(height) + 40})
    next_frames(page, 4)  # the charts redraw at the new size
    shoot(page, path)
    page.set_viewport_size({"width": 1280, "height": 900})
    next_frames(page)


def start_page(page, server: str, timings: dict[str, float]) -> None:  # noqa: ANN001
    """A fresh server shows the demo week as dishes, with the HEI-2020 score and water."""
    from playwright.sync_api import expect

    start = time.monotonic()
    page.goto(server)
    expect(page.get_by_text("Targets met")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("tab", name="Day 7")).to_be_visible()
    wait_idle(page)
    timings["first_plan_s"] = round(time.monotonic() - start, 2)
    expect(page.get_by_text("This is an example")).to_be_visible()
    expect(page.get_by_text("HEI-2020 score")).to_be_visible()
    expect(page.get_by_text("Drink about").first).to_be_visible()
    expect(page.get_by_role("button", name="Swap dish").first).to_be_visible()
    no_overflow(page)
    shoot(page, ARTIFACTS / "e2e-01-start-demo-plan.jpg")
    recipe = page.get_by_test_id("stExpander").filter(has_text="Ingredients and steps").first
    recipe.get_by_text("Ingredients and steps").click()  # open the first recipe
    expect(recipe.get_by_test_id("stExpanderDetails")).to_be_visible()
    next_frames(page)
    shoot(page, ARTIFACTS / "e2e-02-recipe-open.jpg")
    page.get_by_text("Food groups and diet quality").scroll_into_view_if_needed()
    next_frames(page)
    shoot(page, ARTIFACTS / "e2e-03-food-groups-hei.jpg")


def swap_a_dish(page, timings: dict[str, float]) -> None:  # noqa: ANN001 - Playwright Page
    """ "Swap dish" re-plans that meal in the browser (click to idle timed)."""
    from playwright.sync_api import expect

    heading = page.get_by_text(re.compile(r"^Breakfast · ")).first
    before = heading.inner_text()
    swap = page.locator(".st-key-swap_1_breakfast").get_by_role("button", name="Swap dish").first
    swap.scroll_into_view_if_needed()
    start = time.monotonic()
    swap.click()
    expect(heading).not_to_have_text(before, timeout=30_000)  # the new dish is on the page
    wait_idle(page)
    timings["replan_swap_s"] = round(time.monotonic() - start, 2)
    expect(page.get_by_text("for the next best")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    whole_page(page, ARTIFACTS / "e2e-04-after-swap.jpg")
    target = os.environ.get("PLAN_SCREENSHOT")
    if target:
        whole_page(page, Path(target))


def kidney_fields(page) -> None:  # noqa: ANN001 - Playwright Page
    """Ticking kidney disease shows dialysis and the clinician's limits at once (no submit)."""
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    kidney = sidebar.get_by_text("I have chronic kidney disease")
    expect(sidebar.get_by_text("I am on dialysis")).to_have_count(0)
    kidney.scroll_into_view_if_needed()
    kidney.click()
    expect(sidebar.get_by_text("I am on dialysis")).to_be_visible(timeout=10_000)
    expect(sidebar.get_by_text("conservative default — ask your renal team").first).to_be_visible()
    sidebar.get_by_text("I am on dialysis").scroll_into_view_if_needed()
    shoot(page, ARTIFACTS / "e2e-05-kidney-fields.jpg")
    kidney.click()  # untick again: the next plan is not a kidney plan
    expect(sidebar.get_by_text("I am on dialysis")).to_have_count(0, timeout=10_000)


def replan_vegetarian(page, timings: dict[str, float]) -> None:  # noqa: ANN001
    """Change the diet to vegetarian and plan the week again."""
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    diet = sidebar.get_by_role("combobox", name="Diet")
    diet.scroll_into_view_if_needed()
    diet.click()
    page.get_by_role("option", name="Vegetarian", exact=True).click()
    expect(diet).to_have_value("Vegetarian")
    wait_idle(page)
    start = time.monotonic()
    sidebar.get_by_role("button", name="Plan my week").click()
    expect(page.get_by_text("This is an example")).to_have_count(0, timeout=60_000)
    wait_idle(page)
    timings["replan_week_s"] = round(time.monotonic() - start, 2)
    expect(page.get_by_text("Targets met")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    no_overflow(page)
    page.get_by_text("Your cramp-prevention week").scroll_into_view_if_needed()
    shoot(page, ARTIFACTS / "e2e-06-replanned-vegetarian.jpg")


def shop_and_download(page) -> None:  # noqa: ANN001 - Playwright Page
    """The shopping list of the current plan, and its CSV download."""
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebar").get_by_role("link", name="Shopping list").click()
    expect(page.get_by_text("Estimated cost")).to_be_visible(timeout=60_000)
    wait_idle(page)
    no_overflow(page)
    shoot(page, ARTIFACTS / "e2e-07-shopping-list.jpg")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    target = ARTIFACTS / "e2e-shopping-list.csv"
    download.save_as(target)
    assert download.suggested_filename == "shopping-list.csv"
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("aisle"), lines[:2]
    assert len(lines) > 5
    csv_text = "\n".join(lines).lower()
    assert "chicken" not in csv_text and "beef" not in csv_text  # vegetarian week


def test_plan_swap_replan_shop_and_download_in_a_real_browser(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    timings: dict[str, float] = {}
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            start_page(page, server, timings)
            swap_a_dish(page, timings)
            kidney_fields(page)
            replan_vegetarian(page, timings)
            shop_and_download(page)
        finally:
            browser.close()

    (ARTIFACTS / "e2e-timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    print(f"e2e timings: {timings}")
    assert not errors, errors
    assert timings["first_plan_s"] < FIRST_PLAN_LIMIT_S, timings
    assert timings["replan_swap_s"] <= REPLAN_LIMIT_S, timings
    assert timings["replan_week_s"] < WEEK_REPLAN_LIMIT_S, timings
