"""Format 1.1 in a real browser: Debian's chromium driven by Playwright (never downloaded).

Builds tests/fixtures/v11site, serves it from 127.0.0.1, opens an objective page with every
new key-result field and the updates page, checks what a reader sees, searches a tag, and
saves screenshots (desktop and phone, light and dark) as ``screenshots/v11-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .browser import CHROMIUM, FIXTURE_VIEWPORTS, search, serve, shoot_pages
from .conftest import Built

PAGES = {"objective": "objectives/grow/", "updates": "updates/", "shared": "objectives/partners/",
         "kpi": "kpis/on-time/", "tag": "tags/p0/"}  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(v11: Built) -> Iterator[str]:
    with serve(v11.site_dir) as url:
        yield url


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
    search(page, "delivery")
    results = page.locator(".md-search-result__item")
    sync_api.expect(page.locator(".md-search-result")).to_contain_text("#delivery", timeout=15000)
    hrefs = [a.get_attribute("href") or "" for a in results.locator("a").all()]
    assert any(h.split("?")[0].endswith("tags/delivery/") for h in hrefs)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(FIXTURE_VIEWPORTS))
def test_screenshots(browser, base_url: str, device: str, scheme: str) -> None:
    shoot_pages(browser, base_url, PAGES, device, scheme, prefix="v11-")
