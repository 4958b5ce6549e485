"""The one polite fetcher every collector uses: robots.txt, a rate limit per host, retries.

``Fetcher().get(url)`` returns a ``Fetched`` record whatever happens (it never raises for a
page that could not be had): the answer's bytes when it was an HTML page within the size cap,
else a ``status`` saying why not (``"404"``, ``"disallowed"``, ``"timeout"``, ``"not html"``,
``"too large"``, ``"unreachable"``, ``"too many redirects"``) and a ``reason`` in words.

Politeness, all of it configurable per fetcher:

- a user agent naming the kit (``coverage-kit/<version>``), with a contact if you give one;
- robots.txt read once per host and obeyed for that user agent (its ``Crawl-delay`` too);
- at least ``delay`` seconds between two requests to one host;
- ``timeout`` seconds to connect and to wait for each read;
- up to ``retries`` more tries on 429 and 5xx answers, timeouts and refused connections, waiting
  ``backoff * 2**try`` seconds or what the server's ``Retry-After`` asks (up to ``max_wait``);
- redirects followed one hop at a time (each hop checked against robots.txt) and recorded;
- answers bigger than ``max_bytes`` and answers that are not of an accepted type refused.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import requests

from kit import __version__

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    "text/html",  # some servers send feeds as text/html; feedparser decides what they are
)
JSON_TYPES = ("application/json", "text/json", "text/plain", "text/html")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = f"coverage-kit/{__version__} (news coverage analysis; respects robots.txt)"

# Query parameters that say how a reader arrived, not which page it is.
TRACKING_PARAMETERS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ocid|cmpid|"
    r"smid|smtyp|sref|ref|ref_src|referrer|src|taid|ito|at_medium|at_campaign|guccounter)$",
    re.IGNORECASE,
)


def normalise_url(url: str) -> str:
    """Return ``url`` with tracking parameters, the fragment and a default port removed.

    Two links to one page then compare equal, so it is fetched once.

    >>> normalise_url("HTTPS://Example.org:443/a/b.html?utm_source=rss&id=3&fbclid=x#top")
    'https://example.org/a/b.html?id=3'
    """
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and (scheme, parts.port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = [
        (name, value)
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(name)
    ]
    return urllib.parse.urlunsplit(
        (scheme, host, parts.path or "/", urllib.parse.urlencode(query), "")
    )


def host_of(url: str) -> str:
    """Return the ``scheme://host[:port]`` a URL is served from.

    >>> host_of("http://127.0.0.1:8000/a?b=1")
    'http://127.0.0.1:8000'
    """
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Fetched:
    """What one ``Fetcher.get`` gave: the page's bytes, or why there are none."""

    url: str
    final_url: str
    status: str
    reason: str = ""
    content: bytes | None = None
    content_type: str = ""
    redirects: list[str] = field(default_factory=list)
    fetched_at: str = ""
    location: str = ""

    @property
    def ok(self) -> bool:
        """True when ``content`` holds an accepted answer."""
        return self.content is not None


class Fetcher:
    """Fetches pages politely: robots.txt, a per-host delay, retries, a size and type check.

    Args:
        user_agent: sent with every request (default names the kit and its version).
        contact: an e-mail or URL appended to the user agent, so site owners can reach you.
        delay: seconds between two requests to the same host (robots.txt may ask for more).
        timeout: seconds to connect, and to wait for each read of the answer.
        retries: further tries after a 429, a 5xx, a timeout or a refused connection.
        backoff: seconds before the first retry, doubling with each further one.
        max_wait: the longest wait a ``Retry-After`` may ask for; beyond it, give up.
        max_bytes: the largest answer accepted.
        max_redirects: hops followed before giving up.
        robots: obey robots.txt (turn off only for APIs that you are allowed to query).
        sleep: the function that waits (tests may count the waits).

    >>> fetcher = Fetcher(delay=0)
    >>> fetcher.user_agent.startswith("coverage-kit/")
    True
    """

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        contact: str | None = None,
        delay: float = 1.0,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 10,
        robots: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = f"{user_agent} {contact}".strip() if contact else user_agent
        self.delay = delay
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.robots = robots
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self.requests_made = 0

    # ---- robots.txt -----------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        """Return whether robots.txt lets the kit's user agent fetch ``url``."""
        if not self.robots:
            return True
        return self._robots_for(url).can_fetch(self.user_agent, url)

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        host = host_of(url)
        if host not in self._robots:
            parser = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
            answer, _ = self._follow(
                f"{host}/robots.txt", accept=None, check_robots=False, max_bytes=500_000
            )
            code = int(answer.status) if answer.status.isdigit() else None
            if answer.content is not None and code == 200:
                parser.parse(answer.content.decode("utf-8", "replace").splitlines())
            elif code is not None and 400 <= code < 500:
                parser.allow_all = True  # RFC 9309: no robots.txt means no restriction
            else:
                parser.disallow_all = True  # unreachable robots.txt: assume nothing is allowed
            self._robots[host] = parser
        return self._robots[host]

    def _host_delay(self, url: str) -> float:
        delay = self.delay
        if self.robots and host_of(url) in self._robots:
            crawl_delay = self._robots[host_of(url)].crawl_delay(self.user_agent)
            if crawl_delay:
                delay = max(delay, float(crawl_delay))
        return delay

    # ---- fetching -------------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        accept: Iterable[str] | None = HTML_TYPES,
        params: dict[str, str] | None = None,
    ) -> Fetched:
        """Return the answer for ``url`` (redirects followed), or why there is none.

        Args:
            url: the address to fetch.
            accept: content types accepted (``None``: any); others are refused unread.
            params: query parameters to add (for APIs).
        """
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        accepted = tuple(accept) if accept is not None else None
        answer, redirects = self._follow(url, accept=accepted, check_robots=self.robots)
        answer.url, answer.redirects = url, redirects
        return answer

    def _follow(
        self, url: str, *, accept: tuple[str, ...] | None, check_robots: bool, max_bytes=None
    ) -> tuple[Fetched, list[str]]:
        """Return the answer at the end of ``url``'s redirects, and the URLs that redirected."""
        redirects: list[str] = []
        current = url
        for _ in range(self.max_redirects + 1):
            if check_robots and not self.allowed(current):
                reason = f"robots.txt of {host_of(current)} disallows it"
                return Fetched(url, current, "disallowed", reason, fetched_at=now_utc()), redirects
            answer = self._request(current, accept=accept, max_bytes=max_bytes or self.max_bytes)
            if not answer.location:
                return answer, redirects
            redirects.append(current)
            current = urllib.parse.urljoin(current, answer.location)
        chain = " -> ".join(redirects[:4])
        reason = f"more than {self.max_redirects} redirects ({chain} …)"
        return Fetched(url, current, "too many redirects", reason, fetched_at=now_utc()), redirects

    def _request(self, url: str, *, accept: tuple[str, ...] | None, max_bytes: int) -> Fetched:
        """Return the answer of one URL (a redirect not followed), retrying 429/5xx/timeouts."""
        for attempt in range(self.retries + 1):
            self._wait_for_host(url)
            try:
                answer, retry_after = self._attempt(url, accept=accept, max_bytes=max_bytes)
            finally:  # the delay runs from the end of one request to the start of the next
                self._last_request[host_of(url)] = time.monotonic()
            if retry_after is None or attempt == self.retries:
                return answer
            wait = self.backoff * 2**attempt if retry_after < 0 else retry_after
            if wait > self.max_wait:
                answer.reason += f" (the server asked to wait {wait:.0f} s, over max_wait)"
                return answer
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self, url: str, *, accept: tuple[str, ...] | None, max_bytes: int
    ) -> tuple[Fetched, float | None]:
        """Return (the answer, None), or (a failed answer, seconds to wait; -1 = back off)."""
        fetched_at = now_utc()
        self.requests_made += 1
        failed = Fetched(url, url, "", fetched_at=fetched_at)
        try:
            response = self.session.get(
                url, timeout=(self.timeout, self.timeout), allow_redirects=False, stream=True
            )
        except requests.Timeout:
            failed.status, failed.reason = "timeout", f"no answer within {self.timeout:g} s"
            return failed, -1
        except requests.RequestException as error:
            failed.status = "unreachable"
            failed.reason = f"could not connect ({type(error).__name__})"
            return failed, -1
        with response:
            code = response.status_code
            failed.status = str(code)
            failed.content_type = (
                response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            )
            if code in REDIRECT_STATUSES:
                failed.location = response.headers.get("Location", "")
                failed.reason = f"HTTP {code} redirect to {failed.location or 'nowhere'}"
                return failed, None
            if code >= 400:
                failed.reason = f"HTTP {code} {response.reason or ''}".strip()
                retry = _retry_after(response.headers.get("Retry-After"))
                return failed, (retry if code in RETRY_STATUSES else None)
            if accept is not None and failed.content_type not in accept:
                failed.status = "not html" if HTML_TYPES[0] in accept else "refused"
                failed.reason = (
                    f"the answer is {failed.content_type or 'of no stated type'}, "
                    f"not one of {', '.join(accept)}"
                )
                return failed, None
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return _too_large(failed, int(declared), max_bytes), None
            body = bytearray()
            try:
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > max_bytes:
                        return _too_large(failed, len(body), max_bytes), None
            except requests.RequestException:
                failed.status = "timeout"
                failed.reason = f"the answer stopped after {len(body):,} bytes"
                return failed, -1
        failed.content = bytes(body)
        return failed, None

    def _wait_for_host(self, url: str) -> None:
        host = host_of(url)
        delay = self._host_delay(url)
        last = self._last_request.get(host)
        if last is not None and delay > 0:
            remaining = last + delay - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)


def _too_large(answer: Fetched, size: int, max_bytes: int) -> Fetched:
    answer.status = "too large"
    answer.reason = f"the answer is over the {max_bytes:,}-byte cap ({size:,} bytes or more)"
    return answer


def _retry_after(value: str | None) -> float:
    """Return the seconds a ``Retry-After`` header asks for (-1 when absent or unreadable).

    >>> _retry_after("3"), _retry_after(None)
    (3.0, -1.0)
    """
    if not value:
        return -1.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return -1.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def now_utc() -> str:
    """Return the current time in UTC as ISO 8601 (seconds)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
