"""What ``check`` accepts never breaks ``build`` (issue 9): file systems that fail, folders in the
wrong places, builds killed or run two at once, deep trees.

The fault tests run real ``okrsite`` processes (``python -m okrsite``) and real file systems: a
small tmpfs fills up, a tmpfs remounted read-only refuses writes (both need root: skipped
without). After each fault the previous site is byte-identical, or the new one complete.
No test measures time: a wait for a process has a generous deadline only so that a hang
fails instead of blocking the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from okrsite import site
from okrsite.errors import BuildError
from okrsite.parallel import can_fork, cpus
from okrsite.site import swap
from okrsite.site.shards import SHARES_DIR

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
AS_OF = "2026-11-20"
DEADLINE = 300.0
"""Seconds a test waits for a process before it fails (a liveness bound, not a measure)."""


# --- helpers -------------------------------------------------------------------------------------


def okrsite(cwd: Path, *args: str, timeout: float = DEADLINE) -> subprocess.CompletedProcess[str]:
    """Run ``okrsite ARGS`` as a process of its own in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "okrsite", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout, check=False)


def start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "okrsite", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill(process: subprocess.Popen[str]) -> None:
    """``kill -9`` and reap it. Its output is not read: a worker it leaves behind would hold
    the pipes open, and reading them would wait for that worker instead of failing."""
    process.send_signal(signal.SIGKILL)
    process.wait(DEADLINE)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


BUILD = ("build", "--no-git", "--as-of", AS_OF)


def project(root: Path) -> Path:
    """A copy of the site fixture (goals, docs, mkdocs.yml) in ``root``."""
    shutil.copytree(FIXTURES / "site", root, dirs_exist_ok=True)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in site.files_under(root)}


def assert_clean_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1, one ``Error: …`` line that says what is wrong, no traceback."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert re.search(r"^Error: ", done.stderr, re.M), done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def leftovers(folder: Path, *, besides: tuple[Path, ...] = ()) -> list[str]:
    """The build folders beside ``folder/site`` once the replaced sites are deleted (which a
    process of its own does after each build: :func:`swap.discard`)."""
    swap.wait_for_removal(folder / "site", besides=besides)
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".site.new-",
                                                                         ".site.old-")))


@contextmanager
def tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``mount_point`` for the block (root only: skipped without)."""
    mount_point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                           str(mount_point)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (root only): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def remount_read_only(mount_point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)


# --- the file system -----------------------------------------------------------------------------


def test_folders_that_cannot_be_created_are_clean_errors(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "a-file").write_text("not a folder\n")
    assert_clean_error(okrsite(root, "init", "a-file/new"), "a-file/new", "Not a directory")
    assert_clean_error(okrsite(root, *BUILD, "-d", "a-file/site"),
                       "cannot create the site's folder", "a-file")
    assert_clean_error(okrsite(root, *BUILD, "--staging-dir", "a-file/staging"),
                       "cannot create or lock the staging folder", "a-file")
    assert not (root / "site").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "a-file").write_text("not a folder\n")
    done = okrsite(root, "--debug", "init", "a-file/new")
    assert done.returncode != 0
    assert "Traceback (most recent call last)" in done.stderr
    assert "NotADirectoryError" in done.stderr
    done = okrsite(root, "--debug", *BUILD, "-d", "a-file/site")
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert re.search(r"^Error: cannot create the site's folder", done.stderr, re.M)


def test_a_read_only_file_system_is_a_clean_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    with tmpfs(tmp_path / "ro", "32m") as mounted:
        site_dir, staging = mounted / "site", mounted / "staging"
        done = okrsite(root, *BUILD, "-d", str(site_dir), "--staging-dir", str(staging))
        assert done.returncode == 0, done.stderr
        before = snapshot(site_dir)
        remount_read_only(mounted)
        done = okrsite(root, *BUILD, "-d", str(site_dir))
        assert_clean_error(done, "Read-only file system")
        done = okrsite(root, *BUILD, "--staging-dir", str(staging))
        assert_clean_error(done, str(staging), "Read-only file system")
        assert snapshot(site_dir) == before
        assert leftovers(mounted) == []


def test_a_full_disk_while_writing_the_staging_folder(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert okrsite(root, *BUILD).returncode == 0
    before = snapshot(root / "site")
    with tmpfs(tmp_path / "small", "64k") as mounted:
        done = okrsite(root, *BUILD, "--staging-dir", str(mounted / "staging"))
        assert_clean_error(done, "cannot write the staging project", "No space left on device")
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


def test_a_full_disk_while_writing_the_site(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    with tmpfs(tmp_path / "disk", "24m") as mounted:
        site_dir = mounted / "site"
        assert okrsite(root, *BUILD, "-d", str(site_dir)).returncode == 0
        before = snapshot(site_dir)
        free = shutil.disk_usage(mounted).free
        with (mounted / "filler").open("wb") as filler:  # leave less than a site's worth
            filler.write(b"\0" * max(free - 256 * 1024, 0))
        done = okrsite(root, *BUILD, "-d", str(site_dir))
        assert_clean_error(done, "No space left on device")
        assert snapshot(site_dir) == before
        assert leftovers(mounted) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(("-d", "goals"), "the site folder may not be", id="-d goals"),
        pytest.param(("-d", "goals/sales"), "lie inside the goals folder", id="site in goals"),
        pytest.param(("-d", "."), "hold or lie inside the goals folder", id="-d ."),
        pytest.param(("-d", "docs"), "the docs folder", id="-d docs"),
        pytest.param(("-d", "docs/site"), "the docs folder", id="site in docs"),
        pytest.param(("--staging-dir", "goals"), "the staging folder", id="staging = goals"),
        pytest.param(("--staging-dir", "docs/x"), "the staging folder", id="staging in docs"),
        pytest.param(("-d", ".okrsite"), "the staging folder", id="site = staging"),
    ],
)
def test_site_and_staging_folders_may_not_overlap_goals_or_docs(
    tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    root = project(tmp_path / "p")
    goals, docs = snapshot(root / "goals"), snapshot(root / "docs")
    assert_clean_error(okrsite(root, *BUILD, *args), fragment)
    assert snapshot(root / "goals") == goals
    assert snapshot(root / "docs") == docs


def test_a_goals_folder_inside_the_docs_folder_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    shutil.move(root / "goals", root / "docs" / "goals")
    done = okrsite(root, *BUILD, "--goals-dir", "docs/goals")
    assert_clean_error(done, "the goals folder and the docs folder", "would be published")
    assert not (root / "site").exists()
    shutil.move(root / "docs" / "goals", root / "goals")
    with (root / "mkdocs.yml").open("a") as config:
        config.write("docs_dir: goals\n")
    assert_clean_error(okrsite(root, *BUILD), "the goals folder and the docs folder")
    assert_clean_error(okrsite(root, "serve", "--as-of", AS_OF), "the docs folder")
    assert not (root / "site").exists()


def test_a_symlink_out_of_the_docs_folder_is_never_followed(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "docs" / "env.txt").symlink_to("/proc/self/environ")
    done = okrsite(root, *BUILD)
    assert_clean_error(done, "docs/env.txt", "outside the docs folder")
    assert not (root / "site").exists()
    assert not (root / ".okrsite" / "docs" / "env.txt").exists()
    (root / "docs" / "env.txt").unlink()
    (root / "docs" / "escape").symlink_to(tmp_path, target_is_directory=True)
    assert_clean_error(okrsite(root, *BUILD), "docs/escape", "outside the docs folder")
    (root / "docs" / "escape").unlink()
    (root / "docs" / "same.md").symlink_to("handbook.md")  # inside: fine
    os.mkfifo(root / "docs" / "pipe.txt")
    assert_clean_error(okrsite(root, *BUILD), "docs/pipe.txt", "not a regular file")
    (root / "docs" / "pipe.txt").unlink()
    done = okrsite(root, *BUILD)
    assert done.returncode == 0, done.stderr
    assert (root / "site" / "same" / "index.html").is_file()


def test_user_pages_colliding_with_generated_pages_are_refused_naming_both(
    tmp_path: Path,
) -> None:
    root = project(tmp_path / "p")
    (root / "docs" / "units.md").write_text("# My units\n")
    (root / "docs" / "README.md").write_text("# Read me\n")
    (root / "docs" / "objectives").mkdir()
    (root / "docs" / "objectives" / "mine.md").write_text("# Mine\n")
    done = okrsite(root, *BUILD)
    assert_clean_error(done)
    assert re.search(r"docs/units\.md \(/units/\) collides with the generated page /units/",
                     done.stderr), done.stderr
    assert re.search(r"docs/README\.md \(/\) collides with the generated page / ", done.stderr)
    assert "docs/objectives/mine.md (/objectives/mine/) lies in /objectives/" in done.stderr
    assert not (root / "site").exists()


# --- crashes and concurrency ---------------------------------------------------------------------


def test_the_site_is_never_missing_during_a_swap(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    if not swap.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this system cannot exchange two folders in one step")
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("0")
    missing: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if not (site_dir / "index.html").exists():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(1, 200):
            with site.atomic_site(site_dir) as new:
                (new / "index.html").write_text(str(i))
    finally:
        done.set()
        watcher.join()
    assert missing == []
    assert (site_dir / "index.html").read_text() == "199"
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "site"]


def test_without_an_exchange_the_swap_is_two_renames_and_puts_the_old_site_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    site_dir = tmp_path / "site"
    with site.atomic_site(site_dir) as new:
        (new / "index.html").write_text("1")
    with site.atomic_site(site_dir) as new:
        (new / "index.html").write_text("2")
    assert (site_dir / "index.html").read_text() == "2"
    assert leftovers(tmp_path) == []
    with pytest.raises(BuildError, match="cannot put"):
        swap.swap(tmp_path / ".site.new-gone", site_dir, tmp_path / ".site.old-gone")
    assert (site_dir / "index.html").read_text() == "2"


def test_a_half_finished_swap_is_recovered_by_the_next_build(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert okrsite(root, *BUILD).returncode == 0
    before = snapshot(root / "site")
    # a build killed between the two renames: the old site beside, no site/
    (root / "site").rename(root / ".site.old-0badf00d")
    (root / ".site.new-0badf00d").mkdir()
    (root / ".site.new-0badf00d" / "half.html").write_text("half")
    with (root / "mkdocs.yml").open("a") as config:  # the next build fails in the engine
        config.write("markdown_extensions: [no_such_extension]\n")
    done = okrsite(root, *BUILD)
    assert_clean_error(done, "mkdocs failed")
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


def test_stray_folders_are_removed_by_the_next_build_unless_in_use(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert okrsite(root, *BUILD).returncode == 0
    for name in (".site.new-11111111", ".site.old-22222222", ".site.new-33333333"):
        (root / name).mkdir()
        (root / name / "index.html").write_text("stray")
    running = swap.hold(root / ".site.new-33333333")  # as a build still running holds it
    try:
        done = okrsite(root, *BUILD)
        assert done.returncode == 0, done.stderr
        assert leftovers(root, besides=(root / ".site.new-33333333",)) == [".site.new-33333333"]
    finally:
        swap.release(running)
    assert okrsite(root, *BUILD).returncode == 0
    assert leftovers(root) == []


def test_the_replaced_site_is_deleted_once_the_new_one_is_in_place(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    for i in range(2):
        with site.atomic_site(site_dir) as new:
            for n in range(200):
                (new / f"page-{n}").mkdir()
                (new / f"page-{n}" / "index.html").write_text(str(i))
    assert (site_dir / "page-7" / "index.html").read_text() == "1"
    assert leftovers(tmp_path) == []


def test_a_replaced_site_being_deleted_is_left_alone_and_never_put_back(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    with site.atomic_site(site_dir) as new:
        (new / "index.html").write_text("current")
    replaced = tmp_path / ".site.old-0ddba11"
    replaced.mkdir()
    (replaced / "index.html").write_text("replaced")
    removing = swap.hold(replaced)  # as the process deleting it holds it
    try:
        swap.tidy(site_dir)
        assert (replaced / "index.html").read_text() == "replaced"
        shutil.rmtree(site_dir)  # even with no site, a replaced site on its way out stays out
        swap.tidy(site_dir)
        assert not site_dir.exists()
        assert leftovers(tmp_path, besides=(replaced,)) == [replaced.name]
    finally:
        swap.release(removing)
    swap.tidy(site_dir)  # no longer held: a killed build's, put back
    assert (site_dir / "index.html").read_text() == "replaced"


def test_a_replaced_site_is_deleted_here_when_no_process_can_be_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replaced = tmp_path / ".site.new-0ff1ce00"
    (replaced / "deep").mkdir(parents=True)
    (replaced / "deep" / "index.html").write_text("old")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    swap.discard(replaced)
    assert not replaced.exists()  # at once: nothing in the background to wait for


def test_a_replaced_site_that_was_a_symbolic_link_is_only_unlinked(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.html").write_text("mine")
    link = tmp_path / ".site.new-5ca1ab1e"
    link.symlink_to(target)
    swap.discard(link)
    assert not link.exists() and not link.is_symlink()
    assert (target / "keep.html").read_text() == "mine"


def test_a_second_build_or_serve_refuses_while_the_staging_folder_is_held(
    tmp_path: Path,
) -> None:
    root = project(tmp_path / "p")
    assert okrsite(root, *BUILD).returncode == 0
    before = snapshot(root / "site")
    staging = snapshot(root / ".okrsite")
    del staging[".okrsite-lock"]  # the holder writes its process id in it
    with site.staging_lock(root / ".okrsite"):
        done = okrsite(root, *BUILD)
        assert_clean_error(done, ".okrsite is in use by another okrsite build",
                           f"(process {os.getpid()})", "--staging-dir")
        done = okrsite(root, "serve", "--as-of", AS_OF, "-a", "127.0.0.1:1")
        assert_clean_error(done, ".okrsite is in use")
        other = okrsite(root, *BUILD, "--staging-dir", ".other-staging", "-d", "other-site")
        assert other.returncode == 0, other.stderr
    assert snapshot(root / "site") == before
    assert {k: v for k, v in snapshot(root / ".okrsite").items() if k != ".okrsite-lock"} == (
        staging
    )
    assert okrsite(root, *BUILD).returncode == 0  # the lock ended with its holder


def test_two_builds_at_once_give_one_complete_site(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert okrsite(root, *BUILD).returncode == 0
    expected = snapshot(root / "site")
    shutil.rmtree(root / "site")
    builds = [start(root, *BUILD) for _ in range(2)]
    outputs = [b.communicate(timeout=DEADLINE) for b in builds]
    results = [(b.returncode, out, err) for b, (out, err) in zip(builds, outputs, strict=True)]
    for code, _, err in results:
        assert code == 0 or (code == 1 and "is in use by another okrsite build" in err), err
        assert "Traceback" not in err
    assert any(code == 0 for code, _, _ in results)
    assert snapshot(root / "site") == expected
    assert leftovers(root) == []


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str] | None = None,
               what: str = "the build never got there") -> bool:
    """Poll ``condition()`` until true; ``False`` if ``process`` ended first. Fails the test
    with ``what`` after :data:`DEADLINE` seconds."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if process is not None and process.poll() is not None:
            return False
        assert time.monotonic() < deadline, what
        time.sleep(0.002)
    return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("when", ["start", "staging", "engine"])
def test_a_killed_build_leaves_the_previous_site_or_the_new_one_complete(
    tmp_path: Path, when: str
) -> None:
    root = project(tmp_path / "p")
    goal = root / "goals" / "sales" / "win-mid-market.md"
    text = goal.read_text()
    assert okrsite(root, *BUILD).returncode == 0
    new_site = snapshot(root / "site")
    goal.write_text(text.replace("score: 0.5", "score: 0.9"))
    assert okrsite(root, *BUILD).returncode == 0
    old_site = snapshot(root / "site")
    assert old_site != new_site
    goal.write_text(text)

    lock = root / ".okrsite" / ".okrsite-lock"
    build = start(root, *BUILD)

    def locked() -> bool:
        return lock.is_file() and lock.read_text().strip() == str(build.pid)

    def engine_writes() -> bool:
        return any(any(p.iterdir()) for p in root.glob(".site.new-*") if p.is_dir())

    condition = {"start": lambda: True, "staging": locked, "engine": engine_writes}[when]
    wait_until(condition, build)
    kill(build)
    assert snapshot(root / "site") in (old_site, new_site)
    done = okrsite(root, *BUILD)  # the next build cleans up and completes
    assert done.returncode == 0, done.stderr
    assert snapshot(root / "site") == new_site
    assert leftovers(root) == []


def big_project(tmp_path: Path) -> Path:
    """The 500-unit organisation beside a previous site."""
    root = tmp_path / "big"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "500",
                    str(root / "goals")], check=True, capture_output=True)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("the previous site")
    return root


def kill_with_workers(build: subprocess.Popen[str], workers: set[int]) -> None:
    """Kill ``build``; the test fails if any of its ``workers`` outlives it."""
    kill(build)
    assert wait_until(lambda: not any(alive(pid) for pid in workers),
                      what=f"the workers {sorted(workers)} outlived the killed build")


@pytest.mark.slow
@pytest.mark.skipif(not can_fork(), reason="builds fork only with fork and two CPUs")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_build_killed_while_rendering_leaves_no_worker_behind(tmp_path: Path) -> None:
    root = big_project(tmp_path)
    before = snapshot(root / "site")
    build = start(root, *BUILD)
    workers: set[int] = set()

    def rendering() -> bool:  # the site's folder is made after parsing: a child now renders
        if any(root.glob(".site.new-*")):
            workers.update(children_of(build.pid))
        return bool(workers)

    assert wait_until(rendering, build), build.communicate()
    kill_with_workers(build, workers)
    assert snapshot(root / "site") == before
    stray = list(root.glob(".site.new-*"))
    assert stray and not any(swap.in_use(p) for p in stray)  # the next build removes them
    with site.staging_lock(root / ".okrsite"):  # and nothing holds the staging folder
        pass


@pytest.mark.slow
@pytest.mark.skipif(cpus() < 2, reason="MkDocs builds in shares only on two CPUs or more")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_build_killed_while_mkdocs_builds_in_shares_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    root = big_project(tmp_path)
    before = snapshot(root / "site")
    build = start(root, *BUILD)
    workers: set[int] = set()
    shares = root / ".okrsite" / SHARES_DIR

    def sharing() -> bool:  # another process builds a share (its 404 page comes first)
        if (shares / "1" / "404.html").exists():
            workers.update(children_of(build.pid))
        return bool(workers)

    assert wait_until(sharing, build), build.communicate()
    kill_with_workers(build, workers)
    assert snapshot(root / "site") == before
    done = okrsite(root, *BUILD)  # the next build removes the shares' folder and completes
    assert done.returncode == 0, done.stderr
    assert not shares.exists()
    assert (root / "site" / "objectives").is_dir()
    assert leftovers(root) == []


# --- deep trees ----------------------------------------------------------------------------------

DEPTH = 1000
ORG = """organization: Deep
units:
{units}
periods:
  - id: "2026"
    start: 2026-01-01
    end: 2026-12-31
"""
OBJECTIVE = """---
kind: objective
title: Objective {i}
owner: {owner}
period: "2026"
{parent}key_results:
  - id: k
    title: Key result {i}
    start: 0
    target: 10
    current: 5
---
"""


def deep_tree(root: Path, kind: str) -> Path:
    """A chain of :data:`DEPTH` objectives, each aligned to the one before (``chain``), or a
    unit tree :data:`DEPTH` deep with an objective per unit (``units``)."""
    goals = root / "goals"
    goals.mkdir(parents=True)
    units = ["  - id: u0", "    name: Unit 0"]
    if kind == "units":
        for i in range(1, DEPTH):
            units += [f"  - id: u{i}", f"    name: Unit {i}", f"    parent: u{i - 1}"]
    (goals / "org.yml").write_text(ORG.format(units="\n".join(units)))
    for i in range(DEPTH):
        owner = f"u{i}" if kind == "units" else "u0"
        parent = f"parent: o{i - 1}\n" if i and kind == "chain" else ""
        (goals / f"o{i}.md").write_text(OBJECTIVE.format(i=i, owner=owner, parent=parent))
    return root


@pytest.mark.parametrize("kind", ["chain", "units"])
def test_a_1000_deep_tree_goes_through_check_show_and_export(tmp_path: Path, kind: str) -> None:
    root = deep_tree(tmp_path, kind)
    done = okrsite(root, "check", "goals")
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{DEPTH} objectives" in done.stdout
    done = okrsite(root, "show", "goals", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Objective {DEPTH - 1}" in done.stdout
    if kind == "chain":  # one level deeper per objective
        assert f"{'  ' * (DEPTH - 1)}● Objective {DEPTH - 1}" in done.stdout
    done = okrsite(root, "export", "goals", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count('"title": "Objective ') == DEPTH


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["chain", "units"])
def test_a_1000_deep_tree_builds(tmp_path: Path, kind: str) -> None:
    root = deep_tree(tmp_path, kind)
    done = okrsite(root, *BUILD)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (root / "site" / "objectives" / f"o{DEPTH - 1}" / "index.html").is_file()
    assert (root / "site" / "units" / f"u{DEPTH - 1 if kind == 'units' else 0}").is_dir()
    deep_page = root / "site" / ("alignment" if kind == "chain" else "units") / "index.html"
    assert deep_page.read_text().count("<ul>") == DEPTH - 1  # every level its nested list
