"""The extraction-dev pages in ../shared: loading, "save as text" rendering, the split, the score.

Shared by ``bench/cleaning.py`` (the benchmark) and ``train/train_lines.py`` (the line model).
Nothing here is imported by the kit; the corpus is read from ``../shared`` and never copied.

- ``load_pages()`` gives one ``DevPage`` per page: its id, host, HTML bytes, the passages its
  article must (``with``) and must not (``without``) contain, whether it looks English, and
  whether it is in the held-out split (a third of the pages, chosen by a hash of the id, so the
  split never changes and never depends on the page's content).
- ``render_text(html)`` is the whole page as a scraper's "save as text" gives it (inscriptis),
  navigation and all; renderings are cached on disk because inscriptis is slow on big pages.
  ``render_blocks(page)`` is another rendering, as a browser's "select all, copy" gives it.
- ``score(outputs, pages)`` counts as trafilatura's evaluation does: a ``with`` passage found in
  the output is a true positive, one missing a false negative; a ``without`` passage found is a
  false positive. Whitespace is squashed on both sides first (a rendering splits lines).
- ``shingle_score(outputs, references, pages)`` scores by token 4-grams against a reference
  text per page, as article-body benchmarks do (the issue's acceptance measure); extraction-dev
  has no reference bodies, so ``bench/cleaning.py`` uses trafilatura's text where it holds
  exactly its page's passages (``holds_exactly_its_passages``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KIT_SHARED", REPO.parent / "shared"))
DEV = SHARED / "corpora" / "extraction-dev"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "coverage-kit-dev"


@dataclass(frozen=True)
class DevPage:
    page_id: str
    host: str
    html: bytes
    with_passages: tuple[str, ...]
    without_passages: tuple[str, ...]
    english: bool
    held_out: bool


def is_held_out(page_id: str) -> bool:
    """Return True for the third of the pages kept out of training (a hash of the id)."""
    return int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % 3 == 0


def load_pages(folder: Path = DEV) -> list[DevPage]:
    """Return the pages of extraction-dev, sorted by id."""
    if not folder.exists():
        raise SystemExit(f"{folder} is absent: the dev corpus lives in ../shared")
    snippets = json.loads((folder / "snippets.json").read_text(encoding="utf-8"))
    english = set(json.loads((folder / "english.json").read_text(encoding="utf-8")))
    pages = []
    for page_id, entry in sorted(snippets.items()):
        file = folder / "html" / f"{page_id}.html.gz"
        if not file.exists():
            continue
        pages.append(
            DevPage(
                page_id=page_id,
                host=urlsplit(entry.get("url") or "").hostname or page_id,
                html=gzip.decompress(file.read_bytes()),
                with_passages=tuple(entry.get("with") or ()),
                without_passages=tuple(entry.get("without") or ()),
                english=page_id in english,
                held_out=is_held_out(page_id),
            )
        )
    return pages


def decode_html(html: bytes) -> str:
    """Return the page's text as trafilatura would decode it (declared charset, else guessed)."""
    from trafilatura.utils import decode_file

    return decode_file(html)


def render_text(page: DevPage) -> str:
    """Return the whole page as plain text, as a scraper's "save as text" would (cached)."""
    digest = hashlib.sha256(page.html).hexdigest()[:16]
    cached = CACHE / "inscriptis" / f"{page.page_id}-{digest}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    from inscriptis import get_text

    try:
        text = get_text(decode_html(page.html))
    except Exception:  # a page inscriptis cannot parse renders as nothing, as a scraper's would
        text = ""
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text


# The elements a browser starts a new line for, and those it does not show.
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
))  # fmt: skip
_HIDDEN = frozenset({"!--", "script", "style", "noscript", "template", "svg", "head"})


def render_blocks(page: DevPage) -> str:
    """Return the page as a browser's "select all, copy" gives it: each block element on its
    own lines, whitespace squashed, no list markers and no layout (unlike ``render_text``).
    The kit is checked on both, since the renderer of a page saved as text is not known."""
    import lxml.html

    try:
        root = lxml.html.fromstring(decode_html(page.html))
    except (ValueError, lxml.etree.ParserError):
        return ""
    lines: list[str] = []
    current: list[str] = []

    def end_line() -> None:
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else "!--"  # a comment shows nothing
        if tag not in _HIDDEN:
            if tag in _BLOCKS:
                end_line()
            current.append(element.text or "")
            for child in element:
                walk(child)
            if tag in _BLOCKS:
                end_line()
        current.append(element.tail or "")

    walk(root)
    end_line()
    return "\n".join(lines)


def squash(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int


def score(outputs: Mapping[str, str | None], pages: Iterable[DevPage]) -> Score:
    """Return precision, recall and F1 over all passages of ``pages`` (missing output: none)."""
    tp = fn = fp = n_pages = 0
    for page in pages:
        n_pages += 1
        output = squash(outputs.get(page.page_id) or "")
        for passage in page.with_passages:
            if squash(passage) in output:
                tp += 1
            else:
                fn += 1
        fp += sum(1 for passage in page.without_passages if squash(passage) in output)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, n_pages)


_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    """Return the set of ``size`` consecutive lower-cased word tokens of ``text``."""
    tokens = _TOKEN.findall(text.lower())
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def shingle_score(
    outputs: Mapping[str, str | None], references: Mapping[str, str], pages: Iterable[DevPage]
) -> Score:
    """Return precision and recall of each output's token 4-grams against its page's reference
    text, averaged over the pages (F1 of the two means), as article-body benchmarks score."""
    precisions, recalls = [], []
    for page in pages:
        reference = shingles(references[page.page_id])
        output = shingles(outputs.get(page.page_id) or "")
        common = len(reference & output)
        precisions.append(common / len(output) if output else 0.0)
        recalls.append(common / len(reference) if reference else 0.0)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(precisions))


def holds_exactly_its_passages(output: str, page: DevPage) -> bool:
    """Return True when ``output`` holds every passage ``page`` must and none it must not."""
    text = squash(output)
    return (
        bool(page.with_passages)
        and all(squash(passage) in text for passage in page.with_passages)
        and not any(squash(passage) in text for passage in page.without_passages)
    )


def densest_block(text: str, *, window: int = 15, long_words: int = 10) -> str:
    """Return the baseline: the run of ``window`` non-empty lines holding the most long lines."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) <= window:
        return "\n".join(lines)
    long_line = [len(line.split()) >= long_words for line in lines]
    best_start, best = 0, -1
    running = sum(long_line[:window])
    for start in range(len(lines) - window + 1):
        if start:
            running += long_line[start + window - 1] - long_line[start - 1]
        if running > best:
            best_start, best = start, running
    return "\n".join(lines[best_start : best_start + window])
