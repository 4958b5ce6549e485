"""A real HTTP server on 127.0.0.1 for the collection tests: feeds, pages, GDELT, Media Cloud.

It serves the fixtures in ``tests/fixtures/collect/`` and the kinds of trouble the web gives:
a 404, a 500 then a 200, a 429 with ``Retry-After`` then a 200, a redirect chain, an answer
slower than the client's timeout, a 30 MB page (declared, and one sent without a length), a
PDF, a path robots.txt disallows. Every request is logged (path, time, user agent), so tests
check what was and was not requested.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "collect"
MC_KEY = "test-key-123"
SLOW_SECONDS = 3.0
BIG_QUERY = "quota"  # the GDELT query whose month holds more than 250 articles
BIG_ARTICLES = 260


class CollectServer:
    """Start with ``with CollectServer() as server:``; ``server.url(path)`` gives addresses."""

    def __init__(self) -> None:
        self.log: list[tuple[str, float, str]] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.robots_status = 200  # a test may make robots.txt fail
        self.robots_text: str | None = None  # or serve other rules than the fixture's
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> CollectServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def paths(self, prefix: str = "") -> list[str]:
        """Return the paths requested (without query strings) that start with ``prefix``."""
        return [path.split("?")[0] for path, _, _ in self.log if path.startswith(prefix)]

    def times(self, path: str) -> list[float]:
        return [when for logged, when, _ in self.log if logged.split("?")[0] == path]

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / name).read_text(encoding="utf-8").replace("HOST", self.base).encode()


def big_artlist(base: str) -> list[dict]:
    """Return GDELT-shaped articles, more than 250 spread over February 2023."""
    start = dt.datetime(2023, 2, 1)
    step = dt.timedelta(days=28) / BIG_ARTICLES
    return [
        {
            "url": f"{base}/gdelt/{number}.html",
            "url_mobile": "",
            "title": f"Quota story number {number}",
            "seendate": (start + number * step).strftime("%Y%m%dT%H%M%SZ"),
            "socialimage": "",
            "domain": "nypost.com",
            "language": "English",
            "sourcecountry": "United States",
        }
        for number in range(BIG_ARTICLES)
    ]


def _handler(server: CollectServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each small answer waits on a delayed ACK

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.log.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                hit = server.hits[path]
            # A client that stops reading (a refused 30 MB page) closes the connection.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.route(path, hit)

        def send(self, code: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def route(self, path: str, hit: int) -> None:
            html = "text/html; charset=utf-8"
            if path == "/robots.txt":
                rules = server.robots_text.encode() if server.robots_text else None
                body = rules or server.fixture("robots.txt")
                return self.send(server.robots_status, body, "text/plain")
            if path == "/feeds/world.rss":
                return self.send(200, server.fixture("world.rss"), "application/rss+xml")
            if path == "/feeds/europe.atom":
                return self.send(200, server.fixture("europe.atom"), "application/atom+xml")
            if path == "/feeds/broken.rss":
                return self.send(200, b"<html><body>not a feed at all", "text/html")
            if path == "/news/flaky.html" and hit == 1:
                return self.send(500, b"server error", "text/plain")
            if path == "/news/busy.html" and hit == 1:
                return self.send(429, b"slow down", "text/plain", Retry_After="1")
            if path == "/news/old-link.html":
                return self.send(301, b"", html, Location="/news/moved.html")
            if path == "/news/moved.html":
                return self.send(302, b"", html, Location=f"{server.base}/news/final.html")
            if path == "/news/report.pdf":
                return self.send(200, b"%PDF-1.4\n% test pdf\n", "application/pdf")
            if path == "/news/slow.html":
                time.sleep(SLOW_SECONDS)
                return self.send(200, b"<html>late</html>", html)
            if path == "/news/huge.html":
                return self.huge(declared=True)
            if path == "/news/huge-undeclared.html":
                return self.huge(declared=False)
            if path.startswith("/news/") or path.startswith("/private/"):
                page = FIXTURES / "pages" / Path(path).name
                if page.is_file():
                    return self.send(200, page.read_bytes(), html)
                return self.send(404, b"<html>not found</html>", html)
            if path.startswith("/gdelt/"):
                number = Path(path).stem
                body = server.fixture("pages/no-date.html").replace(
                    b"Ferry company orders electric ships", f"Quota story {number}".encode()
                )
                return self.send(200, body, html)
            if path == "/api/v2/doc/doc":
                return self.gdelt()
            if path == "/mc/api/search/api-params":
                return self.send(200, b'{"params": {"query-rate": "60/m"}}', "application/json")
            if path == "/mc/api/search/story-list":
                return self.mediacloud()
            return self.send(404, b"not found", "text/plain")

        def huge(self, *, declared: bool) -> None:
            size = 30 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if declared:
                self.send_header("Content-Length", str(size))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>\n"
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)

        def gdelt(self) -> None:
            """Answer as GDELT's DOC API does: the articles seen in the window, at most 250."""
            query = dict(urllib.parse.parse_qsl(self.path.split("?", 1)[1]))
            assert query["mode"] == "ArtList" and query["format"] == "json"
            if "tooshort" in query["query"]:  # GDELT answers a bad query with text, not JSON
                return self.send(200, b"The specified phrase is too short.", "text/html")
            if BIG_QUERY in query["query"]:
                articles = big_artlist(server.base)
            else:
                articles = json.loads(server.fixture("gdelt_artlist.json"))["articles"]
            begin, end = query["startdatetime"], query["enddatetime"]
            inside = [
                article
                for article in articles
                if begin <= article["seendate"].replace("T", "").rstrip("Z") < end
            ]
            answer = {"articles": inside[: int(query["maxrecords"])]} if inside else {}
            self.send(200, json.dumps(answer).encode(), "application/json; charset=utf-8")

        def mediacloud(self) -> None:
            if self.headers.get("Authorization") != f"Token {MC_KEY}":
                return self.send(403, b'{"detail": "Invalid token."}', "application/json")
            query = dict(urllib.parse.parse_qsl(self.path.split("?", 1)[1]))
            page = (
                "mc_story_list_2.json" if query.get("pagination_token") else "mc_story_list_1.json"
            )
            self.send(200, server.fixture(page), "application/json")

    return Handler
