"""Format 1.1 on the built site: key-result details, KPI pages, ``updates/``, ``feed.xml``,
``tags/``; checked on the parsed HTML and XML of real builds (MkDocs with mkdocs-material) of
tests/fixtures/v11site and a hostile tree. ZQ8SECRET marks everything private in the fixture,
ZQ7FUTURE what is dated after the as-of date: neither may appear anywhere."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest

from okrsite.build import read_goals
from okrsite.render.pages import render_site
from okrsite.score import score_goals
from okrsite.vocabulary import percent

from .conftest import (
    AS_OF,
    Built,
    Node,
    article,
    assert_inert_html,
    broken_links,
    copy_fixture,
    parse_html,
)

ATOM = "{http://www.w3.org/2005/Atom}"
CANARIES = ("zq8secret", "zq7future")


# --- parsed HTML (the tree and its helpers are in conftest.py) -----------------------------------


def texts(nodes: list[Node]) -> list[str]:
    return [n.text() for n in nodes]


def facts(page: Node) -> dict[str, str]:
    """A page's ``dl.okr-facts`` as ``{term: description}``."""
    dl = page.one("dl", "okr-facts")
    return dict(zip(texts(dl.all("dt")), texts(dl.all("dd")), strict=True))


# --- builds (``v11`` is built once in conftest.py) -----------------------------------------------


HOSTILE = ('<script>alert("x")</script><img src=x onerror=alert(1)> {{ 7*7 }} {% raw %} '
           '&lt;b&gt; ]]> <![CDATA[ y ]]> \x07\x01 "><svg onload=alert(2)>')


def yaml_text(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def hostile_goals(root: Path) -> Built:
    """The hostile fixture with hostile text (control characters too) in a check-in's note
    and author, a key result's description and link title, the objective's lead and link."""
    built = copy_fixture(root, "hostile")
    path = built.goals_dir / "hostile-objective.md"
    text = path.read_text()
    evil = yaml_text(HOSTILE)
    note = yaml_text(HOSTILE + "\nsecond line")
    url = yaml_text('https://example.com/?q=<b>&x="y"')
    text = text.replace(
        '      - {date: 2026-11-01, note: "[x](javascript:alert(10)) @everyone #1"}\n',
        '      - {date: 2026-11-01, note: "[x](javascript:alert(10)) @everyone #1"}\n'
        f"      - {{date: 2026-11-12, note: {note}, by: {evil}}}\n"
        f"    description: {evil}\n"
        f"    links: [{{title: {evil}, url: {url}}}]\n"
        "    tags: [evil-tag]\n",
    )
    text = text.replace(
        "owner: evil\n",
        f"owner: evil\nlead: {evil}\nlinks: [{{title: {evil}, url: /x/?a=<b>}}]\n",
        1,
    )
    path.write_text(text)
    return built


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = hostile_goals(tmp_path_factory.mktemp("hostile11"))
    built.build()
    return built


# --- objective pages -----------------------------------------------------------------------------


def section(page: Node, kr_id: str) -> Node:
    heading = page.one("h3", id=f"kr-{kr_id}")
    return next(s for s in page.all("section", "okr-kr") if heading in list(s.iter("h3")))


def test_the_objective_shows_its_lead_links_and_tags(v11: Built) -> None:
    page = article(v11.site_dir, "objectives/grow")
    assert facts(page)["Lead"] == "Chief Executive Officer"
    links = page.one("div", "okr-objective__links")
    assert [(a.text(), a.attrs["href"]) for a in links.all("a")] == [
        ("Board deck", "https://docs.example.com/board/2026-q4"),
        ("Ask the CEO", "mailto:ceo@example.com"),
        ("Our handbook", "../../handbook/"),  # a site path, relative to the page
    ]
    assert (v11.site_dir / "handbook" / "index.html").exists()
    hero = page.one("header", "okr-hero")
    assert [(a.text(), a.attrs["href"]) for a in hero.all("a", "okr-tag")] == [
        ("#p0", "../../tags/p0/"), ("#growth", "../../tags/growth/")]


def test_a_key_result_shows_lead_description_links_check_ins_stretch_and_due(v11: Built) -> (
    None
):
    arr = section(article(v11.site_dir, "objectives/grow"), "arr")
    assert arr.one(cls="okr-kr__lead").text() == "VP Sales"
    assert arr.one("p", "okr-kr__values").text() == "10 → 12.9 → 14 M EUR (stretch 16 M EUR)"
    meta = arr.one("p", "okr-kr__meta").text()
    assert "confidence 60%" in meta and "last update 2026-11-18" in meta
    assert "due 2026-12-15" in meta
    description = arr.one("div", "okr-kr__description")
    assert description.one("strong").text() == "signed"
    assert [(a.text(), a.attrs["href"]) for a in arr.one("ul", "okr-links").all("a")] == [
        ("Pipeline report", "https://crm.example.com/reports/7")]
    assert texts(arr.one("ul", "okr-tags").all("a")) == ["#revenue"]
    checkins = arr.one("ol", "okr-checkins").all("li")
    assert texts(checkins) == [  # newest first; the 2026-11-25 one is after the as-of date
        "2026-11-18 12.9 M EUR Big deal slipped to December",
        "2026-11-02 12.4 M EUR confidence 60% VP Sales",
        "2026-10-15 10.8 M EUR Sam Ortiz => 20% (two late renewals)",
    ]
    assert [li.one("time").attrs["datetime"] for li in checkins] == [
        "2026-11-18", "2026-11-02", "2026-10-15"]
    assert checkins[1].one(cls="okr-checkin__by").text() == "VP Sales"
    assert checkins[0].one(cls="okr-checkin__note").text() == "Big deal slipped to December"
    # the stretch: reaching the target scores 70%, the stretch 100%; both marked on the bar
    marked = arr.one("div", "okr-marked")
    assert marked.attrs["style"] == "--m1:70.0%"
    assert marked.one("span", "okr-bar").attrs["aria-valuenow"] == "51"
    marks = marked.all("span", "okr-scale__mark")
    assert [(m.text(), m.attrs["style"]) for m in marks] == [
        ("target 14 M EUR", "--at:70.0%"), ("stretch 16 M EUR", "--at:100.0%")]
    assert arr.one("p", "okr-kr__progress").text() == "73% of the way to the target"
    # the chart: only the check-ins counted at the as-of date (not 13.5 of 2026-11-25)
    label = arr.one("svg", "okr-chart").attrs["aria-label"]
    assert "to 2026-11-18, latest 12.9 M EUR" in label
    assert "2026-11-25" not in label and "13.5" not in label
    # the source lists where it is shared, linking to the sharing key result
    shared = arr.one("ul", "okr-kr__shared-with")
    assert [(a.text(), a.attrs["href"]) for a in shared.all("a")] == [
        ("Win the partners' trust", "../../objectives/partners/#kr-pipeline")]


def test_over_achievement_and_regression_are_not_hidden_in_the_clamp(v11: Built) -> None:
    page = article(v11.site_dir, "objectives/grow")
    over = section(page, "over")
    assert over.one("span", "okr-bar").attrs["aria-valuenow"] == "100"
    progress = over.one("p", "okr-kr__progress")
    assert "okr-progress--over" in progress.attrs["class"]
    assert progress.text() == "over-achieved 120% of the way to the target: beyond it"
    regress = section(page, "regress")
    assert regress.one("span", "okr-bar").attrs["aria-valuenow"] == "0"
    assert regress.one("p", "okr-kr__progress").text() == (
        "regression -50%: moved away from the target")


def test_thresholds_say_met_or_not_met(v11: Built) -> None:
    page = article(v11.site_dir, "objectives/grow")
    uptime = section(page, "uptime")
    assert uptime.one("p", "okr-kr__values").text() == "99.95 % (target ≥ 99.9 %) met"
    assert uptime.one("b", "okr-met").attrs["class"] == "okr-met okr-met--yes"
    otd = section(page, "otd")
    assert otd.one("p", "okr-kr__values").text().startswith("94.2 (target > 95) not met")
    assert otd.one("b", "okr-met").text() == "not met"
    assert otd.one(cls="okr-checkin__note").text() == "Hub move cost two days"
    assert otd.one("a", href="../../kpis/on-time/").text() == "On-time delivery"


def test_checklists_tick_their_items_and_overdue_shows(v11: Built) -> None:
    peak = section(article(v11.site_dir, "objectives/grow"), "peak")
    items = peak.one("ul", "okr-items").all("li")
    assert texts(items) == ["✓ Temporary staff hired", "○ Extra trucks leased weight 2",
                            "○ Night shift planned"]
    assert [li.one("span", "okr-tick").attrs["aria-label"] for li in items] == [
        "done", "not done", "not done"]
    assert peak.one("p", "okr-kr__values").text() == "1 of 3 items done overdue since 2026-11-15"
    assert "due 2026-11-15" in peak.one("p", "okr-kr__meta").text()


def test_private_key_results_are_a_count_and_nothing_else(v11: Built) -> None:
    page = article(v11.site_dir, "objectives/grow")
    assert [h.attrs["id"] for h in page.all("h3")] == [
        "kr-arr", "kr-over", "kr-regress", "kr-uptime", "kr-otd", "kr-peak", "kr-nps"]
    assert page.one("p", "okr-private-krs").text() == "1 private key result"
    nps = section(page, "nps")
    assert "from a private KPI" in nps.one("p", "okr-kr__meta").text()
    assert nps.one("p", "okr-kr__values").text().startswith("30 → 40 → 50")
    depots = article(v11.site_dir, "objectives/all-private")
    assert depots.all("section", "okr-kr") == []
    assert depots.one("p", "okr-private-krs").text() == "1 private key result"
    assert depots.one("span", "okr-ring").text() == "80%"


def test_an_objective_aligned_to_a_private_key_result_is_listed_without_it(v11: Built) -> None:
    grow = article(v11.site_dir, "objectives/grow")
    aligned = grow.one("h2", id="aligned")
    assert aligned is not None
    hrefs = [a.attrs["href"] for a in grow.all("a")]
    assert "../../objectives/via-private/" in hrefs
    child = article(v11.site_dir, "objectives/via-private")
    crumbs = child.one("p", "okr-crumbs")
    assert [a.attrs["href"] for a in crumbs.all("a")] == ["../../objectives/grow/"]


def test_the_sharing_page_links_to_its_source(v11: Built) -> None:
    pipeline = section(article(v11.site_dir, "objectives/partners"), "pipeline")
    source = pipeline.one("p", "okr-kr__shared")
    assert source.one("a").attrs["href"] == "../../objectives/grow/#kr-arr"
    assert pipeline.one(cls="okr-kr__lead").text() == "Sam Ortiz"
    assert texts(pipeline.one("ul", "okr-tags").all("a")) == ["#revenue", "#shared"]
    assert "shared metric" in pipeline.one("p", "okr-kr__meta").text()
    assert "weight 2" in pipeline.one("p", "okr-kr__meta").text()
    assert len(pipeline.one("ol", "okr-checkins").all("li")) == 3  # the source's


# --- KPI pages -----------------------------------------------------------------------------------


def test_kpi_pages_show_lead_links_cadence_and_csv_values_counted_by_the_as_of_date(
    v11: Built,
) -> None:
    page = article(v11.site_dir, "kpis/on-time")
    assert facts(page)["Lead"] == "Head of Operations"
    assert facts(page)["Cadence"] == "monthly"
    assert page.all("b", "okr-stale") == []
    assert [a.attrs["href"] for a in page.one("ul", "okr-links").all("a")] == [
        "https://bi.example.com/on-time"]
    assert texts(page.one("ul", "okr-tags").all("a")) == ["#delivery", "#p0"]
    rows = [texts(tr.all("td")) for tr in page.one("table", "okr-values").one("tbody").all("tr")]
    assert rows == [  # the CSV's and the file's, latest first; 2026-12-31 is not counted yet
        ["2026-10-31", "94.2 %", "Hub moved"],
        ["2026-09-30", "93.1 %", "Before the hub move"],
        ["2026-08-31", "92 %", "Storm week, two depots closed"],
    ]
    label = page.one("svg", "okr-chart").attrs["aria-label"]
    assert "from 2026-08-31 to 2026-10-31, latest 94.2 %" in label  # not 2026-12-31's 99
    claims = article(v11.site_dir, "kpis/claims")
    assert texts(claims.all("b", "okr-stale")) == ["stale", "stale"]  # the hero and the cadence
    assert "no weekly value since 2026-10-19" in claims.one("header").text()
    index = article(v11.site_dir, "kpis")
    stale_rows = [tr for tr in index.all("tr") if tr.all("b", "okr-stale")]
    assert [tr.one("a").text() for tr in stale_rows] == ["Open claims"]


# --- updates/ ------------------------------------------------------------------------------------


UPDATES = [  # (day, key result, objective, unit, change, confidence, by, note)
    ("2026-11-18", "Grow net new ARR from 10 to 14 M EUR", "Grow the business without breaking "
     "delivery", "Acme", "12.4 → 12.9 M EUR", None, None, "Big deal slipped to December"),
    ("2026-11-16", "Keep the booking site up at least 99.9% of the time", "Grow the business "
     "without breaking delivery", "Acme", "99.95 %", None, None, None),
    ("2026-11-12", "Cut returns from 50 to 40 a week", "Grow the business without breaking "
     "delivery", "Acme", "50 → 55", "confidence 30%", None, "Peak returns came early"),
    ("2026-11-10", "Sign up 100 partners", "Grow the business without breaking delivery",
     "Acme", "40 → 120", None, "Ana", "The referral scheme took off"),
    ("2026-11-10", "Be ready for peak season", "Grow the business without breaking delivery",
     "Acme", "note", None, "Ops lead", "Trucks are on order"),
    ("2026-11-05", "Deliver more than 95% on time", "Grow the business without breaking "
     "delivery", "Acme", "note", "confidence 80%", None, "Hub move cost two days"),
    ("2026-11-05", "Sign three partner logos", "Win the partners' trust", "Sales", "0 → 2",
     None, "Sam Ortiz", None),
    ("2026-11-02", "Grow net new ARR from 10 to 14 M EUR", "Grow the business without breaking "
     "delivery", "Acme", "10.8 → 12.4 M EUR", "confidence 60%", "VP Sales", None),
]  # fmt: skip


def optional_text(node: Node, cls: str) -> str | None:
    found = node.all(cls=cls)
    return found[0].text() if found else None


def test_the_updates_page_lists_the_last_28_days_of_public_check_ins_by_day(v11: Built) -> None:
    page = article(v11.site_dir, "updates")
    assert page.one("h1").text() == "What changed"
    days = [h.one("time").attrs["datetime"] for h in page.all("h2")]
    assert days == ["2026-11-18", "2026-11-16", "2026-11-12", "2026-11-10", "2026-11-05",
                    "2026-11-02"]  # 2026-10-24 to 2026-11-20; 2026-10-20 is too old
    assert page.all("h2")[0].text() == "Wednesday 2026-11-18"
    found = []
    for day, items in zip(page.all("h2"), page.all("ol", "okr-updates-list"), strict=True):
        for li in items.all("li", "okr-update"):
            what = li.one("p", "okr-update__what").all("a")
            found.append((
                day.one("time").attrs["datetime"], what[0].text(), what[1].text(), what[2].text(),
                li.one(cls="okr-update__change").text(),
                optional_text(li, "okr-update__confidence"), optional_text(li, "okr-update__by"),
                optional_text(li, "okr-update__note"),
            ))  # fmt: skip
    assert found == UPDATES
    first = page.all("ol", "okr-updates-list")[0].all("li")[0].one("p", "okr-update__what")
    assert [a.attrs["href"] for a in first.all("a")] == [
        "../objectives/grow/#kr-arr", "../objectives/grow/", "../units/company/"]
    assert page.one("a", type="application/atom+xml").attrs["href"] == "../feed.xml"


def test_home_and_navigation_lead_to_updates_and_tags(v11: Built) -> None:
    doc = parse_html((v11.site_dir / "index.html").read_text(encoding="utf-8"))
    home = doc.one("article", "md-content__inner")
    assert home.one("a", "okr-updates-link").attrs["href"] == "updates/"
    assert home.one("a", "okr-updates-link").text() == "What changed this week"
    nav = [a.text() for a in doc.all("a", "md-nav__link")]
    assert "Updates" in nav and "Tags" in nav


def test_every_page_declares_the_feed_in_its_head(v11: Built) -> None:
    pages = [p for p in v11.site_dir.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 15
    for path in pages:
        head = parse_html(path.read_text(encoding="utf-8")).one("head")
        link = head.one("link", rel="alternate", type="application/atom+xml")
        assert (path.parent / link.attrs["href"]).resolve() == (v11.site_dir / "feed.xml").resolve()


# --- feed.xml ------------------------------------------------------------------------------------


def atom(path: Path) -> ElementTree.Element:
    return ElementTree.fromstring(path.read_bytes())


def test_the_feed_is_atom_with_the_required_elements(v11: Built) -> None:
    feed = atom(v11.site_dir / "feed.xml")
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287 4.1.1: a feed has exactly one id, title and updated, and an author (here the
    # organisation) unless every entry has one.
    for name in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.findtext(f"{ATOM}title") == "Acme 1.1: check-ins"
    assert feed.findtext(f"{ATOM}updated") == "2026-11-18T00:00:00Z"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "feed.xml", "alternate": "updates/"}
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(UPDATES)
    rfc3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for item in entries:
        # 4.1.2: exactly one id, title and updated; a link rel=alternate where there is no
        # content of its own; no more than one alternate link per type.
        for name in ("id", "title", "updated"):
            assert len(item.findall(f"{ATOM}{name}")) == 1, name
        assert rfc3339.fullmatch(item.findtext(f"{ATOM}updated") or "")
        alternates = [x for x in item.findall(f"{ATOM}link") if x.get("rel") == "alternate"]
        assert len(alternates) == 1
        target = urlsplit(alternates[0].get("href") or "")
        assert (v11.site_dir / unquote(target.path) / "index.html").exists()
        assert target.fragment.startswith("kr-")
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == (
        "tag:okrsite,2026:Acme%201.1/checkin/grow/arr/2026-11-18")
    assert first.findtext(f"{ATOM}title") == (
        "Grow net new ARR from 10 to 14 M EUR: 12.4 → 12.9 M EUR")
    assert first.findtext(f"{ATOM}content") == "Big deal slipped to December"
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == [
        "p0", "growth", "revenue"]
    by = entries[3].find(f"{ATOM}author")
    assert by is not None and by.findtext(f"{ATOM}name") == "Ana"
    ids = [item.findtext(f"{ATOM}id") for item in entries]
    assert len(set(ids)) == len(ids)


def test_the_feed_parses_with_an_independent_parser(v11: Built) -> None:
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse((v11.site_dir / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Acme 1.1: check-ins"
    assert [e.id for e in parsed.entries][:2] == [
        "tag:okrsite,2026:Acme%201.1/checkin/grow/arr/2026-11-18",
        "tag:okrsite,2026:Acme%201.1/checkin/grow/uptime/2026-11-16",
    ]
    assert [e.updated_parsed[:3] for e in parsed.entries] == [
        tuple(int(part) for part in u[0].split("-")) for u in UPDATES]
    assert parsed.entries[0].link == "objectives/grow/#kr-arr"


def feed_ids(goals_dir: Path, as_of: date) -> dict[str, str]:
    goals = read_goals(goals_dir)
    content = render_site(goals, score_goals(goals, as_of))
    feed = ElementTree.fromstring(content.files["feed.xml"])
    return {e.findtext(f"{ATOM}id") or "": e.findtext(f"{ATOM}title") or ""
            for e in feed.findall(f"{ATOM}entry")}


def test_a_check_in_keeps_its_feed_id_across_builds(tmp_path: Path) -> None:
    goals = copy_fixture(tmp_path, "v11site").goals_dir
    before = feed_ids(goals, AS_OF)
    grow = goals / "company" / "grow.md"
    grow.write_text(grow.read_text().replace(
        "      - {date: 2026-11-10, value: 120,",
        "      - {date: 2026-11-19, value: 130}\n      - {date: 2026-11-10, value: 120,"))
    after = feed_ids(goals, date(2026, 11, 21))
    new = "tag:okrsite,2026:Acme%201.1/checkin/grow/over/2026-11-19"
    assert set(after) == set(before) | {new}
    assert after[new] == "Sign up 100 partners: 120 → 130"
    assert all(after[i] == title for i, title in before.items())


# --- tags/ ---------------------------------------------------------------------------------------


def test_tag_pages_list_the_public_goals_carrying_each_tag(v11: Built) -> None:
    index = article(v11.site_dir, "tags")
    rows = [(li.one("a").text(), li.one("small").text()) for li in index.all("li")]
    assert rows == [("#delivery", "1 KPI"), ("#growth", "1 objective"),
                    ("#p0", "1 objective · 1 KPI"), ("#revenue", "2 key results"),
                    ("#shared", "1 key result")]
    p0 = article(v11.site_dir, "tags/p0")
    assert p0.one("h1").text() == "#p0"
    assert [a.attrs["href"] for a in p0.all("a") if "okr-chip" not in a.attrs.get("class", "")
            and a.attrs["href"] != "../../tags/"] == [
        "../../objectives/grow/", "../../kpis/on-time/"]
    revenue = article(v11.site_dir, "tags/revenue")
    assert revenue.one("h2", id="key-results").text() == "Key results"
    assert [a.attrs["href"] for a in revenue.all("a") if "#kr-" in a.attrs["href"]] == [
        "../../objectives/grow/#kr-arr", "../../objectives/partners/#kr-pipeline"]
    tags = {p.name for p in (v11.site_dir / "tags").iterdir() if p.is_dir()}
    assert tags == {"delivery", "growth", "p0", "revenue", "shared"}  # no private tag


def test_tag_pages_explain_the_statuses_they_show(v11: Built) -> None:
    _, card = v11.goals_and_card()
    revenue = article(v11.site_dir, "tags/revenue")
    legend = revenue.one("details", "okr-legend")
    assert "on track when its score is at least 70%" in legend.one("summary").text()
    assert [th.text() for th in legend.one("tbody").all("th")] == ["2026-Q4 (quarter)"]
    chips = {li.one("a").attrs["href"]: li.one("span", "okr-chip") for li in revenue.all("li")
             if "#kr-" in li.one("a").attrs["href"]}
    assert set(chips) == {"../../objectives/grow/#kr-arr", "../../objectives/partners/#kr-pipeline"}
    for href, chip in chips.items():
        objective, kr = href.removeprefix("../../objectives/").split("/#kr-")
        result = card.objectives[objective].key_results[kr]
        assert chip.attrs["title"] == (f"{percent(result.score)} done, "
                                       f"{percent(result.expected)} expected by today")
    kpis_only = article(v11.site_dir, "tags/delivery")  # health, not statuses: no legend
    assert kpis_only.all("details", "okr-legend") == []


# --- attention: stale KPIs -----------------------------------------------------------------------


def stale_kpi_rows(page: Node) -> list[list[str]]:
    section = page.one("section", **{"aria-labelledby": "stale-kpis"})
    return [texts(tr.all("td")) for tr in section.one("tbody").all("tr")]


def test_the_attention_page_lists_stale_public_kpis_with_age_cadence_and_whom_to_ask(
    v11: Built,
) -> None:
    page = article(v11.site_dir, "attention")
    section = page.one("section", **{"aria-labelledby": "stale-kpis"})
    assert section.one("h2").text() == "Stale KPIs (1)"
    assert "older than one cadence step plus 14 days" in section.one("p", "okr-note").text()
    link = section.one("tbody").one("a")
    assert (link.text(), link.attrs["href"]) == ("Open claims", "../kpis/claims/")
    assert (v11.site_dir / "kpis/claims/index.html").is_file()
    [[what, _, ask, health]] = stale_kpi_rows(page)
    assert what == "Open claims Operations"  # the unit, no unit of measure
    assert texts(section.one("ul", "okr-reasons").all("li")) == [
        "latest value 41 on 2026-10-19, 32 days old",  # 2026-11-20 is the as-of date
        "measured weekly: stale after 21 days",  # 7 + stale_after_days 14
    ]
    assert ask == "Dana Reyes"  # Operations has no lead: the company's
    assert health.endswith("stale")
    jump = {a.attrs["href"]: a.text() for a in page.one("ul", "okr-jump").all("a")}
    assert jump["#stale-kpis"] == "1 stale KPI"
    groups = {h.attrs["id"]: h for h in page.all("h2") if "id" in h.attrs}
    words = {"off-track": "off track", "at-risk": "at risk",
             "overdue": "with overdue key results", "not-updated": "not updated"}
    for anchor, word in words.items():  # the jump list counts the objectives of each group
        if anchor in groups:
            count = groups[anchor].text().rpartition("(")[2].rstrip(")")
            assert jump[f"#{anchor}"] == f"{count} {word}"
    assert any(anchor in groups for anchor in words)


def test_a_private_stale_kpi_stays_off_the_attention_page(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "v11site")
    secret = built.goals_dir / "kpis" / "zq8secret-kpi.md"
    secret.write_text(secret.read_text().replace("visibility: private\n",
                                                 "visibility: private\ncadence: daily\n"))
    goals, card = built.goals_and_card()
    [private] = [k for k in goals.kpis if k.private]
    assert card.kpis[private.id].stale is True  # stale indeed: 19 days > 1 + 14
    content = render_site(goals, card)
    html = str(next(p.html for p in content.pages if p.url == "attention/"))
    assert "zq8secret" not in html.lower()
    assert [row[0] for row in stale_kpi_rows(parse_html(html))] == ["Open claims Operations"]


def test_search_finds_tag_pages(v11: Built) -> None:
    index = json.loads((v11.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in index["docs"]}
    assert docs["tags/p0/"]["title"] == "#p0"
    assert "Tag p0" in docs["tags/p0/"]["text"]
    assert "tags p0, growth" in docs["objectives/grow/"]["text"]


# --- privacy and safety everywhere ---------------------------------------------------------------


def test_private_and_future_things_appear_in_no_output(v11: Built) -> None:
    checked = 0
    for root in (v11.site_dir, v11.staging_dir):
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            assert not any(c in path.relative_to(root).as_posix().lower() for c in CANARIES)
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            lowered = data.lower()
            assert not any(c.encode() in lowered for c in CANARIES), path
            checked += 1
    assert checked > 30
    for name in ("feed.xml", "sitemap.xml", "search/search_index.json", "api/okrs.json"):
        assert (v11.site_dir / name).is_file()


def test_internal_links_of_the_new_pages_resolve(v11: Built) -> None:
    for url in ("objectives/grow", "objectives/partners", "updates", "tags", "tags/p0",
                "tags/revenue", "kpis/on-time"):
        assert not broken_links(v11.site_dir / url / "index.html", tags=("a",)), url


def inert(doc: Node, where: str) -> None:
    """:func:`assert_inert_html`, and no script mentions ``alert`` (the hostile text's)."""
    assert_inert_html(doc, where)
    for script in doc.iter("script"):
        assert "alert" not in script.raw_text(), where


def test_hostile_notes_links_and_leads_stay_text(hostile: Built) -> None:
    for url in ("objectives/hostile-objective", "updates", "tags/evil-tag", "tags"):
        inert(parse_html((hostile.site_dir / url / "index.html").read_text(encoding="utf-8")), url)
    page = article(hostile.site_dir, "objectives/hostile-objective")
    metric = section(page, "metric")
    note = metric.one("ol", "okr-checkins").all("li")[0].one(cls="okr-checkin__note")
    assert note.text().startswith('<script>alert("x")</script><img src=x onerror=alert(1)> '
                                  "{{ 7*7 }} {% raw %} &lt;b&gt; ]]>")
    assert metric.one("ol", "okr-checkins").all("li")[0].one(cls="okr-checkin__by").text() \
        .startswith("<script>")
    assert metric.one("div", "okr-kr__description").all("script") == []
    link = metric.one("ul", "okr-links").one("a")
    assert link.attrs["href"] == 'https://example.com/?q=<b>&x="y"'
    assert link.text().startswith('<script>alert("x")</script>')
    objective_link = page.one("div", "okr-objective__links").one("a")
    assert objective_link.attrs["href"] == "../../x/?a=<b>"
    assert facts(page)["Lead"].startswith('<script>alert("x")')  # the lead, as text
    updates = article(hostile.site_dir, "updates")
    notes = texts(updates.all("p", "okr-update__note"))
    assert any(n.startswith('<script>alert("x")</script>') for n in notes)


def test_hostile_text_never_breaks_the_feed(hostile: Built) -> None:
    raw = (hostile.site_dir / "feed.xml").read_bytes()
    feed = ElementTree.fromstring(raw)  # well-formed XML despite control characters
    assert b"<script" not in raw and b"\x07" not in raw and b"\x01" not in raw
    entries = feed.findall(f"{ATOM}entry")
    content = [e.findtext(f"{ATOM}content") or "" for e in entries]
    assert any(c.startswith('<script>alert("x")</script><img src=x onerror=alert(1)> {{ 7*7 }}')
               and c.endswith("\nsecond line") for c in content)
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")


def test_the_staging_pages_of_the_new_views_carry_no_braces(v11: Built) -> None:
    for url in ("updates", "tags", "tags/p0", "objectives/grow"):
        text = (v11.staging_dir / "docs" / url / "index.md").read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        assert "{" not in body and "}" not in body
        html = next(line for line in front.splitlines() if line.startswith("okrsite_html: "))
        assert "{" not in html and "}" not in html
