"""Small, safe HTML: one escaping helper and the templates every view fills.

Every piece of user text (titles, outlets, entity names, labels, article text) passes through
``escape`` before it meets a template, and the templates live in ``kit.views.templates`` as
data. Plotly renders hover text, legend entries, tick labels and titles as HTML too:
``hover_safe`` is the escape for those.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kit.corpus.queries import is_missing
from kit.errors import ArgumentError
from kit.views import templates

TEMPLATES = templates.BASIC

# "&" first, so the entities added after it are not escaped twice.
_PLOTLY_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&#34;"), ("'", "&#39;"))
# Colours reach a style attribute: accept CSS names and hex codes only.
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30})$")


class Html(str):
    """A string of HTML that Jupyter displays as HTML (it is still a plain ``str``)."""

    def _repr_html_(self) -> str:
        return str(self)


def escape(value: Any) -> str:
    """Return ``str(value)`` escaped for HTML text and attributes; None and NaN give "".

    Example:
        >>> escape('<b title="x">Tom & Jerry</b>')
        '&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/b&gt;'
    """
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def hover_safe(value: Any) -> str:
    """Return text safe to put in a plotly label, legend, title or hover text.

    Plotly draws these strings as a subset of HTML and decodes only a few named entities
    (``&lt;``, ``&gt;``, ``&amp;``) plus numeric ones, so quotes become numeric entities.

    Example:
        >>> hover_safe('<img src=x onerror="alert(1)">')
        '&lt;img src=x onerror=&#34;alert(1)&#34;&gt;'
    """
    if is_missing(value):
        return ""
    text = str(value)
    for raw, entity in _PLOTLY_ENTITIES:
        text = text.replace(raw, entity)
    return text


def unescape(value: Any) -> Any:
    """Return the plain text behind ``escape`` or ``hover_safe``; non-strings pass through."""
    return html.unescape(value) if isinstance(value, str) else value


def highlight(sentence: Any, start: int, end: int, *, color: str | None = None) -> Html:
    """Return the sentence as HTML with characters ``start:end`` wrapped in ``<mark>``.

    Offsets are into ``sentence``; they are clipped to its length. Everything is escaped.

    Example:
        >>> highlight("Putin met <Xi>", 10, 14)
        'Putin met <mark>&lt;Xi&gt;</mark>'
    """
    text = "" if is_missing(sentence) else str(sentence)
    start = max(0, min(int(start), len(text)))
    end = max(start, min(int(end), len(text)))
    style = ""
    if color is not None:
        if not _COLOR.match(str(color)):
            raise ArgumentError(
                f"highlight color {color!r} is not a CSS colour name or hex code; "
                "pass e.g. color='#F0E442' or color='yellow'"
            )
        style = TEMPLATES["mark_style"].format(color=escape(color))
    marked = TEMPLATES["mark"].format(style=style, text=escape(text[start:end]))
    return Html(escape(text[:start]) + marked + escape(text[end:]))


def _cell_html(row: Mapping[str, Any], column: str, highlight_spec: Any) -> str:
    """Return one cell's HTML: escaped, and marked if this column is the highlighted one."""
    value = row[column]
    if isinstance(highlight_spec, str) and column == highlight_spec:
        return TEMPLATES["mark"].format(style="", text=escape(value))
    if isinstance(highlight_spec, tuple) and column == highlight_spec[0]:
        _, start_column, end_column = highlight_spec
        start, end = row[start_column], row[end_column]
        if not (is_missing(start) or is_missing(end)):
            return str(highlight(value, int(start), int(end)))
    if isinstance(value, pd.Timestamp):
        return escape("" if pd.isna(value) else f"{value:%Y-%m-%d}")
    return escape(value)


def table(
    frame: pd.DataFrame,
    *,
    columns: Iterable[str] | Mapping[str, str] | None = None,
    highlight: str | tuple[str, str, str] | None = None,
    caption: str | None = None,
    align: Mapping[str, str] | None = None,
) -> Html:
    """Return an HTML table of ``frame`` in which every header and cell is escaped.

    Args:
        frame: the rows to show.
        columns: the columns to show, in order; a mapping gives {column: header text}.
        highlight: a column whose cells are wrapped in ``<mark>``, or a tuple
            (text column, start column, end column) to mark characters start:end of each text.
        caption: a line above the table.
        align: {column: "left" | "right" | "center"} (default left), e.g. right-align the
            left context of a key-word-in-context table.

    Example:
        >>> table(pd.DataFrame({"outlet": ["<b>Post</b>"]}))  # doctest: +ELLIPSIS
        '<table ...<td ...>&lt;b&gt;Post&lt;/b&gt;</td></tr></tbody></table>'
    """
    if columns is None:
        headers = {str(column): str(column) for column in frame.columns}
    elif isinstance(columns, Mapping):
        headers = {str(column): str(label) for column, label in columns.items()}
    else:
        headers = {str(column): str(column) for column in columns}
    missing = [column for column in headers if column not in frame.columns]
    if missing:
        raise ArgumentError(
            f"table: column {missing[0]!r} is not in the frame "
            f"(it has {', '.join(map(str, frame.columns))}); pass columns= from those"
        )
    alignments = {column: "left" for column in headers}
    for column, side in (align or {}).items():
        if side not in ("left", "right", "center"):
            raise ArgumentError(
                f"table: align[{column!r}]={side!r}; use 'left', 'right' or 'center'"
            )
        alignments[str(column)] = side
    header_html = "".join(
        TEMPLATES["header"].format(text=escape(label)) for label in headers.values()
    )
    rows_html = []
    for row in frame.to_dict("records"):
        cells = "".join(
            TEMPLATES["cell"].format(
                align=alignments[column], text=_cell_html(row, column, highlight)
            )
            for column in headers
        )
        rows_html.append(TEMPLATES["row"].format(cells=cells))
    caption_html = TEMPLATES["caption"].format(text=escape(caption)) if caption else ""
    return Html(
        TEMPLATES["table"].format(
            caption=caption_html, headers=header_html, rows="".join(rows_html)
        )
    )


def note(text: Any) -> Html:
    """Return a short paragraph of escaped text (e.g. "showing 50 of 312 sentences")."""
    return Html(TEMPLATES["note"].format(text=escape(text)))


def bold(text: Any) -> Html:
    """Return escaped text in bold (a heading inside a widget)."""
    return Html(TEMPLATES["bold"].format(text=escape(text)))


def code(text: Any) -> Html:
    """Return escaped text as code (the line that recreates a view)."""
    return Html(TEMPLATES["code"].format(text=escape(text)))


def quotation(html_text: str) -> Html:
    """Return already-built HTML (a highlighted sentence) as a block quotation."""
    return Html(TEMPLATES["quotation"].format(text=html_text))


def block(*parts: str) -> Html:
    """Return already-built HTML parts (from this module) joined in one ``<div>``."""
    return Html(TEMPLATES["block"].format(body="".join(parts)))
