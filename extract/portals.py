"""How a portal's column lists its articles: one adapter per CMS, in a registry (as camelot
keeps its PARSERS). A source may name its adapter; otherwise the first whose `detects` says
so on the listing's first page is used, and plain HTML paging (`static`) when none does.

An adapter turns a listing page into its articles (url, title) and the further listing pages
to ask; how each article and attachment is then read is the crawl's (extract/crawl.py), the
same for every CMS.

- static: TRS-style pages, paged as index_N.html or by createPageHTML(…) in a script.
- hanweb: 大汉 (Hanweb) jpage lists: the first records in a <datastore> of XML in the page,
  the rest asked by POST from /module/web/jpage/dataproxy.jsp, records as HTML in CDATA.
- gkmlpt: Guangdong's 政府信息公开目录 platform: a JSON API
  /gkmlpt/api/all/{column}?page=N&sid=…, articles with their titles and URLs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# A request to make for a listing page: (method, url, form data for a POST).
Request = tuple[str, str, dict[str, str] | None]


@dataclass(frozen=True)
class Listed:
    """What a listing page lists: its articles (absolute url, title) and further listing
    pages to ask (as URLs; the adapter's `request` says how to ask each)."""

    articles: list[tuple[str, str]]
    more: list[str]


@dataclass(frozen=True)
class Adapter:
    name: str
    detects: Callable[[str, str], bool]  # (url, body of the listing's first page)
    listed: Callable[[str, str], Listed | None]  # None: links found the plain way (static)
    request: Callable[[str], Request]


def _get(url: str) -> Request:
    return ("GET", url, None)


# ---- hanweb ---------------------------------------------------------------------------------

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)['\"]", re.S)
_TOTAL = re.compile(r"(?:totalRecord\s*[:=]\s*|<totalrecord>\s*)(\d+)", re.I)
_PER_PAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)


class _Titled(HTMLParser):
    """(href, title) of each <a>: its title attribute (a list cuts long titles short in the
    text: 2023年度政府…), else its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self._open: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            found = dict(attrs)
            self._open, self._text = (found.get("href") or "", found.get("title") or ""), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            href, title = self._open
            self.anchors.append((href, (title or "".join(self._text)).strip()))
            self._open = None


def _titled_anchors(html: str) -> list[tuple[str, str]]:
    parser = _Titled()
    parser.feed(html)
    return parser.anchors


PAGING = ("startrecord", "endrecord", "perpage")


def _hanweb_detects(url: str, body: str) -> bool:
    return "<datastore>" in body and ("jpage" in body or "dataproxy.jsp" in body)


def _hanweb_listed(url: str, body: str) -> Listed:
    """The records of a page's datastore (the first page's, or a dataproxy answer), and on the
    first page the POSTs that ask for the rest, a group of records at a time."""
    articles = []
    for record in _RECORD.findall(body):
        for href, title in _titled_anchors(record):
            if href:
                articles.append((urljoin(url, href), title))
    if "dataproxy.jsp" in urlsplit(url).path:
        return Listed(articles, [])  # the rest were asked for from the first page
    nextgroup, total = _NEXTGROUP.search(body), _TOTAL.search(body)
    if nextgroup is None or total is None or not articles:
        return Listed(articles, [])
    per_page = int(m.group(1)) if (m := _PER_PAGE.search(body)) else len(articles)
    group = max(len(articles), per_page)
    proxy = urlsplit(urljoin(url, nextgroup.group(1).replace("&amp;", "&")))
    params = [(k, v) for k, v in parse_qsl(proxy.query) if k not in ("page", *PAGING)]
    more = []
    for start in range(len(articles) + 1, int(total.group(1)) + 1, group):
        paging = [("startrecord", str(start)), ("endrecord", str(start + group - 1))]
        query = urlencode([*paging, ("perpage", str(per_page)), *params])
        more.append(urlunsplit((proxy.scheme, proxy.netloc, proxy.path, query, "")))
    return Listed(articles, more)


def _hanweb_request(url: str) -> Request:
    """A dataproxy.jsp page: POSTed, its paging in the query and the column's keys as a form."""
    if "dataproxy.jsp" not in urlsplit(url).path:
        return _get(url)
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query)
    query = urlencode([(k, v) for k, v in pairs if k in PAGING])
    form = {k: v for k, v in pairs if k not in PAGING}
    return ("POST", urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")), form)


# ---- gkmlpt ---------------------------------------------------------------------------------

_GKMLPT_API = re.compile(r"/gkmlpt/api/all/\d+")


def _gkmlpt_detects(url: str, body: str) -> bool:
    return bool(_GKMLPT_API.search(urlsplit(url).path))


def _gkmlpt_listed(url: str, body: str) -> Listed:
    """A page of the API's articles; on page 1, the pages after it (by `total`)."""
    try:
        data = json.loads(body)
    except ValueError:
        return Listed([], [])
    rows = data.get("articles") or [] if isinstance(data, dict) else []
    articles = [
        (urljoin(url, str(a["url"])), str(a.get("title", "")).strip())
        for a in rows
        if isinstance(a, dict) and a.get("url")
    ]
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if int(query.get("page", "1")) != 1 or not articles:
        return Listed(articles, [])
    pages = math.ceil(int(data.get("total", len(articles))) / len(articles))
    more = [
        urlunsplit((*parts[:3], urlencode({**query, "page": str(n)}), ""))
        for n in range(2, pages + 1)
    ]
    return Listed(articles, more)


# ---- the registry -----------------------------------------------------------------------------

ADAPTERS: dict[str, Adapter] = {
    "hanweb": Adapter("hanweb", _hanweb_detects, _hanweb_listed, _hanweb_request),
    "gkmlpt": Adapter("gkmlpt", _gkmlpt_detects, _gkmlpt_listed, _get),
    "static": Adapter("static", lambda url, body: True, lambda url, body: None, _get),
}


def adapter_for(url: str, body: str, named: str | None = None) -> Adapter:
    """The source's named adapter, or the first that recognises the listing's first page."""
    if named is not None:
        return ADAPTERS[named]
    return next(a for a in ADAPTERS.values() if a.detects(url, body))
