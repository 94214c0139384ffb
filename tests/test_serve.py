"""``okrsite serve``: the live preview, as a real process answering real HTTP on 127.0.0.1.

An edit shows on every page it changes; a new goal file appears and a deleted one goes; an
error shows on every page as a banner (the site stays the last good version) and goes when
fixed; and after a series of incremental edits the served site is, file for file, the site a
fresh ``okrsite build`` of the same goal files makes (and the site a plain ``mkdocs build`` of
the staging project makes). The only difference allowed: the live-reload script MkDocs' dev
server adds to every HTML page it serves (:data:`LIVERELOAD`).

Waits are bounded (:data:`WAIT_S`), never measured: speed is ``benchmarks/serve.py``'s.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytest

from okrsite.build import build as build_site
from okrsite.build import check_tree
from okrsite.errors import BuildError, GoalErrors
from okrsite.load import load_goals
from okrsite.parallel import can_fork
from okrsite.preview import Checked
from okrsite.site.serve import Refresh, serve_project
from okrsite.validate import SchemaCache, validate

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 20)
WAIT_S = 90.0
"""The longest any wait here lasts before the test fails (a loaded machine is slow)."""
LIVERELOAD = re.compile(rb"<script>\s*var livereload = function.*?</script>", re.DOTALL)
"""What MkDocs' dev server injects before ``</body>`` of every HTML page it serves."""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BANNER = re.compile(r'<div class="okrsite-preview-problems" role="alert".*?</div>', re.S)
"""The preview's error banner, as every page carries it while the goals or the build fail."""

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], object], what: str, seconds: float = WAIT_S) -> object:
    """``check()``'s first true value, tried again until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


# --- a served project -------------------------------------------------------------------------


@dataclass
class Served:
    """A copy of a fixture project, previewed by ``okrsite serve`` in a process of its own."""

    root: Path
    options: tuple[str, ...] = ()
    """More options of ``okrsite serve``."""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def goals(self) -> Path:
        return self.root / "goals"

    @property
    def staging(self) -> Path:
        return self.root / ".okrsite"

    @property
    def log(self) -> str:
        return (self.root / "serve.log").read_text(errors="replace")

    def start(self) -> None:
        command = [sys.executable, "-m", "okrsite", "serve", "--goals-dir", str(self.goals),
                   "--staging-dir", str(self.staging), "-f", str(self.root / "mkdocs.yml"),
                   "--as-of", AS_OF.isoformat(), "-a", f"127.0.0.1:{self.port}",
                   *self.options]
        with (self.root / "serve.log").open("wb") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=ENV, stdout=log,
                                            stderr=subprocess.STDOUT)
        wait_until(lambda: self.get("") is not None or self.exited(), "the first build")
        assert not self.exited(), self.log

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def get(self, path: str) -> bytes | None:
        """The served file at ``path`` (``None``: not there, or no answer yet)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}",
                                        timeout=WAIT_S) as answer:
                return bytes(answer.read())
        except (urllib.error.URLError, OSError):
            return None

    def page(self, path: str) -> str:
        """A served page without the live-reload script, as text ("" when not there)."""
        found = self.get(path)
        return LIVERELOAD.sub(b"", found).decode() if found is not None else ""

    def wait_for(self, path: str, check: Callable[[str], bool], what: str) -> str:
        return str(wait_until(lambda: (lambda t: t if check(t) else "")(self.page(path)),
                              f"{what} on /{path}\n{self.log[-3000:]}"))

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.goals / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    shutil.copytree(FIXTURES / "site", tmp_path / "project")
    project = Served(tmp_path / "project")
    project.start()
    yield project
    project.stop()


def built_site(served: Served, out: Path) -> Path:
    """A fresh ``okrsite build`` of the served project's goal files, as they are now."""
    return build_site(goals_dir=served.goals, config_file=served.root / "mkdocs.yml",
                      site_dir=out / "site", staging_dir=out / "staging", as_of=AS_OF,
                      use_git=False)


def differences(served: Served, site_dir: Path) -> list[str]:
    """The files of ``site_dir`` the preview serves otherwise (live-reload script aside)."""
    found = []
    for path in sorted(site_dir.rglob("*")):
        if path.is_file():
            rel = path.relative_to(site_dir).as_posix()
            got = served.get(rel)
            if got is None or LIVERELOAD.sub(b"", got) != path.read_bytes():
                found.append(rel)
    return found


def same_site(served: Served, site_dir: Path) -> list[str]:
    """Wait until the preview serves ``site_dir`` exactly; what still differs otherwise."""
    left: list[str] = []

    def done() -> bool:
        left[:] = differences(served, site_dir)
        return not left

    try:
        wait_until(done, "the served site to equal the fresh build")
    except AssertionError:
        return left
    return []


# --- the tests ----------------------------------------------------------------------------------


def test_a_changed_score_shows_on_the_objective_its_parent_its_unit_and_home(
    served: Served, tmp_path: Path
) -> None:
    pages = ["objectives/win-mid-market/", "objectives/grow-revenue/", "units/sales/", ""]
    before = {url: served.page(url) for url in pages}
    served.edit("sales/win-mid-market.md", "score: 0.5", "score: 1.0")
    expected = built_site(served, tmp_path / "fresh")
    for url in pages:
        want = LIVERELOAD.sub(b"", (expected / url / "index.html").read_bytes()).decode()
        assert want != before[url], f"/{url} should change with the score"
        served.wait_for(url, lambda text, want=want: text == want, "the new score")
    assert "Graded 100%" in served.page("objectives/win-mid-market/")


def test_a_new_goal_file_appears_and_a_deleted_one_disappears(served: Served) -> None:
    new = served.goals / "eng" / "docs-site.md"
    new.write_text("---\nkind: objective\ntitle: Ship the developer portal\nowner: eng\n"
                   "period: 2026-Q4\nkey_results:\n  - title: Publish 30 guides\n"
                   "    start: 0\n    target: 30\n    current: 12\n    unit: guides\n"
                   "    updated: 2026-11-19\n---\n")
    served.wait_for("objectives/docs-site/", lambda t: "Ship the developer portal" in t,
                    "the new objective's page")
    served.wait_for("units/eng/", lambda t: "Ship the developer portal" in t,
                    "the new objective on its unit's page")
    new.unlink()
    (served.goals / "sales" / "old-pipeline.md").unlink()
    for url in ("objectives/docs-site/", "objectives/old-pipeline/"):
        wait_until(lambda url=url: served.get(url) is None, f"/{url} to be gone")
    served.wait_for("units/sales/", lambda t: "Rebuild the Q3 pipeline" not in t,
                    "the deleted objective gone from its unit's page")
    served.wait_for("units/eng/", lambda t: "Ship the developer portal" not in t,
                    "the deleted objective gone from its unit's page")


def test_an_error_shows_on_every_page_until_it_is_fixed(served: Served) -> None:
    good = {url: served.page(url) for url in ("", "objectives/grow-revenue/", "kpis/nps/")}
    served.edit("sales/win-mid-market.md", "score: 0.5", "score: lots")
    for url, page in good.items():
        text = served.wait_for(url, lambda t: BANNER.search(t) is not None, "the banner")
        shown = BANNER.search(text)
        assert shown is not None
        assert "goals/sales/win-mid-market.md:17" in shown.group()
        assert "must be a number" in shown.group()
        assert BANNER.sub("", text) == page  # the last good version meanwhile
    served.edit("sales/win-mid-market.md", "score: lots", "score: 0.5")
    for url, page in good.items():
        served.wait_for(url, lambda t, page=page: t == page, "the banner to go")


def test_after_ten_incremental_edits_the_served_site_is_a_fresh_build(
    served: Served, tmp_path: Path
) -> None:
    edits: list[tuple[Callable[[], None], str, str]] = [
        (lambda: served.edit("sales/win-mid-market.md", "score: 0.5", "score: 0.8"),
         "objectives/win-mid-market/", "Graded 80%"),
        (lambda: served.edit("sales/emea-enablement.md", "current: 22", "current: 30"),
         "objectives/emea-enablement/", "0 → 30 → 40"),
        (lambda: served.edit("sales/nps.md", "  - {date: 2026-11-15, value: 43}\n",
                             "  - {date: 2026-11-15, value: 43}\n"
                             "  - {date: 2026-11-19, value: 47}\n"),
         "kpis/nps/", "2026-11-19"),
        (lambda: served.edit("acme/grow-revenue.md", "title: Grow revenue profitably",
                             "title: Grow revenue, profitably"),
         "objectives/faster-pages/", "Grow revenue, profitably"),
        (lambda: served.edit("eng/faster-pages.md", "Speed is a feature.",
                             "Speed is *the* feature."),
         "objectives/faster-pages/", "<em>the</em> feature"),
        (lambda: served.edit("eng/faster-pages.md", "      - {date: 2026-10-02, value: 650}\n",
                             "      - {date: 2026-10-02, value: 650}\n"
                             "      - {date: 2026-11-18, value: 520, note: Cache warmed}\n"),
         "updates/", "Cache warmed"),
        (lambda: served.edit("sales/emea-enablement.md", "period: 2026-Q4\n",
                             "period: 2026-Q4\ntags: [field-sales]\n"),
         "tags/field-sales/", "Run enablement in every EMEA country"),
        (lambda: (served.goals / "eng" / "docs-site.md").write_text(
            "---\nkind: objective\ntitle: Ship the developer portal\nowner: eng\n"
            "period: 2026-Q4\nparent: grow-revenue\nkey_results:\n"
            "  - title: Publish 30 guides\n    start: 0\n    target: 30\n    current: 12\n"
            "    updated: 2026-11-19\n---\n"),
         "objectives/grow-revenue/", "Ship the developer portal"),
        (lambda: (served.goals / "sales" / "old-pipeline.md").unlink(),
         "units/sales/", ""),
        (lambda: served.edit("org.yml", "name: Sales EMEA", "name: Sales Europe"),
         "units/emea/", "Sales Europe"),
    ]
    assert len(edits) == 10
    for change, url, marker in edits:
        change()
        if marker:
            served.wait_for(url, lambda t, marker=marker: marker in t, repr(marker))
        else:
            served.wait_for(url, lambda t: "Rebuild the Q3 pipeline" not in t, "the deletion")
    fresh = built_site(served, tmp_path / "fresh")
    assert same_site(served, fresh) == []
    # The staging project is plain: MkDocs alone builds the same site from it.
    plain = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                    str(served.staging / "mkdocs.yml"), "-d", str(plain)],
                   check=True, env=ENV, cwd=tmp_path)
    assert differences(served, plain) == []
    assert "Traceback" not in served.log


NAV_ENTRY = "  - Handbook: handbook.md\n"
MISSING_PAGE = "  - Handbook: handbook.md\n  - Missing: missing.md\n"
"""The fixture's ``nav`` with an entry to a page that does not exist: MkDocs warns."""


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "not strict"])
def test_with_strict_a_warning_fails_the_rebuild_and_shows_in_the_browser(
    tmp_path: Path, strict: bool
) -> None:
    shutil.copytree(FIXTURES / "site", tmp_path / "project")
    served = Served(tmp_path / "project", options=("--strict",) if strict else ())
    served.start()
    try:
        good = served.page("objectives/grow-revenue/")
        config = served.root / "mkdocs.yml"
        text = config.read_text()
        assert NAV_ENTRY in text
        config.write_text(text.replace(NAV_ENTRY, MISSING_PAGE))
        if not strict:  # MkDocs warns, builds, and the nav links to the missing page
            page = served.wait_for("objectives/grow-revenue/", lambda t: "missing.md" in t,
                                   "the new nav entry")
            assert BANNER.search(page) is None
            assert "missing.md" in served.log  # the warning, in the terminal
            return
        page = served.wait_for("objectives/grow-revenue/",
                               lambda t: BANNER.search(t) is not None, "the banner")
        shown = BANNER.search(page)
        assert shown is not None
        assert "in strict mode a warning fails the build" in shown.group()
        assert "missing.md" in shown.group()  # MkDocs' warning itself
        assert BANNER.sub("", page) == good  # the last good version meanwhile
        assert "missing.md" in served.log
        config.write_text(text)
        served.wait_for("objectives/grow-revenue/", lambda t: t == good, "the banner to go")
    finally:
        served.stop()


def test_with_strict_a_warning_in_the_first_build_ends_serve(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "site", tmp_path / "project")
    config = tmp_path / "project" / "mkdocs.yml"
    config.write_text(config.read_text().replace(NAV_ENTRY, MISSING_PAGE))
    served = Served(tmp_path / "project")  # never started: its folders and port
    with (served.root / "serve.log").open("wb") as log:
        done = subprocess.run(
            [sys.executable, "-m", "okrsite", "serve", "--goals-dir", str(served.goals),
             "--staging-dir", str(served.staging), "-f", str(config), "--as-of",
             AS_OF.isoformat(), "-a", f"127.0.0.1:{served.port}", "-s"],
            cwd=served.root, env=ENV, stdout=log, stderr=subprocess.STDOUT, timeout=WAIT_S)
    assert done.returncode == 1, served.log
    assert "in strict mode a warning fails the build" in served.log
    assert "missing.md" in served.log


# --- the preview's parts, in this process -----------------------------------------------------


def test_checked_validates_and_models_as_check_tree_does(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURES / "site" / "goals", goals)
    checked = Checked()
    assert checked.goals(load_goals(goals)) == check_tree(load_goals(goals))
    path = goals / "sales" / "win-mid-market.md"
    good = path.read_text()
    for old, new in (("score: 0.5", "score: lots"), ("owner: sales", "owner: ghost")):
        path.write_text(good.replace(old, new, 1))  # a schema problem, then a cross-file one
        tree = load_goals(goals)
        with pytest.raises(GoalErrors) as ours:
            checked.goals(tree)
        with pytest.raises(GoalErrors) as theirs:
            check_tree(tree)
        assert ours.value.problems == theirs.value.problems
        assert ours.value.problems
    path.write_text(good)
    assert checked.goals(load_goals(goals)) == check_tree(load_goals(goals))


def test_a_schema_cache_gives_what_validating_afresh_gives(tmp_path: Path) -> None:
    """The documents of files not read again are the same objects from run to run; a file
    read again is a new document, and its problems are found again."""
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURES / "site" / "goals", goals)
    cache = SchemaCache()
    good = load_goals(goals)
    assert validate(good, cache) == validate(good) == []
    path = goals / "sales" / "win-mid-market.md"
    path.write_text(path.read_text().replace("score: 0.5", "score: lots", 1))
    edited = next(d for d in load_goals(goals).goals if d.rel == "sales/win-mid-market.md")
    broken = replace(good, goals=tuple(edited if d.rel == edited.rel else d
                                       for d in good.goals))
    found = validate(broken, cache)
    assert found == validate(broken)
    assert [(p.file, p.line) for p in found] == [(str(path), 17)]
    assert validate(good, cache) == []  # the old document again: its own (no) problems
    assert validate(broken, cache) == found


def set_in_block(text: str, block: str, key: str, value: str) -> str:
    """``key``'s line in the key result ``- id: block`` set to ``value``."""
    pattern = re.compile(rf"(- id: {re.escape(block)}\n(?:(?!  - ).*\n)*?\s+{key}: ).*")
    new, count = pattern.subn(lambda m: m.group(1) + value, text, count=1)
    assert count == 1, f"no {key} in {block}"
    return new


def test_the_preview_renders_what_a_full_render_does_on_a_generated_organisation(
    tmp_path: Path,
) -> None:
    """Edits of every kind on 100 units (teams are too many for the navigation), each through
    the preview's refresh and later work: then every staging file is what a full render of
    the same files writes."""
    import yaml

    from okrsite.build import read_goals
    from okrsite.preview import GoalsPreview
    from okrsite.render.pages import render_site
    from okrsite.score import score_goals
    from okrsite.site.project import project_files

    goals = tmp_path / "goals"
    subprocess.run([sys.executable, str(Path(__file__).parent.parent / "benchmarks" /
                    "generate.py"), "100", str(goals)], check=True, stdout=subprocess.DEVNULL)
    files = sorted(goals.rglob("*.md"))

    def front(path: Path) -> dict[str, object]:
        return dict(yaml.safe_load(path.read_text().split("\n---\n")[0][4:]))

    def objective(owner: str, test: Callable[[dict[str, object]], bool]) -> Path:
        return next(p for p in files if front(p).get("kind") == "objective"
                    and str(front(p).get("owner", "")).startswith(owner) and test(front(p)))

    def metric(data: dict[str, object]) -> str | None:
        for kr in data.get("key_results") or []:  # type: ignore[attr-defined]
            if kr.get("type", "metric") == "metric" and "current" in kr and "kpi" not in kr:
                return str(kr["id"])
        return None

    def rewrite(path: Path, change: Callable[[str], str]) -> Path:
        text = path.read_text()
        path.write_text(change(text))
        assert path.read_text() != text
        return path

    team = objective("team-", lambda d: metric(d) is not None)
    dept = objective("dept-", lambda d: True)
    shared = next(p for p in files if "type: shared" in p.read_text())
    source_ref = re.search(r"from: (\S+)#(\S+)", shared.read_text())
    assert source_ref is not None
    source = next(p for p in files if p.stem == source_ref.group(1))
    milestone = re.compile(r"(    type: milestone\n(?:(?!  - ).*\n)*?    history:\n)")
    noted = next(p for p in files if milestone.search(p.read_text()))
    untagged = objective("team-", lambda d: "tags" not in d)
    table = sorted(goals.rglob("*.csv"))[0]
    used = re.search(r"\n    kpi: (\S+)\n", team.read_text() + "".join(
        p.read_text() for p in files if "\n    kpi: " in p.read_text()))
    assert used is not None
    kpi = next(p for p in files if p.stem == used.group(1))
    org = goals / "org.yml"
    deep_team = re.findall(r"- id: (team-\S+)\n", org.read_text())[-1]
    edits: list[Callable[[], Path]] = [
        lambda: rewrite(team, lambda t: set_in_block(t, metric(front(team)) or "", "current",
                                                     "123.45")),
        lambda: rewrite(dept, lambda t: t.replace("title: ", "title: Renamed ", 1)),
        lambda: rewrite(source, lambda t: set_in_block(t, source_ref.group(2), "title",
                                                       "A shared title, renamed")),
        lambda: rewrite(noted, lambda t: milestone.sub(
            r"\1      - {date: 2026-11-19, note: Preview note}\n", t, count=1)),
        lambda: rewrite(untagged, lambda t: re.sub(r"(\nperiod: .*\n)", r"\1tags: [preview]\n",
                                                   t, count=1)),
        lambda: rewrite(untagged, lambda t: t + "\nOne more line of body.\n"),
        lambda: rewrite(table, lambda t: t.rstrip("\n") + "0\n"),
        lambda: rewrite(kpi, lambda t: t.replace("\ntitle: ", "\ntitle: Renamed ", 1)),
        lambda: rewrite(org, lambda t: re.sub(rf"(- id: {deep_team}\n\s+name: )(.*)",
                                              r"\1\2 renamed", t, count=1)),
        lambda: rewrite(org, lambda t: re.sub(r"(- id: dept-01\n(?:\s+\w+: .*\n)*?\s+lead: )(.*)",
                                              r"\1New Lead", t, count=1)),
    ]
    preview = GoalsPreview(goals, None, AS_OF)
    preview.start()
    for edit in edits:
        result = preview.refresh({edit().absolute()})
        assert result.files is None, "an incremental refresh, not a full render"
        later = preview.later(lambda: False)
        assert later is not None and preview.commit(later) is not None
    assert preview.good is not None
    fresh = read_goals(goals)
    expected = project_files(render_site(fresh, score_goals(fresh, AS_OF)),
                             default_name=fresh.org.name, config_file=None, extra_config={})
    ours = preview.project(preview.good)
    assert sorted(ours) == sorted(expected)
    assert [rel for rel in expected if ours[rel] != expected[rel]] == []


class FakeSource:
    """A one-page staging project; records where and how each refresh ran."""

    def __init__(self, root: Path) -> None:
        self.watched_file = root / "watched.txt"
        self.watched_file.write_text("0")
        self.refreshes: list[tuple[bool, bool, str]] = []
        self.fail_next: BaseException | None = None
        self.serving = threading.get_ident()

    def files(self, text: str) -> dict[str, bytes]:
        return {"mkdocs.yml": b"site_name: Fake\ndocs_dir: docs\n",
                "docs/index.md": f"# {text}\n".encode(), ".okrsite-staging": b"okrsite\n"}

    def start(self) -> Mapping[str, bytes]:
        self.serving = threading.get_ident()
        return self.files("start")

    def refresh(self, changed: set[Path]) -> Refresh:
        text = self.watched_file.read_text()
        self.refreshes.append((can_fork(), threading.get_ident() == self.serving, text))
        if self.fail_next is not None:
            failure, self.fail_next = self.fail_next, None
            raise failure
        return Refresh(files=self.files(f"version {text}"), summary="fake")

    def later(self, interrupted: Callable[[], bool]) -> object | None:
        return None

    def commit(self, done: object) -> Refresh | None:
        return None

    def watched(self) -> list[tuple[Path, bool]]:
        return [(self.watched_file, False)]

    def relevant(self, path: Path) -> bool:
        return True


def test_serve_refreshes_on_the_serving_thread_never_forks_and_survives_errors(
    tmp_path: Path,
) -> None:
    source = FakeSource(tmp_path)
    port = free_port()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            serve_project(source, tmp_path / "staging", dev_addr=f"127.0.0.1:{port}")
        except BaseException as exc:  # pragma: no cover - reported below
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()

    def page() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=WAIT_S) as answer:
                return LIVERELOAD.sub(b"", answer.read()).decode()
        except OSError:
            return ""

    try:
        wait_until(lambda: "version" in page(), "the first look after the start")
        source.fail_next = RuntimeError("a bug")
        source.watched_file.write_text("1")  # an unexpected error: shown, logged, survived
        wait_until(lambda: "internal error (RuntimeError: a bug)" in page(), "the banner")
        source.watched_file.write_text("2")
        wait_until(lambda: "version 2" in page() and "okrsite-preview-problems" not in page(),
                   "the next refresh")
    finally:
        source.fail_next = KeyboardInterrupt()  # how the server is stopped from here
        source.watched_file.write_text("3")
        thread.join(timeout=WAIT_S)
    assert not thread.is_alive() and not failed
    assert source.refreshes and all(not forks and here for forks, here, _ in source.refreshes)


def test_serve_ends_when_the_first_build_fails(tmp_path: Path) -> None:
    class Broken(FakeSource):
        def start(self) -> Mapping[str, bytes]:
            raise BuildError("no")

    with pytest.raises(BuildError):
        serve_project(Broken(tmp_path), tmp_path / "staging", dev_addr=f"127.0.0.1:{free_port()}")


def test_the_banner_names_each_problem_where_it_is_and_escapes_it() -> None:
    from html.parser import HTMLParser

    from okrsite.errors import Problem
    from okrsite.site.serve import BANNER_LIMIT, banner_html, notices

    problems = [Problem("goals/org.yml", 0, "", "missing: a goals folder needs an org.yml"),
                *(Problem("goals/a.md", n, "title", "<script>x</script>") for n in range(1, 30))]
    found = notices(GoalErrors(problems))
    assert found[0] == ("goals/a.md:1", "title: <script>x</script>")
    assert ("goals/org.yml", "missing: a goals folder needs an org.yml") in found  # no ":0"

    class Items(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.text += data

    page = Items()
    page.feed(banner_html(found).decode())
    assert "script" not in page.tags
    assert page.tags.count("li") == BANNER_LIMIT + 1
    assert f"Preview not updated: {len(problems)} problems." in page.text
    assert f"and {len(problems) - BANNER_LIMIT} more (see the terminal)" in page.text
