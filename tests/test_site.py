"""Stage 6: whole sites built from fixture organisations, checked on parsed HTML, SVG and JSON."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner

from okrsite import site
from okrsite.cli import cli
from okrsite.errors import BuildError, GoalErrors
from okrsite.render import percent, safe_title
from okrsite.render.badges import STATUS_WORDS
from okrsite.render.export import export_data
from okrsite.site.swap import swap, wait_for_removal

from .conftest import (
    Built,
    GitRepo,
    article,
    assert_inert_html,
    broken_links,
    built_fixture,
    content,
    copy_fixture,
    invoke_in,
    parse_html,
    parsed_page,
)

# --- fixture sites (``acme``, which most tests here read, is built once in conftest.py) ----------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built_fixture(tmp_path_factory, "hostile")


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built_fixture(tmp_path_factory, "private")


def files_under(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file())


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files_under(root)}


# --- the pages -----------------------------------------------------------------------------------


def test_every_public_objective_has_its_page(acme: Built) -> None:
    goals, card = acme.goals_and_card()
    public = [o for o in goals.objectives if not o.private]
    assert public
    for objective in public:
        doc = parsed_page(acme.site_dir, f"objectives/{objective.id}")
        result = card.objectives[objective.id]
        title = doc.find("title")
        assert title is not None
        assert title.text() == f"{safe_title(objective.title)} - Acme OKRs"
        main = content(doc)
        h1s = list(main.iter("h1"))
        assert [h.text() for h in h1s] == [objective.title]
        ring = main.find("span", "okr-ring")
        assert ring is not None
        words = STATUS_WORDS[result.status]
        assert ring.attrs["aria-label"] == f"Score {percent(result.score)}, {words}"
        badge = main.find("img", src=f"../../badges/{objective.id}.svg")
        assert badge is not None
        assert badge.attrs["alt"] == f"Score {percent(result.score)}, {words}"
        owner = goals.org.unit_by_id[objective.owner]
        assert main.find("a", href=f"../../units/{owner.id}/") is not None
        kr_headings = [h.text() for h in main.iter("h3") if h.attrs.get("id", "")[:3] == "kr-"]
        assert kr_headings == [kr.title for kr in objective.key_results]
    assert not (acme.site_dir / "objectives" / "skunkworks").exists()


def test_objective_page_shows_key_results_chain_and_alignment(acme: Built) -> None:
    main = article(acme.site_dir, "objectives/grow-revenue")
    text = main.text()
    assert "10 → 16 → 20 M EUR" in text
    assert "confidence 70%" in text
    assert "last update 2026-11-15" in text
    assert "Top-level objective" in text
    bars = [b.attrs["aria-valuenow"] for b in main.all("span", "okr-bar")]
    assert bars == ["60", "100", "28"]
    assert main.find("a", href="../../objectives/emea-enablement/") is not None
    assert main.find("a", href="../../objectives/faster-pages/") is not None
    assert "1 private objective" in text
    assert "Secret skunkworks" not in text
    charts = main.all("svg", "okr-chart")
    assert len(charts) == 1
    assert "target 20" in charts[0].text()
    child = article(acme.site_dir, "objectives/emea-enablement")
    crumbs = child.find("p", "okr-crumbs")
    assert crumbs is not None
    assert crumbs.find("a", href="../../objectives/grow-revenue/") is not None
    mid = article(acme.site_dir, "objectives/win-mid-market")
    assert mid.find("a", href="../../kpis/nps/") is not None
    stale = article(acme.site_dir, "objectives/faster-pages")
    assert stale.find("b", "okr-stale") is not None
    assert "About" in stale.text() and "Speed is a feature." in stale.text()


def test_every_unit_has_its_page(acme: Built) -> None:
    goals, card = acme.goals_and_card()
    for unit in goals.org.units:
        doc = parsed_page(acme.site_dir, f"units/{unit.id}")
        main = content(doc)
        assert [h.text() for h in main.iter("h1")] == [unit.name]
        ring = main.find("span", "okr-ring")
        assert ring is not None and ring.text() == percent(card.units[unit.id])
        for sub in goals.org.sub_units(unit.id):
            assert main.find("a", href=f"../../units/{sub.id}/") is not None
    sales = article(acme.site_dir, "units/sales")
    text = sales.text()
    assert "Become the default choice for mid-market teams" in text
    assert "Lift NPS from 35 to 50" in text
    assert "Rebuild the Q3 pipeline" in text  # another period, listed below
    acme_unit = article(acme.site_dir, "units/acme").text()
    assert "1 private KPI" in acme_unit and "Monthly cash burn" not in acme_unit


def test_every_public_kpi_has_its_page(acme: Built) -> None:
    goals, _ = acme.goals_and_card()
    for kpi in goals.kpis:
        path = acme.site_dir / "kpis" / kpi.id / "index.html"
        assert path.exists() != kpi.private
    nps = article(acme.site_dir, "kpis/nps")
    text = nps.text()
    assert "43 points" in text and "warning" in text and "≥ 45 points" in text
    chart = nps.find("svg", "okr-chart")
    assert chart is not None and "target 50" in chart.text()
    assert nps.find("a", href="../../objectives/win-mid-market/#kr-nps-up") is not None


def test_home_alignment_and_attention(acme: Built) -> None:
    home = article(acme.site_dir, "")
    text = home.text()
    assert "Acme Corp" in text and "2026-Q4" in text
    assert home.find("img", src="badges/grow-revenue.svg") is not None
    assert home.find("a", href="kpis/uptime/") is not None
    tree = article(acme.site_dir, "alignment")
    nodes = [li.text() for li in tree.iter("li")]
    assert any(n.startswith("Grow revenue profitably 46% at risk") for n in nodes)
    assert any("Private objective 0% off track" in n for n in nodes)
    assert "Secret" not in tree.text()
    attention = article(acme.site_dir, "attention")
    rows = [tr.text() for tr in attention.iter("tr") if "data-u" in tr.attrs]
    assert rows[0].startswith("Run enablement in every EMEA country")  # worst first
    assert any("“Cut p95 latency from 800 to 200 ms” not updated for 49 days" in r for r in rows)


def test_badges_carry_score_and_status_in_words(acme: Built) -> None:
    goals, card = acme.goals_and_card()
    for objective in goals.objectives:
        path = acme.site_dir / "badges" / f"{objective.id}.svg"
        assert path.exists() != objective.private
        if objective.private:
            continue
        svg = ElementTree.fromstring(path.read_bytes())
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        result = card.objectives[objective.id]
        assert texts == [percent(result.score), STATUS_WORDS[result.status]]


def test_api_json_is_export_data(acme: Built) -> None:
    goals, card = acme.goals_and_card()
    data = json.loads((acme.site_dir / "api" / "okrs.json").read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(export_data(goals, card)))


def test_users_own_pages_and_nav_are_kept(acme: Built) -> None:
    handbook = article(acme.site_dir, "handbook")
    assert "How we run OKRs" in handbook.text()
    nav = parse_html((acme.site_dir / "index.html").read_text()).find("nav", "md-nav")
    assert nav is not None
    labels = [a.text() for a in nav.iter("a")]
    for label in ("Home", "Attention", "Alignment", "KPIs", "Handbook"):
        assert label in labels


def test_search_finds_objectives_key_results_kpis_and_units(acme: Built) -> None:
    index = json.loads((acme.site_dir / "search" / "search_index.json").read_text())
    entries = {(d["location"], d["title"]) for d in index["docs"]}
    assert ("objectives/grow-revenue/", "Grow revenue profitably") in entries
    assert ("objectives/grow-revenue/#kr-arr", "Grow ARR from 10 to 20 M EUR") in entries
    assert ("kpis/nps/", "Net Promoter Score") in entries
    assert ("units/sales/", "Sales") in entries
    assert not any("skunkworks" in loc or "burn" in loc for loc, _ in entries)
    text = next(d["text"] for d in index["docs"] if d["location"] == "objectives/grow-revenue/")
    assert "Revenue pays for everything else." in text  # the body, as text
    assert "Partner program brief" in text and "<a" not in text and "<li" not in text


def test_internal_links_resolve(acme: Built) -> None:
    pages = [p for p in acme.site_dir.rglob("*.html")
             if p.name != "404.html"]  # MkDocs writes it with root-relative links
    assert len(pages) > 10
    for path in pages:
        assert not broken_links(path), path.relative_to(acme.site_dir)


# --- offline -------------------------------------------------------------------------------------

FETCHING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "input": ("src",),
}
FETCHING_LINKS = {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "icon",
                  "modulepreload", "manifest", "apple-touch-icon"}  # fmt: skip
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)


def is_external(url: str) -> bool:
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    return url.startswith("//") or scheme not in ("", "data")


def external_fetches_in_html(text: str) -> list[str]:
    doc = parse_html(text)
    found = []
    for tag, attributes in FETCHING.items():
        for node in doc.iter(tag):
            for name in attributes:
                for url in re.split(r",\s*", node.attrs.get(name, "")):
                    if url and is_external(url.split()[0]):
                        found.append(f"<{tag} {name}={url}>")
    for node in doc.iter("link"):
        rels = set(node.attrs.get("rel", "").lower().split())
        if rels & FETCHING_LINKS and is_external(node.attrs.get("href", "")):
            found.append(f"<link rel={rels} href={node.attrs['href']}>")
    for node in doc.iter("meta"):
        if node.attrs.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    for node in [*doc.iter("style")]:
        found += external_fetches_in_css(node.raw_text())
    for node in doc.iter():
        found += external_fetches_in_css(node.attrs.get("style", ""))
    return found


def external_fetches_in_css(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    found = []
    for match in CSS_URL.finditer(text):
        url = match.group(2) if match.group(2) is not None else match.group(4)
        if url and is_external(url):
            found.append(f"css url({url[:80]})")
    return found


@pytest.mark.parametrize("fixture", ["acme", "hostile", "private"])
def test_no_request_leaves_the_host(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(fixture)
    checked = 0
    for path in files_under(built.site_dir):
        if path.suffix == ".html":
            found = external_fetches_in_html(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            found = external_fetches_in_css(path.read_text(encoding="utf-8"))
        else:
            continue
        checked += 1
        assert not found, f"{path.relative_to(built.site_dir)}: {found}"
    assert checked > 10


# --- hostile goal text ---------------------------------------------------------------------------

def test_hostile_text_stays_text_in_pages(hostile: Built) -> None:
    pages = list(hostile.site_dir.rglob("*.html"))
    assert len(pages) > 8
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        where = str(path.relative_to(hostile.site_dir))
        assert "root:x:0:0" not in raw, f"{where}: /etc/passwd was included"
        doc = parse_html(raw)
        assert_inert_html(doc, where)
        title = doc.find("title")
        assert title is not None and "<" not in title.text(), where
        assert not re.search(r"&[#A-Za-z]", title.text()), where
        for nav_link in doc.iter("a"):
            if "md-nav__link" in nav_link.attrs.get("class", ""):
                assert "<" not in nav_link.text(), where
    objective = article(hostile.site_dir, "objectives/hostile-objective")
    text = objective.text()
    assert '<script>alert("title")</script>' in text  # shown as text, literally
    assert "{{ 7*7 }}" in text and "{% for x in range(3) %}" in text  # never evaluated
    assert '--8<-- "/etc/passwd"' in text
    assert "[javascript link](javascript:alert(10))" in text  # not a link
    assert objective.find("a", href="https://tracker.example/beacon.png") is not None


def test_hostile_text_stays_text_in_search_index_and_svg(hostile: Built) -> None:
    index = json.loads((hostile.site_dir / "search" / "search_index.json").read_text())
    allowed = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}
    for entry in index["docs"]:
        for key in ("title", "text"):
            fragment = parse_html(entry[key])
            for node in fragment.iter():
                if node.tag != "#document":
                    assert node.tag in allowed and not node.attrs, (key, entry[key][:120])
    assert any("alert(" in d["title"] for d in index["docs"])  # the titles are there, as text
    for path in hostile.site_dir.rglob("*.svg"):
        if "assets" in path.parts:
            continue
        tree = ElementTree.fromstring(path.read_bytes())
        for element in tree.iter():
            tag = element.tag.rsplit("}", 1)[-1].lower()
            assert tag not in ("script", "foreignobject", "a", "image", "use"), path
            assert not any(name.lower().startswith("on") for name in element.attrib), path


def test_hostile_text_never_reaches_markdown_or_jinja(hostile: Built) -> None:
    pages = list((hostile.staging_dir / "docs").rglob("*.md"))
    assert len(pages) > 8
    for path in pages:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=yaml.CSafeLoader)
        assert not set("<>{}") & set(meta["title"])
        assert not re.search(r"&[#A-Za-z]", meta["title"])
        assert "{" not in meta["okrsite_html"] and "}" not in meta["okrsite_html"]
        assert "{" not in body and "}" not in body
        for line in body.splitlines():
            assert not line or line.startswith("<"), f"{path}: a line starts with text"
    assert not (hostile.staging_dir / "theme" / "okrsite").exists()


# --- private goals -------------------------------------------------------------------------------

CANARY = "zq9canary"


def test_private_goals_leave_no_trace(private: Built) -> None:
    roots = [private.site_dir, private.staging_dir]
    checked = 0
    for root in roots:
        for path in files_under(root):
            assert CANARY not in path.relative_to(root).as_posix().lower(), path
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            assert CANARY.encode() not in data.lower(), f"{path}: leaks a private goal"
            checked += 1
    assert checked > 20
    root_page = article(private.site_dir, "objectives/public-root").text()
    assert "1 private objective" in root_page
    child = article(private.site_dir, "objectives/public-child")
    assert "Private objective" in child.text()
    assert "from a private KPI" in child.text()
    assert (private.site_dir / "sitemap.xml").exists()
    assert (private.site_dir / "sitemap.xml.gz").exists()


# --- atomic builds -------------------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    built.build()
    before = snapshot(built.site_dir)
    goal = built.goals_dir / "sales" / "win-mid-market.md"
    goal.write_text(goal.read_text().replace("target: 50", "targte: 50"))
    with pytest.raises(GoalErrors) as caught:
        built.build()
    assert any(p.file.endswith("win-mid-market.md") and p.line for p in caught.value.problems)
    assert snapshot(built.site_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def test_an_engine_failure_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    built.build()
    before = snapshot(built.site_dir)
    assert built.config_file is not None
    built.config_file.write_text("site_name: Broken\ntheme:\n  name: no-such-theme\n")
    with pytest.raises(BuildError):
        built.build()
    assert snapshot(built.site_dir) == before


def test_a_failed_swap_puts_the_old_site_back(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("old")
    with pytest.raises(BuildError, match="cannot put the new site in place"):
        swap(tmp_path / ".site.new-gone", site_dir, tmp_path / ".site.old")
    assert (site_dir / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_sync_tree_writes_only_what_changed(tmp_path: Path) -> None:
    root = tmp_path / "staging"
    site.sync_tree(root, {site.STAGING_MARKER: b"", "a/b/old.md": b"old", "a/same.md": b"same",
                          "a/changed.md": b"v1"})  # fmt: skip
    same = (root / "a" / "same.md").stat()
    site.sync_tree(root, {site.STAGING_MARKER: b"", "a/same.md": b"same", "a/changed.md": b"v2",
                          "c/new.md": b"new"})  # fmt: skip
    staged = sorted(site.files_under(root))
    assert staged == [site.STAGING_MARKER, "a/changed.md", "a/same.md", "c/new.md"]
    assert not (root / "a" / "b").exists()  # emptied folders go too
    assert (root / "a" / "same.md").stat().st_mtime_ns == same.st_mtime_ns
    assert (root / "a" / "changed.md").read_bytes() == b"v2"


def test_a_later_failed_build_never_alters_the_published_site(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    built.build()
    before = snapshot(built.site_dir)
    badge = built.staging_dir / "docs" / "badges" / "win-mid-market.svg"
    old_badge = badge.read_bytes()
    goal = built.goals_dir / "sales" / "win-mid-market.md"
    goal.write_text(goal.read_text().replace("score: 0.5", "score: 1.0"))
    assert built.config_file is not None
    with built.config_file.open("a") as config:
        config.write("markdown_extensions: [no_such_extension]\n")
    with pytest.raises(BuildError, match="mkdocs failed"):
        built.build()
    assert badge.read_bytes() != old_badge  # the staging project changed under the site
    assert snapshot(built.site_dir) == before


def test_a_rebuild_replaces_the_site_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    goal = built.goals_dir / "sales" / "win-mid-market.md"
    sites = []
    for score in ("0.5", "0.9"):
        goal.write_text(re.sub(r"score: [0-9.]+", f"score: {score}", goal.read_text()))
        built.build()
        sites.append(snapshot(built.site_dir))
    assert sites[0] != sites[1]
    wait_for_removal(built.site_dir)  # the replaced site is deleted by a process of its own
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
    assert sorted(p.name for p in built.staging_dir.iterdir() if p.is_dir()) == ["docs", "theme"]


def test_build_reads_the_goals_of_a_git_revision(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    first = repo.commit("2026-09-15")
    repo.edit("sales/win.md", "current: 4", "current: 8")
    repo.commit("2026-11-02")
    repo.edit("sales/win.md", "current: 8", "current: lots")  # broken, never committed
    args = ["build", "--goals-dir", "goals", "--as-of", "2026-11-20", "--no-git"]
    assert invoke_in(repo.root, *args, "--revision", first) == (0, "Site built in site\n")
    assert win_score(repo.root / "site") == 0.2
    assert invoke_in(repo.root, *args, "--revision", "HEAD") == (0, "Site built in site\n")
    assert win_score(repo.root / "site") == 0.4
    code, output = invoke_in(repo.root, *args)
    assert code == 1 and "goals/sales/win.md:13: " in output


def test_errors_of_a_revision_name_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.edit("sales/win.md", "current: 4", "current: lots")
    repo.commit("2026-09-15")
    code, output = invoke_in(repo.root, "build", "--revision", "main", "--no-git")
    assert code == 1
    assert re.search(r"^main:goals/sales/win\.md:13: key_results\[0\]\.current: ", output, re.M)
    assert not (repo.root / "site").exists()
    code, output = invoke_in(repo.root, "build", "--revision", "no-such-branch")
    assert (code, output) == (1, "Error: unknown revision 'no-such-branch'\n")


def win_score(site_dir: Path) -> float:
    okrs = json.loads((site_dir / "api" / "okrs.json").read_text(encoding="utf-8"))
    return next(o["score"] for o in okrs["objectives"] if o["id"] == "win-mid-market")


def test_cli_build_reports_every_error_and_exits_1(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    runner = CliRunner()
    args = ["build", "--goals-dir", str(built.goals_dir), "-d", str(built.site_dir),
            "--staging-dir", str(built.staging_dir), "--as-of", "2026-11-20",
            "-f", str(built.config_file)]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (built.site_dir / "index.html").exists()
    for name in ("nps.md", "uptime.md"):
        goal = built.goals_dir / ("sales" if name == "nps.md" else "eng") / name
        goal.write_text(goal.read_text().replace("direction:", "directoin:"))
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "Error:" in result.output
    for name in ("nps", "uptime"):
        assert re.search(rf"{name}\.md:\d+: ", result.output), result.output


def test_generated_paths_are_reserved(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    (built.root / "docs" / "index.md").write_text("# My own home\n")
    with pytest.raises(BuildError, match=r"index\.md"):
        built.build()


def test_a_foreign_staging_folder_is_refused(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    built.staging_dir.mkdir()
    (built.staging_dir / "precious.txt").write_text("keep me")
    with pytest.raises(BuildError, match="staging"):
        built.build()
    assert (built.staging_dir / "precious.txt").read_text() == "keep me"


def test_without_a_config_the_organisation_names_the_site(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "private")
    assert built.config_file is None
    built.build()
    title = parsed_page(built.site_dir, "").find("title")
    assert title is not None and title.text() == "Canary Test Org"


# --- the staging project is a plain MkDocs project -----------------------------------------------


def test_plain_mkdocs_rebuilds_the_same_site(acme: Built, tmp_path: Path) -> None:
    other = tmp_path / "again"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f",
               str(acme.staging_dir / "mkdocs.yml"), "-d", str(other)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    ours, again = snapshot(acme.site_dir), snapshot(other)
    assert sorted(ours) == sorted(again)
    for name, data in ours.items():
        if name.endswith((".html", ".json", ".svg")):
            assert again[name] == data, name


@pytest.mark.slow
def test_zensical_builds_the_staging_project(tmp_path: Path) -> None:
    pytest.importorskip("zensical")
    built = copy_fixture(tmp_path, "site")
    built.build(engine="zensical")
    doc = parsed_page(built.site_dir, "objectives/grow-revenue")
    assert [h.text() for h in doc.iter("h1")] == ["Grow revenue profitably"]
    assert (built.site_dir / "badges" / "grow-revenue.svg").exists()
    assert not (built.site_dir / "objectives" / "skunkworks").exists()


# --- serve ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_serve_regenerates_when_a_goal_changes(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    built = copy_fixture(tmp_path, "site")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "okrsite", "serve", "--goals-dir", str(built.goals_dir),
               "--staging-dir", str(built.staging_dir), "-f", str(built.config_file),
               "--as-of", "2026-11-20", "-a", f"127.0.0.1:{port}"]  # fmt: skip
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/objectives/win-mid-market/"

    def fetch() -> str | None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            return None

    def wait_for(check: object, seconds: float = 40) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = fetch()
            if text is not None and check(text):  # type: ignore[operator]
                return text
            time.sleep(0.3)
        raise AssertionError("timed out")

    try:
        wait_for(lambda text: "Customer-rated quality" in text)
        goal = built.goals_dir / "sales" / "win-mid-market.md"
        goal.write_text(goal.read_text().replace("Customer-rated quality", "Customer-rated polish"))
        wait_for(lambda text: "Customer-rated polish" in text)
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- the derived configuration -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["plain", "line\u2028separator\u2029", "nel\x85 del\x7f c1\x9b", "emoji 🎯 ünï", 'q"\\'],
)
def test_front_matter_strings_read_back_exactly(text: str) -> None:
    assert yaml.load(f"key: {site.yaml_string(text)}", Loader=yaml.CSafeLoader)["key"] == text


def test_the_derived_config_keeps_the_users_settings(tmp_path: Path) -> None:
    built = copy_fixture(tmp_path, "site")
    assert built.config_file is not None
    (built.root / "overrides").mkdir()
    (built.root / "overrides" / "partials").mkdir()
    (built.root / "overrides" / "partials" / "copyright.html").write_text("<p>Acme inc.</p>")
    built.config_file.write_text(
        "site_name: Acme OKRs\n"
        "theme:\n  name: material\n  custom_dir: overrides\n  features: [navigation.tabs]\n"
        "  font: {text: Roboto}\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
        "extra:\n  analytics_note: kept\n"
    )
    built.build()
    derived = (built.staging_dir / "mkdocs.yml").read_text()
    assert "!!python/name:material.extensions.emoji.twemoji" in derived
    config = site.load_config(derived)
    assert config["theme"]["font"] is False
    assert config["theme"]["features"][0] == "navigation.tabs"
    assert config["extra"] == {"analytics_note": "kept"}
    assert (built.staging_dir / "theme" / "partials" / "copyright.html").exists()
    assert "Acme inc." in (built.site_dir / "index.html").read_text()
    assert not external_fetches_in_html((built.site_dir / "index.html").read_text())
