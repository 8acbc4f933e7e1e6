"""Crawl a government CMS column: listing pages → detail pages → report files.

A report is an attachment of a detail page (PDF, Word, OFD), or the detail page itself when
it prints the form's tables. Every listing item not taken is kept with why (skipped_items)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from extract.html import decode_page, page_holds_form_tables
from extract.http import Limits, RetryLater, open_response, read_capped, with_retries
from extract.portals import ADAPTERS, Adapter, Listed, Request, adapter_for
from extract.titles import title_kind
from nianbao.errors import EnvironmentBroken, TerminalError
from nianbao.records import CrawledItem, CrawlResult, ReportLink, SkippedItem

PAGINATION = re.compile(r"(^|/)index_\d+\.html?$")
# TRS-style CMS print pagination from a script: createPageHTML(<pages>, <current>, "index", "html").
SCRIPT_PAGINATION = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
# The files a report is published as; which of them nianbao can read is extract/report.py's say.
ATTACHMENT_HREF = re.compile(
    r"\.(pdf|docx?|wps|ofd)($|[?#])"
    # a download script (download.jsp?id=…, downfile.do?…): the file named by the answer
    r"|/(download|downfile|downloadfile|getfile|attachment)\w*\.(jsp|do|action|aspx?|php)\?",
    re.IGNORECASE,
)
OFF_HOST = (
    "an attachment on another host: only {host} is crawled for this source "
    "(its allowed host), so it was not fetched"
)
NOT_A_REPORT = "its title does not name an annual report on government information disclosure"
SAME_REPORT = (
    "the detail page prints the report's tables itself and was read instead (one report, not two)"
)
UNCLEAR_PAGE = (
    "its title does not say it is a disclosure report, and its page holds neither the form's "
    "tables nor an attachment titled as one"
)


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
    return decode_page(content, response.charset_encoding)


MAX_PAGE_BYTES = 20 * 1024 * 1024  # a listing or detail page; a bigger one is not a page


@dataclass(frozen=True)
class Page:
    """A fetched HTML page: where it ended up after redirects, its status and its text."""

    url: str
    status: int
    html: str


def get_page(
    client: httpx.Client,
    url: str,
    allowed_host: str,
    limits: Limits | None = None,
    request: Request | None = None,
) -> Page:
    """The page at `url` (redirects followed on `allowed_host` only), tried again while it
    fails transiently; asked as `request` says (a POST for some CMS's listings) or by GET.
    Raises RetryLater or a TerminalError (off host, redirect loop, too big)."""
    limits = limits or Limits()
    method, target, form = request or ("GET", url, None)

    def attempt() -> Page:
        with open_response(client, target, allowed_host, method=method, data=form) as response:
            body = read_capped(response, min(limits.max_bytes, MAX_PAGE_BYTES))
            return Page(str(response.url), response.status_code, decode_html(response, body))

    return with_retries(attempt, limits)


def crawl_portal(
    client: httpx.Client,
    listing_url: str,
    max_pages: int = 500,
    allowed_host: str | None = None,
    limits: Limits | None = None,
    known: Mapping[str, CrawledItem] | None = None,
    adapter: str | None = None,
    on_page: Callable[[], None] | None = None,
    on_links: Callable[[tuple[ReportLink, ...]], None] | None = None,
) -> CrawlResult:
    """Every report linked from the column at `listing_url` (on its host, or `allowed_host`);
    `on_page` is told of each page asked (a live display counts them), `on_links` of the
    report links each page gave that no page gave before (they may be downloaded while the
    crawl goes on).

    With what earlier nights read (`known`: detail page → what it gave), a warm night asks
    only what may have changed: a detail page known under the same listing title is not
    asked again (what it gave is taken as it was), and a listing page that lists only known
    items leads to no further listing pages (listings are newest first). Without it, the
    whole column is walked.

    A listing that cannot be had stops the crawl (RetryLater when it may come back, else
    EnvironmentBroken); any other page or link that fails is a skipped item with its reason.
    How the column lists its articles is its adapter's (extract/portals.py): `adapter` names
    one, else it is told from the listing's first page."""
    host = allowed_host or urlsplit(listing_url).hostname or ""
    lister: Adapter | None = ADAPTERS[adapter] if adapter else None
    # (url, 'start' | 'listing' | 'detail' | 'maybe', the item's title in the listing)
    queue: deque[tuple[str, str, str]] = deque([(listing_url, "start", "")])
    seen: set[str] = {listing_url}
    links = _LinksFound(on_links)
    skipped: dict[str, SkippedItem] = {}
    items: list[CrawledItem] = []
    visited = 0
    while queue and visited < max_pages:
        url, kind, title = queue.popleft()
        asked = lister.request(url) if lister and kind == "listing" else ("GET", url, None)
        page = _visited_page(client, asked, kind, title, host, limits, skipped)
        if on_page is not None:
            on_page()
        if page is None:
            continue
        visited += 1
        if lister is None:
            lister = adapter_for(page.url, page.html)
        findings = _page_findings(page, kind, title, host, lister)
        if kind in ("detail", "maybe"):
            items.append(_item(url, title, findings, listing_url))
        elif known is not None:
            findings = _recalled(findings, known)
        for found in findings:
            if isinstance(found, SkippedItem):
                _skip(skipped, found.url, found.title, found.reason)
            elif found[1] == "report":
                links.add(ReportLink(found[0], page.url, found[2]))
            elif found[0] not in seen:
                seen.add(found[0])
                queue.append(found)
        links.tell()
    if known is not None:  # the known items of listing pages not walked tonight
        rest = [i for u, i in known.items() if u not in seen and i.listing == listing_url]
        for item in rest:
            for report in item.reports:
                links.add(ReportLink(report, item.url, item.title))
            for skip in item.skipped:
                _skip(skipped, skip.url, skip.title, skip.reason)
        links.tell()
    return CrawlResult(
        tuple(links.found.values()),
        visited,
        tuple(skipped.values()),
        page_limit_reached=bool(queue),
        items=tuple(items),
    )


class _LinksFound:
    """A crawl's report links in the order found, each once; `on_links` is told of the new
    ones when asked to (after each page)."""

    def __init__(self, on_links: Callable[[tuple[ReportLink, ...]], None] | None) -> None:
        self.found: dict[str, ReportLink] = {}
        self._new: list[ReportLink] = []
        self._on_links = on_links

    def add(self, link: ReportLink) -> None:
        if link.url not in self.found:
            self.found[link.url] = link
            self._new.append(link)

    def tell(self) -> None:
        if self._new and self._on_links is not None:
            self._on_links(tuple(self._new))
        self._new = []


def _item(url: str, title: str, findings: list[_Found], listing: str) -> CrawledItem:
    reports = tuple(f[0] for f in findings if not isinstance(f, SkippedItem) and f[1] == "report")
    skips = tuple(f for f in findings if isinstance(f, SkippedItem))
    return CrawledItem(url, title, reports, skips, listing)


def _recalled(findings: list[_Found], known: Mapping[str, CrawledItem]) -> list[_Found]:
    """A listing page's findings with each known item (same title) replaced by what it gave
    when it was read; when every item it lists is known, without its further listing pages."""
    out: list[_Found] = []
    items = recalled = 0
    for found in findings:
        if isinstance(found, SkippedItem) or found[1] not in ("detail", "maybe"):
            out.append(found)
            continue
        items += 1
        item = known.get(found[0])
        if item is None or item.title != found[2]:
            out.append(found)
            continue
        recalled += 1
        out += [(url, "report", item.title) for url in item.reports]
        out += list(item.skipped)
    if items and recalled == items:
        out = [f for f in out if isinstance(f, SkippedItem) or f[1] != "listing"]
    return out


def _visited_page(
    client: httpx.Client,
    request: Request,
    kind: str,
    title: str,
    host: str,
    limits: Limits | None,
    skipped: dict[str, SkippedItem],
) -> Page | None:
    """The page, or None with the item recorded as skipped. The listing itself failing stops
    the crawl instead."""
    url = request[1]
    try:
        page = get_page(client, url, host, limits, request)
    except RetryLater:
        if kind == "start":
            raise  # the portal is down: the caller says so
        _skip(skipped, url, title, "page failed after retries (tried again next run)")
        return None
    except TerminalError as err:
        if kind == "start":
            raise EnvironmentBroken(f"portal listing: {err.reason}") from err
        _skip(skipped, url, title, err.reason)
        return None
    if page.status >= 400:
        if kind == "start":
            raise EnvironmentBroken(f"portal listing {url} answered HTTP {page.status}")
        _skip(skipped, url, title, f"HTTP {page.status}")
        return None
    return page


def _skip(skipped: dict[str, SkippedItem], url: str, title: str, reason: str) -> None:
    skipped.setdefault(url, SkippedItem(url, title, reason))


# What a page yields: a page to visit or a report to fetch, as (url, kind, title), or an item
# not taken and why.
_Found = tuple[str, str, str] | SkippedItem
NO_REPORT_ON_PAGE = "the detail page holds neither an attachment nor the form's tables"


def _page_findings(page: Page, kind: str, title: str, host: str, lister: Adapter) -> list[_Found]:
    if kind in ("start", "listing"):
        listed = lister.listed(page.url, page.html)
        if listed is not None:
            return _articles_findings(page, listed, host)
    anchors = _Anchors()
    anchors.feed(page.html)
    links, out = _same_host_links(page.url, anchors, host)
    if kind in ("start", "listing"):
        return out + _listing_findings(page, anchors, links)
    return out + _detail_findings(page, kind, title or anchors.title, links)


def _articles_findings(page: Page, listed: Listed, host: str) -> list[_Found]:
    """An adapter's listing: every article an item (or, for a file, a report) judged by its
    title, the further listing pages to ask, articles on other hosts skipped."""
    out: list[_Found] = [(u, "listing", "") for u in listed.more]
    for url, title in listed.articles:
        if urlsplit(url).hostname != host:
            out.append(SkippedItem(url, title, OFF_HOST.format(host=host)))
        elif ATTACHMENT_HREF.search(url):
            out.append(_file_finding(url, title))
        else:
            out.append(_item_finding(url, title))
    return out


def _file_finding(url: str, title: str) -> _Found:
    """A file a listing links: a report to fetch, unless its title says it is none."""
    return (
        (url, "report", title)
        if title_kind(title) != "not"
        else SkippedItem(url, title, NOT_A_REPORT)
    )


def _item_finding(url: str, title: str) -> _Found:
    """An article a listing links: a detail page whose title names a report, one to look into
    when its title is unclear, or skipped when its title names something else."""
    kind = title_kind(title)
    if kind == "not":
        return SkippedItem(url, title, NOT_A_REPORT)
    return (url, "detail" if kind == "report" else "maybe", title)


def _same_host_links(
    base: str, page: _Anchors, host: str
) -> tuple[list[tuple[str, str]], list[_Found]]:
    """(absolute url, link text) of the page's links on `host`; the malformed ones and the
    attachments on other hosts, as skipped items."""
    links: list[tuple[str, str]] = []
    bad: list[_Found] = []
    for href, text in page.anchors:
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        try:
            url = urljoin(base, href.strip()).split("#")[0]
            url_host = urlsplit(url).hostname
        except ValueError as err:  # e.g. 'http://[bad/x.pdf': Invalid IPv6 URL
            bad.append(SkippedItem(href, text or page.title, f"malformed link: {err}"))
            continue
        if url_host == host:
            links.append((url, text))
        elif ATTACHMENT_HREF.search(url):  # a file server of its own: seen, not fetched
            bad.append(SkippedItem(url, text or page.title, OFF_HOST.format(host=host)))
    return links, bad


def _listing_findings(page: Page, anchors: _Anchors, links: list[tuple[str, str]]) -> list[_Found]:
    """Further listing pages, the items whose title may be a report, and the rest skipped."""
    out: list[_Found] = [(u, "listing", "") for u in _script_pagination(page.url, page.html)]
    for url, text in links:
        if ATTACHMENT_HREF.search(url):
            out.append(_file_finding(url, text or anchors.title))
        elif PAGINATION.search(urlsplit(url).path):
            out.append((url, "listing", ""))
        elif text and _is_item_page(page.url, url):
            out.append(_item_finding(url, text))
    return out


def _detail_findings(
    page: Page, kind: str, title: str, links: list[tuple[str, str]]
) -> list[_Found]:
    """The page itself when it prints the form's tables (its attachments then skipped as the
    same report), else its attachments; a page whose title was unclear keeps only those
    titled as a report."""
    files = [(url, text) for url, text in links if ATTACHMENT_HREF.search(url)]
    if page_holds_form_tables(page.html):
        same = [SkippedItem(url, text or title, SAME_REPORT) for url, text in files]
        return [(page.url, "report", title), *same]
    if kind == "maybe":
        files = [(url, text) for url, text in files if title_kind(text) == "report"]
        if not files:
            return [SkippedItem(page.url, title, UNCLEAR_PAGE)]
    if not files:
        return [SkippedItem(page.url, title, NO_REPORT_ON_PAGE)]
    return [(url, "report", title) for url, _ in files]


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
