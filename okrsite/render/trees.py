"""Trees as flat rows, so that pages lay out a tree of any depth with one plain loop.

A template that recursed (a macro calling itself, a ``recursive`` loop) would use several
Python frames per level and raise ``RecursionError`` a few hundred levels down. Instead, a
tree is walked here, iteratively, into its rows in document order, each saying how deep it
is, whether its children's list opens after it and how many open lists end after it: the
template writes the same nested ``<ul>``s a recursive one would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from .summaries import Node

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class TreeRow(Generic[Item]):
    """One item of a tree, in document order (each item before its children)."""

    item: Item
    depth: int
    """0 for the top items, 1 for their children…"""
    parent: bool
    """It has children: their list opens after its row, inside its ``<li>``."""
    closes: int
    """A row without children ends its own ``<li>``; then this many lists of the levels above
    it end too (each with the ``<li>`` that holds it): 0 when the next row is its sibling (or,
    for a parent, always: its child comes next)."""


def flatten(
    tops: Iterable[Item], children: Callable[[Item], Sequence[Item]]
) -> list[TreeRow[Item]]:
    """The rows of the trees under ``tops``, each item followed by its subtree; linear in the
    number of items and using no recursion, however deep the tree. ``children`` must not lead
    back to an item above (the validator refuses cycles)."""
    walked: list[tuple[Item, int, bool]] = []
    stack = [(item, 0) for item in reversed(list(tops))]
    while stack:
        item, depth = stack.pop()
        kids = children(item)
        walked.append((item, depth, bool(kids)))
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    rows: list[TreeRow[Item]] = []
    for index, (item, depth, parent) in enumerate(walked):
        next_depth = walked[index + 1][1] if index + 1 < len(walked) else 0
        rows.append(TreeRow(item, depth, parent, 0 if parent else depth - next_depth))
    return rows


def node_rows(nodes: Sequence[Node]) -> list[TreeRow[Node]]:
    """The rows of the alignment tree's ``nodes`` (see :func:`okrsite.render.summaries.outline`)."""
    return flatten(nodes, lambda node: node.children)
