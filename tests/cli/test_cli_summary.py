"""The run's summary as people read it: counts first, only the reports to look at, one line
each (no folding at 80 columns), and as JSON for scripts."""

from __future__ import annotations

import json

import pytest

from cli.app import print_summary, summary_json
from nianbao.records import ReportOutcome, RunSummary

URL = "http://127.0.0.1:8731/202401/P020240115000001-a-very-long-attachment-name-of-a-report.pdf"


def _summary() -> RunSummary:
    outcomes = (
        ReportOutcome("a", URL, "loaded", "云溪市公安局", 2024, failed_checks=("R5",)),
        ReportOutcome("b", URL + "?2", "quarantined", reason="not a PDF (an HTML error page)"),
        *(
            ReportOutcome(str(n), f"{URL}?{n}", "unchanged", "云溪市人民政府", 2023)
            for n in range(30)
        ),
    )
    return RunSummary("run1", "http://127.0.0.1:8731/index.html", "/srv/w.duckdb", outcomes, 3)


def test_the_summary_names_only_the_reports_to_look_at_each_on_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    print_summary(_summary())
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("reports found 32, loaded 1, unchanged 30, quarantined 1")
    assert any(
        line.startswith("  loaded: 云溪市公安局 2024: failed R5 (") and URL in line
        for line in lines
    )
    assert any("quarantined: (not read): not a PDF" in line for line in lines)
    assert "30 report(s) loaded or unchanged with every check passed" in out
    assert "云溪市人民政府" not in out  # the unchanged, clean ones are a count
    print_summary(_summary(), quiet=True)
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_the_summary_as_json_has_every_report() -> None:
    data = json.loads(summary_json(_summary()))
    assert (data["found"], data["loaded"], data["unchanged"], data["quarantined"]) == (32, 1, 30, 1)
    assert data["reports"][0]["failed_checks"] == ["R5"] and data["checks_failed"] == 1


def test_prefects_lines_for_every_run_are_off_and_nianbaos_own_stay(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging
    import warnings

    from cli.app import _NoChatter, _without_prefect_chatter

    _without_prefect_chatter()
    logger = logging.getLogger("prefect.task_runs")
    try:
        with caplog.at_level(logging.INFO), warnings.catch_warnings():
            # outside a flow run Prefect's API handler warns that it has no run to send to
            warnings.simplefilter("ignore")
            logger.info("Finished in state Completed()")
            logging.getLogger("prefect.flow_runs").info("Beginning flow run 'x' for flow 'y'")
            logger.info("crawl: 3 report file(s) on 1 page(s) of http://127.0.0.1/")
    finally:
        for name in ("prefect.flow_runs", "prefect.task_runs", "prefect"):
            log = logging.getLogger(name)
            for f in [f for f in log.filters if isinstance(f, _NoChatter)]:
                log.removeFilter(f)
    assert [r.getMessage() for r in caplog.records] == [
        "crawl: 3 report file(s) on 1 page(s) of http://127.0.0.1/"
    ]


def test_an_unsent_alert_mail_is_said_even_when_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    from nianbao.records import MailOutcome

    unsent = replace(_summary(), mail=MailOutcome(3, 0, "no SMTP host or recipients set"))
    print_summary(unsent, quiet=True)
    assert "alert mail not sent (3 finding(s) pending): no SMTP host" in capsys.readouterr().out
    print_summary(replace(_summary(), mail=MailOutcome(3, 3)))
    assert "alert mail sent: 3 finding(s)" in capsys.readouterr().out
    data = json.loads(summary_json(unsent))
    assert data["mail"] == {
        "pending": 3,
        "sent": 0,
        "not_sent_because": "no SMTP host or recipients set",
    }
