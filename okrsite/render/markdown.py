"""Goal bodies: untrusted Markdown -> safe HTML, rendered here rather than by the site engine.

Python-Markdown (what MkDocs uses) passes raw HTML, ``javascript:`` links and ``attr_list``
attributes through, and ``pymdownx.snippets`` includes files, so a goal body never reaches it.
markdown-it-py's ``js-default`` preset has raw HTML off and validates links; on top of that:

* links keep only relative targets and the ``http``, ``https`` and ``mailto`` schemes;
* images become plain links to the image, so a body cannot make the browser fetch anything
  (the site must work offline and leak nothing to other hosts);
* headings are demoted below the page's own (``#`` becomes ``<h3>``).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import validateLink
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from . import keep_lines

SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})
HEADING_SHIFT = 2


def is_safe_link(url: str) -> bool:
    """markdown-it's own check, then only relative links and a few plain schemes."""
    if not validateLink(url):
        return False
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES


def _image_to_link(token: Token) -> list[Token]:
    """``![alt](src)`` -> ``[alt](src)``: a link the reader may follow, never a fetch."""
    src = str(token.attrGet("src") or "")
    link_open = Token("link_open", "a", 1, attrs={"href": src})
    text = Token("text", "", 0, content=token.content or src)
    return [link_open, text, Token("link_close", "a", -1)]


def _images_to_links(state: StateCore) -> None:
    for block in state.tokens:
        if block.type == "inline" and block.children:
            children: list[Token] = []
            for child in block.children:
                children.extend(_image_to_link(child) if child.type == "image" else [child])
            block.children = children


def _demote_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.core.ruler.push("okrsite_images", _images_to_links)
    md.core.ruler.push("okrsite_headings", _demote_headings)
    return md


def render_body(text: str) -> Markup:
    """A goal's Markdown body as safe HTML (empty markup for an empty body)."""
    if not text.strip():
        return Markup("")
    return keep_lines(_parser().render(text))
