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
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from jinja2.compiler import Frame
    from jinja2.nodes import Expr

try:  # markupsafe's own escaping of a plain string, without wrapping it in Markup
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - another markupsafe layout

    def _escape_inner(s: str, /) -> str:
        return str(escape(s))


_INERT = str.maketrans({"\n": "&#10;", "\r": "&#13;", "{": "&#123;", "}": "&#125;"})


def _references(text: str) -> str:
    """``text.translate(_INERT)``, several times faster (none of the replacements brings back
    a character replaced after it)."""
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
_EMPTY = Markup("")
_SPACE = re.compile(r"\s+")
_FOLD = re.compile(r"[ \t]*\n\s*")
_FOLD_FAST = re.compile(r"\n\s*")
""":data:`_FOLD` where no line ends in a space or tab: a literal first, so much faster."""


def inert(value: Any) -> Markup:
    """What ``{{ value }}`` writes: escaped text with its line breaks and braces turned into
    character references; markup (a template's, a macro's, :func:`keep_lines`') as it is.

    Called for every value of every template, so it allocates as little as it can.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        if "{" in value or "}" in value or "\n" in value or "\r" in value:
            return Markup(_references(str(escape(value))))
        return escape(value)
    if value is None:
        return _EMPTY
    if type(value) in (int, float):
        return Markup(value)
    return inert(str(value))


def inert_text(value: Any) -> str:
    """:func:`inert` as a plain string: what compiled templates write for ``{{ value }}``
    (see :class:`_InertOutput`). Same text, without a ``Markup`` object per value."""
    if type(value) is str:
        text = _escape_inner(value)
        if "{" in text or "}" in text or "\n" in text or "\r" in text:
            return _references(text)
        return text
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    if type(value) in (int, float):
        return str(value)
    return inert_text(str(value))


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
    if " \n" in html or "\t\n" in html:
        return _FOLD.sub(" ", html).strip()
    return _FOLD_FAST.sub(" ", html).strip()


class _InertOutput(CodeGenerator):
    """Compiles ``{{ value }}`` in autoescaped templates to ``inert_text(value)`` alone.

    Jinja writes ``escape(finalize(value))``, which with ``finalize=inert`` escapes each value
    and then copies the result into a second ``Markup``: the bulk of the rendering time.
    :func:`inert_text` writes the very same text in one step. Anywhere else (no autoescape,
    ``{% autoescape %}`` blocks) Jinja's own code is kept.
    """

    def _writes_inert(self, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> bool:
        ctx = frame.eval_ctx
        return (
            ctx.autoescape is True
            and not ctx.volatile
            and finalize.src == "environment.finalize("
            and self.environment.finalize is inert
        )

    def _output_child_pre(
        self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> None:
        if self._writes_inert(frame, finalize):
            self.write("environment.inert_text(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(
        self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> None:
        if self._writes_inert(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class _Environment(jinja2.Environment):
    code_generator_class = _InertOutput
    inert_text = staticmethod(inert_text)


@cache
def environment() -> jinja2.Environment:
    """The one compiled template environment for pages, badges and charts."""
    env = _Environment(
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
