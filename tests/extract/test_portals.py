"""Portal adapters (extract/portals.py), one test per entry of the registry, each walked on a
loopback simulation of its CMS: every article found, every listing page asked as that CMS
asks it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from extract.crawl import crawl_portal
from extract.polite import Politeness, polite_client
from extract.portals import ADAPTERS, adapter_for
from nianbao.sources import AdapterName
from tests.faults import server as srv

TITLE = "{n}年度政府信息公开工作年度报告"


def _article_pages(server: srv.FaultServer, folder: str, years: range) -> None:
    for n in years:
        server.routes[f"{folder}/art_{n}.html"] = srv.page(
            f'<html><head><meta charset="utf-8"><title>{TITLE.format(n=n)}</title></head>'
            f'<body><a href="/files/{n}.pdf">附件</a></body></html>'
        )


def _crawl(listing: str, host: str, adapter: str | None = None):  # type: ignore[no-untyped-def]
    with polite_client(Politeness("t", 0, respect_robots=False, timeout=5)) as client:
        return crawl_portal(client, listing, allowed_host=host, adapter=adapter)


def _record(n: int) -> str:
    return (
        f'<record><![CDATA[<li><a href="/art/2024/1/1/art_{n}.html" title="{TITLE.format(n=n)}"'
        f' target="_blank">{TITLE.format(n=n)[:8]}…</a><span>2024-01-01</span></li>]]></record>'
    )


def test_hanweb_jpage_lists_the_first_records_in_the_page_and_the_rest_by_post() -> None:
    """大汉 jpage: 7 records, 3 in the page's datastore, the rest from dataproxy.jsp, asked by
    POST with the column's keys as a form, 3 at a time."""
    years = range(2011, 2018)
    with srv.fault_server("127.0.1.21") as server:
        proxy = "/module/web/jpage/dataproxy.jsp"
        nextgroup = f"{proxy}?page=1&amp;appid=1&amp;webid=15&amp;path=/&amp;columnid=14637&amp;unitid=215741&amp;permissiontype=0"
        first = "".join(_record(n) for n in years[:3])
        server.routes["/col/col14637/index.html"] = srv.page(
            '<html><head><meta charset="utf-8"></head><body><div id="215741">'
            f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{nextgroup}"></a>]]>'
            f"</nextgroup><recordset>{first}</recordset></datastore></script></div>"
            '<script src="/module/web/jpage/jpage.js"></script><script>'
            "$('#215741').jpage({totalRecord:7,perPage:3,proxyUrl:'/module/web/jpage/dataproxy.jsp'})"
            "</script></body></html>"
        )

        def proxy_answer(h):  # type: ignore[no-untyped-def]
            start = int(parse_qs(urlsplit(h.path).query)["startrecord"][0])
            chosen = [n for n in years if start <= years.index(n) + 1 < start + 3]
            body = "".join(_record(n) for n in chosen)
            srv.page(
                f"<datastore><totalrecord>7</totalrecord><recordset>{body}</recordset></datastore>"
            )(h)

        server.routes[proxy] = proxy_answer
        _article_pages(server, "/art/2024/1/1", years)
        found = _crawl(server.url("/col/col14637/index.html"), server.host)
    assert sorted(link.url.rsplit("/", 1)[1] for link in found.links) == [f"{n}.pdf" for n in years]
    assert len(server.posts) == 2
    for path, body in server.posts:
        form = parse_qs(body.decode())
        assert form["columnid"] == ["14637"] and form["unitid"] == ["215741"]
        assert "startrecord" in parse_qs(urlsplit(path).query)


def test_gkmlpt_json_api_pages_are_walked_by_their_total() -> None:
    """Guangdong's gkmlpt: /gkmlpt/api/all/{column}?page=N&sid=…, articles as JSON."""
    years = range(2014, 2019)
    with srv.fault_server("127.0.1.22") as server:
        base = server.base

        def api(h):  # type: ignore[no-untyped-def]
            page = int(parse_qs(urlsplit(h.path).query)["page"][0])
            chosen = list(years)[2 * (page - 1) : 2 * page]
            articles = [
                {"id": n, "title": TITLE.format(n=n), "url": f"{base}/gkmlpt/content/art_{n}.html"}
                for n in chosen
            ]
            srv.page(json.dumps({"articles": articles, "total": len(years)}, ensure_ascii=False))(h)

        server.routes["/gkmlpt/api/all/2843"] = api
        _article_pages(server, "/gkmlpt/content", years)
        found = _crawl(server.url("/gkmlpt/api/all/2843?page=1&sid=757005"), server.host)
    assert sorted(link.url.rsplit("/", 1)[1] for link in found.links) == [f"{n}.pdf" for n in years]
    assert server.hits("/gkmlpt/api/all/2843") == 3


def test_a_plain_listing_is_static_and_a_named_adapter_is_used_as_named() -> None:
    assert adapter_for("http://x.cn/col/index.html", "<a href='a.html'>x</a>").name == "static"
    assert adapter_for("http://x.cn/gkmlpt/api/all/1?page=1", "{}", "hanweb").name == "hanweb"


def test_the_sources_file_names_exactly_the_registered_adapters() -> None:
    assert set(AdapterName.__args__) == set(ADAPTERS)  # type: ignore[attr-defined]


def test_a_file_behind_a_download_script_is_fetched_and_named_by_its_answer(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """download.jsp?id=…: the link says nothing of the file; the answer's Content-Disposition
    names it, here in GBK bytes as many Chinese servers send it."""
    from extract.fetch import fetch_report
    from tests.faults.portal import sample_reports

    body = next(iter(sample_reports().values()))
    name = "2023年度政府信息公开工作年度报告.pdf"
    with srv.fault_server("127.0.1.23") as server:
        server.routes["/col/index.html"] = srv.page(
            f'<html><meta charset="utf-8"><a href="a.html">{TITLE.format(n=2023)}</a></html>'
        )
        server.routes["/col/a.html"] = srv.page(
            '<html><meta charset="utf-8"><a href="/module/download/download.jsp?id=7&amp;k=x">附件1</a></html>'
        )

        def download(h):  # type: ignore[no-untyped-def]
            h.send_response(200)
            gbk = name.encode("gbk").decode("latin-1")  # raw GBK bytes on the wire
            h.send_header("Content-Disposition", f'attachment; filename="{gbk}"')
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        server.routes["/module/download/download.jsp"] = download
        found = _crawl(server.url("/col/index.html"), server.host)
        (link,) = found.links
        with polite_client(Politeness("t", 0, respect_robots=False, timeout=5)) as client:
            fetched = fetch_report(client, link.url, tmp_path, allowed_host=server.host)
    assert link.url.endswith("download.jsp?id=7&k=x")
    assert fetched.file_name == name and fetched.path.endswith(".pdf")


def test_content_disposition_names_in_every_form_servers_send() -> None:
    from extract.fetch import attachment_name

    name = "2023年报.pdf"
    assert attachment_name([f"attachment; filename*=UTF-8''{'%E5%B9%B4'}.pdf"]) == "年.pdf"
    assert attachment_name([f'attachment; filename="{name}"']) == name  # UTF-8 decoded already
    gbk = name.encode("gbk").decode("latin-1")
    assert attachment_name([f"attachment; filename={gbk}"]) == name
    assert attachment_name(["inline"]) == ""
