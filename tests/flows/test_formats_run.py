"""A portal publishing its reports the ways real ones do (issue 13), through a real run: a
report printed as the detail page itself (with a PDF of it beside), a Word attachment, an OFD
attachment, titles the old classifier missed, and items that are not reports, each recorded
with why."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from corpus.fuzz import PUBLISHERS, fuzz_report
from corpus.score import truth_cells
from extract.crawl import NOT_A_REPORT, SAME_REPORT, UNCLEAR_PAGE
from flows.ingest import ingest
from nianbao.portal import serve_folder
from nianbao.settings import load_settings
from tests.conftest import SAMPLE_PORTAL, query_db, sample_manifest
from tests.flows.test_ingest import warehouse_cells

# Drawn reports of different bodies, from seeds no reader was tuned on.
PAGE_SEED, WORD_SEED, OFD_SEED = 730001, 730004, 730013


def _portal(root: Path) -> dict[str, object]:
    page, word, ofd = fuzz_report(PAGE_SEED), fuzz_report(WORD_SEED), fuzz_report(OFD_SEED)
    assert len({(d.report.agency, d.report.year) for d in (page, word, ofd)}) == 3
    html = PUBLISHERS["page"](page, root).read_text(encoding="utf-8")
    (root / "t1.html").write_text(
        html.replace("</body>", '<p><a href="t1.pdf">全文下载.pdf</a></p></body>'), encoding="utf-8"
    )
    any_pdf = next(m["path"] for m in sample_manifest() if m["expected"] == "loaded")
    shutil.copyfile(SAMPLE_PORTAL / any_pdf, root / "t1.pdf")  # never read: the page is
    PUBLISHERS["docx"](word, root).rename(root / "r2.docx")
    (root / "t2.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><a href="r2.docx">附件：年度报告.docx</a></body></html>',
        encoding="utf-8",
    )
    PUBLISHERS["ofd"](ofd, root).rename(root / "r5.ofd")
    (root / "t5.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><a href="r5.ofd">附件：年度报告.ofd</a></body></html>',
        encoding="utf-8",
    )
    (root / "t3.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><p>详见本网站。</p></body></html>',
        encoding="utf-8",
    )
    items = [
        ("t1.html", f"{page.report.agency}{page.report.year}年政府信息公开年报"),
        ("t2.html", f"{word.report.year}年度政府信息公开工作报告"),
        ("t3.html", "2023年度报告"),
        ("t4.html", "关于做好2024年度政府信息公开工作年度报告编制工作的通知"),
        ("t5.html", f"{ofd.report.agency}{ofd.report.year}年度政府信息公开工作年度报告"),
    ]
    links = "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in items)
    (root / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>',
        encoding="utf-8",
    )
    return {"page": page, "word": word, "ofd": ofd}


@pytest.fixture(scope="module")
def formats_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("formats_portal")
    drawn = _portal(root)
    db = tmp_path_factory.mktemp("formats") / "warehouse.duckdb"
    settings = load_settings(db_path=db, raw_dir=db.parent / "raw")
    with serve_folder(root) as base:
        first = ingest(base + "index.html", settings)
        page = root / "t1.html"  # the next visit: the page's view counter has moved on
        html = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"浏览次数：(\d+)", "浏览次数：100001", html), encoding="utf-8")
        second = ingest(base + "index.html", settings)
    return db, base, drawn, first, second


def test_the_page_the_word_file_and_the_ofd_file_land_exactly(formats_run) -> None:
    db, _, drawn, first, _ = formats_run
    assert first.count("loaded") == 3 and first.count("quarantined") == 0
    for fuzzed in drawn.values():
        report = fuzzed.report
        assert warehouse_cells(db, report.agency, report.year) == truth_cells(fuzzed.truth())


def test_each_report_names_the_file_or_page_it_was_read_from(formats_run) -> None:
    db, base, drawn, _, _ = formats_run
    rows = dict(query_db(db, "SELECT agency, source_url FROM reports WHERE status = 'loaded'"))
    assert rows == {
        drawn["page"].report.agency: base + "t1.html",
        drawn["word"].report.agency: base + "r2.docx",
        drawn["ofd"].report.agency: base + "r5.ofd",
    }
    methods = query_db(db, "SELECT method FROM reports WHERE source_url = ?", [base + "r5.ofd"])
    assert methods == [("ofd-lattice-vector",)]


def test_every_item_not_taken_is_in_skipped_items_with_why(formats_run) -> None:
    db, base, _, first, _ = formats_run
    rows = query_db(db, "SELECT url, reason FROM skipped_items WHERE run_id = ?", [first.run_id])
    assert sorted(rows) == sorted(
        [
            (base + "t1.pdf", SAME_REPORT),
            (base + "t3.html", UNCLEAR_PAGE),
            (base + "t4.html", NOT_A_REPORT),
        ]
    )
    assert len(first.skipped_items) == 3


def test_a_page_whose_chrome_changed_is_the_same_report(formats_run) -> None:
    db, _, _, _, second = formats_run
    assert second.count("loaded") == 0 and second.count("unchanged") == 3
    assert query_db(db, "SELECT count(*) FROM reports") == [(3,)]
