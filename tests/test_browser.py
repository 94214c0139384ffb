"""The built site in a real browser: Debian's chromium driven by Playwright (never downloaded).

Builds the fixture organisation, serves it from 127.0.0.1, then clicks through it as an
employee would, searches it, and saves screenshots (desktop and phone, light and dark) under
``screenshots/`` for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .browser import CHROMIUM, FIXTURE_VIEWPORTS, search, serve, shoot_pages
from .conftest import Built

PAGES = {"home": "", "unit": "units/sales/", "objective": "objectives/grow-revenue/",
         "kpi": "kpis/nps/", "alignment": "alignment/", "attention": "attention/"}  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(acme: Built) -> Iterator[str]:
    with serve(acme.site_dir) as url:
        yield url


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
    box = search(page, "default")
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
    box.fill("")
    box.press_sequentially("partner", delay=60)
    sync_api.expect(page.locator(".md-search-result")).to_contain_text(
        "Launch the partner program", timeout=15000
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(FIXTURE_VIEWPORTS))
def test_screenshots(browser, base_url: str, device: str, scheme: str) -> None:
    shoot_pages(browser, base_url, PAGES, device, scheme)
