"""`nianbao export`: the views as Parquet (by year) and CSV (UTF-8 with a BOM), read back by
DuckDB and pandas as an analyst would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from typer.testing import CliRunner

from cli.app import app
from nianbao.records import FetchedFile
from tests.conftest import real_truth
from tests.expectations.test_relations import report_from_truth
from warehouse import Warehouse

runner = CliRunner()


def _warehouse(db: Path) -> list[dict]:
    truths = [real_truth("hongze-district-2024"), real_truth("hongze-district-2023")]
    with Warehouse.open(db) as store:
        for n, truth in enumerate(truths):
            sha = str(n) * 16
            fetched = FetchedFile(
                f"http://127.0.0.1/{n}.pdf", sha * 4, f"/tmp/{n}.pdf", 1, datetime.now(UTC)
            )
            store.load_report(fetched, report_from_truth(truth), (), "run1")
    return truths


def test_parquet_by_year_reads_back_in_duckdb_and_pandas(tmp_path: Path) -> None:
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    _warehouse(db)
    result = runner.invoke(app, ["export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "application_stats").iterdir()) == [
        "year=2023",
        "year=2024",
    ]
    con = duckdb.connect(str(db), read_only=True)
    expected = con.execute("SELECT count(*), sum(value) FROM application_stats").fetchone()
    con.close()
    (got,) = duckdb.sql(
        f"SELECT count(*), sum(value) FROM read_parquet('{out}/application_stats/**/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert got == expected
    frame = pd.read_parquet(out / "report_summary")
    assert len(frame) == 2 and set(frame["year"].astype(int)) == {2023, 2024}
    assert len(pd.read_parquet(out / "form_codes.parquet")) == 52


def test_csv_has_a_bom_so_excel_shows_the_chinese(tmp_path: Path) -> None:
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    truths = _warehouse(db)
    result = runner.invoke(app, ["export", "--db", str(db), "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    raw = (out / "reports.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    frame = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert set(frame["agency"]) == {t["agency"] for t in truths}


def test_export_says_why_when_there_is_no_warehouse(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output


def test_runs_lists_the_history_newest_first(tmp_path: Path) -> None:
    import json

    from nianbao.records import RunSummary

    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as store:
        store.start_run("first", "http://127.0.0.1/a/")
        store.finish_run(RunSummary("first", "http://127.0.0.1/a/", str(db), (), 3), "ok")
        store.start_run("second", "2 portals")
        store.finish_run(
            RunSummary("second", "2 portals", str(db), (), 0), "failed", "portal unreachable"
        )
    result = runner.invoke(app, ["runs", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.output)
    assert [r["run_id"] for r in runs] == ["second", "first"]
    assert runs[0]["outcome"] == "failed" and runs[0]["message"] == "portal unreachable"
    table = runner.invoke(app, ["runs", "--db", str(db)], env={"COLUMNS": "200"})
    assert "portal unreachable" in table.output and "2 portals" in table.output
