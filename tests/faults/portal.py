"""A portal on a FaultServer: a listing, a detail page per item, one attachment each, whose
answers the tests choose (real sample reports as the files)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.conftest import SAMPLE_PORTAL, SAMPLE_TRUTH
from tests.faults import server as srv


def sample_reports() -> dict[str, bytes]:
    """slug → bytes of every sample report expected to load (distinct body and year each)."""
    manifest = json.loads((SAMPLE_TRUTH / "manifest.json").read_text(encoding="utf-8"))
    return {
        m["slug"]: (SAMPLE_PORTAL / m["path"]).read_bytes()
        for m in manifest
        if m["kind"] == "report" and m["expected"] == "loaded"
    }


@dataclass
class Item:
    name: str  # the attachment is /col/<name>.pdf, its page /col/<name>.html
    behaviour: srv.Behaviour
    title: str = "2023年度政府信息公开工作年度报告"


def publish(server: srv.FaultServer, items: list[Item], extra_listing: str = "") -> str:
    """Route the listing, the detail pages and the attachments; the listing's URL."""
    links = "".join(f'<li><a href="{i.name}.html">{i.title} {i.name}</a></li>' for i in items)
    server.routes["/col/index.html"] = srv.page(
        f'<html><head><meta charset="utf-8"></head><body><ul>{links}{extra_listing}</ul></body></html>'
    )
    for item in items:
        server.routes[f"/col/{item.name}.html"] = srv.page(
            f'<html><head><meta charset="utf-8"><title>{item.title}</title></head>'
            f'<body><a href="{item.name}.pdf">附件</a></body></html>'
        )
        server.routes[f"/col/{item.name}.pdf"] = item.behaviour
    return server.url("/col/index.html")
