"""Format 1.1 in a real browser: Debian's chromium driven by Playwright (never downloaded).

Builds tests/fixtures/v11site, serves it from 127.0.0.1, opens an objective page with every
new key-result field and the updates page, checks what a reader sees, searches a tag, and
saves screenshots (desktop and phone, light and dark) as ``screenshots/v11-*.png``.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from okrsite.build import build

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FIXTURE = Path(__file__).parent / "fixtures" / "v11site"
SCREENSHOTS = Path(__file__).parent.parent / "screenshots"
VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}
PAGES = {"objective": "objectives/grow/", "updates": "updates/", "shared": "objectives/partners/",
         "kpi": "kpis/on-time/", "tag": "tags/p0/"}  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser11")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    site_dir = build(
        goals_dir=root / "goals",
        config_file=root / "mkdocs.yml",
        site_dir=root / "site",
        staging_dir=root / ".okrsite",
        as_of=date(2026, 11, 20),
    )
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, base_url: str):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    yield tab
    context.close()
    foreign = [url for url in requests if not url.startswith((base_url, "data:", "blob:"))]
    assert not foreign, f"requests left the host: {foreign}"


def test_an_objective_page_shows_every_new_key_result_field(page, base_url: str) -> None:
    expect = sync_api.expect
    page.goto(base_url + "objectives/grow/")
    facts = page.locator("article dl.okr-facts")
    expect(facts).to_contain_text("Chief Executive Officer")
    expect(page.locator("article .okr-objective__links a")).to_have_count(3)
    arr = page.locator("section.okr-kr", has=page.locator("#kr-arr"))
    expect(arr.locator(".okr-kr__lead")).to_have_text("VP Sales")
    expect(arr.locator(".okr-kr__description strong")).to_have_text("signed")
    expect(arr.locator(".okr-checkins li")).to_have_count(3)
    expect(arr.locator(".okr-checkins li").first).to_contain_text("Big deal slipped to December")
    expect(arr.locator(".okr-scale__mark--target")).to_have_text("target 14 M EUR")
    expect(arr.locator(".okr-scale__mark--stretch")).to_have_text("stretch 16 M EUR")
    # the target mark sits at 70% of the bar's track, the stretch mark at its end
    bar = arr.locator(".okr-bar").bounding_box()
    target = arr.locator(".okr-scale__mark--target").bounding_box()
    stretch = arr.locator(".okr-scale__mark--stretch").bounding_box()
    assert bar and target and stretch
    assert abs(target["x"] + target["width"] / 2 - (bar["x"] + 0.7 * bar["width"])) < 2
    assert abs(stretch["x"] + stretch["width"] - (bar["x"] + bar["width"])) < 2
    over = page.locator("section.okr-kr", has=page.locator("#kr-over"))
    expect(over.locator(".okr-flag--over")).to_be_visible()
    expect(over.locator(".okr-kr__progress")).to_contain_text("120%")
    regress = page.locator("section.okr-kr", has=page.locator("#kr-regress"))
    expect(regress.locator(".okr-flag--regression")).to_be_visible()
    expect(page.locator(".okr-met--yes")).to_have_text("met")
    expect(page.locator(".okr-met--no")).to_have_text("not met")
    expect(page.locator(".okr-items .okr-item")).to_have_count(3)
    expect(page.locator(".okr-overdue")).to_have_text("overdue since 2026-11-15")
    expect(page.locator(".okr-private-krs")).to_have_text("1 private key result")
    assert "ZQ8SECRET" not in page.content()
    page.locator(".okr-kr__shared-with a").click()
    page.wait_for_url(f"{base_url}objectives/partners/#kr-pipeline")
    page.locator(".okr-kr__shared a").click()
    page.wait_for_url(f"{base_url}objectives/grow/#kr-arr")


def test_the_updates_page_is_reached_from_home(page, base_url: str) -> None:
    page.goto(base_url)
    page.get_by_role("link", name="What changed this week").click()
    page.wait_for_url(f"{base_url}updates/")
    sync_api.expect(page.locator("article h2")).to_have_count(6)
    first = page.locator("article .okr-update").first
    sync_api.expect(first).to_contain_text("12.4 → 12.9 M EUR")
    sync_api.expect(first).to_contain_text("Big deal slipped to December")
    feed = page.locator("head link[type='application/atom+xml']")
    assert feed.get_attribute("href") == "../feed.xml"
    response = page.request.get(base_url + "feed.xml")
    assert response.ok and response.text().startswith('<?xml version="1.0" encoding="utf-8"?>')


def test_search_finds_a_tag(page, base_url: str) -> None:
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.press_sequentially("delivery", delay=60)
    results = page.locator(".md-search-result__item")
    sync_api.expect(page.locator(".md-search-result")).to_contain_text("#delivery", timeout=15000)
    hrefs = [a.get_attribute("href") or "" for a in results.locator("a").all()]
    assert any(h.split("?")[0].endswith("tags/delivery/") for h in hrefs)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_screenshots(browser, base_url: str, device: str, scheme: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[device], color_scheme=scheme)
    tab = context.new_page()
    try:
        for name, url in PAGES.items():
            tab.goto(base_url + url)
            tab.wait_for_load_state("networkidle")
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[device]["width"], f"{name} scrolls sideways on a {device}"
            tab.screenshot(path=SCREENSHOTS / f"v11-{name}-{device}-{scheme}.png", full_page=True)
    finally:
        context.close()
