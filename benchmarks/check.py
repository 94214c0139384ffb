"""Benchmark: a cold ``okrsite check`` against a naive parse of the same files.

Generates the synthetic organisation (500 units, about 2,050 files, and 2,000 units for the
linearity check), then times, each in a fresh process and each the best of ``--repeat`` runs:

* ``okrsite check`` (process start, loading, schema, every cross-file rule and scoring);
* a naive baseline that only splits the front matter and parses it with pure-Python
  ``yaml.safe_load`` (no validation at all).

Prints the figures and the ratios; exits 1 when a target is missed. Run:
``python benchmarks/check.py [--units 500] [--big 2000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from generate import generate
from timing import best_of, okrsite

NAIVE = r"""
import sys, pathlib, yaml
root = pathlib.Path(sys.argv[1])
count = 0
for path in sorted(root.rglob("*")):
    if path.suffix == ".md":
        text = path.read_text("utf-8")
        yaml.load(text.split("---", 2)[1], Loader=yaml.SafeLoader)
        count += 1
    elif path.name == "org.yml":
        yaml.load(path.read_text("utf-8"), Loader=yaml.SafeLoader)
print(count)
"""

TARGET_SPEEDUP = 5.0
TARGET_LINEAR = 4.4


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--big", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp, "small"), Path(tmp, "big")
        files = generate(args.units, small)
        big_files = generate(args.big, big)
        naive, check_small, check_big = best_of(
            [
                ([sys.executable, "-c", NAIVE, str(small)], None),
                (okrsite("check", str(small)), None),
                (okrsite("check", str(big)), None),
            ],
            args.repeat,
        )

    speedup = naive / check_small
    linear = check_big / check_small
    print(f"{args.units} units, {files} files:")
    print(f"  naive pure-Python yaml.safe_load  {naive:6.2f} s")
    print(f"  okrsite check (cold)              {check_small:6.2f} s")
    print(f"  speed-up                          {speedup:6.2f}x  (target >= {TARGET_SPEEDUP}x)")
    print(f"{args.big} units, {big_files} files:")
    print(f"  okrsite check (cold)              {check_big:6.2f} s")
    print(f"  ratio to {args.units} units          {linear:6.2f}x  (target <= {TARGET_LINEAR}x)")
    return 0 if speedup >= TARGET_SPEEDUP and linear <= TARGET_LINEAR else 1


if __name__ == "__main__":
    sys.exit(main())
