"""kit.collect against a real HTTP server on 127.0.0.1 (tests/collect_server.py): feeds, URL
lists, GDELT and Media Cloud answers written in their documented formats, and the web's
troubles (404, 500 then 200, 429 with Retry-After, redirects, a slow answer, 30 MB, a PDF, a
path robots.txt disallows). No test reaches outside the machine."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pandas as pd
import pytest
from collect_server import BIG_ARTICLES, BIG_QUERY, MC_KEY, SLOW_SECONDS, CollectServer

import kit
from kit import collect
from kit.collect import CollectError, manifest
from kit.collect.fetch import Fetcher

# Short waits so the suite stays quick; politeness itself is tested with its own settings.
FAST = {"delay": 0, "timeout": 0.5, "retries": 1, "backoff": 0.01, "progress": False}
FETCHABLE_RSS = {"arctic-deal", "bergen-strike", "flaky", "busy", "old-link"}


@pytest.fixture
def server():
    with CollectServer() as running:
        yield running


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Annotations cached in the test's own folder, never in a developer's cache."""
    monkeypatch.setenv("KIT_STORE", str(tmp_path / "cache"))


def _load(folder: Path, tmp_path: Path):
    # Not store=: kit.store.rollups cannot yet write the rollups of a corpus with no article.
    return kit.load(folder, progress=False)


def _stems(urls) -> set[str]:
    return {Path(str(url).split("?")[0]).stem for url in urls}


def _page_hashes(folder: Path) -> dict[str, str]:
    return {
        page.name: hashlib.sha256(page.read_bytes()).hexdigest() for page in folder.glob("*.html")
    }


# ---- feeds ------------------------------------------------------------------------------------
def test_feed_collected_then_loaded_with_every_failure_a_problem(server, tmp_path):
    folder = tmp_path / "corpus"
    rows = collect.feeds([server.url("/feeds/world.rss")], out=folder, **FAST)

    corpus = _load(folder, tmp_path)
    articles = corpus.articles.set_index(corpus.articles["url"].map(lambda url: Path(url).stem))
    assert set(articles.index) == FETCHABLE_RSS
    assert set(articles["source"]) == {"Kyiv Independent"}  # "Kyiv Independent - News"
    assert articles.loc["arctic-deal", "title"] == "Arctic fisheries deal signed in Oslo"
    assert articles.loc["arctic-deal", "published"] == pd.Timestamp("2023-02-21 09:30", tz="UTC")
    # "+0100" in the feed, kept in UTC
    assert articles.loc["bergen-strike", "published"] == pd.Timestamp("2023-02-22 13:00", tz="UTC")
    assert articles.loc["arctic-deal", "url"] == server.url("/news/arctic-deal.html")
    assert "Barents Sea" in articles.loc["arctic-deal", "text"]
    assert "newsletter" not in articles.loc["arctic-deal", "text"]

    reasons = " ".join(corpus.problems["reason"])
    for path, why in [
        ("/news/missing.html", "HTTP 404"),
        ("/private/memo.html", "robots.txt"),
        ("/news/report.pdf", "application/pdf"),
        ("/news/slow.html", "no answer within"),
        ("/news/huge.html", "cap"),
    ]:
        problem = [reason for reason in corpus.problems["reason"] if server.url(path) in reason]
        assert problem and why in problem[0], (path, reasons)
    assert "/private/memo.html" not in server.paths()
    # The same article twice in the feed, under two sets of tracking parameters: fetched once.
    assert server.paths().count("/news/arctic-deal.html") == 1
    assert rows["url"].is_unique

    before, requests_before = _page_hashes(folder), len(server.log)
    again = collect.feeds([server.url("/feeds/world.rss")], out=folder, **FAST)
    asked = server.paths()[requests_before:]
    assert not [path for path in asked if path.startswith(("/news/", "/private/"))], asked
    assert set(again["action"]) == {"already collected", "already failed"}
    assert _page_hashes(folder) == before  # raw pages never rewritten


def test_atom_feed_and_a_page_in_two_feeds_fetched_once(server, tmp_path):
    folder = tmp_path / "corpus"
    collect.feeds([server.url("/feeds/world.rss")], out=folder, **FAST)
    rows = collect.feeds([server.url("/feeds/europe.atom")], out=folder, **FAST)

    by_stem = rows.set_index(rows["url"].map(lambda url: Path(url).stem))
    assert by_stem.loc["quotas-explained", "title"] == "Oslo deal: what the quotas mean"
    assert by_stem.loc["quotas-explained", "published"] == "2023-02-22T16:45:00Z"
    assert by_stem.loc["quotas-explained", "source"] == "New York Post"
    assert by_stem.loc["bergen-strike", "action"] == "already collected"
    assert server.paths().count("/news/bergen-strike.html") == 1
    queries = by_stem.loc["bergen-strike", "query"].split(manifest.QUERY_SEPARATOR)
    assert queries == [
        f"feed: {server.url('/feeds/world.rss')}",
        f"feed: {server.url('/feeds/europe.atom')}",
    ]


def test_a_feed_that_fails_or_is_no_feed_is_a_problem_naming_it(server, tmp_path):
    folder = tmp_path / "corpus"
    rows = collect.feeds(
        [server.url("/feeds/broken.rss"), server.url("/feeds/gone.rss")], out=folder, **FAST
    )
    assert sorted(rows["status"]) == ["404", "not a feed"]
    corpus = _load(folder, tmp_path)
    assert len(corpus.articles) == 0
    reasons = " ".join(corpus.problems["reason"])
    assert server.url("/feeds/broken.rss") in reasons and "not an RSS or Atom feed" in reasons
    assert server.url("/feeds/gone.rss") in reasons and "HTTP 404" in reasons


# ---- the fetcher ------------------------------------------------------------------------------
def test_fetcher_retries_a_500_then_gets_the_page(server):
    answer = Fetcher(delay=0, backoff=0.01).get(server.url("/news/flaky.html"))
    assert answer.ok and answer.status == "200"
    assert server.paths("/news/flaky.html") == ["/news/flaky.html"] * 2


def test_fetcher_waits_as_long_as_retry_after_asks(server):
    answer = Fetcher(delay=0, backoff=0.01).get(server.url("/news/busy.html"))
    assert answer.ok
    first, second = server.times("/news/busy.html")
    assert second - first >= 0.95  # Retry-After: 1, although the backoff alone is 0.01 s


def test_fetcher_gives_up_when_retry_after_is_too_long(server):
    answer = Fetcher(delay=0, max_wait=0.5).get(server.url("/news/busy.html"))
    assert answer.status == "429" and "max_wait" in answer.reason
    assert len(server.paths("/news/busy.html")) == 1


def test_fetcher_follows_and_records_a_redirect_chain(server):
    answer = Fetcher(delay=0).get(server.url("/news/old-link.html"))
    assert answer.ok and answer.final_url == server.url("/news/final.html")
    assert answer.redirects == [server.url("/news/old-link.html"), server.url("/news/moved.html")]
    assert b"Hammerfest" in answer.content


def test_fetcher_times_out_and_retries_once(server):
    began = time.monotonic()
    answer = Fetcher(delay=0, timeout=0.3, retries=1, backoff=0.01).get(
        server.url("/news/slow.html")
    )
    assert answer.status == "timeout" and not answer.ok
    assert len(server.paths("/news/slow.html")) == 2
    assert time.monotonic() - began < 2 * SLOW_SECONDS  # neither try waited for the answer


@pytest.mark.parametrize("path", ["/news/huge.html", "/news/huge-undeclared.html"])
def test_fetcher_refuses_an_answer_over_the_size_cap(server, path):
    answer = Fetcher(delay=0, max_bytes=1_000_000).get(server.url(path))
    assert answer.status == "too large" and answer.content is None
    assert "1,000,000" in answer.reason


def test_fetcher_refuses_what_is_not_html(server):
    answer = Fetcher(delay=0).get(server.url("/news/report.pdf"))
    assert answer.status == "not html" and "application/pdf" in answer.reason


def test_fetcher_names_the_kit_and_keeps_a_delay_per_host(server):
    fetcher = Fetcher(delay=0.4, contact="desk@example.org")
    fetcher.get(server.url("/news/arctic-deal.html"))
    fetcher.get(server.url("/news/bergen-strike.html"))
    agents = {agent for _, _, agent in server.log}
    assert agents == {fetcher.user_agent}
    assert fetcher.user_agent.startswith(f"coverage-kit/{kit.__version__}")
    assert "desk@example.org" in fetcher.user_agent
    (first,), (second,) = (
        server.times("/news/arctic-deal.html"),
        server.times("/news/bergen-strike.html"),
    )
    assert second - first >= 0.38


def test_robots_txt_that_cannot_be_read_allows_nothing_and_a_missing_one_everything(server):
    server.robots_status = 503
    answer = Fetcher(delay=0, retries=0).get(server.url("/news/arctic-deal.html"))
    assert answer.status == "disallowed"
    assert "/news/arctic-deal.html" not in server.paths()
    server.robots_status = 404
    assert Fetcher(delay=0).get(server.url("/private/memo.html")).status == "404"


def test_robots_rules_for_the_kit_and_its_crawl_delay_are_obeyed(server):
    server.robots_text = (
        "User-agent: coverage-kit\nDisallow: /news/bergen\nCrawl-delay: 1\n\n"
        "User-agent: *\nAllow: /\n"
    )
    fetcher = Fetcher(delay=0)
    assert fetcher.get(server.url("/news/bergen-strike.html")).status == "disallowed"
    assert fetcher.get(server.url("/news/arctic-deal.html")).ok
    assert fetcher.get(server.url("/news/quotas-explained.html")).ok
    first = server.times("/news/arctic-deal.html")[0]
    second = server.times("/news/quotas-explained.html")[0]
    assert second - first >= 0.95  # Crawl-delay: 1, although delay=0
    assert "/news/bergen-strike.html" not in server.paths()


# ---- URL lists, resuming ----------------------------------------------------------------------
def test_urls_strip_tracking_record_bad_links_and_add_to_the_folder(server, tmp_path):
    folder = tmp_path / "corpus"
    collect.feeds([server.url("/feeds/europe.atom")], out=folder, **FAST)
    listed = [
        server.url("/news/no-date.html?utm_source=newsletter"),
        server.url("/news/no-date.html#comments"),
        server.url("/news/quotas-explained.html"),  # already in the folder
        "not a link",
    ]
    rows = collect.urls(listed, out=folder, query="my list", **FAST)
    assert server.paths().count("/news/no-date.html") == 1
    assert server.paths().count("/news/quotas-explained.html") == 1
    by_action = rows.groupby("action")["url"].apply(list).to_dict()
    assert _stems(by_action["fetched"]) == {"no-date"}
    assert _stems(by_action["already collected"]) == {"quotas-explained"}
    assert by_action["failed"] == ["not a link"]

    folder_rows = manifest.read(folder)
    assert _stems(folder_rows.loc[folder_rows["file"] != "", "url"]) == {
        "quotas-explained",
        "bergen-strike",
        "no-date",
    }
    corpus = _load(folder, tmp_path)
    assert len(corpus.articles) == 3
    assert any(
        "'not a link' was not collected" in r or "not a link was not collected" in r
        for r in corpus.problems["reason"]
    )


def test_retry_failed_fetches_only_the_failed_again(server, tmp_path):
    folder = tmp_path / "corpus"
    pages = [server.url("/news/flaky.html"), server.url("/news/arctic-deal.html")]
    first = collect.urls(pages, out=folder, **{**FAST, "retries": 0})
    assert sorted(first["status"]) == ["200", "500"]
    again = collect.urls(pages, out=folder, retry_failed=True, **FAST)
    assert dict(zip(again["url"].map(lambda u: Path(u).stem), again["action"], strict=True)) == {
        "flaky": "fetched",
        "arctic-deal": "already collected",
    }
    assert server.paths().count("/news/arctic-deal.html") == 1
    rows = manifest.read(folder)
    assert len(rows) == 2 and set(rows["status"]) == {"200"}
    assert not _load(folder, tmp_path).problems["reason"].str.contains("flaky").any()


def test_an_interrupted_run_keeps_what_it_fetched_and_the_next_one_resumes(server, tmp_path):
    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt  # Ctrl-C while waiting out busy.html's Retry-After

    folder = tmp_path / "corpus"
    pages = [server.url(f"/news/{name}.html") for name in ("arctic-deal", "busy", "no-date")]
    with pytest.raises(KeyboardInterrupt):
        collect.urls(pages, out=folder, fetcher=Fetcher(delay=0, sleep=interrupt), progress=False)
    assert _stems(manifest.read(folder)["url"]) == {"arctic-deal"}
    rows = collect.urls(pages, out=folder, **FAST)
    assert dict(zip(rows["url"].map(lambda url: Path(url).stem), rows["action"], strict=True)) == {
        "arctic-deal": "already collected",
        "busy": "fetched",
        "no-date": "fetched",
    }
    assert server.paths().count("/news/arctic-deal.html") == 1


def test_collecting_into_a_folder_with_its_own_manifest_keeps_its_rows(server, tmp_path):
    import shutil

    folder = shutil.copytree(Path(__file__).parents[1] / "data", tmp_path / "corpus")
    collect.urls([server.url("/news/arctic-deal.html")], out=folder, source="Test Gazette", **FAST)
    rows = manifest.read(folder)
    assert len(rows) == 3 and "timezone" in rows and "Europe/Kyiv" in set(rows["timezone"])
    corpus = _load(folder, tmp_path)
    assert sorted(corpus.articles["source"]) == [
        "Kyiv Independent",
        "New York Post",
        "Test Gazette",
    ]
    assert len(corpus.problems) == 0


# ---- GDELT ------------------------------------------------------------------------------------
def test_gdelt_collected_then_loaded(server, tmp_path):
    folder = tmp_path / "corpus"
    options = {"start": "2023-02-01", "end": "2023-02-28", "out": folder, "api_delay": 0}
    api = server.url("/api/v2/doc/doc")
    collect.gdelt("fisheries Oslo", base_url=api, **options, **FAST)

    corpus = _load(folder, tmp_path)
    articles = corpus.articles.set_index(corpus.articles["url"].map(lambda url: Path(url).stem))
    assert set(articles.index) == {"arctic-deal", "no-date", "quotas-explained"}
    assert articles.loc["arctic-deal", "source"] == "Kyiv Independent"  # kyivindependent.com
    assert articles.loc["no-date", "source"] == "New York Post"  # nypost.com
    # No date on the page: GDELT's seendate. A date on the page: the page's own.
    assert articles.loc["no-date", "published"] == pd.Timestamp("2023-02-22 08:15", tz="UTC")
    assert articles.loc["quotas-explained", "published"] == pd.Timestamp(
        "2023-02-22 16:45", tz="UTC"
    )
    reasons = " ".join(corpus.problems["reason"])
    assert server.url("/news/missing.html") in reasons and "HTTP 404" in reasons
    assert server.url("/private/memo.html") in reasons and "robots.txt" in reasons
    assert "/private/memo.html" not in server.paths()

    gdelt_query = server.log[
        [path for path, _, _ in server.log].index(
            next(path for path, _, _ in server.log if path.startswith("/api/"))
        )
    ][0]
    assert "sourcelang%3Aenglish" in gdelt_query and "startdatetime=20230201000000" in gdelt_query

    requests_before = len(server.log)
    collect.gdelt("fisheries Oslo", base_url=api, **options, **FAST)
    assert not [p for p in server.paths()[requests_before:] if not p.startswith("/api/")]


def test_gdelt_splits_a_window_that_hits_the_250_cap(server, tmp_path):
    folder = tmp_path / "corpus"
    rows = collect.gdelt(
        BIG_QUERY,
        start="2023-02-01",
        end="2023-02-28",
        out=folder,
        base_url=server.url("/api/v2/doc/doc"),
        api_delay=0,
        **FAST,
    )
    assert len(server.paths("/api/")) == 3  # the month (full), then its two halves
    assert len(rows) == BIG_ARTICLES and rows["url"].is_unique
    assert set(rows["status"]) == {"200"}
    assert len(server.paths("/gdelt/")) == BIG_ARTICLES


def test_gdelt_says_what_was_wrong_with_a_query(server, tmp_path):
    with pytest.raises(CollectError, match="too short"):
        collect.gdelt(
            "tooshort",
            start="2023-02-01",
            end="2023-02-02",
            out=tmp_path / "corpus",
            base_url=server.url("/api/v2/doc/doc"),
            api_delay=0,
            **FAST,
        )


# ---- Media Cloud ------------------------------------------------------------------------------
def test_mediacloud_collected_then_loaded(server, tmp_path, monkeypatch):
    monkeypatch.setenv("MC_API_KEY", MC_KEY)
    folder = tmp_path / "corpus"
    options = {
        "start": "2023-02-01",
        "end": "2023-02-28",
        "collections": [34412234],
        "out": folder,
        "base_url": server.url("/mc/api/"),
    }
    rows = collect.mediacloud("fisheries AND Oslo", **options, **FAST)
    assert len(server.paths("/mc/api/search/story-list")) == 2  # two pages of stories
    assert rows["query"].str.startswith("mediacloud: fisheries AND Oslo").all()

    corpus = _load(folder, tmp_path)
    articles = corpus.articles.set_index(corpus.articles["url"].map(lambda url: Path(url).stem))
    assert set(articles.index) == {"arctic-deal", "bergen-strike"}
    assert articles.loc["arctic-deal", "source"] == "New York Post"
    assert articles.loc["arctic-deal", "published"] == pd.Timestamp("2023-02-21", tz="UTC")
    assert articles.loc["bergen-strike", "title"] == "Harbour workers strike in Bergen"
    reasons = " ".join(corpus.problems["reason"])
    assert server.url("/news/missing.html") in reasons
    assert server.url("/private/memo.html") in reasons
    assert "/private/memo.html" not in server.paths()

    requests_before = len(server.log)
    collect.mediacloud("fisheries AND Oslo", **options, **FAST)
    assert not [p for p in server.paths()[requests_before:] if not p.startswith("/mc/")]


def test_mediacloud_without_a_key_names_mc_api_key(tmp_path, monkeypatch):
    monkeypatch.delenv("MC_API_KEY", raising=False)
    with pytest.raises(CollectError, match="MC_API_KEY"):
        collect.mediacloud("x", start="2023-02-01", end="2023-02-02", out=tmp_path / "corpus")


def test_mediacloud_with_a_wrong_key_says_so(server, tmp_path):
    with pytest.raises(CollectError, match="403.*MC_API_KEY"):
        collect.mediacloud(
            "x",
            start="2023-02-01",
            end="2023-02-02",
            collections=[1],
            out=tmp_path / "corpus",
            api_key="wrong",
            base_url=server.url("/mc/api/"),
            **FAST,
        )


# ---- provenance, command line -----------------------------------------------------------------
def test_provenance_per_article_and_in_the_report_block(server, tmp_path):
    from kit.publish import report

    folder = tmp_path / "corpus"
    collect.feeds([server.url("/feeds/world.rss")], out=folder, **FAST)
    corpus = _load(folder, tmp_path)

    kept = collect.provenance(corpus)
    assert len(kept) == len(corpus.articles) and set(kept["status"]) == {"200"}
    assert (kept["query"] == f"feed: {server.url('/feeds/world.rss')}").all()
    assert kept["fetched_at"].str.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    moved = kept.set_index(kept["url"].map(lambda url: Path(url).stem)).loc["old-link"]
    assert moved["final_url"] == server.url("/news/final.html")

    record = report.provenance(corpus)
    assert server.url("/feeds/world.rss") in record["collected_by"]
    assert record["urls"] == "5 pages kept, 5 URLs failed"
    block = str(report.provenance_html(record))
    assert "Collected by" in block and "5 pages kept" in block


def test_command_line_collects_urls_and_feeds(server, tmp_path, capsys, monkeypatch):
    from kit.__main__ import main

    monkeypatch.delenv("MC_API_KEY", raising=False)
    folder = tmp_path / "corpus"
    common = ["--out", str(folder), "--delay", "0", "--timeout", "0.5", "--quiet"]
    assert main(["collect", "urls", server.url("/news/arctic-deal.html"), *common]) == 0
    assert main(["collect", "feeds", server.url("/feeds/europe.atom"), *common]) == 0
    printed = capsys.readouterr().out
    assert "1 fetched" in printed and "2 fetched" in printed
    assert len(manifest.read(folder)) == 3
    code = main(
        [
            "collect",
            "mediacloud",
            "x",
            "--start",
            "2023-02-01",
            "--end",
            "2023-02-02",
            "--out",
            str(folder),
            "--api-key",
            "",
        ]
    )
    assert code == 2 and "MC_API_KEY" in capsys.readouterr().err


# ---- notebook 05 ------------------------------------------------------------------------------
def test_notebook_05_collects_from_a_local_server_loads_and_shows_the_dashboard(server, tmp_path):
    from kit.publish.report import execute

    folder = tmp_path / "collected"
    parameters = {
        "demo": False,
        "source": "gdelt",
        "query": "fisheries Oslo",
        "start": "2023-02-01",
        "end": "2023-02-28",
        "base_url": server.url("/api/v2/doc/doc"),
        "out": str(folder),
        "delay": 0,
    }
    notebook = execute(
        Path(__file__).parents[1] / "notebooks" / "05_collect_a_corpus.ipynb",
        parameters,
        timeout=300,
    )
    printed = "\n".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert "3 articles from 2 outlets" in printed
    assert "VBox" in printed  # the dashboard
    assert _stems(manifest.read(folder)["url"]) == {
        "arctic-deal",
        "no-date",
        "quotas-explained",
        "missing",
        "memo",
    }
    assert server.paths().count("/news/arctic-deal.html") == 1  # the second call resumed
