"""A demonstration news site on this machine, to try ``kit.collect`` without the web.

``DemoSite()`` serves, on ``127.0.0.1`` and a free port, the invented Paris-summit story of
``kit.ingest.demo`` as three outlets' web pages, with what a real collection meets:

- ``/feed.rss``: an RSS feed of the pages;
- ``/api/v2/doc/doc``: a GDELT DOC 2.0 ``ArtList`` answer listing them (pass the site's
  ``gdelt_url`` as ``base_url=``);
- ``/robots.txt``, which disallows ``/members/`` (one listed page is there), and a listed page
  that is gone (404).

>>> with DemoSite() as site:
...     site.url("/feed.rss").startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kit.ingest.demo import RECORDS, SUMMIT

# (path, outlet's domain, outlet, headline, date, text): the pages of the site.
PAGES = [
    (
        f"/{record['id']}.html",
        {"DP": "dailyplanet.com", "gazette": "examplegazette.com"}[record["outlet"]],
        record["headline"],
        record["date"],
        record["body_text"],
    )
    for record in RECORDS
] + [
    (
        "/courier-paris-talks.html",
        "eveningcourier.com",
        "Paris talks end with promises",
        "2024-06-08",
        SUMMIT.format(
            day="Friday",
            angle="The talks ended with promises of closer work on technology.",
            quote='"A good day for both our countries," Biden said.',
        ),
    ),
]
# Listed by the feed and the API, but not fetchable: a page robots.txt keeps out, one gone.
UNFETCHABLE = [
    ("/members/briefing.html", "dailyplanet.com", "Members' briefing", "2024-06-07"),
    ("/gone.html", "examplegazette.com", "A story taken down", "2024-06-09"),
]
OUTLETS = {
    "dailyplanet.com": "Daily Planet",
    "examplegazette.com": "The Example Gazette",
    "eveningcourier.com": "Evening Courier",
}
ROBOTS = "User-agent: *\nDisallow: /members/\n"
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{date}T08:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Sign in</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>Subscribe to our newsletter. Copyright the demonstration site.</footer></body></html>
"""


class DemoSite:
    """A running demonstration site; use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.httpd.site = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.outlets = dict(OUTLETS)

    def start(self) -> DemoSite:
        """Start serving (in a background thread); return the site."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str) -> str:
        """Return the site's address of ``path``."""
        return f"{self.base}{path}"

    @property
    def feed_url(self) -> str:
        return self.url("/feed.rss")

    @property
    def gdelt_url(self) -> str:
        return self.url("/api/v2/doc/doc")

    def answer(self, path: str) -> tuple[int, str, bytes]:
        """Return (status, content type, body) for a request path."""
        listed = [(p, domain, title, date) for p, domain, title, date, _ in PAGES] + UNFETCHABLE
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS.encode()
        if path == "/feed.rss":
            return 200, "application/rss+xml", self._feed(listed).encode()
        if path == "/api/v2/doc/doc":
            articles = [
                {
                    "url": self.url(page),
                    "url_mobile": "",
                    "title": title,
                    "seendate": f"{date.replace('-', '')}T090000Z",
                    "socialimage": "",
                    "domain": domain,
                    "language": "English",
                    "sourcecountry": "France",
                }
                for page, domain, title, date in listed
            ]
            return 200, "application/json", json.dumps({"articles": articles}).encode()
        for page, _, title, date, text in PAGES:
            if path == page:
                sentences = re.split(r"(?<=[.!?\"]) (?=[A-Z\"])", text)
                paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in sentences)
                body = PAGE.format(title=html.escape(title), date=date, paragraphs=paragraphs)
                return 200, "text/html; charset=utf-8", body.encode()
        return 404, "text/html", b"<html><body>Not found</body></html>"

    def _feed(self, listed: list[tuple[str, str, str, str]]) -> str:
        items = "".join(
            f"<item><title>{html.escape(title)}</title><link>{self.url(page)}</link>"
            f"<pubDate>{date}T08:00:00Z</pubDate></item>"
            for page, _, title, date in listed
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Demonstration news</title><link>{self.base}/</link>{items}</channel></rss>"
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # quiet in notebooks
        pass

    def do_GET(self) -> None:
        status, content_type, body = self.server.site.answer(self.path.split("?")[0])  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
