"""Crawl a government CMS column: listing pages → detail pages → PDF attachments."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from extract.http import Limits, RetryLater, open_response, read_capped, with_retries
from nianbao.errors import EnvironmentBroken, TerminalError
from nianbao.records import CrawlResult, ReportLink, SkippedItem

# What makes an item a report: its title names the annual report.
REPORT_TITLE = re.compile(r"信息公开.*年度?报告|年度报告")
PAGINATION = re.compile(r"(^|/)index_\d+\.html?$")
# TRS-style CMS print pagination from a script: createPageHTML(<pages>, <current>, "index", "html").
SCRIPT_PAGINATION = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
PDF_HREF = re.compile(r"\.pdf($|[?#])", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)


class _Anchors(HTMLParser):
    """(href, text) of every <a>, plus the page <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.title = ""
        self._href: str | None = None
        self._text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text).strip()))
            self._href = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._in_title:
            self.title += data.strip()


def decode_html(response: httpx.Response, content: bytes) -> str:
    """Body text by the header's charset, then the page's <meta>, then UTF-8, then GB18030."""
    declared = response.charset_encoding
    if not declared:
        m = _META_CHARSET.search(content[:2048])
        declared = m.group(1).decode() if m else None
    for encoding in (declared, "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", "replace")


MAX_PAGE_BYTES = 20 * 1024 * 1024  # a listing or detail page; a bigger one is not a page


@dataclass(frozen=True)
class Page:
    """A fetched HTML page: where it ended up after redirects, its status and its text."""

    url: str
    status: int
    html: str


def get_page(
    client: httpx.Client, url: str, allowed_host: str, limits: Limits | None = None
) -> Page:
    """The page at `url` (redirects followed on `allowed_host` only), tried again while it
    fails transiently. Raises RetryLater or a TerminalError (off host, redirect loop, too big)."""
    limits = limits or Limits()

    def attempt() -> Page:
        with open_response(client, url, allowed_host) as response:
            body = read_capped(response, min(limits.max_bytes, MAX_PAGE_BYTES))
            return Page(str(response.url), response.status_code, decode_html(response, body))

    return with_retries(attempt, limits)


def crawl_portal(
    client: httpx.Client,
    listing_url: str,
    max_pages: int = 500,
    allowed_host: str | None = None,
    limits: Limits | None = None,
) -> CrawlResult:
    """Every report PDF linked from the column at `listing_url` (on its host, or `allowed_host`).

    A listing that cannot be had stops the crawl (RetryLater when it may come back, else
    EnvironmentBroken); any other page or link that fails is a skipped item with its reason."""
    host = allowed_host or urlsplit(listing_url).hostname or ""
    queue: deque[tuple[str, str]] = deque([(listing_url, "listing")])
    seen: set[str] = {listing_url}
    links: dict[str, ReportLink] = {}
    skipped: dict[str, SkippedItem] = {}
    visited = 0
    while queue and visited < max_pages:
        url, kind = queue.popleft()
        try:
            page = get_page(client, url, host, limits)
        except RetryLater:
            if url == listing_url:
                raise  # the portal is down: the caller says so
            _skip(skipped, url, "", "page failed after retries (tried again next run)")
            continue
        except TerminalError as err:
            if url == listing_url:
                raise EnvironmentBroken(f"portal listing: {err.reason}") from err
            _skip(skipped, url, "", err.reason)
            continue
        visited += 1
        if page.status >= 400:
            if url == listing_url:
                raise EnvironmentBroken(f"portal listing {url} answered HTTP {page.status}")
            _skip(skipped, url, "", f"HTTP {page.status}")
            continue
        parsed = _Anchors()
        parsed.feed(page.html)
        for found in _classify_links(page.url, parsed, page.html, host, kind):
            if isinstance(found, SkippedItem):
                _skip(skipped, found.url, found.title, found.reason)
                continue
            next_url, next_kind, title = found
            if next_kind == "pdf":
                links.setdefault(next_url, ReportLink(next_url, page.url, title))
            elif next_url not in seen:
                seen.add(next_url)
                queue.append((next_url, next_kind))
    return CrawlResult(
        tuple(links.values()), visited, tuple(skipped.values()), page_limit_reached=bool(queue)
    )


def _skip(skipped: dict[str, SkippedItem], url: str, title: str, reason: str) -> None:
    skipped.setdefault(url, SkippedItem(url, title, reason))


def _classify_links(
    base: str, page: _Anchors, html: str, host: str, kind: str
) -> list[tuple[str, str, str] | SkippedItem]:
    """(url, 'listing' | 'detail' | 'pdf', title) for the links worth following, and a
    SkippedItem for each item not taken (not a report, or a link that is not a URL)."""
    out: list[tuple[str, str, str] | SkippedItem] = []
    if kind == "listing":
        out.extend((u, "listing", "") for u in _script_pagination(base, html))
    for href, text in page.anchors:
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        try:
            url = urljoin(base, href.strip()).split("#")[0]
            url_host = urlsplit(url).hostname
        except ValueError as err:  # e.g. 'http://[bad/x.pdf': Invalid IPv6 URL
            out.append(SkippedItem(href, text or page.title, f"malformed link: {err}"))
            continue
        if url_host != host:
            continue
        title = text or page.title
        if PDF_HREF.search(url):
            if kind == "detail" or REPORT_TITLE.search(title):
                out.append((url, "pdf", title if kind == "listing" else page.title or title))
        elif kind == "listing" and PAGINATION.search(urlsplit(url).path):
            out.append((url, "listing", ""))
        elif kind == "listing" and text and _is_item_page(base, url):
            if REPORT_TITLE.search(text):
                out.append((url, "detail", text))
            else:
                out.append(SkippedItem(url, text, "not an annual report"))
    return out


def _is_item_page(listing: str, url: str) -> bool:
    """An article of this column: an HTML page below the listing's folder."""
    folder = urlsplit(listing).path.rsplit("/", 1)[0] + "/"
    path = urlsplit(url).path
    return path.startswith(folder) and path.endswith((".html", ".htm")) and path != folder


def _script_pagination(base: str, html: str) -> list[str]:
    m = SCRIPT_PAGINATION.search(html)
    if not m:
        return []
    count, stem, ext = int(m.group(1)), m.group(2), m.group(3)
    return [urljoin(base, f"{stem}_{i}.{ext}") for i in range(1, count)]
