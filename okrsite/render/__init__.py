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

_INERT = str.maketrans({"\n": "&#10;", "\r": "&#13;", "{": "&#123;", "}": "&#125;"})
_TITLE = str.maketrans(
    {"<": "‹", ">": "›", '"': "”", "'": "’", "`": "’", "{": "(", "}": ")", "\\": "/"}
)
_ENTITY_START = re.compile(r"&(?=[#A-Za-z])")
"""An ``&`` that could start a character reference (``&lt;``, ``&#60;``); ``R & D`` cannot."""
_EMPTY = Markup("")
_SPACE = re.compile(r"\s+")
_FOLD = re.compile(r"[ \t]*\n\s*")


def inert(value: Any) -> Markup:
    """What ``{{ value }}`` writes: escaped text with its line breaks and braces turned into
    character references; markup (a template's, a macro's, :func:`keep_lines`') as it is.

    Called for every value of every template, so it allocates as little as it can.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        if "{" in value or "}" in value or "\n" in value or "\r" in value:
            return Markup(str(escape(value)).translate(_INERT))
        return escape(value)
    if value is None:
        return _EMPTY
    if type(value) in (int, float):
        return Markup(value)
    return inert(str(value))


def keep_lines(html: str) -> Markup:
    """Trusted HTML whose line breaks are content (``<pre>``): kept as character references."""
    return Markup(html.translate(_INERT))


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
        return "–"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    if abs(value) < 1 and not float(value).is_integer():
        text = f"{value:.3g}"
    return f"{text} {unit}" if unit else text


def percent(score: float | None) -> str:
    """A 0..1 score as a whole percentage: ``0.456`` -> ``46%``; none: an en dash."""
    return "–" if score is None else f"{round(score * 100):d}%"


def day(value: date | None) -> str:
    """A date as ISO text, or an en dash."""
    return "–" if value is None else value.isoformat()


def one_line(html: str) -> str:
    """Fold rendered markup onto one line: its values carry no raw line breaks, so the ones
    left are the templates' layout."""
    return _FOLD.sub(" ", html).strip()


@cache
def environment() -> jinja2.Environment:
    """The one compiled template environment for pages, badges and charts."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("okrsite", "templates"),
        autoescape=True,
        finalize=inert,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    from . import badges

    env.filters.update(num=number, pct=percent, day=day)
    env.globals.update(badges.GLOBALS)
    return env


def render(template: str, **context: Any) -> Markup:
    """Render one template to inert markup (still laid out on lines: see :func:`one_line`)."""
    return Markup(environment().get_template(template).render(**context))
