"""Tests for kit.readers and kit.outlets: every input kind, every bad input, the real corpora."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from kit.errors import InputError
from kit.ingest import outlets
from kit.ingest.readers import DOCUMENT_COLUMNS, PROBLEM_COLUMNS, parse_published, read_documents

BODY = "The minister said on Tuesday that talks would resume.\n\nCritics were not convinced."


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` (making folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [record if isinstance(record, str) else json.dumps(record) for record in records]
    return write(path, "\n".join(lines) + "\n")


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(file): hashlib.sha256(file.read_bytes()).hexdigest()
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }


def reasons(problems: pd.DataFrame) -> list[str]:
    return problems["reason"].tolist()


# ---------------------------------------------------------------------------------------------
# The bundled corpus and the frames' shape


def test_bundled_data_pages_take_their_metadata_from_the_manifest(seeds_dir):
    documents, problems = read_documents(seeds_dir)

    assert problems.empty
    assert list(documents.columns) == DOCUMENT_COLUMNS
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert documents["doc_id"].tolist() == ["000_626c3d33b069517d", "002_6a9f5d0f86e23afe"]
    assert documents["source"].tolist() == ["New York Post", "Kyiv Independent"]
    assert str(documents["published"].dtype) == "datetime64[ns, UTC]"
    assert (documents["published"].dt.strftime("%Y-%m-%d") == "2023-02-21").all()
    assert documents["author"].tolist() == [None, "Dinara Khalilova"]
    assert documents["title"].tolist() == [None, None]
    assert documents["timezone"].tolist() == ["America/New_York", "Europe/Kyiv"]
    assert (documents["kind"] == "text").all()
    assert documents["line"].isna().all() and str(documents["line"].dtype) == "Int64"
    first = seeds_dir / "000_626c3d33b069517d.txt"
    assert documents["path"].iloc[0] == first.as_posix()
    assert documents["file_hash"].iloc[0] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert documents["raw_text"].iloc[0].startswith("China’s President Xi Jinping to visit Putin")
    assert "\r" not in documents["raw_text"].iloc[1]


def test_single_page_still_uses_its_folder_manifest(seeds_dir):
    page = seeds_dir / "002_6a9f5d0f86e23afe.txt"
    documents, problems = read_documents(page)
    assert problems.empty
    assert documents[["doc_id", "source", "author"]].iloc[0].tolist() == [
        "002_6a9f5d0f86e23afe",
        "Kyiv Independent",
        "Dinara Khalilova",
    ]
    assert documents["path"].iloc[0] == page.as_posix()


def test_missing_path_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        read_documents(tmp_path / "nowhere")


def test_unknown_columns_key_raises_value_error_naming_valid_keys(tmp_path):
    write(tmp_path / "a.txt", BODY)
    with pytest.raises(ValueError, match="'text'.*'source'"):
        read_documents(tmp_path, columns={"body_text": "x"})


def test_empty_folder_gives_typed_empty_frames_and_says_so(tmp_path):
    documents, problems = read_documents(tmp_path)
    assert documents.empty
    assert reasons(problems) == [
        f"{tmp_path.as_posix()}: no articles found: the folder is empty; put pages or records "
        "(.csv, .htm, .html, .json, .jsonl, .ndjson, .parquet, .pq, .text, .tsv, .txt) in it, "
        "or check the path"
    ]
    assert list(documents.columns) == DOCUMENT_COLUMNS
    assert str(documents["published"].dtype) == "datetime64[ns, UTC]"


# ---------------------------------------------------------------------------------------------
# Plain-text pages and manifests


def test_text_pages_manifest_times_zones_and_missing_rows(tmp_path):
    corpus = tmp_path / "pages"
    write(corpus / "a.txt", BODY)
    write(corpus / "b.txt", "Another page.\r\nSecond line.")
    write(corpus / "c", "A page saved without an extension.")
    write(
        corpus / "manifest.csv",
        "file,source,published,timezone,author,url,title,story\n"
        "a.txt,nypost,2023-02-21 19:00,Europe/Kyiv,Jane Roe,https://x.test/a,Talks,s1\n"
        "b.txt,New York Times - News,21 Feb 2023,Mars/Olympus,,,,\n"
        "gone.txt,Fox,2023-02-21,,,,,\n",
    )

    documents, problems = read_documents(corpus)

    pages = documents.set_index("doc_id")
    assert sorted(pages.index) == ["a", "b", "c"]
    assert pages.loc["a", "source"] == "New York Post"
    assert pages.loc["a", "published"] == pd.Timestamp("2023-02-21 17:00", tz="UTC")
    assert pages.loc["a", ["author", "url", "title", "story", "timezone"]].tolist() == [
        "Jane Roe",
        "https://x.test/a",
        "Talks",
        "s1",
        "Europe/Kyiv",
    ]
    assert pages.loc["b", "source"] == "The New York Times"
    assert pages.loc["b", "published"] == pd.Timestamp("2023-02-21", tz="UTC")
    assert pages.loc["b", "raw_text"] == "Another page.\nSecond line."
    assert pages.loc["b", "timezone"] is None
    assert pages.loc["c", "kind"] == "text"
    assert pages.loc["c", "source"] is None and pd.isna(pages.loc["c", "published"])
    manifest = (corpus / "manifest.csv").as_posix()
    assert reasons(problems) == [
        f"{manifest}, line 4: names 'gone.txt', which is not in {corpus.as_posix()}; "
        "correct the file name or remove the row",
        f"{manifest}, line 3: unknown time zone 'Mars/Olympus' for b.txt; "
        "use an IANA name such as Europe/Kyiv or America/New_York",
    ]
    assert problems["line"].tolist() == [4, 3]


def test_unparseable_manifest_date_is_a_problem_but_the_page_loads(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "manifest.csv", "file,source,published\na.txt,Fox,sometime soon\n")

    documents, problems = read_documents(tmp_path)

    assert len(documents) == 1 and pd.isna(documents["published"].iloc[0])
    assert documents["source"].iloc[0] == "Fox News"
    assert len(problems) == 1
    assert problems["line"].iloc[0] == 2
    assert "'sometime soon'" in problems["reason"].iloc[0]


def test_cp1252_and_bom_files_decode_without_mojibake_and_odd_bytes_are_noted(tmp_path):
    write(tmp_path / "cp1252.txt", "Le café “Noir” ferme — déjà.", encoding="cp1252")
    write(tmp_path / "bom.txt", "\ufeffcafé with a byte-order mark")
    write(tmp_path / "latin1.txt", b"caf\xe9 \x81 odd byte")
    write(tmp_path / "utf16.txt", "café in UTF-16", encoding="utf-16")

    documents, problems = read_documents(tmp_path)

    texts = dict(zip(documents["doc_id"], documents["raw_text"], strict=True))
    assert problems["path"].tolist() == [(tmp_path / "latin1.txt").as_posix()]
    assert "1 byte(s) mean nothing in cp1252" in problems["reason"].iloc[0]
    assert texts["cp1252"] == "Le café “Noir” ferme — déjà."
    assert texts["bom"] == "café with a byte-order mark"
    assert texts["latin1"].startswith("café")
    assert texts["utf16"] == "café in UTF-16"


def test_empty_binary_unsupported_and_documentation_files_are_problems(tmp_path):
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "blank.jsonl", "\n  \n")
    write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path / "blob", bytes(range(256)) * 4)
    write(tmp_path / "slides.pdf", b"%PDF-1.4 ...")
    write(tmp_path / "README.md", "# About this corpus")
    write(tmp_path / "LICENSE", "MIT")
    write(tmp_path / "outlets.csv", "alias,outlet\n")
    write(tmp_path / "aliases.csv", "alias,entity\nPutin,Vladimir Putin\n")
    write(tmp_path / ".kit-cache" / "x.txt", BODY)
    write(tmp_path / ".hidden.txt", BODY)
    write(tmp_path / "good.txt", BODY)

    documents, problems = read_documents(tmp_path)

    assert documents["doc_id"].tolist() == ["good"]
    by_file = {
        Path(path).name: reason
        for path, reason in zip(*problems[["path", "reason"]].T.values, strict=True)
    }
    assert set(by_file) == {
        "empty.txt",
        "blank.jsonl",
        "photo.txt",
        "blob",
        "slides.pdf",
        "README.md",
        "LICENSE",
    }
    assert by_file["empty.txt"].endswith(
        "empty.txt: empty file; remove it or fill it with articles"
    )
    assert "empty file" in by_file["blank.jsonl"]
    assert "binary file, not text" in by_file["photo.txt"]
    assert "binary file, not text" in by_file["blob"]
    assert "unsupported file type '.pdf'" in by_file["slides.pdf"]
    assert by_file["README.md"].endswith("skipped: looks like documentation, not an article")
    assert by_file["LICENSE"].endswith("skipped: looks like documentation, not an article")
    assert problems["line"].isna().all()


# ---------------------------------------------------------------------------------------------
# HTML


ARTICLE_HTML = """<html><head><title>Talks resume - The Daily Planet</title>
<meta property="og:site_name" content="NYTimes">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2023-02-21T19:00:00+02:00">
</head><body><nav>Home | World | Sport</nav><article><h1>Talks resume</h1>
<p>The minister said on Tuesday that the talks would resume next week in the capital city.</p>
<p>Critics were not convinced, and said the previous round had produced nothing of value.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_html_page_gives_main_text_and_metadata(tmp_path):
    write(tmp_path / "page.html", ARTICLE_HTML)
    write(tmp_path / "script.htm", "<html><body><script>var page = 1;</script></body></html>")

    documents, problems = read_documents(tmp_path)

    page = documents.iloc[0]
    assert page["doc_id"] == "page" and page["kind"] == "html"
    assert page["source"] == "The New York Times"
    assert page["author"] == "Lois Lane"
    assert page["title"] == "Talks resume"
    assert page["published"] == pd.Timestamp("2023-02-21 17:00", tz="UTC")
    assert "the talks would resume" in page["raw_text"]
    assert "\n\n" in page["raw_text"] and "Subscribe" not in page["raw_text"]
    assert len(problems) == 1 and "script.htm: no article text found" in problems["reason"].iloc[0]


def test_html_manifest_row_wins_and_bare_dates_stay_on_their_day(tmp_path):
    page = ARTICLE_HTML.replace("2023-02-21T19:00:00+02:00", "2023-02-21")
    write(tmp_path / "page.html", page)
    write(tmp_path / "manifest.csv", "file,source,timezone\npage.html,hpo,Europe/Kyiv\n")

    documents, problems = read_documents(tmp_path)

    assert problems.empty
    assert documents["source"].iloc[0] == "HuffPost"
    assert documents["timezone"].iloc[0] == "Europe/Kyiv"
    assert documents["published"].iloc[0] == pd.Timestamp("2023-02-21", tz="UTC")


# ---------------------------------------------------------------------------------------------
# Records: JSONL, JSON, CSV, Parquet


def test_jsonl_records_load_around_bad_lines(tmp_path):
    feed = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {
                "id": 7,
                "outlet": "fox",
                "date": "2023-02-21T10:00:00Z",
                "text": BODY,
                "authors": ["Ann Lee", "Bo Chen"],
                "headline": "One",
                "link": "https://x.test/1",
            },
            '{"id": 8, "text": "broken',
            {"text": "Record with no id and a bad date.", "published": "not a date"},
            {"id": 9, "content": "   "},
            {"id": 10, "body": ["First paragraph.", "Second paragraph."], "event_id": 3},
            "[1, 2]",
        ],
    )

    documents, problems = read_documents(feed)

    assert documents["doc_id"].tolist() == ["7", "feed:3", "10"]
    assert documents["line"].tolist() == [1, 3, 5]
    first = documents.iloc[0]
    assert first["source"] == "Fox News" and first["author"] == "Ann Lee, Bo Chen"
    assert first["title"] == "One" and first["url"] == "https://x.test/1"
    assert first["published"] == pd.Timestamp("2023-02-21 10:00", tz="UTC")
    assert first["path"] == feed.as_posix() and (documents["kind"] == "jsonl").all()
    assert pd.isna(documents["published"].iloc[1]) and documents["source"].iloc[1] is None
    assert documents["raw_text"].iloc[2] == "First paragraph.\n\nSecond paragraph."
    assert documents["story"].iloc[2] == "3"
    assert problems["line"].tolist() == [2, 3, 4, 6]
    text = reasons(problems)
    assert text[0].startswith(f"{feed.as_posix()}, line 2: malformed JSON (")
    assert "date 'not a date' could not be read" in text[1]
    assert "empty text (column 'content')" in text[2]
    assert "not a JSON object" in text[3]


def test_json_list_single_record_and_wrapped_list(tmp_path):
    records = [{"title": "A", "content": BODY}, {"title": "B", "content": ""}, "oops"]
    write(tmp_path / "list.json", json.dumps(records))
    write(tmp_path / "one.json", json.dumps({"doc_id": "x1", "article": BODY}))
    write(tmp_path / "wrapped.json", json.dumps({"articles": [{"body": BODY}], "count": 1}))
    write(tmp_path / "broken.json", '[{"text": "a"},\n{oops}]')

    documents, problems = read_documents(tmp_path)

    assert documents["doc_id"].tolist() == ["list:1", "x1", "wrapped:1"]
    assert (documents["kind"] == "json").all() and documents["line"].isna().all()
    text = reasons(problems)
    assert "broken.json, line 2: malformed JSON" in text[0]
    assert "list.json: record 2: empty text" in text[1]
    assert "list.json: record 3: not a JSON object" in text[2]


def test_csv_rows_with_wrong_field_counts_are_problems_with_their_line(tmp_path):
    feed = write(
        tmp_path / "feed.csv",
        "id,source,date,text\n"
        '1,Reuters,2023-02-21,"A body\nover two lines"\n'
        "2,Reuters,2023-02-22,too,many,fields\n"
        "3,AP,,Third body\n",
    )

    documents, problems = read_documents(feed)

    assert documents["doc_id"].tolist() == ["1", "3"]
    assert documents["line"].tolist() == [2, 5]
    assert documents["raw_text"].iloc[0] == "A body\nover two lines"
    assert documents["source"].tolist() == ["Reuters", "Associated Press"]
    assert pd.isna(documents["published"].iloc[1])
    assert reasons(problems) == [
        f"{feed.as_posix()}, line 4: expected 4 fields, found 6; this record was skipped"
    ]


def test_csv_without_text_column_is_one_problem_and_columns_override_it(tmp_path):
    write(tmp_path / "feed.csv", "story_body,paper\nSome text here.,The Hill\nMore.,Vox\n")

    _, problems = read_documents(tmp_path)
    assert len(problems) == 1
    assert (
        problems["reason"]
        .iloc[0]
        .endswith(
            "feed.csv: no text column (looked for text, content_original, content, body, article); "
            "pass columns={'text': ...}"
        )
    )

    documents, problems = read_documents(
        tmp_path, columns={"text": "story_body", "source": "paper"}
    )
    assert problems.empty
    assert documents["source"].tolist() == ["The Hill", "Vox"]
    assert documents["raw_text"].tolist() == ["Some text here.", "More."]


def test_tsv_and_parquet_records(tmp_path):
    write(tmp_path / "feed.tsv", "uuid\ttitle\tbody\nu1\tTabbed\tA body, with a comma.\n")
    pd.DataFrame(
        {
            "doc_id": ["p1", "p2"],
            "publisher": ["BBC", None],
            "published_at": [pd.Timestamp("2023-02-21 12:00"), pd.NaT],
            "text": [BODY, "Second article."],
            "story_id": [11, 12],
        }
    ).to_parquet(tmp_path / "feed.parquet")

    documents, problems = read_documents(tmp_path)

    assert problems.empty
    assert documents["doc_id"].tolist() == ["p1", "p2", "u1"]  # files in sorted order
    assert documents["kind"].tolist() == ["parquet", "parquet", "csv"]
    assert documents["source"].tolist() == ["BBC News", None, None]
    assert documents["published"].iloc[0] == pd.Timestamp("2023-02-21 12:00", tz="UTC")
    assert pd.isna(documents["published"].iloc[1])
    assert documents["story"].tolist() == ["11", "12", None]
    assert documents["line"].iloc[2] == 2 and documents["line"].iloc[:2].isna().all()
    assert documents["raw_text"].iloc[2] == "A body, with a comma."


def test_basil_records_join_paragraphs_and_map_codes(tmp_path):
    record = {
        "title": "A title",
        "date": "2012-05-01",
        "uuid": "u-1",
        "url": "https://x.test/basil",
        "main-entities": ["Someone"],
        "source": "hpo",
        "triplet-uuid": "story-1",
        "body-paragraphs": [["First sentence.", "Second sentence."], ["New paragraph."]],
    }
    write(tmp_path / "2012" / "story-1_1.json", json.dumps(record))
    literal = {**record, "uuid": "empty", "source": "fox", "body-paragraphs": str([["Only."]])}
    write(tmp_path / "2012" / "story-1_2.json", json.dumps(literal))

    documents, problems = read_documents(tmp_path)

    assert problems.empty
    assert documents["doc_id"].tolist() == ["u-1", "story-1_2"]
    assert documents["raw_text"].tolist() == [
        "First sentence. Second sentence.\n\nNew paragraph.",
        "Only.",
    ]
    assert documents["source"].tolist() == ["HuffPost", "Fox News"]
    assert (documents["story"] == "story-1").all() and (documents["kind"] == "basil").all()
    assert documents["title"].iloc[0] == "A title" and documents["author"].iloc[0] is None
    assert documents["published"].iloc[0] == pd.Timestamp("2012-05-01", tz="UTC")


# ---------------------------------------------------------------------------------------------
# Duplicates, strict mode, outlets, progress, large files, read-only


def test_duplicate_doc_ids_get_a_suffix_and_exact_copies_count_once(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": BODY}, {"id": "x", "text": "Other."}])
    write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": BODY, "story": "s1"}])

    documents, problems = read_documents(tmp_path)

    assert documents["doc_id"].tolist() == ["x", "x~2"]
    assert documents["story"].tolist() == ["s1", None]
    a_file = (tmp_path / "a.jsonl").as_posix()
    assert problems["reason"].iloc[0] == (
        f"{a_file}, line 2: doc_id 'x' is already used by {a_file}, line 1; "
        "loaded as 'x~2'; give each article its own id or remove the duplicate"
    )
    assert problems["reason"].iloc[1] == (
        f"{(tmp_path / 'b.jsonl').as_posix()}, line 1: article 'x' is an exact copy of "
        f"{a_file}, line 1; counted once (its story taken from this copy)"
    )


def test_strict_raises_the_first_problem_message(tmp_path):
    write(tmp_path / "README.md", "Not an article, but not an error either.")
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"text": BODY}, "{bad"])

    _, problems = read_documents(tmp_path)
    expected = problems["reason"].iloc[-1]
    assert expected.startswith(f"{feed.as_posix()}, line 2: malformed JSON")

    with pytest.raises(InputError) as raised:
        read_documents(tmp_path, strict=True)
    assert expected.endswith("; this record was skipped")
    assert str(raised.value) == expected.replace(
        "this record was skipped", "the load stopped (strict=True)"
    )


def test_outlet_aliases_from_argument_and_folder_file(tmp_path):
    write(tmp_path / "outlets.csv", "alias,outlet\nDP,The Daily Planet\nGazette,Local Gazette\n")
    write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {"source": "dp", "text": BODY},
            {"source": "Gazette - News", "text": BODY},
            {"source": "  Unknown   Herald ", "text": BODY},
        ],
    )

    documents, _ = read_documents(tmp_path, outlets={"gazette": "The Gazette"})

    assert documents["source"].tolist() == ["The Daily Planet", "The Gazette", "Unknown Herald"]


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("nyt", "The New York Times"),
        ("New York Times - News", "The New York Times"),
        ("NYTimes", "The New York Times"),
        ("nytimes.com", "The New York Times"),
        ("fox", "Fox News"),
        ("Fox News (Online News)", "Fox News"),
        ("Fox Online News", "Fox News"),
        ("hpo", "HuffPost"),
        ("Huffington Post", "HuffPost"),
        ("New York Post", "New York Post"),
        ("nypost", "New York Post"),
        ("Kyiv Independent", "Kyiv Independent"),
        ("CNN (Web News)", "CNN"),
        ("NPR Online News", "NPR"),
        ("USA TODAY", "USA Today"),
        ("Washington Times", "The Washington Times"),
        ("NBC News (Online)", "NBC News"),
        ("New York Times - Opinion", "New York Times - Opinion"),
        (" Some  Gazette ", "Some Gazette"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_outlet_names(name, canonical):
    assert outlets.normalize(name) == canonical


def test_outlet_table_lists_builtin_and_extra_aliases():
    table = outlets.table({"DP": "The Daily Planet"})
    assert list(table.columns) == ["alias", "outlet"]
    assert {"nyt", "hpo", "fox"} <= set(table["alias"])
    assert table.iloc[-1].tolist() == ["DP", "The Daily Planet"]
    assert outlets.normalize("dp", extra={"DP": "The Daily Planet"}) == "The Daily Planet"


def test_parse_published_forms():
    assert parse_published(None) is pd.NaT and parse_published("  ") is pd.NaT
    assert parse_published("2023-02-21T19:00", "Europe/Kyiv") == pd.Timestamp(
        "2023-02-21 17:00", tz="UTC"
    )
    assert parse_published("2023-02-21T19:00+00:00", "Europe/Kyiv").hour == 19
    assert parse_published(1676937600) == pd.Timestamp("2023-02-21", tz="UTC")
    for bad in ("yesterday", "soon", "2023-13-45"):
        with pytest.raises(ValueError):
            parse_published(bad)


def test_progress_bar_runs_over_many_files(tmp_path, capsys):
    for number in range(8):
        write(tmp_path / f"page{number}.txt", BODY)
    documents, _ = read_documents(tmp_path, progress=True)
    assert len(documents) == 8
    assert "Reading files" in capsys.readouterr().err


def test_large_jsonl_streams_in_seconds(tmp_path):
    body = json.dumps("Paragraph of a long article. " * 70)  # about 2 KB per record
    feed = tmp_path / "big.jsonl"
    with feed.open("w", encoding="utf-8") as stream:
        number = 0
        while stream.tell() < 50_000_000:
            stream.write(
                f'{{"id": "n{number}", "source": "Reuters", '
                f'"date": "2023-02-{number % 28 + 1:02d}", "text": {body}}}\n'
            )
            number += 1

    started = time.perf_counter()
    documents, problems = read_documents(feed)
    seconds = time.perf_counter() - started

    assert problems.empty and len(documents) == number
    assert documents["doc_id"].is_unique and documents["published"].notna().all()
    assert seconds < 30, f"reading 50 MB took {seconds:.1f} s"


def test_raw_files_are_unchanged_after_reading(tmp_path, seeds_dir):
    write(tmp_path / "a.txt", "Le café.", encoding="cp1252")
    write(tmp_path / "manifest.csv", "file,source\na.txt,fox\n")
    write_jsonl(tmp_path / "b.jsonl", [{"text": BODY}, "{bad"])
    write(tmp_path / "c.csv", "text\nhello\n")
    before = file_hashes(tmp_path), file_hashes(seeds_dir)

    read_documents(tmp_path)
    read_documents(seeds_dir)

    assert (file_hashes(tmp_path), file_hashes(seeds_dir)) == before


# ---------------------------------------------------------------------------------------------
# The real corpora in ../shared


def test_basil_corpus(basil_dir):
    before = file_hashes(basil_dir)
    documents, problems = read_documents(basil_dir)

    assert problems.empty
    assert len(documents) == 300 and documents["doc_id"].is_unique
    assert set(documents["source"]) == {"Fox News", "The New York Times", "HuffPost"}
    assert documents.groupby("source").size().tolist() == [100, 100, 100]
    assert documents["story"].nunique() == 100
    assert (documents.groupby("story")["source"].nunique() == 3).all()
    assert documents["published"].notna().all()
    assert (documents["kind"] == "basil").all()
    assert documents["raw_text"].str.contains("\n\n").mean() > 0.9
    assert file_hashes(basil_dir) == before


def test_allsides_corpus(allsides_dir):
    documents, problems = read_documents(allsides_dir)

    assert len(documents) == 3098 - 66
    assert documents["source"].nunique() > 100
    assert documents["published"].notna().all()
    assert documents["author"].map(lambda author: author != "").all()
    assert documents["story"].notna().sum() == 1098
    # The two files share 66 identical articles (same ID, same text); the folder also holds a
    # README and a LICENSE. Each is reported, nothing else.
    text = reasons(problems)
    assert len(text) == 68
    assert sum("looks like documentation" in reason for reason in text) == 2
    duplicates = [reason for reason in text if "is an exact copy of" in reason]
    assert len(duplicates) == 66 and all("counted once" in reason for reason in duplicates)
    assert not documents["doc_id"].str.contains("~").any()


# ---------------------------------------------------------------------------------------------
# Encodings: one article, many ways of saving it, the same text back

ARTICLES = {
    "english": "“We are ready,” the minister said on Tuesday — talks resume in Geneva.\n\n"
    "Critics weren’t convinced; the café owners’ union called it “déjà vu”.",
    "french": "« Nous sommes prêts », a déclaré mardi la ministre.\n\n"
    "Les critiques n’étaient pas convaincus : l’été sera long.",
    "german": "Der Minister sagte am Dienstag, die Gespräche würden fortgesetzt.\n\n"
    "Kritiker äußerten sich über die Größe des Vorhabens skeptisch.",
    "spanish": "¿Qué dijo el ministro? «Estamos listos», afirmó el martes.\n\n"
    "Los críticos no estaban convencidos: «Ya veremos», dijo Muñoz.",
    "russian": "Министр заявил во вторник, что переговоры возобновятся.\n\n"
    "«Мы готовы», — сказала она. Критики не были убеждены.",
    "japanese": "大臣は火曜日、協議を再開すると述べた。\n\n"
    "「準備はできている」と彼女は語った。批評家たちは納得していない。",
}
SAVED_AS = {
    "utf-8": ["english", "french", "german", "russian", "japanese"],
    "utf-8-sig": ["english", "french", "german", "russian", "japanese"],
    "utf-16": ["english", "french", "german", "russian", "japanese"],
    "cp1252": ["english", "french", "german", "spanish"],
    "latin-1": ["spanish", "german"],
    "cp1251": ["russian"],
    "shift_jis": ["japanese"],
}
CASES = [(encoding, name) for encoding, names in SAVED_AS.items() for name in names]


@pytest.mark.parametrize("encoding, name", CASES, ids=[f"{e}-{n}" for e, n in CASES])
def test_the_same_article_in_any_encoding_reads_back_the_same(tmp_path, encoding, name):
    page = write(tmp_path / f"{name}.txt", ARTICLES[name], encoding=encoding)
    documents, problems = read_documents(page)
    assert problems.empty
    assert documents["raw_text"].tolist() == [ARTICLES[name]]


HTML_CHARSETS = [("utf-8", "russian"), ("windows-1251", "russian"), ("shift_jis", "japanese"),
                 ("windows-1252", "french"), ("iso-8859-1", "german")]  # fmt: skip


@pytest.mark.parametrize("charset, name", HTML_CHARSETS, ids=[c for c, _ in HTML_CHARSETS])
def test_html_with_a_meta_charset_reads_back_the_same(tmp_path, charset, name):
    paragraphs = "".join(f"<p>{part}</p>" for part in ARTICLES[name].split("\n\n"))
    html = (
        f'<html><head><meta charset="{charset}"><title>Talks</title></head>'
        f"<body><article>{paragraphs * 3}</article></body></html>"
    )
    write(tmp_path / "page.html", html, encoding=charset)
    documents, problems = read_documents(tmp_path)
    assert problems.empty
    assert ARTICLES[name].split("\n\n")[0] in documents["raw_text"].iloc[0]
    assert ARTICLES[name].split("\n\n")[1] in documents["raw_text"].iloc[0]


def test_declared_charset_in_a_text_page_is_used_and_a_wrong_one_is_noted(tmp_path):
    declared = "Content-Type: text/plain; charset=windows-1251\n\n" + ARTICLES["russian"]
    write(tmp_path / "declared.txt", declared, encoding="cp1251")
    wrong = '<meta charset="shift_jis">\n' + ARTICLES["german"]
    write(tmp_path / "wrong.txt", wrong, encoding="cp1252")

    documents, problems = read_documents(tmp_path)

    texts = dict(zip(documents["doc_id"], documents["raw_text"], strict=True))
    assert texts["declared"] == declared and texts["wrong"] == wrong
    [reason] = problems["reason"].tolist()
    assert "wrong.txt: declares charset 'shift_jis' but its bytes are not shift_jis" in reason


def test_mojibake_is_repaired_keeping_curly_quotes_and_noted(tmp_path):
    article = ARTICLES["french"]
    # What a UTF-8 page read as cp1252 and saved again as UTF-8 looks like: "prÃªts", "nâ€™".
    write(tmp_path / "mojibake.txt", article.encode("utf-8").decode("cp1252"), encoding="utf-8")

    documents, problems = read_documents(tmp_path)

    assert documents["raw_text"].tolist() == [article]
    assert "n’étaient" in documents["raw_text"].iloc[0]
    [reason] = problems["reason"].tolist()
    assert "mojibake repaired on 2 line(s) (first at line 1" in reason


def test_the_founding_pages_decode_unchanged(seeds_dir):
    documents, problems = read_documents(seeds_dir)
    for path, text in zip(documents["path"], documents["raw_text"], strict=True):
        raw = Path(path).read_bytes().decode("utf-8")
        assert text == raw.replace("\r\n", "\n").replace("\r", "\n")
    assert problems.empty


def test_a_page_declared_utf8_with_one_cp1252_byte_stays_utf8(tmp_path):
    page = '<meta charset="utf-8">\n' + ARTICLES["english"] + "\nIt cost 5€."
    write(tmp_path / "declared.txt", page.encode().replace("€".encode(), b"\x80"))

    documents, problems = read_documents(tmp_path)

    assert documents["raw_text"].tolist() == [page]
    [reason] = problems["reason"].tolist()
    assert "declared.txt, line 5: 1 byte(s) are not UTF-8 (first at line 5" in reason
