"""Benchmark: ``okrsite diff`` and freshness from git on the synthetic organisation.

Makes a git repository holding the 500-unit organisation (about 2,050 files) and five more
commits, each a pull request changing 10 to 50 files (``generate(..., mutate=K)``), then
times, each in a fresh process and each the best of ``--repeat`` runs:

* ``okrsite check`` of the organisation;
* ``okrsite diff FIRST LAST`` between the first and the last commit (50 files differ);
* ``okrsite build --no-git`` and ``okrsite build`` (freshness from git: one pass over the log).

Targets: the diff at most 2.5x one check; the build with git at most 1.5x the build without.
Prints the figures; exits 1 when a target is missed. Run:
``python benchmarks/diff.py [--units 500] [--repeat 3] [--build-repeat 2]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import generate
from timing import best_of, okrsite

TARGET_DIFF = 2.5
TARGET_GIT = 1.5
AS_OF = "2026-11-20"
MUTATIONS = (10, 20, 30, 40, 50)


def git(repo: Path, *args: str, day: str = "2026-10-01") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00", "GIT_COMMITTER_DATE":
           f"{day}T12:00:00", "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout.strip()


def make_repo(repo: Path, units: int) -> tuple[int, str, str]:
    """The organisation and its pull requests; ``(files, first commit, last commit)``."""
    repo.mkdir()
    git(repo, "init", "--quiet")
    (repo / ".gitignore").write_text("site/\n.okrsite/\n")
    files = generate(units, repo / "goals")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "the organisation")
    first = git(repo, "rev-parse", "HEAD")
    for day, count in enumerate(MUTATIONS, start=2):
        generate(units, repo / "goals", mutate=count)
        git(repo, "add", "--all")
        git(repo, "commit", "--quiet", "-m", f"{count} files", day=f"2026-10-{day:02d}")
    return files, first, git(repo, "rev-parse", "HEAD")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build-repeat", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp, "repo")
        files, first, last = make_repo(repo, args.units)
        changed = len(git(repo, "diff", "--name-only", first, last).splitlines())
        check, diff = best_of(
            [(okrsite("check", "goals"), repo),
             (okrsite("diff", first, last, "--as-of", AS_OF), repo)],
            args.repeat,
        )
        plain, fresh = best_of(
            [(okrsite("build", "--as-of", AS_OF, "--no-git"), repo),
             (okrsite("build", "--as-of", AS_OF), repo)],
            args.build_repeat,
        )

    diff_ratio, git_ratio = diff / check, fresh / plain
    print(f"{args.units} units, {files} files, {len(MUTATIONS) + 1} commits; "
          f"the diff's revisions differ in {changed} files:")
    print(f"  okrsite check                     {check:6.2f} s")
    print(f"  okrsite diff FIRST LAST           {diff:6.2f} s")
    print(f"  ratio                             {diff_ratio:6.2f}x  (target <= {TARGET_DIFF}x)")
    print(f"  okrsite build --no-git            {plain:6.2f} s")
    print(f"  okrsite build (freshness from git){fresh:6.2f} s")
    print(f"  ratio                             {git_ratio:6.2f}x  (target <= {TARGET_GIT}x)")
    return 0 if diff_ratio <= TARGET_DIFF and git_ratio <= TARGET_GIT else 1


if __name__ == "__main__":
    sys.exit(main())
