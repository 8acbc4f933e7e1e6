"""The alert mail a person can act on: counts first, findings grouped by report with errors
before warnings, form labels beside codes, what each check means, what to do."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.alerts import compose, docs_links
from nianbao.records import Finding, RunSummary
from nianbao.settings import load_settings


def _finding(
    key: str, report: str, check: str | None, severity: str, agency: str, cells=()
) -> Finding:  # type: ignore[no-untyped-def]
    details = json.dumps({"cells": list(cells)}) if cells else ""
    reason = None if check else "not a PDF (an HTML error page)"
    return Finding(
        key,
        report,
        check,
        agency,
        2024,
        f"http://127.0.0.1/{report}.pdf",
        reason,
        severity,
        details,
    )


def test_the_mail_counts_first_groups_by_report_errors_first_and_says_what_checks_mean() -> None:
    findings = [
        _finding("k1", "r1", "R7", "warning", "云溪市卫生健康委员会"),
        _finding("k2", "r2", None, "error", ""),
        _finding(
            "k3",
            "r3",
            "R2",
            "error",
            "云溪市公安局",
            [{"row_code": "3.2", "applicant_code": "total", "printed": 5, "expected": 4}],
        ),
        _finding("k4", "r3", "R7", "warning", "云溪市公安局"),
    ]
    summary = RunSummary("run1", "http://127.0.0.1/index.html", "/srv/w.duckdb", (), 1)
    msg = compose(findings, summary, load_settings(alert_to=["a@x.cn"]), [])
    text = msg.get_body(("plain",)).get_content()
    lines = text.splitlines()
    assert lines[0] == "1 error(s), 2 warning(s), 1 unreadable file(s) in 3 report(s)"
    titles = [line[2:] for line in lines if line.startswith("- ")]
    assert titles == [
        "云溪市公安局 2024: R2 (error)",
        "云溪市公安局 2024: R7 (warning)",
        "云溪市卫生健康委员会 2024: R7 (warning)",
        "(unread file) 2024: quarantined",
    ]
    assert (
        "row_code 3.2 (（二）部分公开), applicant_code total (总计): printed 5, expected 4" in text
    )
    assert "总计 is the sum of the six applicant columns" in text  # R2's meaning
    assert "What to do:" in text


def test_the_mail_links_the_docs_under_the_base_url_when_one_is_set(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.html").write_text("<html></html>", encoding="utf-8")
    local = load_settings(docs_dir=docs)
    assert docs_links(local) == [("Run report", (docs / "report.html").as_uri())]
    (docs / "index.html").write_text("<html></html>", encoding="utf-8")
    served = load_settings(docs_dir=docs, docs_base_url="https://dq.example.org/nianbao/")
    links = docs_links(served)
    assert links == [
        ("Run report", "https://dq.example.org/nianbao/report.html"),
        ("Data Docs", "https://dq.example.org/nianbao/index.html"),
    ]
    summary = RunSummary("run1", "http://127.0.0.1/index.html", "/srv/w.duckdb", (), 1)
    msg = compose([_finding("k1", "r1", "R7", "warning", "甲局")], summary, served, links)
    assert (
        "Data Docs: https://dq.example.org/nianbao/index.html"
        in msg.get_body(("plain",)).get_content()
    )
    assert (
        'href="https://dq.example.org/nianbao/report.html"' in msg.get_body(("html",)).get_content()
    )


def test_a_refused_cell_says_what_its_reading_means() -> None:
    cell = {"table": "application", "row": "3.3.8", "col": "total", "raw": "49", "page": 2}
    finding = _finding(
        "k1", "r1", "R1", "error", "云溪市公安局", [{**cell, "reading": "unconfirmed"}]
    )
    summary = RunSummary("run1", "http://127.0.0.1/index.html", "/srv/w.duckdb", (), 1)
    text = (
        compose([finding], summary, load_settings(alert_to=["a@x.cn"]), [])
        .get_body(("plain",))
        .get_content()
    )
    assert "reading unconfirmed (read from a scan, and no sum of the form could check it" in text
