"""The site as employees use it, in Debian's chromium: statuses explained, a tree that is
indented, collapsible and filterable, pages that stay short at 500 units, charts that say what
they show, 0 serious axe-core violations on every page type (light and dark, desktop and
phone), and version switches that keep the page.

Sites: the example organisation (``goals/`` with the repository's ``mkdocs.yml``), a 500-unit
synthetic one (``benchmarks/generate.py``) and a pair of mike snapshots in a throw-away
repository. Screenshots go to ``screenshots/``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from okrsite.build import build, scored
from okrsite.render.summaries import concerns
from okrsite.render.view import View

from .browser import (
    AXE,
    CHROMIUM,
    SCHEMES,
    VIEWPORTS,
    axe,
    blocking,
    page_height,
    screenshot,
    serve,
    watched_tab,
)
from .conftest import REPO, GitRepo, invoke_in

AS_OF = date(2026, 11, 20)
BIG_UNITS = 500
SCREENS = 6
"""Alignment and Attention open at most this many screens tall, at 500 units too."""
MIN_INDENT = 20
"""Pixels each level of a tree moves right, at least."""
DESKTOP = VIEWPORTS["desktop"]
MIN_CHART_TEXT = 11
"""Pixels a chart's text is tall, at least, on a phone."""

EXAMPLE_PAGES = {
    "home": "",
    "unit-company": "units/kestrel/",
    "unit-department": "units/operations/",
    "unit-team": "units/linehaul/",
    "units": "units/",
    "objective-history": "objectives/lane-margins/",
    "objective-aligned": "objectives/grow-profitably/",
    "objective-manual": "objectives/peak-season-ready/",
    "kpi": "kpis/on-time-delivery/",
    "kpis": "kpis/",
    "alignment": "alignment/",
    "attention": "attention/",
    "updates": "updates/",
    "tags": "tags/",
    "tag": "tags/sustainability/",
    "company-page": "how-we-use-okrs/",
    "not-found": "404.html",
}
BIG_PAGES = {"home": "", "alignment": "alignment/", "attention": "attention/", "units": "units/",
             "unit-department": "units/dept-01/", "objective": "objectives/company-o1/"}
STATUS_PAGES = ("", "units/kestrel/", "units/operations/", "units/", "alignment/", "attention/",
                "tags/sustainability/")
"""Pages okrsite's overview templates make: each explains the statuses it shows."""
GOAL_PAGES = ("objectives/peak-season-ready/", "kpis/on-time-delivery/")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(not AXE.exists(), reason="needs axe-core: npm install --no-save "
                       "--no-package-lock --prefix tests axe-core@4.14.1"),
]
sync_api = pytest.importorskip("playwright.sync_api")


# --- sites --------------------------------------------------------------------------------------


def build_site(goals: Path, root: Path, config: Path | None) -> Path:
    return build(goals_dir=goals, config_file=config, site_dir=root / "site",
                 staging_dir=root / ".okrsite", as_of=AS_OF, use_git=False)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("example")
    site = build_site(REPO / "goals", root, REPO / "mkdocs.yml")  # it names its docs folder
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def big_goals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    goals = tmp_path_factory.mktemp("big") / "goals"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(BIG_UNITS),
                    str(goals)], check=True, capture_output=True)
    return goals


@pytest.fixture(scope="module")
def big(big_goals: Path) -> Iterator[str]:
    site = build_site(big_goals, big_goals.parent, None)
    with serve(site) as url:
        yield url


MATERIAL_OUTDATED_ERROR = "Failed to construct 'URL': Invalid URL"
"""mkdocs-material 9.8's own inline script of the outdated banner runs ``new URL(base_url)`` on a
relative ``base_url`` and throws; its bundle shows the banner all the same."""


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


# --- accessibility ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_no_page_type_has_serious_axe_violations(browser: Any, example: str, device: str,
                                                 scheme: str) -> None:
    found = {}
    with watched_tab(browser, example, VIEWPORTS[device], color_scheme=scheme) as page:
        for name, url in EXAMPLE_PAGES.items():
            open_page(page, example + url)
            screenshot(page, f"a11y-{name}-{device}-{scheme}")
            bad = blocking(axe(page))
            if bad:
                found[name] = bad
    assert not found, json.dumps(found, indent=1)


@pytest.mark.parametrize(("device", "scheme"), [("desktop", "light"), ("phone", "dark")])
def test_big_pages_have_no_serious_axe_violations(browser: Any, big: str, device: str,
                                                  scheme: str) -> None:
    found = {}
    with watched_tab(browser, big, VIEWPORTS[device], color_scheme=scheme) as page:
        for name, url in BIG_PAGES.items():
            open_page(page, big + url)
            bad = blocking(axe(page))
            if bad:
                found[name] = bad
    assert not found, json.dumps(found, indent=1)


def test_links_look_like_links(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        for url in ("units/operations/", "objectives/grow-profitably/", "alignment/"):
            open_page(page, example + url)
            plain = page.evaluate("""() => [...document.querySelectorAll('.okr a:not(.md-button)')]
                .filter(a => !getComputedStyle(a).textDecorationLine.includes('underline'))
                .map(a => a.textContent.trim())""")
            assert not plain, f"{url}: links without an underline: {plain[:5]}"


def test_materials_widgets_are_named(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "units/operations/")
        assert page.get_attribute(".md-search", "aria-label") == "Search"
        labels = page.evaluate("""() => [...document.querySelectorAll('nav')].map(n =>
            n.getAttribute('aria-label') || n.getAttribute('aria-labelledby'))""")
        assert len(labels) == len(set(labels)) and all(labels), labels
        assert "Kestrel Freight" in labels and "Operations" in labels


# --- statuses explained -------------------------------------------------------------------------


def legend_and_chips(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        legend: document.querySelector('details.okr-legend summary')?.textContent || '',
        table: [...document.querySelectorAll('.okr-legend tbody tr')].map(r => r.textContent),
        untitled: [...document.querySelectorAll('.okr [class*="okr-chip okr-s--"]')]
            .filter(c => !c.title).map(c => c.textContent),
        chips: [...document.querySelectorAll('.okr [class*="okr-chip okr-s--"]')]
            .map(c => [c.textContent.trim(), c.title]),
        marks: [...document.querySelectorAll('.okr-bar[style*="--e:"]')]
            .filter(b => !b.title && b.getAttribute('aria-hidden') !== 'true').length,
    })""")


@pytest.mark.parametrize("url", STATUS_PAGES)
def test_every_status_is_explained(browser: Any, example: str, url: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + url)
        seen = legend_and_chips(page)
    summary = " ".join(seen["legend"].split())
    assert "on track when its score is at least 70% of the progress expected by today" in summary
    assert re.search(r"today \d+% of 2026", summary), summary
    assert any(re.match(r"2026(-Q4)? \((quarter|year)\)\d+%", row) for row in seen["table"])
    assert seen["chips"] and not seen["untitled"], seen["untitled"]
    assert all(re.fullmatch(r"\d+% done, \d+% expected by today(; status set by the owner)?|"
                            r"its period has not begun", title) for _, title in seen["chips"])
    assert seen["marks"] == 0, "a pace mark without a title"


@pytest.mark.parametrize("url", ["units/operations/", "alignment/", "attention/"])
def test_hand_set_statuses_say_so(browser: Any, example: str, url: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + url)
        chip = page.locator(".okr-chip:has-text('set by owner')").first
        sync_api.expect(chip).to_contain_text("at risk")
        assert "status set by the owner" in (chip.get_attribute("title") or "")


@pytest.mark.parametrize("url", GOAL_PAGES)
def test_goal_pages_explain_their_statuses(browser: Any, example: str, url: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + url)
        seen = legend_and_chips(page)
    assert "70% of the progress expected by today" in seen["legend"]
    assert not seen["untitled"]


# --- the alignment tree -------------------------------------------------------------------------


def tree_rows(page: Any, selector: str = "ul.okr-tree li") -> list[dict[str, Any]]:
    """Every row of the page's trees: its depth, the left edge of its link, whether it shows."""
    rows: list[dict[str, Any]] = page.evaluate(f"""() =>
        [...document.querySelectorAll('{selector}')].map(li => {{
            let depth = 0;
            for (let p = li.parentElement; p; p = p.parentElement) if (p.tagName === 'LI') depth++;
            const link = li.querySelector(':scope > div a, :scope > div i');
            const box = link.getBoundingClientRect();
            return {{depth, x: box.left, shown: link.checkVisibility(), text: link.textContent}};
        }})""")
    return rows


def indents(rows: list[dict[str, Any]]) -> dict[int, float]:
    lefts: dict[int, set[float]] = {}
    for row in rows:
        if row["shown"]:
            lefts.setdefault(row["depth"], set()).add(round(row["x"]))
    assert all(len(xs) == 1 for xs in lefts.values()), lefts  # one column per level
    return {depth: xs.pop() for depth, xs in sorted(lefts.items())}


@pytest.mark.parametrize("url", ["alignment/", "units/"])
def test_trees_indent_every_level(browser: Any, example: str, url: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + url)
        page.evaluate("document.querySelectorAll('.okr-tree details').forEach(d => d.open = true)")
        lefts = indents(tree_rows(page))
    assert len(lefts) >= 3, lefts
    steps = [b - a for a, b in zip(list(lefts.values()), list(lefts.values())[1:], strict=False)]
    assert all(step >= MIN_INDENT for step in steps), lefts


def test_the_tree_opens_two_levels_and_expands_on_request(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "alignment/")
        rows = tree_rows(page)
        assert {r["depth"] for r in rows if r["shown"]} == {0, 1}
        assert any(r["depth"] == 2 and not r["shown"] for r in rows)
        page.get_by_role("button", name="Expand all").click()
        assert all(r["shown"] for r in tree_rows(page))
        page.get_by_role("button", name="Collapse all").click()
        assert {r["depth"] for r in tree_rows(page) if r["shown"]} == {0}
        screenshot(page, "tree-collapsed")
        page.locator("ul.okr-tree > li > details > summary").first.click()
        assert {r["depth"] for r in tree_rows(page) if r["shown"]} == {0, 1}


def test_the_tree_filters_by_unit_and_status(browser: Any, example: str) -> None:
    operations = {"operations", "linehaul", "warehousing", "fleet"}
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "alignment/")
        page.select_option("select[name=unit]", "operations")
        shown = page.evaluate("""() => [...document.querySelectorAll('li[data-u]')]
            .filter(li => li.firstElementChild.checkVisibility())
            .map(li => [li.dataset.u, li.classList.contains('okr-context')])""")
        assert {u for u, context in shown if not context} <= operations
        assert {"operations", "fleet"} <= {u for u, _ in shown}
        assert all(u == "kestrel" for u, context in shown if context)  # their parents
        assert "unit=operations" in page.url
        sync_api.expect(page.locator(".okr-filter output")).to_contain_text("match")
        page.select_option("select[name=status]", "off_track")
        titles = page.locator("li[data-u]:not(.okr-filtered-out):not(.okr-context) > div > a")
        sync_api.expect(titles).to_have_text(["Electrify urban delivery in Munich and Vienna"])
        screenshot(page, "tree-filtered")
        page.reload()
        page.wait_for_load_state("networkidle")
        assert page.input_value("select[name=status]") == "off_track"
        assert page.locator("li[data-u]:not(.okr-filtered-out)").count() < 10


def test_without_javascript_every_row_is_in_the_page(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP, java_script_enabled=False) as page:
        page.goto(example + "alignment/")
        assert page.locator("form.okr-filter").is_hidden()
        assert page.locator("li[data-u]").count() > 25


# --- attention ----------------------------------------------------------------------------------


def test_attention_is_a_grid_grouped_by_reason(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "attention/")
        headings = page.locator(".okr-attn-group > h2").all_inner_texts()
        assert [h.split(" (")[0] for h in headings] == [
            "Off track", "At risk", "Overdue key results", "Not updated", "Stale KPIs"]
        columns = page.evaluate("""() => [...document.querySelectorAll('table.okr-attn tbody tr')]
            .filter(r => r.checkVisibility())
            .map(r => [...r.cells].map(c => Math.round(c.getBoundingClientRect().left)))""")
        assert columns and all(len(row) == 4 for row in columns)
        assert len({tuple(row) for row in columns}) == 1, "columns differ from row to row"
        text = page.locator("article").inner_text()
        assert re.search(r"not updated for \d+ days", text)
        asks = page.locator("table.okr-attn tbody td:nth-child(3)").all_text_contents()
        assert asks and all(a.strip() not in ("", "–") for a in asks)


# --- home, units, periods -----------------------------------------------------------------------


def test_home_has_one_company_status(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example)
        ring = page.locator(".okr-hero .okr-ring")
        label = ring.get_attribute("aria-label") or ""
        status = re.search(r"(on track|at risk|off track)$", label)
        assert status, label
        sync_api.expect(page.locator(".okr-hero .okr-word")).to_have_text(status.group(1))
        assert "okr-s--overall" not in (ring.get_attribute("class") or "")
        score = ring.inner_text()
        heading = page.locator("#statuses").inner_text()
        assert re.fullmatch(r"All \d+ objectives by status", heading)
        assert "2026 (year)" in (page.locator(".okr-eyebrow").text_content() or "")
        open_page(page, example + "units/kestrel/")
        assert page.locator(".okr-hero .okr-ring").inner_text() == score
        sync_api.expect(page.locator(".okr-hero .okr-word")).to_have_text(status.group(1))


def test_unit_lists_show_bars_statuses_and_counts(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        for url in ("", "units/operations/", "units/"):
            open_page(page, example + url)
            rows = page.locator(".okr-unit-line")
            assert rows.count() >= 3
            for i in range(rows.count()):
                row = rows.nth(i)
                if row.locator(".okr-unit__none").count():
                    continue
                assert row.locator(".okr-bar").count() == 1
                sync_api.expect(row.locator(".okr-chip")).to_have_text(
                    re.compile(r"\d+% (on track|at risk|off track|not started)"))
                sync_api.expect(row.locator(".okr-unit__counts")).to_have_text(
                    re.compile(r"\d+ objectives?( · \d+ (off track|at risk))*( · none at risk)?"))


def test_periods_are_labelled(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "units/kestrel/")
        headings = page.locator("h2[id^=objectives]").all_inner_texts()
        assert headings == ["Objectives · 2026 (year)"]
        open_page(page, example + "alignment/")
        assert "2026-Q3 (quarter, closed)" in page.locator("article").inner_text()


# --- charts -------------------------------------------------------------------------------------


def test_charts_run_to_the_period_end_with_pace_and_titles(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "objectives/lane-margins/")
        chart = page.locator("svg.okr-chart").first
        titles = chart.locator("circle title").all_text_contents()
        assert titles[0].startswith("start: ") and len(titles) >= 3
        assert all(re.match(r"\d{4}-\d{2}-\d{2}: ", t) for t in titles[1:]), titles
        axis = chart.locator(".okr-chart__axis text").all_text_contents()
        assert "Dec 31" in axis and any(t.endswith(" 2026") for t in axis)
        assert chart.locator(".okr-chart__pace").count() == 1
        assert re.search(r"okr-s--\w+", chart.get_attribute("class") or "")


def test_chart_text_is_readable_on_a_phone(browser: Any, example: str) -> None:
    with watched_tab(browser, example, VIEWPORTS["phone"]) as page:
        open_page(page, example + "objectives/lane-margins/")
        sizes = page.evaluate("""() =>
          [...document.querySelectorAll('svg.okr-chart text')].map(t => {
            const svg = t.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(t).fontSize) * scale; })""")
        assert sizes and min(sizes) >= MIN_CHART_TEXT, sizes


@pytest.mark.parametrize("url", ["kpis/platform-uptime/", "kpis/damage-rate/",
                                 "objectives/reliable-platform/"])
def test_chart_axis_text_stays_inside_the_chart_on_a_phone(browser: Any, example: str,
                                                           url: str) -> None:
    """Value labels (``99.95``, ``2,500``) and the unit (``%``, ``claims per 1,000 shipments``)
    are drawn inside the chart's own box at the phone's doubled text size, as the browser lays
    them out."""
    with watched_tab(browser, example, VIEWPORTS["phone"]) as page:
        open_page(page, example + url)
        outside = page.evaluate("""() =>
          [...document.querySelectorAll('svg.okr-chart')].flatMap(svg => {
            const view = svg.viewBox.baseVal;
            return [...svg.querySelectorAll('.okr-chart__axis text')].filter(t => {
              const b = t.getBBox();
              return b.x < view.x || b.y < view.y || b.x + b.width > view.x + view.width
                || b.y + b.height > view.y + view.height; })
            .map(t => [t.textContent, t.getBBox().x, t.getBBox().y]); })""")
        units = page.locator("svg.okr-chart .okr-chart__unit").count()
    assert units >= 1
    assert outside == [], outside


# --- 500 units ----------------------------------------------------------------------------------


@pytest.mark.parametrize("device", list(VIEWPORTS))
@pytest.mark.parametrize("url", ["alignment/", "attention/"])
def test_big_pages_open_at_most_six_screens_tall(browser: Any, big: str, url: str,
                                                 device: str) -> None:
    with watched_tab(browser, big, VIEWPORTS[device]) as page:
        open_page(page, big + url)
        height = page_height(page)
        screenshot(page, f"big-{url.strip('/')}-{device}", full_page=False)
    assert height <= SCREENS * VIEWPORTS[device]["height"], height


def test_big_pages_keep_every_objective(browser: Any, big: str, big_goals: Path) -> None:
    found = scored(big_goals, AS_OF, use_git=False)
    view = View(found.goals, found.card)
    counted = {o.id for o in found.goals.objectives if o.id in found.card.counted and not o.private}
    listed = sum(len(items) for items in concerns(view, found.goals.objectives).values())
    with watched_tab(browser, big, DESKTOP) as page:
        open_page(page, big + "alignment/")
        links = set(page.evaluate("""() => [...document.querySelectorAll('li[data-u] > div > a')]
            .map(a => a.getAttribute('href').split('/').slice(-2)[0])"""))
        assert counted <= links
        sync_api.expect(page.locator("#unaligned-title")).to_contain_text(
            "Not aligned to a company objective")
        open_page(page, big + "attention/")
        objective_rows = "table.okr-attn:not(.okr-attn--kpis) tbody tr"
        assert page.locator(objective_rows).count() == listed
        open_page(page, big)
        assert "Not aligned to a company objective" in page.locator("#unaligned").inner_text()


def test_big_filter_finds_a_team_inside_closed_rows(browser: Any, big: str) -> None:
    with watched_tab(browser, big, DESKTOP) as page:
        open_page(page, big + "alignment/?unit=team-01-03")
        rows = page.evaluate("""() => [...document.querySelectorAll('li[data-u]')]
            .filter(li => li.firstElementChild.checkVisibility()
                          && !li.classList.contains('okr-context'))
            .map(li => li.dataset.u)""")
        assert rows and set(rows) == {"team-01-03"}
        assert page_height(page) <= SCREENS * VIEWPORTS["desktop"]["height"]


# --- the example's own pages, 404 ---------------------------------------------------------------


def test_the_example_publishes_the_companys_pages_only(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example)
        nav = page.locator("nav.md-nav--primary").inner_text()
        assert "How we use OKRs" in nav
        assert "goal format" not in nav and "git workflow" not in nav
        assert page.goto(example + "format/").status == 404


def test_the_404_page_helps(browser: Any, example: str) -> None:
    with watched_tab(browser, example, DESKTOP) as page:
        open_page(page, example + "404.html")
        article = page.locator("article")
        sync_api.expect(article.locator("h1")).to_have_text("There is no page here")
        for name in ("Home", "Alignment", "Units", "KPIs"):
            assert article.get_by_role("link", name=name).count() == 1
        assert "search" in article.inner_text()


# --- snapshots ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """2026-Q3 and 2026-Q4 (``latest``) published with mike, served from the pages branch."""
    repo = GitRepo(tmp_path_factory.mktemp("snapshots") / "repo")
    (repo.root / ".gitignore").write_text(".okrsite/\n")
    repo.commit("2026-09-15")
    assert invoke_in(repo.root, "publish", "2026-Q3")[0] == 0
    repo.edit("sales/win.md", "current: 4", "current: 8")
    repo.commit("2026-11-02")
    assert invoke_in(repo.root, "publish", "2026-Q4", "--alias", "latest", "--set-default",
                     "--as-of", "2026-11-20")[0] == 0
    served = repo.root.parent / "served"
    served.mkdir()
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo.root, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(served)], input=archive, check=True)
    with serve(served) as url:
        yield url
    shutil.rmtree(served)


def switch_version(page: Any, version: str) -> None:
    """Open Material's version menu (it opens on focus) and pick ``version``."""
    page.locator(".md-version__current").focus()
    page.locator(".md-version__link", has_text=version).first.click()
    page.wait_for_url(re.compile(f"/{re.escape(version)}/"))
    page.wait_for_load_state("networkidle")


def test_the_version_switch_keeps_the_page(browser: Any, snapshots: str) -> None:
    with watched_tab(browser, snapshots, DESKTOP,
                     allowed_errors=[MATERIAL_OUTDATED_ERROR]) as page:
        open_page(page, snapshots + "2026-Q4/objectives/win-mid-market/")
        sync_api.expect(page.locator(".md-version__current")).to_contain_text("2026-Q4")
        assert page.locator(".md-version__alias", has_text="latest").count() >= 1
        assert page.locator("[data-md-component=outdated]").is_hidden()
        assert not blocking(axe(page))
        switch_version(page, "2026-Q3")
        assert page.url == snapshots + "2026-Q3/objectives/win-mid-market/"
        banner = page.locator("[data-md-component=outdated]")
        sync_api.expect(banner).to_be_visible()
        sync_api.expect(banner).to_contain_text("2026-Q3, as of 2026-09-30")
        link = banner.get_by_role("link", name="Go to the latest snapshot")
        sync_api.expect(link).to_have_attribute(
            "href", snapshots + "2026-Q4/objectives/win-mid-market/")
        screenshot(page, "snapshot-outdated", full_page=False)
        assert not blocking(axe(page))
        switch_version(page, "2026-Q4")
        assert page.url == snapshots + "2026-Q4/objectives/win-mid-market/"
