"""Crawl a government CMS column: listing pages → detail pages → PDF attachments."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from extract.polite import DisallowedByRobots
from nianbao.errors import EnvironmentBroken, TransientError
from nianbao.records import CrawlResult, ReportLink

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


def decode_html(response: httpx.Response) -> str:
    """Body text by the header's charset, then the page's <meta>, then UTF-8, then GB18030."""
    declared = response.charset_encoding
    if not declared:
        m = _META_CHARSET.search(response.content[:2048])
        declared = m.group(1).decode() if m else None
    for encoding in (declared, "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return response.content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return response.content.decode("utf-8", "replace")


def get_page(client: httpx.Client, url: str) -> httpx.Response:
    try:
        response = client.get(url)
    except httpx.TransportError as err:
        raise TransientError(f"{url}: {err.__class__.__name__}: {err}") from err
    if response.status_code >= 500:
        raise TransientError(f"{url}: HTTP {response.status_code}")
    return response


def crawl_portal(
    client: httpx.Client, listing_url: str, max_pages: int = 500, allowed_host: str | None = None
) -> CrawlResult:
    """Every report PDF linked from the column at `listing_url` (on its host, or `allowed_host`)."""
    host = allowed_host or urlsplit(listing_url).hostname or ""
    queue: deque[tuple[str, str]] = deque([(listing_url, "listing")])
    seen: set[str] = {listing_url}
    links: dict[str, ReportLink] = {}
    skipped: list[str] = []
    visited = 0
    while queue and visited < max_pages:
        url, kind = queue.popleft()
        try:
            response = get_page(client, url)
        except TransientError as err:
            if url == listing_url:
                raise  # retried by the caller; still failing means the portal is down
            skipped.append(f"{url}: {err}")
            continue
        except DisallowedByRobots as err:
            if url == listing_url:
                raise EnvironmentBroken(f"the portal's {err.reason}") from err
            skipped.append(err.reason)
            continue
        visited += 1
        if response.status_code >= 400:
            if url == listing_url:
                raise EnvironmentBroken(
                    f"portal listing {url} answered HTTP {response.status_code}"
                )
            skipped.append(f"{url}: HTTP {response.status_code}")
            continue
        html = decode_html(response)
        page = _Anchors()
        page.feed(html)
        for next_url, next_kind, title in _classify_links(url, page, html, host, kind):
            if next_kind == "pdf":
                links.setdefault(next_url, ReportLink(next_url, url, title))
            elif next_kind == "skip":
                skipped.append(f"{title} ({next_url}): not an annual report")
            elif next_url not in seen:
                seen.add(next_url)
                queue.append((next_url, next_kind))
    return CrawlResult(tuple(links.values()), visited, tuple(dict.fromkeys(skipped)))


def _classify_links(
    base: str, page: _Anchors, html: str, host: str, kind: str
) -> list[tuple[str, str, str]]:
    """(url, 'listing' | 'detail' | 'pdf' | 'skip', title) for the links worth following."""
    out: list[tuple[str, str, str]] = []
    if kind == "listing":
        out.extend((u, "listing", "") for u in _script_pagination(base, html))
    for href, text in page.anchors:
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href.strip()).split("#")[0]
        if urlsplit(url).hostname != host:
            continue
        title = text or page.title
        if PDF_HREF.search(url):
            if kind == "detail" or REPORT_TITLE.search(title):
                out.append((url, "pdf", title if kind == "listing" else page.title or title))
        elif kind == "listing" and PAGINATION.search(urlsplit(url).path):
            out.append((url, "listing", ""))
        elif kind == "listing" and text and _is_item_page(base, url):
            out.append((url, "detail" if REPORT_TITLE.search(text) else "skip", text))
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
