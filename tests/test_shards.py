"""Stage 6, on several cores: a project built in shares by MkDocs processes side by side is the
same site, byte for byte, as one build of it; and what cannot be shared out is built whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config

from okrsite.build import build
from okrsite.parallel import alongside, cpus
from okrsite.site.engines import run_mkdocs
from okrsite.site.shards import FIRST_SHARE, SHARES_DIR, nav_sources, plan_shards, share_out

from .conftest import AS_OF, EXAMPLE_GOALS, FIXTURES


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation built whole (it is too small to be shared out by default),
    with a configuration of its own and no pages of the user's."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE_GOALS, root / "goals")
    (root / "mkdocs.yml").write_text("site_name: Example\n")
    build(goals_dir=root / "goals", config_file=root / "mkdocs.yml", site_dir=root / "site",
          staging_dir=root / ".okrsite", as_of=AS_OF)
    return root


@pytest.mark.parametrize("processes", [2, 3])
def test_a_site_built_in_shares_is_the_site_built_whole(example: Path, tmp_path: Path,
                                                        processes: int) -> None:
    config_path = example / ".okrsite" / "mkdocs.yml"
    config = load_config(str(config_path), site_dir=str(tmp_path / "x"))
    plan = plan_shards(config, processes, share_pages=1)
    assert plan is not None and len(plan.shares) == processes
    assert all(plan.shares)  # every share has pages of its own
    shared = tmp_path / "shared"
    shared.mkdir()
    run_mkdocs(config_path, shared, processes=processes, share_pages=1)
    whole = snapshot(example / "site")
    ours = snapshot(shared)
    assert sorted(ours) == sorted(whole)
    different = [name for name in whole if ours[name] != whole[name]]
    assert different == []
    assert b"<loc>https://okrsite.invalid/objectives/" in ours["sitemap.xml"]
    assert not (example / ".okrsite" / SHARES_DIR).exists()  # the shares' folders are gone


def test_a_project_is_shared_out_only_with_enough_pages_for_each_share(example: Path) -> None:
    config = load_config(str(example / ".okrsite" / "mkdocs.yml"))
    assert plan_shards(config, processes=2) is None  # 60-odd pages, < 700 a share
    plan = plan_shards(config, processes=2, share_pages=10)
    assert plan is not None
    pages = len(plan.urls)
    assert sum(len(share) for share in plan.shares) + len(plan.nav) == pages
    assert "index.md" in plan.nav and "units/index.md" in plan.nav


def test_pages_of_the_users_mean_one_build(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)  # docs/handbook.md: a page of the user's
    build(goals_dir=root / "goals", config_file=root / "mkdocs.yml", site_dir=root / "out",
          staging_dir=root / ".okrsite", as_of=AS_OF)
    config = load_config(str(root / ".okrsite" / "mkdocs.yml"))
    assert plan_shards(config, processes=2, share_pages=1) is None


def test_a_plugin_that_reads_every_page_means_one_build(example: Path) -> None:
    config = load_config(str(example / ".okrsite" / "mkdocs.yml"), plugins=["search", "tags"])
    assert plan_shards(config, processes=2, share_pages=1) is None


def test_the_first_share_gets_its_part_and_the_others_the_rest_evenly() -> None:
    pages = [f"objectives/o{i:03d}/index.md" for i in range(100)]
    two = share_out(pages, 2)
    first = int(100 * FIRST_SHARE)
    assert [len(share) for share in two] == [first, 100 - first]
    three = share_out(pages, 3)
    assert [len(share) for share in three] == [33, 34, 33]
    assert set().union(*three) == set(pages)
    assert not three[0] & three[1] and not three[1] & three[2]
    assert share_out(pages, 2) == two  # the same deal in every process


def test_nav_sources_are_the_paths_the_nav_names() -> None:
    nav = ["index.md", {"Units": ["units/index.md", {"Sales": "units/sales/index.md"}]},
           {"KPIs": "kpis/index.md"}]
    assert nav_sources(nav) == {"index.md", "units/index.md", "units/sales/index.md",
                                "kpis/index.md"}


@pytest.mark.skipif(cpus() < 2, reason="the preview builds in shares on two CPUs or more")
def test_the_previews_full_build_in_shares_then_an_edit_give_what_one_build_gives(
    example: Path, tmp_path: Path,
) -> None:
    from okrsite.site.incremental import Engine, Staging

    staging = Staging(tmp_path / "staging")
    files = snapshot(example / ".okrsite")
    engine = Engine(staging, tmp_path / "site", share_pages=1)
    assert engine.build(staging.replace(files)) == f"full build of {len(files_md(files))} pages"
    assert snapshot(tmp_path / "site") == snapshot(example / "site")
    page = next(rel for rel in sorted(files) if rel.startswith("docs/objectives/"))
    edited = files[page].replace(b'<h2 id=\\"key-results\\">Key results</h2>',
                                 b'<h2 id=\\"key-results\\">Key results, edited</h2>')
    assert edited != files[page]
    assert engine.build(staging.update({page: edited})) == "1 pages rebuilt, 0 files copied"
    whole = tmp_path / "whole"
    whole.mkdir()
    run_mkdocs(staging.config_path, whole, processes=1)
    assert snapshot(tmp_path / "site") == snapshot(whole)
    engine.shutdown()


def files_md(files: dict[str, bytes]) -> list[str]:
    return [rel for rel in files if rel.startswith("docs/") and rel.endswith(".md")]


# --- the fresh processes ----------------------------------------------------------------------


def where_am_i() -> int:
    return os.getpid()


def fails_elsewhere(parent: int) -> str:
    if os.getpid() != parent:
        raise RuntimeError("not here")
    return "done here"


def test_works_run_in_fresh_processes_beside_this_one() -> None:
    mine, theirs = alongside(where_am_i, [where_am_i, where_am_i])
    assert mine == os.getpid()
    assert len(set(theirs)) == 2 and os.getpid() not in theirs


def test_a_work_that_fails_in_its_process_is_done_again_here() -> None:
    import functools

    _, theirs = alongside(lambda: None, [functools.partial(fails_elsewhere, os.getpid())])
    assert theirs == ["done here"]
