"""The web app page's one file of Voila's chunks (kit.publish.page_scripts): built from the
installed chunks the list names, known stale when they change, and never a broken page when
the list names chunks another Voila does not have. Whether a real page then asks for no chunk
on its own is checked in a browser (test_browser.py)."""

from __future__ import annotations

import os

from kit.publish import page_scripts


def _installed(tmp_path):
    """A Jupyter data folder holding two chunks in webpack's form, and a list naming them and
    one that is not installed."""
    data = tmp_path / "share" / "jupyter"
    static = data / "voila" / "templates" / "base" / "static"
    static.mkdir(parents=True)
    for number in (11, 12):
        (static / f"{number}.voila.js").write_text(
            f"(self.webpackChunk_test=self.webpackChunk_test||[]).push([[{number}],{{}}]);\n"
        )
    listed = tmp_path / "page-chunks.txt"
    listed.write_text(
        "# a comment\n"
        "voila/templates/base/static/11.voila.js\n"
        "voila/templates/base/static/12.voila.js\n"
        "voila/templates/base/static/13.voila.js\n"
    )
    return data, listed


def test_the_file_holds_the_installed_chunks_in_the_listed_order(tmp_path, capsys):
    data, listed = _installed(tmp_path)
    out = tmp_path / "static" / "page-chunks.js"
    assert page_scripts.install_page_chunks(out, listed, [str(data)])
    lines = out.read_text().splitlines()
    assert lines[0].startswith("/* kit page chunks ")
    assert [line.split("[[")[1].split("]")[0] for line in lines[1:]] == ["11", "12"]
    assert "1 of 3 chunks in page-chunks.txt are not installed" in capsys.readouterr().out
    assert page_scripts.has_page_chunks(out, listed, [str(data)])


def test_a_changed_chunk_makes_the_file_stale_until_it_is_built_again(tmp_path):
    data, listed = _installed(tmp_path)
    out = tmp_path / "page-chunks.js"
    page_scripts.install_page_chunks(out, listed, [str(data)])
    chunk = data / "voila" / "templates" / "base" / "static" / "12.voila.js"
    chunk.write_text(chunk.read_text() + "// another version\n")
    os.utime(chunk, ns=(1, 1))
    assert not page_scripts.has_page_chunks(out, listed, [str(data)])
    page_scripts.install_page_chunks(out, listed, [str(data)])
    assert page_scripts.has_page_chunks(out, listed, [str(data)])
    assert "another version" in out.read_text()


def test_with_none_of_the_chunks_installed_there_is_no_file_and_pages_fetch_them(tmp_path):
    _, listed = _installed(tmp_path)
    out = tmp_path / "page-chunks.js"
    out.write_text("/* kit page chunks 0 */\n")
    assert not page_scripts.install_page_chunks(out, listed, [str(tmp_path / "elsewhere")])
    assert not out.exists()
    assert not page_scripts.has_page_chunks(out, listed, [str(tmp_path / "elsewhere")])


def test_the_server_asks_the_template_for_the_file_only_when_it_is_in_place():
    from kit.publish import app

    resource = "--VoilaConfiguration.resources=kit_page_chunks=1"
    assert resource in app.voila_command(8866, pool_size=0, page_chunks=True)
    assert resource not in app.voila_command(8866, pool_size=0, page_chunks=False)
    assert (resource in app.voila_command(8866, pool_size=0)) == page_scripts.has_page_chunks()
