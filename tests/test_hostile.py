"""Hostile input: each kind of bad file is read right or named in the problems, never a crash,
a hang or a silent change, and the good page beside it still loads.

One test per class of issue 12 (input side). Fixture texts are our own.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest

import kit
from kit.annotate.entities import read_aliases
from kit.errors import InputError, KitError
from kit.ingest.clean import clean_documents
from kit.ingest.readers import fingerprint, read_documents

GOOD = "The minister said on Tuesday that talks would resume.\n\nCritics were not convinced."
NOBODY = 65534


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def with_good_page(folder: Path) -> Path:
    """Write the good page every test keeps beside its bad input."""
    return write(folder / "good.txt", GOOD)


def reasons(problems: pd.DataFrame) -> list[str]:
    return problems["reason"].tolist()


def assert_good_page_loaded(documents: pd.DataFrame) -> None:
    assert GOOD in documents["raw_text"].tolist()


def random_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


# ---------------------------------------------------------------------------------------------
# Silent wrong data


def test_one_cp1252_byte_in_a_utf8_page_stays_utf8_and_is_noted(tmp_path):
    with_good_page(tmp_path)
    page = "“Déjà vu,” she said — the café’s doors stayed shut.\nIt cost 5€ more.\n"
    write(tmp_path / "mixed.txt", page.encode().replace("€".encode(), b"\x80"))  # cp1252's €

    documents, problems = read_documents(tmp_path)

    text = documents.set_index("doc_id").loc["mixed", "raw_text"]
    assert text == page  # curly quotes, accents and dash intact
    assert "Ã" not in text and "â€" not in text
    [reason] = reasons(problems)
    assert "mixed.txt" in reason and "1 byte(s) are not UTF-8 (first at line 2" in reason
    assert_good_page_loaded(documents)


def test_an_html_page_in_a_legacy_encoding_is_read_right_and_a_doubt_recorded(tmp_path):
    with_good_page(tmp_path)
    body = "Президент заявил во вторник, что переговоры возобновятся в ближайшие дни."
    page = f"<html><body><article><p>{body}</p><p>{body}</p></article></body></html>"
    write(tmp_path / "declared.html", page.replace("<html>", '<html><meta charset="cp1251">'),
          encoding="cp1251")  # fmt: skip
    write(tmp_path / "undeclared.html", page, encoding="cp1251")
    write(tmp_path / "stray.html", page.encode().replace("в ".encode(), b"\xe2 ", 1))

    documents, problems = read_documents(tmp_path)

    texts = documents.set_index("doc_id")["raw_text"]
    assert body in texts["declared"] and body in texts["undeclared"]
    [stray] = reasons(problems)  # read right where unambiguous; the doubt is said
    assert "stray.html" in stray and "1 byte(s) are not UTF-8" in stray
    assert_good_page_loaded(documents)


def test_a_page_with_a_space_in_every_other_byte_is_not_taken_for_utf16(tmp_path):
    with_good_page(tmp_path)
    body = "The council voted on Monday to keep the library open for another year."
    # A banner in letter-spaced capitals: a space in every other byte, as in UTF-16 of Latin.
    indented = "<!--" + " ".join("COUNCIL LIBRARY NEWS " * 300) + "-->"
    write(tmp_path / "indented.html", f"<html>{indented}<body><article><p>{body}</p><p>{body}"
          "</p></article></body></html>")  # fmt: skip

    documents, problems = read_documents(tmp_path)

    assert body in documents.set_index("doc_id").loc["indented", "raw_text"]
    assert reasons(problems) == []
    assert_good_page_loaded(documents)


def test_unbalanced_csv_quote_does_not_swallow_the_rows_after_it(tmp_path):
    with_good_page(tmp_path)
    rows = ["id,source,text\n", '1,Fox,"This quote never closes.\n']
    rows += [f"{n},Outlet {n},Row {n} says talks resumed.\n" for n in range(2, 52)]
    write(tmp_path / "feed.csv", "".join(rows))

    documents, problems = read_documents(tmp_path)

    feed = documents[documents["kind"] == "csv"]
    assert feed["doc_id"].tolist() == [str(n) for n in range(2, 52)]
    assert feed["raw_text"].iloc[0] == "Row 2 says talks resumed."
    [reason] = reasons(problems)
    assert reason.startswith(f"{(tmp_path / 'feed.csv').as_posix()}, line 2: unbalanced quote")
    assert_good_page_loaded(documents)


def test_day_first_dates_are_inferred_numbers_read_only_when_unambiguous(tmp_path):
    with_good_page(tmp_path)
    write(
        tmp_path / "dayfirst.csv",
        "id,date,text\na,05/02/2023,First.\nb,21/02/2023,Second.\nc,03/04/2023,Third.\n",
    )
    write(tmp_path / "undecided.csv", "id,date,text\nu,05/02/2023,Fourth.\n")
    records = [
        {"id": "n1", "date": 20230221, "text": "Fifth."},
        {"id": "n2", "date": 1676937600, "text": "Sixth."},
        {"id": "n3", "date": 4242, "text": "Seventh."},
    ]
    write(tmp_path / "numbers.jsonl", "\n".join(json.dumps(record) for record in records))

    documents, problems = read_documents(tmp_path)

    day = documents.set_index("doc_id")["published"].dt.strftime("%Y-%m-%d")
    assert day[["a", "b", "c"]].tolist() == ["2023-02-05", "2023-02-21", "2023-04-03"]
    assert day["n1"] == "2023-02-21" and day["n2"] == "2023-02-21"
    assert pd.isna(documents.set_index("doc_id").loc["n3", "published"])
    by_file = {
        Path(path).name: reason
        for path, reason in zip(problems["path"], problems["reason"], strict=True)
    }
    assert "could be 5 February or 2 May; read month-first" in by_file["undecided.csv"]
    assert "4242 is not a date" in by_file["numbers.jsonl"]
    assert len(problems) == 2
    day_first, _ = read_documents(tmp_path / "undecided.csv", dayfirst=True)
    assert day_first["published"].dt.strftime("%Y-%m-%d").tolist() == ["2023-02-05"]
    assert_good_page_loaded(documents)


def test_impossible_byline_date_is_a_problem(tmp_path):
    with_good_page(tmp_path)
    write(tmp_path / "byline.txt", f"Talks resume\nBy Jane Roe February 30, 2023 7:00 PM\n{GOOD}")

    documents, _ = read_documents(tmp_path)
    articles, _, problems = clean_documents(documents)

    assert [problem["path"] for problem in problems] == [(tmp_path / "byline.txt").as_posix()]
    assert "byline date 'February 30, 2023 7:00 PM' is not a real date" in problems[0]["reason"]
    assert articles["published"].isna().all() and len(articles) == 2


def test_malformed_first_row_of_aliases_csv_does_not_shift_the_table(tmp_path):
    from kit.ingest.documents import ProblemLog

    aliases = write(
        tmp_path / "aliases.csv",
        "alias,entity\nPutin,Vladimir Putin,stray\nXi,Xi Jinping\nZelensky,Volodymyr Zelensky\n",
    )
    log = ProblemLog(strict=False)

    table = read_aliases(aliases, log=log)

    assert table == {"xi": "Xi Jinping", "zelensky": "Volodymyr Zelensky"}
    assert reasons(log.frame()) == [
        f"{aliases.as_posix()}, line 2: expected 2 fields, found 3; "
        "quote fields that contain commas; this row was skipped"
    ]


def test_binary_behind_a_utf16_mark_is_not_an_article(tmp_path):
    with_good_page(tmp_path)
    write(tmp_path / "noise.txt", b"\xff\xfe" + random_bytes(6000))

    documents, problems = read_documents(tmp_path)

    assert documents["doc_id"].tolist() == ["good"]
    [reason] = reasons(problems)
    assert "noise.txt: binary data behind a UTF-16-LE byte-order mark, not text" in reason


def test_binary_after_the_first_8_kb_puts_no_nul_in_the_text(tmp_path):
    with_good_page(tmp_path)
    head = (GOOD + "\n") * 120  # about 10 KB of text
    write(tmp_path / "tail.txt", head.encode() + random_bytes(4000))

    documents, problems = read_documents(tmp_path)

    text = documents.set_index("doc_id").loc["tail", "raw_text"]
    assert "\x00" not in text and text.strip() == head.strip()
    [reason] = reasons(problems)
    assert "tail.txt" in reason and "binary data from line 361 on" in reason


def _in_child_as_nobody(function, *args):
    """Run ``function(*args)`` in a forked child without root's right to read anything."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def child():
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            results.put(("ok", function(*args)))
        except BaseException as error:  # sent back to the test, which fails with it
            results.put(("error", repr(error)))

    process = context.Process(target=child)
    process.start()
    outcome = results.get(timeout=120)
    process.join(10)
    return outcome


def _unreadable_corpus(make_unreadable):
    """Yield a world-readable folder with a good page; ``make_unreadable`` damages it."""
    folder = Path(tempfile.mkdtemp(prefix="kit-hostile-", dir="/tmp"))
    try:
        os.chmod(folder, 0o755)
        os.chmod(with_good_page(folder), 0o644)
        read_documents(folder)  # imports and codecs loaded before a child loses its rights
        make_unreadable(folder)
        if os.geteuid() != 0:
            documents, problems = read_documents(folder)
            return reasons(problems), documents["doc_id"].tolist(), fingerprint(folder)
        # Root reads everything: drop to an ordinary user in a child process to test for real.
        status, value = _in_child_as_nobody(_read_summary, folder)
        if status == "error" and "PermissionError" in value and "setuid" in value.lower():
            pytest.skip(f"running as root and cannot drop to uid {NOBODY} here: {value}")
        assert status == "ok", value
        return value
    finally:
        for path in folder.rglob("*"):
            os.chmod(path, 0o755)
        shutil.rmtree(folder)


def _read_summary(folder: Path):
    documents, problems = read_documents(folder)
    return reasons(problems), documents["doc_id"].tolist(), fingerprint(folder)


def test_an_unreadable_subfolder_is_a_problem_not_skipped_silently():
    def lock_subfolder(folder: Path) -> None:
        locked = folder / "locked"
        write(locked / "inside.txt", GOOD)
        os.chmod(locked, 0o000)

    problem_reasons, doc_ids, _ = _unreadable_corpus(lock_subfolder)

    assert doc_ids == ["good"]
    assert len(problem_reasons) == 1
    assert "locked: folder could not be read (permission denied)" in problem_reasons[0]


# ---------------------------------------------------------------------------------------------
# Crashes and hangs


def test_symlink_loop_dangling_link_and_unreadable_file_are_problems_even_uncached(tmp_path):
    with_good_page(tmp_path)
    os.symlink(tmp_path / "loop-b.txt", tmp_path / "loop-a.txt")
    os.symlink(tmp_path / "loop-a.txt", tmp_path / "loop-b.txt")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    os.symlink(tmp_path, tmp_path / "again")  # a folder link back to the corpus

    assert len(fingerprint(tmp_path)) == 64  # hashing never fails on them
    corpus = kit.load(tmp_path, cache=False, progress=False)

    problems = "\n".join(reasons(corpus.problems))
    assert "loop-a.txt: cannot be read: a symbolic link that loops back on itself" in problems
    assert "dangling.txt: cannot be read: a symbolic link to" in problems
    assert "again: folder link leads to a folder already read" in problems
    assert corpus.articles["doc_id"].tolist() == ["good"]


def test_an_unreadable_file_is_a_problem():
    problem_reasons, doc_ids, digest = _unreadable_corpus(
        lambda folder: os.chmod(write(folder / "secret.txt", GOOD), 0o000)
    )

    assert doc_ids == ["good"] and len(digest) == 64
    assert [reason.split(": ", 1)[1] for reason in problem_reasons] == [
        "cannot be read: permission denied; fix or remove it; it was skipped"
    ]


def test_a_fifo_named_like_a_page_is_refused_without_hanging(tmp_path):
    with_good_page(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")
    outcome = {}

    reader = threading.Thread(target=lambda: outcome.update(result=read_documents(tmp_path)))
    reader.daemon = True
    reader.start()
    reader.join(timeout=60)

    assert not reader.is_alive(), "reading a folder with a FIFO in it hung"
    documents, problems = outcome["result"]
    assert reasons(problems) == [
        f"{(tmp_path / 'pipe.txt').as_posix()}: cannot be read: not a regular file "
        "(a FIFO (named pipe)); fix or remove it; it was skipped"
    ]
    assert len(fingerprint(tmp_path)) == 64
    assert_good_page_loaded(documents)


@pytest.mark.parametrize(
    "content, expected",
    [
        ("alias,entity\nPutin,Vladimir Putin,extra\n", "line 2: expected 2 fields, found 3"),
        ("name,canonical\nPutin,Vladimir Putin\n", "expected the columns alias,entity"),
        ("", "empty file"),
    ],
    ids=["extra-field", "wrong-header", "empty"],
)
def test_a_malformed_aliases_csv_fails_before_any_nlp_runs(tmp_path, content, expected):
    with_good_page(tmp_path)
    write(tmp_path / "aliases.csv", content)

    # A model that does not exist: reaching the NLP step would fail differently.
    with pytest.raises(InputError, match=expected):
        kit.load(tmp_path, strict=True, model="no_such_model", progress=False)


def test_a_cp1252_aliases_csv_is_read_and_a_bad_one_is_a_problem_row(tmp_path):
    with_good_page(tmp_path)
    write(tmp_path / "aliases.csv", "alias,entity\nMinistre,Ministère\n", encoding="cp1252")
    write(tmp_path / "other" / "aliases.csv", "name,canonical\nMinister,The Minister\n")

    entities_from = read_aliases(tmp_path / "aliases.csv")
    corpus = kit.load(tmp_path, aliases=tmp_path / "other" / "aliases.csv", cache=False,
                      progress=False)  # fmt: skip

    assert entities_from == {"ministre": "Ministère"}
    [reason] = reasons(corpus.problems)
    assert "other/aliases.csv: expected the columns alias,entity, found name,canonical" in reason
    assert corpus.articles["doc_id"].tolist() == ["good"]
    with pytest.raises(InputError, match="no such aliases file"):
        kit.load(tmp_path, aliases=tmp_path / "missing.csv", progress=False)


@pytest.mark.parametrize(
    "printed, expected_utc, note",
    [
        ("November 5, 2023 1:30 AM", "2023-11-05 05:30", "happens twice in America/New_York"),
        ("March 12, 2023 2:30 AM", "2023-03-12 07:00", "does not exist in America/New_York"),
    ],
    ids=["fold", "gap"],
)
def test_a_byline_time_in_a_daylight_saving_fold_or_gap(tmp_path, printed, expected_utc, note):
    with_good_page(tmp_path)
    write(tmp_path / "page.txt", f"Talks resume\nBy Jane Roe {printed}\n{GOOD}")
    write(tmp_path / "manifest.csv", "file,source,timezone\npage.txt,Fox,America/New_York\n")

    documents, _ = read_documents(tmp_path)
    articles, _, problems = clean_documents(documents)

    published = articles.set_index("doc_id").loc["page", "published"]
    assert published.strftime("%Y-%m-%d %H:%M") == expected_utc
    assert len(problems) == 1 and note in problems[0]["reason"]
    assert len(articles) == 2


def test_json_nested_100000_levels_is_a_problem(tmp_path):
    with_good_page(tmp_path)
    write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    write(tmp_path / "deep.jsonl", json.dumps({"text": GOOD}) + "\n" + "[" * 100_000 + "\n")

    documents, problems = read_documents(tmp_path)

    assert documents["path"].map(lambda path: Path(path).name).tolist() == [
        "deep.jsonl",
        "good.txt",
    ]
    assert [reason.split(": ", 1)[1] for reason in reasons(problems)] == [
        "JSON nested too deeply (more levels than Python can read); "
        "flatten the file into a list of records; it was skipped",
        "JSON nested too deeply at line 2 (more levels than Python can read); "
        "this record was skipped",
    ]


# ---------------------------------------------------------------------------------------------
# Unclear or lost


def test_an_empty_path_a_manifest_path_and_an_empty_folder_say_so(tmp_path):
    write(tmp_path / "manifest.csv", "file,source\ngood.txt,Fox\n")
    empty = tmp_path / "empty"
    empty.mkdir()

    with pytest.raises(KitError, match="path='' is empty"):
        kit.load("", progress=False)
    with pytest.raises(InputError, match=r"manifest.csv configures a folder.*kit.load\("):
        kit.load(tmp_path / "manifest.csv", progress=False)
    corpus = kit.load(empty, cache=False, progress=False)

    assert corpus.articles.empty
    assert reasons(corpus.problems) == [
        f"{empty.as_posix()}: no articles found: the folder is empty; put pages or records "
        "(.csv, .htm, .html, .json, .jsonl, .ndjson, .parquet, .pq, .text, .tsv, .txt) in it, "
        "or check the path"
    ]


def test_semicolon_csv_utf32_shift_jis_and_numeric_text(tmp_path):
    with_good_page(tmp_path)
    write(tmp_path / "semicolon.csv", "text;source;date\nTalks will resume soon.;Fox;2023-02-21\n")
    write(tmp_path / "wide.txt", GOOD, encoding="utf-32")
    japanese = "大臣は火曜日、協議を再開すると述べた。\n\n批評家たちは納得していない。"
    write(tmp_path / "japanese.txt", japanese, encoding="shift_jis")
    write(tmp_path / "numbers.txt", "12345 67890\n3.14159 2.71828\n")

    documents, problems = read_documents(tmp_path)
    articles, _, clean_problems = clean_documents(documents)

    texts = articles.set_index("doc_id")["text"]
    assert texts["semicolon:2"] == "Talks will resume soon."
    assert articles.set_index("doc_id").loc["semicolon:2", "source"] == "Fox News"
    assert texts["wide"] == GOOD and texts["japanese"] == japanese
    assert clean_problems == []
    assert [reason.split(": ", 1)[1] for reason in reasons(problems)] == [
        "no words in it (only digits, symbols or punctuation); check it is an article; "
        "it was skipped"
    ]


def test_strict_errors_do_not_say_the_record_was_skipped(tmp_path):
    with_good_page(tmp_path)
    write(tmp_path / "feed.jsonl", json.dumps({"text": GOOD}) + "\n{broken\n")

    with pytest.raises(InputError) as raised:
        read_documents(tmp_path, strict=True)

    message = str(raised.value)
    assert "line 2: malformed JSON" in message
    assert "skipped" not in message and message.endswith("the load stopped (strict=True)")
