"""Every HTML page loads (or becomes a problem naming the file and why), however deep or large."""

from __future__ import annotations

import time

import pytest

from kit.ingest import html_pages
from kit.ingest.html_pages import flatten_nesting, read_html_page, render_text
from kit.ingest.readers import read_documents

PARAGRAPHS = [
    "The regional council approved the new flood barrier on Thursday after two years of debate.",
    "Engineers said the barrier would protect about four thousand homes along the river banks.",
    "Work is due to begin in the spring and should take eighteen months, the council said.",
]


def article_page(*, depth: int = 0, menu: str = "") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return (
        "<html><head><title>Flood barrier approved</title></head><body>"
        f"{menu}{'<div>' * depth}<article><h1>Flood barrier approved</h1>{body}</article>"
        f"{'</div>' * depth}</body></html>"
    )


@pytest.mark.parametrize("depth", [300, 5000, 60000])
def test_a_deeply_nested_page_keeps_its_text(tmp_path, depth):
    (tmp_path / "deep.html").write_text(article_page(depth=depth), encoding="utf-8")
    documents, problems = read_documents(tmp_path)
    assert len(documents) == 1
    text = documents.loc[0, "raw_text"]
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert len(problems) == 1  # a note, not a failure: the page was read with nesting flattened
    reason = problems.loc[0, "reason"]
    assert reason.startswith(f"{(tmp_path / 'deep.html').as_posix()}: HTML nested deeper")


def test_a_shallow_page_is_read_by_the_extractor_without_a_note():
    page = read_html_page(article_page(depth=20).encode())
    assert page.kind == "html" and page.notes == []
    assert page.text.split("\n\n")[-3:] == PARAGRAPHS


def test_flattening_keeps_text_and_the_tags_above_the_limit():
    markup = "<div>" * 5 + "<p>deep <b>text</b></p><br/>" + "</div>" * 5 + "<p>after</p>"
    flat = flatten_nesting(markup, max_depth=3)
    assert flat == "<div><div><div>deep text</div></div></div><p>after</p>"


def test_a_very_large_page_loads_quickly_as_whole_page_text(tmp_path, monkeypatch):
    # The limit is lowered so the test writes 2 MB, not 20: the path taken is the same.
    monkeypatch.setattr(html_pages, "MAX_EXTRACT_BYTES", 1_000_000)
    paragraph = "".join(f"<p>{text}</p>\n" for text in PARAGRAPHS)
    script = "<script>var x = '" + "y" * 500_000 + "';</script>"
    page = f"<html><body>{script}<nav>Home</nav><article>{paragraph * 6000}</article></body></html>"
    (tmp_path / "large.html").write_text(page, encoding="utf-8")
    began = time.perf_counter()
    documents, problems = read_documents(tmp_path)
    assert time.perf_counter() - began < 30
    assert documents.loc[0, "kind"] == "html-page"
    assert "too large for the article extractor" in problems.loc[0, "reason"]
    assert "yyyy" not in documents.loc[0, "raw_text"]


def test_a_page_the_extractor_finds_nothing_in_falls_back_to_the_whole_page(tmp_path):
    page = "<html><body><table><tr><td>Menu</td><td>Login</td></tr></table></body></html>"
    result = read_html_page(page.encode())
    assert result.kind in {"html", "html-page"}
    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    documents, problems = read_documents(tmp_path)
    assert documents.empty
    assert "empty.html: no article text found in the HTML page" in problems.loc[0, "reason"]


def test_whole_page_rendering_puts_blocks_on_their_own_lines():
    from lxml import html

    tree = html.fromstring(
        "<div><ul><li>One</li><li>Two <a href='#'>links</a></li></ul><script>x()</script>"
        "<p>Para<br>graph</p>tail</div>"
    )
    assert render_text(tree) == "One\nTwo links\nPara\ngraph\ntail"
