"""Reading one HTML page: trafilatura's article text, or the whole page as text when it finds none.

``read_html_page(markup)`` never raises on a page's content (bytes are decoded as
``kit.decoding`` does; the reader passes text it decoded itself, so that doubts are recorded).
It gives back an ``HtmlPage``:

- ``kind == "html"``: ``text`` is trafilatura's main text (paragraphs apart), which the
  cleaner keeps, removing only what trafilatura demonstrably misses (``kit.ingest.clean``);
- ``kind == "html-page"``: trafilatura found no article (or the page is too large for it), so
  ``text`` is the whole page rendered as text, one block a line, for the plain-text cleaner;
- ``text == ""`` with ``problem`` set: nothing readable at all (the reason names why).

``notes`` lists what was done to read the page (flattened nesting, skipped extractor) so the
reader can record it. Pages nested deeper than the HTML parser allows (libxml2 stops at 256
levels and drops everything below) are flattened first; pages larger than ``MAX_EXTRACT_BYTES``
after their scripts and styles are removed skip trafilatura, whose time grows quickly with size.

Example:
    >>> page = read_html_page(b"<html><body><p>It rained all day.</p></body></html>")
    >>> page.kind, page.text
    ('html', 'It rained all day.')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from kit.ingest.decoding import NotText, decode

# Above this size (after scripts, styles and comments are removed) trafilatura takes minutes.
MAX_EXTRACT_BYTES = 4_000_000
# Element nesting kept when a page is too deep for the parser (libxml2 keeps at most 256).
MAX_DEPTH = 200

_PARSER = lxml_html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)
_DEEP_PARSER = lxml_html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, huge_tree=True
)
_NOT_SHOWN = re.compile(
    r"<(script|style|noscript|template|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "head", "title", "iframe", "object"}
)
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd"}
    | {"mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)


@dataclass
class HtmlPage:
    """What one HTML page gave: its text, how it was read, and its metadata."""

    text: str
    kind: str = "html"
    title: str | None = None
    author: str | None = None
    url: str | None = None
    source: str | None = None
    date: str | None = None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)


def read_html_page(markup: str | bytes) -> HtmlPage:
    """Return the page's article text and metadata (see the module docstring)."""
    if isinstance(markup, bytes):
        try:
            markup = decode(markup)
        except NotText as error:
            return HtmlPage("", kind="html", problem=str(error))
    notes: list[str] = []
    shown_markup = _NOT_SHOWN.sub(" ", markup) if len(markup) > MAX_EXTRACT_BYTES else markup
    tree, deep = _parse(shown_markup)
    if deep:
        notes.append(
            f"HTML nested deeper than the parser allows: read with nesting flattened to "
            f"{MAX_DEPTH} levels"
        )
        tree, _ = _parse(flatten_nesting(shown_markup), parser=_DEEP_PARSER)
    if tree is None:
        return HtmlPage("", kind="html", problem="HTML could not be parsed", notes=notes)
    if len(shown_markup) > MAX_EXTRACT_BYTES:
        megabytes = len(shown_markup) / 1e6
        notes.append(
            f"HTML page of {megabytes:.1f} MB is too large for the article extractor: "
            "read as whole-page text and cleaned as plain text"
        )
        return _whole_page(tree, notes)
    page = _extract(tree)
    if page is None or not page.text.strip():
        readable = flatten_nesting(shown_markup) if deep else shown_markup
        fallback = _whole_page(_parse(readable, parser=_DEEP_PARSER)[0], notes)
        if page is not None:  # the extractor found metadata but no article
            fallback.title, fallback.author, fallback.url = page.title, page.author, page.url
            fallback.source, fallback.date = page.source, page.date
        return fallback
    page.notes = notes
    return page


def _parse(markup: str, *, parser=_PARSER) -> tuple[etree._Element | None, bool]:
    """Return (tree, too_deep): too_deep when the parser dropped what was nested too deeply."""
    try:
        try:
            tree = lxml_html.document_fromstring(markup, parser=parser)
        except ValueError:  # a Unicode string with an encoding declaration
            tree = lxml_html.document_fromstring(
                markup.encode("utf-8", "surrogatepass"), parser=parser
            )
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, False
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return tree, too_deep


def flatten_nesting(markup: str, *, max_depth: int = MAX_DEPTH) -> str:
    """Return ``markup`` with the tags nested below ``max_depth`` removed (their text kept).

    >>> flatten_nesting("<div><div><div><p>x</p></div></div></div>", max_depth=2)
    '<div><div>x</div></div>'
    """
    depth = 0
    dropped: list[int] = []  # depths at which an opening tag was removed

    def keep_or_drop(match: re.Match) -> str:
        nonlocal depth
        closing, name, self_closing = match[1], match[2].lower(), match[3]
        if name in _VOID or self_closing:
            return match[0] if depth < max_depth else ""
        if closing:
            if dropped and dropped[-1] == depth:
                dropped.pop()
                return ""
            depth = max(depth - 1, 0)
            return match[0]
        if depth >= max_depth:
            dropped.append(depth)
            return ""
        depth += 1
        return match[0]

    return _TAG.sub(keep_or_drop, markup)


def _extract(tree: etree._Element) -> HtmlPage | None:
    """Return trafilatura's main text and metadata of a parsed page, or None on its failure."""
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
    except Exception:  # trafilatura raises many kinds on broken markup: the page is then rendered
        return None
    if extracted is None:
        return None
    lines = (extracted.text or "").split("\n")
    return HtmlPage(
        "\n\n".join(line.strip() for line in lines if line.strip()),
        kind="html",
        title=extracted.title,
        author=extracted.author,
        url=extracted.url,
        source=extracted.sitename or extracted.hostname,
        date=extracted.date,
    )


def _whole_page(tree: etree._Element | None, notes: list[str]) -> HtmlPage:
    text = render_text(tree) if tree is not None else ""
    if not text:
        return HtmlPage("", kind="html-page", problem="no text found in the HTML page", notes=notes)
    return HtmlPage(text, kind="html-page", notes=notes)


def render_text(tree: etree._Element) -> str:
    """Return the visible text of a parsed page, one block (paragraph, cell, item) a line.

    >>> render_text(lxml_html.fromstring("<div><p>One <b>two</b></p><p>Three</p></div>"))
    'One two\\nThree'
    """
    pieces: list[str] = []
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if tag in _SKIPPED or not tag:
                walker.skip_subtree()
                continue
            if tag not in _INLINE:
                pieces.append("\n")
            if element.text:
                pieces.append(element.text)
        else:
            if tag not in _INLINE and tag not in _SKIPPED and tag:
                pieces.append("\n")
            if element.tail:
                pieces.append(element.tail)
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)
