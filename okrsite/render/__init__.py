"""Stage 5: the scored model -> site content (HTML fragments, SVG, JSON). Knows nothing of MkDocs.

Every piece of HTML and SVG comes from a Jinja template under ``okrsite/templates`` rendered by
the one compiled :func:`environment`. Its output is *inert* wherever it lands:

* autoescape is on, so goal text is always text;
* every value written by ``{{ … }}`` also has its newlines, ``{`` and ``}`` turned into
  character references (:func:`inert`), and :func:`one_line` folds the templates' own line
  breaks into spaces. A rendered page is therefore a single line of HTML in which no goal text
  can start a line (so no Markdown preprocessor such as snippets or fenced code can see it)
  and no goal text can form Jinja syntax (so a macros plugin finds nothing to evaluate);
* :func:`safe_title` neutralises the characters that matter in the places where MkDocs themes
  insert titles without escaping (``<title>``, the navigation, the search index).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..compiled import template_cache
from ..vocabulary import HEALTH_WORDS, NO_VALUE, STATUS_WORDS, percent, plural


def _references(text: str) -> str:
    """Line breaks and braces as character references (``&#10;``, ``&#123;``…); none of the
    replacements brings back a character replaced after it."""
    return (
        text.replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
    )


_TITLE = str.maketrans(
    {"<": "‹", ">": "›", '"': "”", "'": "’", "`": "’", "{": "(", "}": ")", "\\": "/"}
)
_ENTITY_START = re.compile(r"&(?=[#A-Za-z])")
"""An ``&`` that could start a character reference (``&lt;``, ``&#60;``); ``R & D`` cannot."""
_SPACE = re.compile(r"\s+")
_FOLD = re.compile(r"[ \t]*\n\s*")
_FOLD_FAST = re.compile(r"\n\s*")
""":data:`_FOLD` where no line ends in a space or tab: a literal first, so much faster."""


def inert_value(value: Any) -> Any:
    """The environment's ``finalize``: what ``{{ value }}`` hands to autoescaping (which then
    escapes plain text and keeps markup as it is). Text with line breaks or braces comes back
    escaped, with those as character references; other text as it is, for Jinja to escape;
    nothing as an empty string; markup (a template's, a macro's, :func:`keep_lines`') and
    numbers as they are. Called for every value of every template: it does as little as it can.
    """
    if type(value) is str:
        if "{" in value or "}" in value or "\n" in value or "\r" in value:
            return Markup(_references(str(escape(value))))
        return value
    if value is None:
        return ""
    if isinstance(value, Markup) or type(value) in (int, float):
        return value
    return inert_value(str(value))


def inert(value: Any) -> Markup:
    """What ``{{ value }}`` writes: escaped text with its line breaks and braces turned into
    character references; markup as it is."""
    return escape(inert_value(value))


def keep_lines(html: str) -> Markup:
    """Trusted HTML whose line breaks are content (``<pre>``): kept as character references."""
    return Markup(_references(html))


def safe_title(text: str) -> str:
    """A title that stays plain text even where a theme inserts it unescaped.

    MkDocs themes write ``page.title`` into ``<title>``, the navigation and the search index
    as raw HTML, after ``striptags`` (which decodes entities). Escaping cannot survive that,
    so the characters that could form markup, entities, quotes or Jinja are replaced by
    look-alikes (an ``&`` only where a character reference could start: ``R & D`` stays),
    and whitespace (including line breaks) is collapsed.
    """
    neutral = _ENTITY_START.sub("＆", text.translate(_TITLE))
    return _SPACE.sub(" ", neutral).strip() or "Untitled"


def number(value: float | None, unit: str | None = None) -> str:
    """``14.0`` -> ``14``, ``12.345`` -> ``12.35``, ``1234567`` -> ``1,234,567``; with a unit."""
    if value is None:
        return NO_VALUE
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    if abs(value) < 1 and not float(value).is_integer():
        text = f"{value:.3g}"
    return f"{text} {unit}" if unit else text


def day(value: date | None) -> str:
    """A date as ISO text, or an en dash."""
    return NO_VALUE if value is None else value.isoformat()


def share(value: float | None) -> str:
    """A 0..1 share as a percentage to one decimal where it has one: ``0.385`` -> ``38.5%``,
    ``0.7`` -> ``70%`` (thresholds, which whole percentages would misstate)."""
    if value is None:
        return NO_VALUE
    text = f"{value * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def one_line(html: str) -> str:
    """Fold rendered markup onto one line: its values carry no raw line breaks, so the ones
    left are the templates' layout."""
    if " \n" in html or "\t\n" in html:
        return _FOLD.sub(" ", html).strip()
    return _FOLD_FAST.sub(" ", html).strip()


@cache
def environment() -> jinja2.Environment:
    """The one compiled template environment for pages, badges and charts: Jinja escapes
    what ``finalize`` returns, so each ``{{ value }}`` writes :func:`inert` of it."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("okrsite", "templates"),
        autoescape=True,
        finalize=inert_value,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=template_cache(),
    )
    env.filters.update(num=number, pct=percent, day=day, share=share, plural=plural)
    env.globals.update(STATUS_WORDS=STATUS_WORDS, HEALTH_WORDS=HEALTH_WORDS)
    return env


def render(template: str, **context: Any) -> Markup:
    """Render one template to inert markup (still laid out on lines: see :func:`one_line`)."""
    return Markup(environment().get_template(template).render(**context))
