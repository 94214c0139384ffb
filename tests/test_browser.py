"""The built site in a real browser: Debian's chromium driven by Playwright (never downloaded).

Builds the fixture organisation, serves it from 127.0.0.1, then clicks through it as an
employee would, searches it, and saves screenshots (desktop and phone, light and dark) under
``screenshots/`` for people to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from okrsite.build import build

from .browser import ARGS, CHROMIUM, SCREENSHOTS, serve

FIXTURE = Path(__file__).parent / "fixtures" / "site"
VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}
PAGES = {"home": "", "unit": "units/sales/", "objective": "objectives/grow-revenue/",
         "kpi": "kpis/nps/", "alignment": "alignment/", "attention": "attention/"}  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    site_dir = build(
        goals_dir=root / "goals",
        config_file=root / "mkdocs.yml",
        site_dir=root / "site",
        staging_dir=root / ".okrsite",
        as_of=date(2026, 11, 20),
    )
    with serve(site_dir) as url:
        yield url


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


def test_home_shows_objectives_with_badges(page, base_url: str) -> None:
    page.goto(base_url)
    card = page.locator(".okr-grid .okr-card").first
    sync_api.expect(card).to_contain_text("Grow revenue profitably")
    badge = card.locator("img[src='badges/grow-revenue.svg']")
    sync_api.expect(badge).to_be_visible()
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    sync_api.expect(page.locator(".okr-ring").first).to_have_text("46%")
    assert page.title() == "Acme OKRs"


def test_the_nav_leads_to_a_unit_and_then_an_objective(page, base_url: str) -> None:
    page.goto(base_url)
    nav = page.locator("nav.md-nav--primary")
    nav.get_by_text("Units", exact=True).first.click()
    page.wait_for_url(f"{base_url}units/")
    nav.get_by_role("link", name="Acme Corp").first.click()
    page.wait_for_url(f"{base_url}units/acme/")
    sync_api.expect(page.locator("article h1")).to_have_text("Acme Corp")
    page.locator("article").get_by_role("link", name="Grow revenue profitably").first.click()
    page.wait_for_url(f"{base_url}objectives/grow-revenue/")
    sync_api.expect(page.locator("article h1")).to_have_text("Grow revenue profitably")
    sync_api.expect(page.locator("article .okr-kr h3").first).to_have_text(
        "Grow ARR from 10 to 20 M EUR"
    )


def test_search_finds_an_objective_by_a_word_of_its_title(page, base_url: str) -> None:
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.press_sequentially("default", delay=60)
    result = page.locator(".md-search-result__item").first
    sync_api.expect(result).to_contain_text(
        "Become the default choice for mid-market teams", timeout=15000
    )
    assert (
        result.locator("a")
        .get_attribute("href")
        .split("?")[0]
        .endswith("objectives/win-mid-market/")
    )
    search.fill("")
    search.press_sequentially("partner", delay=60)
    sync_api.expect(page.locator(".md-search-result")).to_contain_text(
        "Launch the partner program", timeout=15000
    )


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
            expected = "slate" if scheme == "dark" else "default"
            body_scheme = tab.locator("body").get_attribute("data-md-color-scheme")
            assert body_scheme == expected
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[device]["width"], f"{name} scrolls sideways on a {device}"
            tab.screenshot(path=SCREENSHOTS / f"{name}-{device}-{scheme}.png", full_page=True)
    finally:
        context.close()
