"""Whole runs: a real Prefect flow over HTTP portals on 127.0.0.1 into a real DuckDB file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from corpus.score import score, truth_cells
from expectations.suites import SEPARATOR
from flows.ingest import ingest
from flows.links import LinkFeed
from flows.pool import forkserver
from flows.pool.read_pool import _expected_new, _likely_new
from nianbao.records import CachedFetch, FetchFailure, ReportLink
from nianbao.settings import load_settings
from tests.conftest import (
    REAL_REPORTS,
    SAMPLE_PORTAL,
    SAMPLE_TRUTH,
    query_db,
    real_truth,
    sample_truth,
)

VIEWS = ("reports", "application_stats", "review_stats", "disclosure_stats", "dq_results")
STATS = {
    "application": "SELECT row_code, applicant_code, value FROM application_stats WHERE agency = ? AND year = ?",
    "review": "SELECT proceeding_code, outcome_code, value FROM review_stats WHERE agency = ? AND year = ?",
    "disclosure": "SELECT item_code, measure_code, value FROM disclosure_stats WHERE agency = ? AND year = ?",
}


_query = query_db


def warehouse_cells(db: Path, agency: str, year: int) -> dict[tuple[str, str, str], float]:
    return {
        (table, row, col): float(value)
        for table, sql in STATS.items()
        for row, col, value in _query(db, sql, [agency, year])
    }


def failed_checks(db: Path, agency: str, year: int) -> list[tuple[str, str]]:
    return _query(
        db,
        """SELECT check_id, details FROM dq_results JOIN reports USING (report_id)
           WHERE agency = ? AND year = ? AND NOT success ORDER BY check_id""",
        [agency, year],
    )


def view_checksums(db: Path) -> dict[str, tuple]:
    """Order-independent fingerprint of every SPEC view (fetched_at/loaded_at included)."""
    return {
        v: _query(db, f"SELECT count(*), sum(hash(columns(*))) FROM (SELECT * FROM {v}) t")[0]
        for v in VIEWS
    }


@pytest.fixture(scope="module")
def real_run(prefect_harness: None, real_portal: str, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("real") / "warehouse.duckdb"
    summary = ingest(real_portal, load_settings(db_path=db))
    return db, summary


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_real_report_lands_exactly(real_run, name: str) -> None:
    db, _ = real_run
    truth = real_truth(name)
    assert warehouse_cells(db, truth["agency"], truth["year"]) == truth_cells(truth)


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_real_report_fails_exactly_its_expected_checks(real_run, name: str) -> None:
    db, _ = real_run
    truth = real_truth(name)
    found = failed_checks(db, truth["agency"], truth["year"])
    places = [cell for _, details in found for cell in json.loads(details)["cells"]]
    expected = truth["expected_failures"] + PROSE_DISAGREES.get(name, [])
    assert [c for c, _ in found] == sorted({f["check"] for f in expected})
    assert len(places) == len(expected)


# The real reports' prose against their table 三 (R8, a warning; the JSON beside each lists
# the tables' own failures only): hongze-district-2024's text counts the office's 17
# applications, its table the body's 95.
PROSE_DISAGREES = {"hongze-district-2024": [{"check": "R8", "stated": 17, "row_1": 95}]}


def test_hongze_2024_r8_names_what_the_text_says_and_the_table(real_run) -> None:
    db, _ = real_run
    ((check, details),) = [f for f in failed_checks(db, "淮安市洪泽区人民政府", 2024)]
    (cell,) = json.loads(details)["cells"]
    assert check == "R8" and (cell["stated"], cell["row_1"], cell["page"]) == (17, 95, 1)
    assert "受理政府信息公开申请17件" in cell["text"]


def test_hongze_2023_r5_names_printed_and_expected(real_run) -> None:
    db, _ = real_run
    ((_, details),) = failed_checks(db, "洪泽区人民政府", 2023)
    cells = json.loads(details)["cells"]
    assert {(c["proceeding_code"], c["printed"], c["expected"]) for c in cells} == {
        ("reconsideration", 0, 11),
        ("litigation_after_reconsideration", 0, 5),
    }


def test_real_run_summary_and_reports_view(real_run) -> None:
    db, summary = real_run
    assert summary.count("loaded") == 4 and summary.count("quarantined") == 0
    rows = _query(
        db,
        "SELECT agency, year, status, source_url LIKE 'http://127.0.0.1:%' FROM reports ORDER BY agency",
    )
    assert [(a, y, s, local) for a, y, s, local in rows] == [
        ("沭阳县发展和改革局", 2023, "loaded", True),
        ("洪泽区人民政府", 2023, "loaded", True),
        ("淮安市人民政府", 2024, "loaded", True),
        ("淮安市洪泽区人民政府", 2024, "loaded", True),
    ]


def test_cli_run_on_sample_portal_is_complete_and_idempotent(
    prefect_harness: None, tmp_path: Path
) -> None:
    db = tmp_path / "warehouse.duckdb"
    runner = CliRunner()
    first = runner.invoke(app, ["run", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "reports found 40" in first.output and str(db) in first.output

    seed = sample_truth("panzhihua-xiqu-xzspj-2024.json")  # shared/reference/seed-report-2024.txt
    assert warehouse_cells(db, seed["agency"], seed["year"]) == truth_cells(seed)
    result = score(db, SAMPLE_PORTAL, SAMPLE_TRUTH)
    assert [s.slug for s in result.specials if not s.ok] == []
    assert result.silent_wrong == 0
    assert {r.status for r in result.reports} <= {"loaded", "quarantined"}  # nothing dropped
    # R7 and the reports validated in the two workers, their pages built in both: every
    # report judged named by one page, R7's included (not only the docs worker's own)
    pages = tmp_path / "docs" / "validations"
    (r7,) = query_db(db, "SELECT count(*) FROM dq_checks WHERE check_id = 'R7'")[0]
    (judged,) = query_db(
        db, "SELECT count(DISTINCT report_id) FROM dq_checks WHERE check_id = 'R1'"
    )[0]
    assert r7 > 0
    assert len(_reports_named(pages / "nianbao-continuity")) == r7
    assert len(_reports_named(pages / "nianbao-report")) == judged

    before = view_checksums(db)
    second = runner.invoke(app, ["run", "--db", str(db)])
    assert second.exit_code == 0, second.output
    assert "unchanged 40" in second.output
    assert view_checksums(db) == before


def test_paced_downloads_are_read_while_they_come(
    prefect_harness: None, sample_portal: str, tmp_path: Path
) -> None:
    db = tmp_path / "warehouse.duckdb"
    settings = load_settings(db_path=db, workers=2, rate_per_second=20.0)  # 40 files: ~2 s
    forkserver.start()  # as `nianbao run` does first: its GX build (~3 s) is then done
    summary = ingest(sample_portal, settings)
    assert len(summary.outcomes) == 40 and summary.count("loaded") == 32  # 31 + the scan
    result = score(db, SAMPLE_PORTAL, SAMPLE_TRUTH)
    exact, expected = result.exact()
    assert result.silent_wrong == 0 and exact == expected > 0
    assert [s.slug for s in result.specials if not s.ok] == []

    downloads, reads = (
        _task_runs_of_last_flow_run("download"),
        _task_runs_of_last_flow_run("extract"),
    )
    assert len(downloads) == 1  # the night's, taking the links as the crawl finds them
    assert min(r.start_time for r in reads) < downloads[0].end_time
    # Judged in two worker processes, shown in one Data Docs site: every report read is there.
    assert _reports_in_data_docs(settings.docs_folder) == 32


def _reports_named(suite_pages: Path) -> set[str]:
    """The reports a suite's Data Docs pages are named by (a page per validation, named by
    its reports), each named by one page only."""
    names = [
        label
        for page in suite_pages.glob("*/*/*.html")
        for label in page.parent.parent.name.split(SEPARATOR)
    ]
    assert len(names) == len(set(names)), names
    return set(names)


def _reports_in_data_docs(folder: Path) -> int:
    """Reports named by the report suite's validations a Data Docs index lists: a few
    reports to a validation, each named by its body, year and id (R7's listed too, apart)."""
    index = (folder / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r"'run_name': '([^']*)', 'batch_identifier': '([^']{0,200})", index)
    runs = [run for run, batch in listed if "nianbao-continuity" not in batch]
    reports = [label for run in runs for label in run.split(SEPARATOR)]
    assert all(re.search(r" \d{4} \([0-9a-f]{16}\)$", r) for r in reports), reports
    assert len(reports) == len(set(reports)), reports
    return len(reports)


def _task_runs_of_last_flow_run(name: str) -> list:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        last = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)[0]
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[last.id]))
        )
    return [r for r in runs if r.name.startswith(f"{name}-")]


def test_unreachable_portal_fails_the_run_with_a_message(
    prefect_harness: None, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["run", "--source", "http://127.0.0.1:9/index.html", "--db", str(tmp_path / "w.duckdb")],
    )
    assert result.exit_code == 2
    assert "portal unreachable" in result.output


def test_every_loaded_value_carries_its_provenance(real_run) -> None:
    db, _ = real_run
    rows = _query(
        db,
        """SELECT count(*), count(sha256), count(page), count(method), count(accuracy),
                  count(confidence), count(reading)
           FROM cell_provenance WHERE agency = '淮安市人民政府'""",
    )
    assert rows == [(200,) * 7]
    pages = _query(
        db,
        """SELECT DISTINCT page, method FROM cell_provenance
           WHERE agency = '淮安市人民政府' AND table_name = 'application' ORDER BY page""",
    )
    assert pages == [(4, "lattice-vector"), (5, "lattice-vector")]  # table 三 cut across pages 4–5


def test_same_warehouse_on_a_dask_cluster(
    prefect_harness: None, real_portal: str, real_run, tmp_path: Path
) -> None:
    from distributed import LocalCluster

    db = tmp_path / "dask.duckdb"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        settings = load_settings(
            db_path=db, raw_dir=tmp_path / "raw", dask_address=cluster.scheduler_address
        )
        summary = ingest(real_portal, settings)
    assert summary.count("loaded") == 4
    for name in REAL_REPORTS:
        truth = real_truth(name)
        assert warehouse_cells(db, truth["agency"], truth["year"]) == warehouse_cells(
            real_run[0], truth["agency"], truth["year"]
        )
    assert _query(db, "SELECT count(*) FROM dq_results WHERE NOT success") == _query(
        real_run[0], "SELECT count(*) FROM dq_results WHERE NOT success"
    )


def test_only_unfetched_links_not_known_dead_may_be_new() -> None:
    urls = ["http://p/a.pdf", "http://p/b.pdf", "http://p/dead.pdf", "http://p/c.pdf"]
    cache = {"http://p/a.pdf": CachedFetch("x" * 64, '"etag"', "")}
    known = frozenset({FetchFailure.id_for("http://p/dead.pdf")})
    # b and c: a night with these warms up GX
    assert [url for url in urls if _likely_new(url, cache, known)] == [urls[1], urls[3]]


def test_a_night_whose_crawl_goes_on_is_not_taken_for_a_small_one() -> None:
    """Where its files are read is chosen without waiting for a slow column: one new link
    found and the crawl still going after PATIENCE_SECONDS, the night may be big (workers);
    the crawl ended with one, it is small (the flow's own thread)."""
    feed = LinkFeed()
    feed.add([ReportLink("http://p/a.pdf", "http://p/", "")], "p")
    settings = load_settings(parallel_from=6)
    assert _expected_new(feed, settings, {}, frozenset()) == 6
    feed.close()
    assert _expected_new(feed, settings, {}, frozenset()) == 1
