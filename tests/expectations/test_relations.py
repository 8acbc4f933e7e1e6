"""R1–R6 on reports with a publisher's mistake planted in one cell."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.records import Cell, ExtractedReport
from tests.conftest import VALIDATOR, real_truth, sample_manifest, sample_truth


def report_from_truth(
    truth: dict,
    change: dict[tuple[str, str, str], object] | None = None,
    drop: set[tuple[str, str, str]] = frozenset(),
) -> ExtractedReport:
    change = change or {}
    cells = []
    for table in ("disclosure", "application", "review"):
        for row, cols in truth[table].items():
            for col, value in cols.items():
                key = (table, row, col)
                if key in drop:
                    continue
                v = change.get(key, value)
                raw = str(v)
                number = (
                    None
                    if isinstance(v, str)
                    else (Decimal(str(v)) if table == "disclosure" else v)
                )
                cells.append(Cell(table, row, col, number, raw, 1))
    return ExtractedReport(
        truth["agency"], truth["year"], truth["table3_rows"], tuple(cells), 3, (1,), "test"
    )


def failed(report: ExtractedReport) -> dict[str, tuple]:
    return {c.check_id: c.details for c in VALIDATOR.validate_report(report) if not c.success}


@pytest.fixture(scope="module")
def clean() -> dict:
    return real_truth("huaian-city-2024")


def test_clean_real_report_passes_everything(clean: dict) -> None:
    checks = VALIDATOR.validate_report(report_from_truth(clean))
    assert [c.check_id for c in checks] == ["R1", "R2", "R3", "R4", "R5", "R6", "R8"]
    assert all(c.success for c in checks)


def test_hongze_2023_fails_exactly_its_two_r5(clean: dict) -> None:
    found = failed(report_from_truth(real_truth("hongze-district-2023")))
    assert set(found) == {"R5"}
    assert {(d["proceeding_code"], d["printed"], d["expected"]) for d in found["R5"]} == {
        ("reconsideration", 0, 11),
        ("litigation_after_reconsideration", 0, 5),
    }


def test_r1_names_an_unreadable_cell(clean: dict) -> None:
    found = failed(report_from_truth(clean, {("application", "3.1", "other_org"): "3\n0"}))
    assert "R1" in found
    assert [(d["table"], d["row"], d["col"], d["raw"]) for d in found["R1"]] == [
        ("application", "3.1", "other_org", "3\n0")
    ]


def test_r2_row_total(clean: dict) -> None:
    found = failed(report_from_truth(clean, {("application", "2", "total"): 35}))
    assert found["R2"] == ({"row_code": "2", "printed": 35, "expected": 34, "page": 1},)
    assert "R4" in found  # the same cell also breaks 一 + 二 = 三（七）+ 四 in the total column


def test_r3_outcome_total(clean: dict) -> None:
    found = failed(report_from_truth(clean, {("application", "3.7", "research_institution"): 1}))
    assert found["R3"] == (
        {"applicant_code": "research_institution", "printed": 1, "expected": 0, "page": 1},
    )


def test_r4_balance(clean: dict) -> None:
    truth = clean
    changed = {
        ("application", "4", "natural_person"): truth["application"]["4"]["natural_person"] + 1,
        ("application", "4", "total"): truth["application"]["4"]["total"] + 1,
    }
    found = failed(report_from_truth(truth, changed))
    assert set(found) == {"R4"}
    assert {d["applicant_code"] for d in found["R4"]} == {"natural_person", "total"}


def test_r5_review_total(clean: dict) -> None:
    found = failed(report_from_truth(clean, {("review", "litigation_direct", "pending"): 2}))
    assert set(found) == {"R5"}
    assert found["R5"][0]["proceeding_code"] == "litigation_direct"


def test_r6_missing_cells_named(clean: dict) -> None:
    found = failed(
        report_from_truth(
            clean,
            drop={
                ("review", "reconsideration", "total"),
                ("application", "3.3.8", "natural_person"),
            },
        )
    )
    assert {(d["table"], d["row"], d["col"]) for d in found["R6"]} == {
        ("review", "reconsideration", "total"),
        ("application", "3.3.8", "natural_person"),
    }


def test_23_row_form_uses_one_row_six(clean: dict) -> None:
    report = report_from_truth(real_truth("hongze-district-2024"))
    assert report.form_rows == 23
    assert all(c.success for c in VALIDATOR.validate_report(report))


def test_sample_planted_mistake_is_flagged() -> None:
    for name in ("yunxi-edu-2023.json", "yunxi-samr-2024.json", "linjiang-district-2022.json"):
        truth = sample_truth(name)
        assert set(failed(report_from_truth(truth))) == {
            f["check"] for f in truth["expected_failures"]
        }


def test_a_batch_judges_each_report_as_if_alone(clean: dict) -> None:
    """Reports validated together (one GX run per suite) keep their own failures, in place."""
    reports = [
        report_from_truth(clean, {("application", "2", "total"): 35}),  # R2, R4 at the top
        report_from_truth(real_truth("hongze-district-2024")),  # clean, 23-row form
        report_from_truth(real_truth("hongze-district-2023")),  # its printed R5
        report_from_truth(clean, drop={("review", "reconsideration", "total")}),  # R6 last
    ]
    batch = VALIDATOR.validate_reports([(r, f"report {n}") for n, r in enumerate(reports)])
    assert batch == [VALIDATOR.validate_report(r) for r in reports]
    assert [{c.check_id for c in checks if not c.success} for checks in batch] == [
        {"R2", "R4"},
        set(),
        {"R5"},
        {"R6"},  # a missing total is R6's to name; R5 skips a relation it cannot form
    ]


def test_checks_warm_up_in_one_background_thread() -> None:
    from expectations import Validator

    process = Validator()  # a fresh one: the session's may be built by earlier tests
    for _ in range(3):
        process.warm_up()
    warming = [t for t in threading.enumerate() if t.name == "gx-warm-up"]
    assert len(warming) <= 1
    for thread in warming:
        thread.join()
    assert process.is_warm()


# A failed R2 on table 三's row 3.2 total: printed 5, expected 4 (the CLI's tests load it).
R2_FAILED = {"row_code": "3.2", "applicant_code": "total", "printed": 5, "expected": 4}


def load_with_failed_r2(db: Path, truth: dict, run_id: str = "r1") -> None:
    """A warehouse at `db` holding the report of `truth`, loaded with a failed R2 (R2_FAILED)."""
    from datetime import UTC, datetime

    from nianbao.records import CheckResult, FetchedFile
    from warehouse import Warehouse

    with Warehouse.open(db) as store:
        fetched = FetchedFile(
            "http://127.0.0.1/a.pdf", "a" * 64, "/tmp/a.pdf", 1, datetime.now(UTC)
        )
        checks = (CheckResult("R2", False, "error", (R2_FAILED,)),)
        store.load_report(fetched, report_from_truth(truth), checks, run_id)


def test_the_sample_corpus_judged_together_as_alone() -> None:
    """Every sample report with a truth (planted mistakes, stated counts, 23- and 25-row
    forms), judged in order a few to a validation: each report's results, failing rows and
    details included, are those it has judged alone."""
    truths = [sample_truth(entry["truth"]) for entry in sample_manifest() if entry.get("truth")]
    # every other report's first row (its first printed cell) not a number: a failing row
    # right at the border between two reports' rows
    reports = [
        report_from_truth(truth, {_first_cell(truth): "—"} if n % 2 else None)
        for n, truth in enumerate(truths)
    ]
    assert len(reports) > 20
    together = VALIDATOR.validate_reports(
        [(r, f"{r.agency} {r.year} ({n:016x})") for n, r in enumerate(reports)]
    )
    assert together == [VALIDATOR.validate_report(r) for r in reports]
    assert any(not c.success for checks in together for c in checks)  # some do fail


def _first_cell(truth: dict) -> tuple[str, str, str]:
    """The first cell report_from_truth lays out: its report's first row of checks."""
    table = next(t for t in ("disclosure", "application", "review") if truth[t])
    row, cols = next(iter(truth[table].items()))
    return (table, row, next(iter(cols)))


def test_reports_go_together_as_far_as_their_names_fit_a_file_name() -> None:
    """Each report's label in exactly one validation's name, in order; no name beyond what a
    file name holds (a label too long alone cut, its year and id kept); at most
    MOST_TOGETHER a validation."""
    from expectations.suites import MOST_TOGETHER, NAME_BYTES, together, validation_name

    labels = [f"云溪市第{n}局 2023 ({n:016x})" for n in range(30)]
    labels[7] = "很长的机关名称" * 12 + " 2023 (0123456789abcdef)"  # 275 bytes by itself
    groups = together(labels)
    assert [i for group in groups for i in group] == list(range(30))
    assert [7] in groups
    assert max(len(g) for g in groups) == 5 < MOST_TOGETHER  # 5 labels of 45 bytes fit 240
    names = [validation_name([labels[i] for i in group]) for group in groups]
    assert all(len(name.encode()) <= NAME_BYTES for name in names)
    cut = names[groups.index([7])]
    assert cut.startswith("很长的机关名称") and "…" in cut
    assert cut.endswith("名称 2023 (0123456789abcdef)")
    short = [f"局{n} 2023" for n in range(20)]
    assert [len(g) for g in together(short)] == [MOST_TOGETHER, MOST_TOGETHER, 4]


def test_r7_of_reports_validated_together_names_each_its_own_columns() -> None:
    """R7 over several reports at once: each report's result names its own differing columns
    (row numbers of one report are not another's)."""
    pairs = [
        ("a", "127.0.1.7/甲局", 2024, "total", 5, 5, "a0"),
        ("a", "127.0.1.7/甲局", 2024, "natural", 1, 1, "a0"),
        ("b", "127.0.1.7/乙局", 2024, "total", 5, 4, "b0"),
        ("b", "127.0.1.7/乙局", 2024, "natural", 2, 2, "b0"),
        ("c", "127.0.1.7/丙局", 2024, "total", 3, 3, "c0"),
        ("c", "127.0.1.7/丙局", 2024, "natural", 9, 8, "c0"),
    ]
    found = VALIDATOR.validate_continuity(pairs)
    assert found["a"].success
    assert [d["applicant_code"] for d in found["b"].details] == ["total"]
    assert [d["applicant_code"] for d in found["c"].details] == ["natural"]
    assert found["c"].details[0]["carried_in"] == 9
