"""The analyst layer (issue 16): form_codes equal to the form the code reads, report_summary's
headline counts as BIGINT (NULL, never a partial sum, when a cell was not read), `trusted`
from the checks' latest results, and a comment on every view and column."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from nianbao import form
from nianbao.records import CheckResult, FetchedFile
from tests.conftest import query_db as _rows
from tests.conftest import real_truth
from tests.expectations.test_relations import report_from_truth
from warehouse import Warehouse


def _codes(db: Path, kind: str) -> list[str]:
    return [
        c
        for (c,) in _rows(
            db, f"SELECT code FROM form_codes WHERE code_kind = '{kind}' ORDER BY form_order"
        )
    ]


def test_form_codes_are_the_forms_in_its_order_with_its_printed_labels(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db):
        pass
    assert _codes(db, "row") == list(form.FORM_ROW_ORDER)
    assert _codes(db, "applicant") == list(form.APPLICANT_CODES)
    assert _codes(db, "proceeding") == list(form.PROCEEDING_CODES)
    assert _codes(db, "outcome") == list(form.OUTCOME_CODES)
    assert _codes(db, "item") == list(form.DISCLOSURE_MEASURES)
    measures = {m for ms in form.DISCLOSURE_MEASURES.values() for m in ms}
    assert set(_codes(db, "measure")) == measures
    labels = [label for (label,) in _rows(db, "SELECT label FROM form_codes")]
    printed = set(form.PRINTED_LABELS)
    # every label is the form's (the review proceedings' and the rows' as PRINTED_LABELS has them)
    assert all(label in printed for label in labels), [x for x in labels if x not in printed]


def _load(db: Path, sha: str, truth: dict, checks: tuple[CheckResult, ...], **kw) -> None:  # type: ignore[no-untyped-def]
    fetched = FetchedFile(
        f"http://127.0.0.1/{sha}.pdf", sha * 4, f"/tmp/{sha}.pdf", 1, datetime.now(UTC)
    )
    with Warehouse.open(db) as store:
        store.load_report(fetched, report_from_truth(truth, **kw), checks, "run1")


def test_report_summary_has_the_headline_counts_and_trusts_only_reports_that_hold(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    hongze, huaian = real_truth("hongze-district-2024"), real_truth("huaian-city-2024")
    _load(
        db,
        "a" * 16,
        hongze,
        (CheckResult("R2", True, "error"), CheckResult("R7", False, "warning")),
    )
    _load(
        db,
        "b" * 16,
        huaian,
        (CheckResult("R2", False, "error"),),
        drop={("application", "3.3.1", "total")},
    )
    rows = {
        r[0]: r[1:]
        for r in _rows(
            db,
            "SELECT agency, received, refused, total_handled, reconsiderations, trusted, "
            "failed_errors, failed_warnings, failed_checks FROM report_summary",
        )
    }
    app = hongze["application"]
    received, handled = app["1"]["total"], app["3.7"]["total"]
    refused = sum(v["total"] for k, v in app.items() if k.startswith("3.3."))
    recon = hongze["review"]["reconsideration"]["total"]
    assert rows[hongze["agency"]] == (received, refused, handled, recon, True, 0, 1, "R7")
    other = rows[huaian["agency"]]
    assert other[1] is None  # a 3.3 cell was not read: no partial sum
    assert other[4:] == (False, 1, 0, "R2")
    types = dict(
        _rows(
            db,
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'report_summary'",
        )
    )
    assert {types[c] for c in ("received", "refused", "lawsuits", "failed_errors")} == {"BIGINT"}


def test_every_view_and_its_every_column_says_what_it_holds(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db):
        pass
    views = _rows(db, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal")
    assert views and all(comment for _, comment in views)
    bare = _rows(
        db,
        "SELECT table_name, column_name FROM duckdb_columns() WHERE comment IS NULL AND table_name IN "
        "(SELECT view_name FROM duckdb_views() WHERE NOT internal UNION ALL SELECT 'form_codes')",
    )
    assert bare == []
