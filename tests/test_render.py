"""Stage 5: page content, badges, charts and goal bodies, without any site engine."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from okrsite.build import read_goals
from okrsite.compiled import TemplateCache
from okrsite.model import Goals, KeyResult, Kpi, Objective, Org, Period, Point, Unit
from okrsite.render import environment, inert, number, one_line, render, safe_title
from okrsite.render.badges import LABEL_FILL, STATUS_FILL, TEXT_FILL, badge_svg
from okrsite.render.charts import trend_chart
from okrsite.render.markdown import is_safe_link, render_body
from okrsite.render.pages import (
    NAV_UNIT_BUDGET,
    NavItem,
    index_pages,
    navigation,
    render_pages,
    render_site,
)
from okrsite.render.trees import flatten
from okrsite.render.view import View
from okrsite.score import Scorecard, score_goals, status_of
from okrsite.vocabulary import STATUS_WORDS, percent

FIXTURES = Path(__file__).parent / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"


# --- goal bodies ---------------------------------------------------------------------------------

BODIES = [
    # (Markdown, what the HTML must contain, what it must not contain)
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=", "<img"),
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))", "href"),
    ("[x](JaVaScRiPt:alert(1))", "[x](JaVaScRiPt:alert(1))", "href"),
    ("[x](vbscript:msgbox(1))", "[x](vbscript:msgbox(1))", "href"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](data:text/html", "href"),
    ("[x](data:image/png;base64,AAAA)", "[x](data:image/png", "href"),
    ("[x](file:///etc/passwd)", "[x](file:///etc/passwd)", "href"),
    ("[ok](https://example.com/a?b=1)", '<a href="https://example.com/a?b=1">ok</a>', "<img"),
    ("[rel](../other/)", '<a href="../other/">rel</a>', "<img"),
    ("[mail](mailto:a@example.com)", '<a href="mailto:a@example.com">mail</a>', "<img"),
    ("![px](https://t.example/p.png)", '<a href="https://t.example/p.png">px</a>', "<img"),
    ("# Heading", "<h3>Heading</h3>", "<h1"),
    ("#### Deep", "<h6>Deep</h6>", "<h4"),
    ("para\n{: onclick=alert(1) }", "&#123;: onclick=alert(1) &#125;</p>", "<p onclick"),
    ('--8<-- "/etc/passwd"', "--8&lt;-- &quot;/etc/passwd&quot;", "root:"),
    ("{{ 7*7 }} {% if x %}", "&#123;&#123; 7*7 &#125;&#125; &#123;% if x %&#125;", "49"),
    ("```\n<b>\n```", "<pre><code>&lt;b&gt;&#10;</code></pre>", "<b>"),
    ("a\n\nb", "<p>a</p>&#10;<p>b</p>", "\n"),
    ("www.example.com", "www.example.com", "href"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "present", "absent"), BODIES)
def test_bodies_render_safely(source: str, present: str, absent: str) -> None:
    html = render_body(source)
    assert present in html
    assert absent not in html
    assert "\n" not in html and "{" not in html and "}" not in html


def test_an_empty_body_renders_nothing() -> None:
    assert render_body("  \n\n") == ""


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.example", True),
        ("http://a.example", True),
        ("mailto:x@y.z", True),
        ("relative/path", True),
        ("#anchor", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:image/png;base64,AA", False),
        ("ftp://a.example", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_plain_links_are_kept(url: str, safe: bool) -> None:
    assert is_safe_link(url) is safe


@given(st.text(max_size=300))
def test_any_body_is_inert(text: str) -> None:
    html = render_body(text)
    assert "\n" not in html and "{" not in html and "}" not in html
    assert "<script" not in html.lower()
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html, re.I)


# --- titles and values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "safe"),
    [
        ("Grow revenue", "Grow revenue"),
        ("<script>x</script>", "‹script›x‹/script›"),
        ("&lt;b&gt; R&D", "＆lt;b＆gt; R＆D"),
        ("People & Culture", "People & Culture"),
        ("{{ 7*7 }}", "(( 7*7 ))"),
        ('say "hi"\n\tnow', "say ”hi” now"),
        ("   ", "Untitled"),
    ],
)
def test_safe_titles(title: str, safe: str) -> None:
    assert safe_title(title) == safe


@given(st.text(max_size=200))
def test_safe_titles_never_carry_markup(text: str) -> None:
    title = safe_title(text)
    assert not set("<>\"'{}`\\") & set(title)
    assert not re.search(r"&[#A-Za-z]", title)
    assert "\n" not in title


def test_values_written_by_templates_are_inert() -> None:
    assert inert("a\n{b}<c>") == "a&#10;&#123;b&#125;&lt;c&gt;"
    assert inert(None) == ""
    assert inert(12.5) == "12.5"
    assert one_line("<p>\n  a\n</p>\n") == "<p> a </p>"


@pytest.mark.parametrize(
    "value",
    ["plain", "a\n{b}<c>", "<b>&", "{{ 7*7 }}", "\r", Markup("<i>{kept}</i>"), None, 3, 12.5,
     True, date(2026, 11, 20)],
)  # fmt: skip
def test_every_template_value_is_written_inert(value: object) -> None:
    assert environment().from_string("{{ value }}").render(value=value) == inert(value)


def test_templates_never_evaluate_their_values() -> None:
    rendered = render("search.html", lead="{{ 7*7 }}", sections=[], body="")
    assert "49" not in rendered and "&#123;&#123; 7*7 &#125;&#125;" in rendered


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(14.0, None, "14"), (12.345, None, "12.35"), (1234567, "EUR", "1,234,567 EUR"),
     (0.25, "%", "0.25 %"), (None, None, "–"), (-3.5, None, "-3.5")],
)  # fmt: skip
def test_numbers(value: float | None, unit: str | None, text: str) -> None:
    assert number(value, unit) == text


def test_percentages() -> None:
    assert [percent(s) for s in (0, 0.456, 1, None)] == ["0%", "46%", "100%", "–"]


# --- badges --------------------------------------------------------------------------------------


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("fill", [LABEL_FILL, *STATUS_FILL.values()])
def test_badge_colours_meet_wcag_aa(fill: str) -> None:
    assert contrast(TEXT_FILL, fill) >= 4.5


@pytest.mark.parametrize(
    ("score", "status", "texts"),
    [
        (0.62, "on_track", ["62%", "on track"]),
        (0.3, "at_risk", ["30%", "at risk"]),
        (0.0, "off_track", ["0%", "off track"]),
        (0.0, "not_started", ["0%", "not started"]),
        (1.0, "on_track", ["100%", "on track"]),
    ],
)
def test_badges_say_score_and_status_in_words(score: float, status: str, texts: list[str]) -> None:
    svg = ElementTree.fromstring(badge_svg(score, status))
    assert [t.text for t in svg.iter(f"{SVG}text")] == texts
    assert svg.get("aria-label") == f"Score {texts[0]}, {texts[1]}"
    fills = {r.get("fill") for r in svg.iter(f"{SVG}rect")}
    assert STATUS_FILL[status] in fills
    width = int(svg.get("width") or 0)
    assert sum(int(r.get("width") or 0) for r in svg.iter(f"{SVG}rect") if r.get("fill")) == width


# --- charts --------------------------------------------------------------------------------------


def points(*values: float) -> list[Point]:
    return [Point(date(2026, 10, 1 + 7 * i), v) for i, v in enumerate(values)]


def test_a_chart_needs_two_points() -> None:
    assert trend_chart(points(3), title="x") is None


def test_charts_draw_values_and_a_target_line() -> None:
    chart = trend_chart(points(10, 11, 12.5), title="ARR <b>", unit="M EUR", target=14)
    assert chart is not None
    svg = ElementTree.fromstring(str(chart))
    label = svg.get("aria-label") or ""
    assert label.startswith("ARR <b>: 3 values from 2026-10-01 to 2026-10-15, latest 12.5 M EUR")
    assert label.endswith("target 14 M EUR")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "target 14" in texts and "Oct 1" in texts and "Oct 15" in texts
    line = next(p for p in svg.iter(f"{SVG}path") if p.get("class") == "okr-chart__line")
    assert (line.get("d") or "").count("L") == 2
    assert "<b>" not in str(chart)


def test_charts_show_thresholds() -> None:
    chart = trend_chart(points(30, 40), title="NPS", thresholds=[("green", "healthy ≥", 45)])
    assert chart is not None and "healthy ≥ 45" in chart


# --- whole sites ---------------------------------------------------------------------------------


def fixture_site(name: str):
    goals = read_goals(FIXTURES / name / "goals")
    card = score_goals(goals, date(2026, 11, 20))
    return goals, card, render_site(goals, card)


@pytest.mark.parametrize("name", ["site", "hostile", "private"])
def test_rendered_pages_are_one_inert_line(name: str) -> None:
    _, _, content = fixture_site(name)
    for page in content.pages:
        for html in (page.html, page.summary):
            assert "\n" not in html and "{" not in html and "}" not in html
        assert not set("<>\"'{}") & set(page.title)
        assert not re.search(r"&[#A-Za-z]", page.title)


def test_private_goals_are_not_rendered() -> None:
    goals, _, content = fixture_site("private")
    text = " ".join([*(p.html + p.summary + p.title for p in content.pages), *content.files])
    text += b"".join(content.files.values()).decode()
    assert "zq9canary" not in text.lower()
    public = {f"objectives/{o.id}/" for o in goals.objectives if not o.private}
    assert public <= {p.url for p in content.pages}


def test_the_nav_holds_units_not_objectives() -> None:
    _, _, content = fixture_site("site")
    titles = [item.title for item in content.nav]
    assert titles == ["Home", "Updates", "Attention", "Alignment", "Units", "KPIs", "Tags"]
    urls = {item.url for item in walk(content.nav)}
    assert not any(url.startswith("objectives/") for url in urls)
    assert {"units/acme/", "units/sales/", "units/emea/", "units/eng/"} <= urls


def walk(items: tuple[NavItem, ...]) -> list[NavItem]:
    return [entry for item in items for entry in (item, *walk(item.children))]


def big_org(departments: int, teams: int) -> View:
    units = [Unit("top", "Top")]
    for d in range(departments):
        units.append(Unit(f"d{d}", f"Department {d}", parent="top"))
        units += [Unit(f"d{d}-t{t}", f"Team {t}", parent=f"d{d}") for t in range(teams)]
    period = Period("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    goals = Goals(Org("Big", tuple(units), (period,)), (), ())
    return View(goals, Scorecard(date(2026, 11, 20), period, {}, {}, {}))


@pytest.mark.parametrize(("departments", "teams"), [(5, 3), (20, 20), (45, 45), (200, 2)])
def test_the_nav_stays_bounded_as_the_org_grows(departments: int, teams: int) -> None:
    nav = navigation(big_org(departments, teams))
    units = [i for i in walk(nav) if i.url.startswith("units/") and i.url != "units/"]
    assert len(units) <= max(NAV_UNIT_BUDGET, 1 + departments)
    assert units[0].url == "units/top/"
    if 1 + departments + departments * teams <= NAV_UNIT_BUDGET:
        assert len(units) == 1 + departments + departments * teams


def test_forked_rendering_gives_the_same_pages() -> None:
    goals = read_goals(FIXTURES / "site" / "goals")
    card = score_goals(goals, date(2026, 11, 20))
    serial = render_pages(View(goals, card), fork_from=10**9)
    side_by_side = render_pages(View(goals, card), fork_from=1)  # forks where it is safe
    assert side_by_side == serial


# --- one status rule -----------------------------------------------------------------------------

Q4 = Period("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))


def one_metric(start: float, target: float, current: float) -> Goals:
    kr = KeyResult(
        "kr1", "Move the metric", start=float(start), target=float(target), current=float(current)
    )
    objective = Objective("move", "Move the metric", "team", Q4.id, (kr,))
    return Goals(Org("Org", (Unit("team", "Team"),), (Q4,)), (objective,), ())


@pytest.mark.parametrize(
    ("start", "target", "current", "as_of", "status"),
    [
        (2, 5, 4.1, Q4.end, "on_track"),  # 0.7 on paper, 0.6999999999999998 in floats
        (99.66, 99.86, 99.74, Q4.end, "at_risk"),  # 0.4 on paper, 0.3999999999999858 in floats
        (2, 5, 4.0, Q4.end, "at_risk"),
        (0, 10, 3, Q4.end, "off_track"),
        (0, 10, 10, Q4.end, "on_track"),
        (0, 10, 4, date(2026, 11, 15), "on_track"),  # 0.4 at about half of the period
        (0, 10, 4, date(2026, 9, 30), "not_started"),
    ],
)
def test_a_key_result_bar_and_its_objective_share_one_status_rule(
    start: float, target: float, current: float, as_of: date, status: str
) -> None:
    """One key result: its bar, its objective's chip and scoring's status rule agree."""
    goals = one_metric(start, target, current)
    card = score_goals(goals, as_of)
    result = card.objectives["move"]
    kr = result.key_results["kr1"]
    assert kr.status == result.status == status
    assert status_of(kr.score, result.expected, goals.org.scoring) == status
    pages = {p.url: p for p in render_site(goals, card).pages}
    objective = pages["objectives/move/"].html
    assert objective.count(f'class="okr-bar okr-s--{status}"') == 1
    assert f'class="okr-chip okr-s--{status}">{percent(result.score)} {STATUS_WORDS[status]}<' in (
        objective
    )
    unit = pages["units/team/"].html
    assert "okr-bar okr-s--" in unit and set(re.findall(r"okr-bar okr-s--(\w+)", unit)) == {status}


def test_a_kpi_with_no_value_yet_at_the_as_of_date_renders() -> None:
    kpi = Kpi("nps", "NPS", "team", "higher_is_better", (Point(date(2026, 12, 1), 40.0),))
    goals = Goals(one_metric(0, 10, 4).org, (), (kpi,))
    card = score_goals(goals, date(2026, 11, 20))
    assert card.kpis["nps"].latest is None
    content = render_site(goals, card)
    pages = {p.url: p for p in content.pages}
    assert "<dt>Latest</dt><dd>–</dd>" in pages["kpis/nps/"].html
    assert "latest –" in pages["kpis/nps/"].summary
    assert b'"latest":null' in content.files["api/okrs.json"]


# --- format 1.1: links, the updates window, privacy of references ------------------------------


@pytest.mark.parametrize(
    ("url", "root", "href"),
    [
        ("https://a.example/x?y=1", "../../", "https://a.example/x?y=1"),
        ("mailto:a@example.com", "../../", "mailto:a@example.com"),
        ("/handbook/strategy/", "../../", "../../handbook/strategy/"),
        ("/handbook/", "", "handbook/"),
        ("/a/../b/", "../../", None),
        ("//evil.example/", "../../", None),
        ("javascript:alert(1)", "../../", None),
        ("JAVASCRIPT:alert(1)", "", None),
        ("data:text/html,x", "", None),
        ("relative/path", "", None),
        ("https://a.example/\\x", "", None),
        ("https://a.example/ x", "", None),
    ],
)
def test_goal_links_become_safe_hrefs(url: str, root: str, href: str | None) -> None:
    from okrsite.render.published import link_href

    assert link_href(url, root) == href


def checkins_at(*days: date) -> Goals:
    from okrsite.model import Checkin

    history = tuple(Checkin(day, float(i + 1)) for i, day in enumerate(days))
    kr = KeyResult("kr1", "Move it", start=0.0, target=10.0, history=history)
    secret = KeyResult("kr2", "Secret", start=0.0, target=10.0, private=True, history=history)
    objective = Objective("move", "Move it", "team", Q4.id, (kr, secret))
    hidden = Objective("hidden", "Hidden", "team", Q4.id, (kr,), private=True)
    return Goals(Org("Org", (Unit("team", "Team"),), (Q4,)), (objective, hidden), ())


def test_the_updates_cover_the_as_of_day_and_the_27_before_it() -> None:
    from okrsite.render.updates import recent_updates

    as_of = date(2026, 11, 28)
    goals = checkins_at(date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 28),
                        date(2026, 11, 29))
    updates = recent_updates(goals, score_goals(goals, as_of))
    assert [(u.objective.id, u.kr.id, u.date.isoformat(), u.change) for u in updates] == [
        ("move", "kr1", "2026-11-28", "2 → 3"),  # the 2026-11-29 one is after the as-of date
        ("move", "kr1", "2026-11-01", "1 → 2"),  # the previous value, though outside the window
    ]


def test_a_first_check_in_changes_a_metric_from_its_start() -> None:
    from okrsite.render.updates import recent_updates

    goals = checkins_at(date(2026, 11, 10))
    (update,) = recent_updates(goals, score_goals(goals, date(2026, 11, 20)))
    assert update.change == "0 → 1"
    assert update.key == ("move", "kr1", "2026-11-10")


def test_a_parent_naming_a_private_key_result_is_published_as_the_objective() -> None:
    from okrsite.render.published import published_parent

    goals = checkins_at()
    child = Objective("child", "Child", "team", Q4.id, (), parent="move", parent_kr="kr2")
    public = Objective("other", "Other", "team", Q4.id, (), parent="move", parent_kr="kr1")
    under_hidden = Objective("under", "Under", "team", Q4.id, (), parent="hidden")
    goals = Goals(goals.org, (*goals.objectives, child, public, under_hidden), ())
    assert published_parent(goals, child) == "move"
    assert published_parent(goals, public) == "move#kr1"
    assert published_parent(goals, under_hidden) is None
    view = View(goals, score_goals(goals, date(2026, 11, 20)))
    assert view.via_kr(child) is None and view.via_kr(public) == "Move it"
    assert [kv.kr.id for kv in view.key_results(goals.objective_by_id["move"])] == ["kr1"]
    assert view.hidden_key_results(goals.objective_by_id["move"]) == 1


# --- trees as flat rows --------------------------------------------------------------------------


def test_a_tree_flattens_into_rows_that_open_and_close_its_levels() -> None:
    tree = {"a": ["b", "e"], "b": ["c", "d"]}
    rows = flatten(["a", "f"], lambda item: tree.get(item, []))
    assert [(r.item, r.depth, r.parent, r.closes) for r in rows] == [
        ("a", 0, True, 0), ("b", 1, True, 0), ("c", 2, False, 0), ("d", 2, False, 1),
        ("e", 1, False, 1), ("f", 0, False, 0),
    ]  # fmt: skip


def test_flattening_a_tree_needs_no_recursion_however_deep() -> None:
    depth = 50_000  # fifty times Python's default recursion limit
    rows = flatten([0], lambda i: [i + 1] if i + 1 < depth else [])
    assert [r.depth for r in rows] == list(range(depth))
    assert [r.parent for r in rows] == [True] * (depth - 1) + [False]
    assert rows[-1].closes == depth - 1  # the last row ends every list above it


NBSP = "\u00a0"
"""What the unit filter indents a sub-unit's name with, two per level."""


class NestedLists(HTMLParser):
    """The ``<li>`` items of a page's nested lists, each named by its first link, with the item
    it is nested in; every end tag must close the element open last."""

    VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.open: list[str] = []
        self.items: list[str | None] = []
        self.parents: dict[str, str | None] = {}
        self.depths: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.open.append(tag)
        if tag == "li":
            self.items.append(None)
        href = dict(attrs).get("href") or ""
        if tag == "a" and self.prefix in href and self.items and self.items[-1] is None:
            name = href.split(self.prefix)[1].strip("/")
            self.items[-1] = name
            self.parents[name] = self.items[-2] if len(self.items) > 1 else None
            self.depths[name] = len(self.items) - 1

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()
        if tag == "li":
            self.items.pop()


def nested_lists(html: str, prefix: str) -> NestedLists:
    parser = NestedLists(prefix)
    parser.feed(html)
    parser.close()
    assert parser.open == []
    return parser


def tree_goals(objectives: list[tuple[str, str, str | None]], units: list[Unit]) -> View:
    """A view of objectives ``(id, owner, parent)`` (``parent`` may be ``obj#kr``) in Q4."""
    kr = KeyResult("k", "Key result", start=0.0, target=10.0, current=5.0)
    made = []
    for id_, owner, parent in objectives:
        above, _, kr_id = (parent or "").partition("#")
        made.append(Objective(id_, f"Objective {id_}", owner, Q4.id, (kr,), parent=above or None,
                              parent_kr=kr_id or None))
    goals = Goals(Org("Org", tuple(units), (Q4,)), tuple(made), ())
    return View(goals, score_goals(goals, date(2026, 11, 20)))


def test_the_alignment_and_units_pages_nest_their_lists_as_the_trees_do() -> None:
    units = [Unit("org", "Org"), Unit("ops", "Ops", parent="org"),
             Unit("team", "Team", parent="ops"), Unit("lab", "Lab", parent="org")]
    view = tree_goals(
        [("a", "org", None), ("b", "ops", "a"), ("c", "team", "b"), ("d", "team", "b#k"),
         ("e", "lab", "a"), ("f", "org", None), ("g", "team", None), ("h", "team", "g")],
        units,
    )  # fmt: skip
    pages = {page.url: page.html for page in index_pages(view)}
    alignment = nested_lists(pages["alignment/"], "objectives/")
    assert list(alignment.parents) == ["a", "b", "c", "d", "e", "f", "g", "h"]  # document order
    assert alignment.parents == {"a": None, "b": "a", "c": "b", "d": "b", "e": "a", "f": None,
                                 "g": None, "h": "g"}  # fmt: skip
    assert pages["alignment/"].count("<details open>") == 1  # only the company objective a
    unit_tree = nested_lists(pages["units/"], "units/")
    assert unit_tree.parents == {"org": None, "ops": "org", "team": "ops", "lab": "org"}
    for depth, unit in [(0, "Org"), (1, "Ops"), (2, "Team"), (1, "Lab")]:  # the unit filter
        assert f'">{NBSP * 2 * depth}{unit}</option>' in pages["alignment/"]


def test_trees_deeper_than_the_recursion_limit_render_as_nested_lists() -> None:
    depth = 1200
    units = [Unit("u0", "Unit 0"), *(Unit(f"u{i}", f"Unit {i}", parent=f"u{i - 1}")
                                     for i in range(1, depth))]
    view = tree_goals([(f"o{i}", f"u{i}", f"o{i - 1}" if i else None) for i in range(depth)], units)
    pages = {page.url: page.html for page in index_pages(view)}
    alignment = nested_lists(pages["alignment/"], "objectives/")
    assert alignment.depths == {f"o{i}": i for i in range(depth)}
    assert alignment.parents[f"o{depth - 1}"] == f"o{depth - 2}"
    unit_tree = nested_lists(pages["units/"], "units/")
    assert unit_tree.depths == {f"u{i}": i for i in range(depth)}
    last = f'">{NBSP * 2 * (depth - 1)}Unit {depth - 1}</option>'
    assert last in pages["alignment/"] and last in pages["attention/"]


# --- chart labels: none overlaps another at the phone size ---------------------------------------

CSS = Path(__file__).parent.parent / "docs_theme" / "okrsite.css"
CHART_TEXT_SIZES = [float(size) for size in re.findall(
    r"\.okr-chart text \{ font-size: (\d+(?:\.\d+)?)px", CSS.read_text(encoding="utf-8"))]
PHONE_FONT = max(CHART_TEXT_SIZES)
"""The size chart text is drawn at on phones, in chart units: the stylesheet's largest."""
Box = tuple[float, float, float, float]


def text_box(text: ElementTree.Element) -> Box:
    """Where a label's glyphs reach at phone size: about 0.55 of the font size per character
    (Chromium's widest is 0.51), 0.9 of it above the baseline and 0.22 below."""
    width = len("".join(text.itertext())) * 0.55 * PHONE_FONT
    x, y = float(text.get("x") or 0), float(text.get("y") or 0)
    anchor = text.get("text-anchor") or "start"
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.9 * PHONE_FONT, left + width, y + 0.22 * PHONE_FONT


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def chart_labels(chart: Markup | None) -> dict[str, Box]:
    """The boxes of a chart's labels (every text but the axes': rules, pace, "today") and of
    its start value's circle, by text."""
    assert chart is not None
    svg = ElementTree.fromstring(str(chart))
    axes = {t for g in svg.iter(f"{SVG}g") if g.get("class") == "okr-chart__axis"
            for t in g.iter(f"{SVG}text")}
    boxes = {"".join(t.itertext()): text_box(t) for t in svg.iter(f"{SVG}text") if t not in axes}
    for circle in svg.iter(f"{SVG}circle"):
        if "okr-chart__dot--start" in (circle.get("class") or ""):
            x, y, r = (float(circle.get(k) or 0) for k in ("cx", "cy", "r"))
            boxes["start value"] = (x - r, y - r, x + r, y + r)
    return boxes


def overlapping(boxes: dict[str, Box]) -> list[tuple[str, str]]:
    names = list(boxes)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if overlap(boxes[a], boxes[b])]


def path_crosses(chart: Markup | None, css_class: str, box: Box) -> bool:
    """Whether the straight segments of the chart's path of ``css_class`` pass through ``box``
    (sampled every 1/400 of each segment)."""
    svg = ElementTree.fromstring(str(chart))
    path = next(p for p in svg.iter(f"{SVG}path") if p.get("class") == css_class)
    corners = [tuple(map(float, pair)) for pair in
               re.findall(r"(-?[\d.]+)[ ,](-?[\d.]+)", path.get("d") or "")]
    return any(
        box[0] < x0 + (x1 - x0) * i / 400 < box[2] and box[1] < y0 + (y1 - y0) * i / 400 < box[3]
        for k in range(len(corners) - 1)
        for (x0, y0), (x1, y1) in [(corners[k], corners[k + 1])]
        for i in range(401)
    )


def monthly(*values: float) -> list[Point]:
    return [Point(date.fromordinal(date(2026, 1, 28).toordinal() + 30 * i), v)
            for i, v in enumerate(values)]


def test_the_phone_doubles_chart_text() -> None:
    assert CHART_TEXT_SIZES == [12, 24]


def test_a_target_on_a_threshold_and_a_warning_get_labels_apart() -> None:
    chart = trend_chart(monthly(6.8, 6.1, 5.9, 5.2, 4.4, 3.6), title="First response", unit="h",
                        target=2, thresholds=[("green", "healthy ≤", 2), ("amber", "warning ≤", 4)])
    boxes = chart_labels(chart)
    assert set(boxes) == {"target 2 · healthy ≤ 2", "warning ≤ 4"}  # one line for two close rules
    assert overlapping(boxes) == []


@pytest.mark.parametrize("target, green, amber", [
    (99.95, 99.9, 99.5),  # close together along the top of the chart
    (96, 95, 92),
    (14, 13, 12),  # three rules, one step apart
    (100, 99.99, 99.98),  # three rules on one line: too wide for one line at phone size
])  # fmt: skip
def test_close_rules_get_labels_that_do_not_overlap(target: float, green: float,
                                                    amber: float) -> None:
    values = [amber - 0.3, green - 0.1, amber, target - 0.02, green]
    chart = trend_chart(monthly(*values), title="Uptime", unit="%", target=target,
                        thresholds=[("green", "healthy ≥", green), ("amber", "warning ≥", amber)])
    boxes = chart_labels(chart)
    assert len(boxes) >= 2 and overlapping(boxes) == []
    assert all(left >= 0 and right <= 640 and top >= 0 and bottom <= 200
               for left, top, right, bottom in boxes.values()), boxes


def key_result_chart(start: float, target: float, *values: float) -> Markup | None:
    period = (date(2026, 10, 1), date(2026, 12, 31))
    days = [date.fromordinal(period[0].toordinal() + 7 + 9 * i) for i in range(len(values))]
    dated = [Point(period[0], start), *map(Point, days, values)]
    return trend_chart(dated, title="Uptime", unit="%", target=target, span=period,
                       pace=(Point(period[0], start), Point(period[1], target)),
                       status="on_track", today=date(2026, 11, 20), starts_at_start=True)


@pytest.mark.parametrize("start, target, values", [
    (99.7, 99.95, (99.91, 99.91)),  # rising: the pace line ends at the target, top right
    (2400, 1200, (2100, 1650)),  # falling: it ends at the target, bottom right
    (1.6, 0.9, (1.8, 1.5, 1.4, 1.5, 1.3)),  # values hugging the pace line
    (20, 40, (24, 27, 31)),  # the target along the top, "today" above it
])  # fmt: skip
def test_key_result_charts_keep_the_pace_line_and_its_label_off_the_other_labels(
    start: float, target: float, values: tuple[float, ...]
) -> None:
    chart = key_result_chart(start, target, *values)
    boxes = chart_labels(chart)
    target_label = f"target {number(target)}"
    assert {target_label, "expected pace", "today", "start value"} <= set(boxes)
    assert overlapping(boxes) == []
    assert not path_crosses(chart, "okr-chart__pace", boxes[target_label])
    assert boxes[target_label][0] < 320  # at the left end, where the pace is at the start


@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=12),
    st.floats(0, 100), st.floats(0, 100), st.floats(0, 100),
)
def test_kpi_chart_labels_never_overlap(values: list[float], target: float, green: float,
                                        amber: float) -> None:
    chart = trend_chart(monthly(*values), title="KPI", target=target,
                        thresholds=[("green", "healthy ≥", green), ("amber", "warning ≥", amber)])
    assert overlapping(chart_labels(chart)) == []


@given(
    st.floats(0, 100), st.floats(0, 100),
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=5),
)
def test_key_result_chart_labels_never_overlap(start: float, target: float,
                                               values: list[float]) -> None:
    if number(start) == number(target):
        return
    assert overlapping(chart_labels(key_result_chart(start, target, *values))) == []


def test_templates_count_with_one_plural_rule() -> None:
    template = environment().from_string(
        '{{ 1 | plural("day") }}, {{ 0 | plural("KPI") }}, {{ 2 | plural("person", "people") }}')
    assert template.render() == "1 day, 0 KPIs, 2 people"


def axis_boxes(chart: Markup | None) -> dict[str, Box]:
    """The boxes of a chart's axis texts (value and date labels, the unit), by text."""
    assert chart is not None
    svg = ElementTree.fromstring(str(chart))
    return {"".join(t.itertext()): text_box(t) for g in svg.iter(f"{SVG}g")
            if g.get("class") == "okr-chart__axis" for t in g.iter(f"{SVG}text")}


@pytest.mark.parametrize("unit, values", [
    ("hours", (2400, 1900, 2500, 2100)),  # wide values: "2,500"
    ("%", (99.91, 99.95, 99.93)),  # "99.95"
    ("M EUR", (10.8, 12.4, 12.9)),
    ("ZQ units per shipment", (1_250_000, 1_400_000, 1_320_000)),  # "1,400,000", a long unit
])  # fmt: skip
def test_axis_labels_and_the_unit_stay_inside_the_chart_at_phone_size(
    unit: str, values: tuple[float, ...]
) -> None:
    period = (date(2026, 10, 1), date(2026, 12, 31))
    days = [date(2026, 10, 1 + 9 * i) for i in range(len(values))]
    chart = trend_chart(list(map(Point, days, values)), title="T", unit=unit, span=period,
                        today=date(2026, 10, 25))
    boxes = axis_boxes(chart)
    assert unit in boxes
    assert all(left >= 0 and top >= 0 and right <= 640 and bottom <= 200
               for left, top, right, bottom in boxes.values()), boxes
    assert [name for name in boxes if name != unit and overlap(boxes[name], boxes[unit])] == []
    today = chart_labels(chart)["today"]
    assert not overlap(today, boxes[unit]) and today[1] >= -1


def test_narrow_value_labels_keep_the_narrow_left_margin() -> None:
    chart = trend_chart(monthly(11, 12, 13.4), title="T", unit="M EUR", target=14)
    svg = ElementTree.fromstring(str(chart))
    grid = next(p for p in svg.iter(f"{SVG}path") if p.get("class") == "okr-chart__grid")
    assert (grid.get("d") or "").startswith("M56 ")


# --- compiled templates kept between runs ---------------------------------------------------------


def test_compiled_templates_are_kept_in_the_cache_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    loader = jinja2.DictLoader({"page.html": "<p>{{ title }}</p>"})
    first = jinja2.Environment(loader=loader, autoescape=True,
                               bytecode_cache=TemplateCache(str(folder)))
    assert first.get_template("page.html").render(title="<b>") == "<p>&lt;b&gt;</p>"
    assert len(list(folder.iterdir())) == 1
    again = jinja2.Environment(loader=loader, autoescape=True,
                               bytecode_cache=TemplateCache(str(folder)))
    assert again.get_template("page.html").render(title="R&D") == "<p>R&amp;D</p>"


def test_a_cache_folder_that_cannot_be_written_only_misses(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("in the way")
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "{{ n }} items"}),
                             bytecode_cache=TemplateCache(str(not_a_folder)))
    assert env.get_template("t").render(n=3) == "3 items"
    assert not_a_folder.read_text() == "in the way"
