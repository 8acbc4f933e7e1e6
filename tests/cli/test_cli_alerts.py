"""`nianbao alerts pending` and `nianbao alerts send --test`, the latter through a real SMTP
server on loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from nianbao.records import CheckResult, FetchedFile
from tests.conftest import real_truth
from tests.expectations.test_relations import load_with_failed_r2, report_from_truth
from tests.flows.test_nightly import Inbox
from warehouse import Warehouse

runner = CliRunner()


def test_pending_lists_the_findings_no_mail_carried(tmp_path: Path) -> None:
    db, truth = tmp_path / "w.duckdb", real_truth("hongze-district-2024")
    load_with_failed_r2(db, truth)
    result = runner.invoke(app, ["alerts", "pending", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 finding(s) pending" in result.output
    assert (
        f"{truth['agency']} 2024: R2 (error)" in result.output
        and "printed 5, expected 4" in result.output
    )


def test_send_test_goes_through_the_real_server_to_every_recipient() -> None:
    inbox = Inbox()
    inbox.start()
    try:
        env = {
            "NIANBAO_SMTP_HOST": "127.0.0.1",
            "NIANBAO_SMTP_PORT": str(inbox.port),
            "NIANBAO_ALERT_TO": '["a@x.cn", "b@x.cn"]',
        }
        result = runner.invoke(app, ["alerts", "send", "--test"], env=env)
    finally:
        inbox.stop()
    assert result.exit_code == 0, result.output
    assert "test mail taken for a@x.cn, b@x.cn" in result.output
    (mail,) = inbox.messages
    assert mail["Subject"] == "nianbao: test mail" and mail["Message-ID"]


def test_send_test_without_a_server_says_what_to_set() -> None:
    result = runner.invoke(app, ["alerts", "send", "--test"], env={"NIANBAO_SMTP_HOST": ""})
    assert result.exit_code == 2 and "NIANBAO_SMTP_HOST" in result.output


def test_show_lays_a_stored_report_out_as_the_form_with_its_checks(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    truth = real_truth("hongze-district-2024")
    with Warehouse.open(db) as store:
        fetched = FetchedFile(
            "http://127.0.0.1/a.pdf", "ab" * 32, "/tmp/a.pdf", 1, datetime.now(UTC)
        )
        store.load_report(
            fetched, report_from_truth(truth), (CheckResult("R2", False, "error"),), "r1"
        )
    result = runner.invoke(app, ["show", "abab", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (
        f"{truth['agency']} 2024 · loaded" in result.output and "R2 FAILED (error)" in result.output
    )
    received = str(truth["application"]["1"]["total"])
    line = next(x for x in result.output.splitlines() if "本年新收" in x)
    assert line.rstrip(" │").endswith(received)
    missing = runner.invoke(app, ["show", "ffff", "--db", str(db)])
    assert missing.exit_code == 2 and "no report" in missing.output
