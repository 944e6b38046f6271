"""Real browser over a running `streamlit run dashboard.py`: every page, English and Khmer, no error
element, the Khmer font served by the app is used, nothing fetched from outside; screenshots saved."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.db_fixtures import make_warehouse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PAGES = ["", "frequency", "partners", "semesters", "map", "weekly", "explorer", "quality",
         "add_articles"]
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = make_warehouse(tmp_path_factory.mktemp("browser") / "meetings.duckdb")
    port = free_port()
    env = {**os.environ, "KM_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(chromium_path, server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=chromium_path, args=ARGS)
        # The first session of a new server opens a shared link to a page, not the home page: Streamlit
        # would run that page file alone (pages/ read the old way) unless analytics.nav reruns it
        # through dashboard.py. The sidebar then lists the app's page titles, not file names.
        first = open_page(chromium, f"{server}/partners?lang=en&province=Kandal", [])
        nav = first.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Meeting frequency" in nav and "add articles" not in nav, nav
        assert first.locator('[data-testid="stMainBlockContainer"] h1').inner_text() == "Partners"
        first.close()
        yield chromium
        chromium.close()


def existing_pages() -> list[str]:
    return [p for p in PAGES if (ROOT / "pages" / f"{p or 'overview'}.py").is_file()]


def open_page(browser, url: str, outside: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url
            and not r.url.startswith(("data:", "blob:")) else None)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=60_000)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=30_000)
    # Element code loads lazily (grey skeletons meanwhile) and plotly draws after the script run.
    page.wait_for_function(
        "!document.querySelector('[data-testid^=\"stSkeleton\"]') && [...document.querySelectorAll("
        "'.stPlotlyChart')].every(c => c.querySelector('.main-svg'))", timeout=60_000)
    page.wait_for_timeout(500)
    return page


# Every page in Khmer (the harder script to render), the home page in English too.
@pytest.mark.parametrize(("name", "lang"), [("", "en")] + [(p, "km") for p in existing_pages()])
def test_page_renders_without_errors(server, browser, name, lang):
    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    page = open_page(browser, f"{server}/{name}?lang={lang}", outside)
    page.screenshot(path=str(ARTIFACTS / f"page-{name or 'overview'}-{lang}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMainBlockContainer"] h1').count() == 1
    if name == "map":  # outlines drawn from static/topojson, one bubble per province with meetings
        page.wait_for_selector(".geo .layer.countries path", state="attached", timeout=30_000)
        assert page.locator(".geo .layer.land path").count() >= 1
        assert page.locator(".geo .scattergeo path.point").count() == 2
    if name == "frequency":  # Khmer month names under the bars, whole numbers up the count axis
        chart = page.locator('[data-testid="stMainBlockContainer"] .stPlotlyChart').first
        months = chart.locator(".xtick text").all_text_contents()
        assert months[:2] == ["កក្កដា2022", "តុលា"], months
        assert all(t.isdigit() for t in chart.locator(".ytick text").all_text_contents())
    if lang == "km":
        loaded = page.evaluate(
            """() => document.fonts.check('16px "Noto Sans Khmer"', 'ក្រសួង') && [...document.fonts]"""
            ".some(f => f.family.includes('Noto Sans Khmer') && f.status === 'loaded')")
        assert loaded, "the app's Noto Sans Khmer font face did not load"
    page.close()
    assert outside == [], "the dashboard must not fetch anything from outside (offline use)"


def test_clicking_a_bar_filters_and_goes_into_the_url(server, browser):
    outside: list[str] = []
    page = open_page(browser, f"{server}/partners", outside)
    # The ranking's top bar is UNICEF (2 meetings); click its centre.
    box = page.evaluate("""() => {
        const bars = [...document.querySelector('.stPlotlyChart').querySelectorAll('.barlayer .point path')];
        const r = bars.map(b => b.getBoundingClientRect()).sort((a, b) => a.top - b.top)[0];
        return [r.left + r.width / 2, r.top + r.height / 2]; }""")
    page.mouse.click(*box)
    page.wait_for_function("location.search.includes('partner=UNICEF')", timeout=60_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "partners-after-click.png"), full_page=True)
    caption = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]')
    assert caption.first.inner_text().strip() == "UNICEF"
    assert page.locator('[data-testid="stMainBlockContainer"] .stPlotlyChart').first.locator(
        ".barlayer .point path").count() == 3  # UNICEF's meetings also name Save the Children, USAID
    page.close()
    assert outside == []
