"""Score a warehouse against the corpus truth: exact cells, silent wrong cells, DQ flags, specials.

A *silent wrong cell* is a loaded value that differs from the truth while its report carries
no failed check: the one failure analysts cannot recover from.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

TABLES = ("disclosure", "application", "review")
STATS_SQL = {
    "application": "SELECT row_code, applicant_code, value FROM application_stats WHERE report_id = ?",
    "review": "SELECT proceeding_code, outcome_code, value FROM review_stats WHERE report_id = ?",
    "disclosure": "SELECT item_code, measure_code, value FROM disclosure_stats WHERE report_id = ?",
}


@dataclass
class ReportScore:
    slug: str
    status: str
    variant: dict[str, object]
    expected: dict[str, int] = field(default_factory=dict)  # per table
    exact: dict[str, int] = field(default_factory=dict)
    wrong: int = 0  # loaded, differs from the truth
    silent_wrong: int = 0  # ... and the report has no failed check
    planted: set[str] = field(default_factory=set)
    found: set[str] = field(default_factory=set)


@dataclass
class SpecialScore:
    slug: str
    kind: str
    expected: str
    outcome: str
    reason: str
    ok: bool


@dataclass
class CorpusScore:
    reports: list[ReportScore]
    specials: list[SpecialScore]

    def exact(self, table: str | None = None) -> tuple[int, int]:
        tables = (table,) if table else TABLES
        return (
            sum(r.exact.get(t, 0) for r in self.reports for t in tables),
            sum(r.expected.get(t, 0) for r in self.reports for t in tables),
        )

    @property
    def silent_wrong(self) -> int:
        return sum(r.silent_wrong for r in self.reports)

    def flags(
        self, severity_checks: tuple[str, ...] = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
    ) -> tuple[int, int, int]:
        """(true positives, found, planted) over (report, check) pairs."""
        tp = found = planted = 0
        for r in self.reports:
            f = {c for c in r.found if c in severity_checks}
            p = {c for c in r.planted if c in severity_checks}
            tp, found, planted = tp + len(f & p), found + len(f), planted + len(p)
        return tp, found, planted


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truth_cells(truth: dict) -> dict[str, dict[tuple[str, str], float]]:
    return {
        t: {(r, c): float(v) for r, cols in truth[t].items() for c, v in cols.items()}
        for t in TABLES
    }


def score(
    db: Path, portal: Path, truth_dir: Path, manifest: list[dict] | None = None
) -> CorpusScore:
    manifest = manifest or json.loads((truth_dir / "manifest.json").read_text(encoding="utf-8"))
    layout = json.loads((truth_dir / "layout.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        reports = [
            _score_report(con, entry, portal, truth_dir, layout)
            for entry in manifest
            if entry["kind"] == "report"
        ]
        specials = [
            _score_scan(con, entry, portal, truth_dir)
            if entry["kind"] == "scanned"
            else _score_special(con, entry, portal)
            for entry in manifest
            if entry["kind"] != "report"
        ]
    finally:
        con.close()
    return CorpusScore(reports, specials)


def _report_row(con: duckdb.DuckDBPyConnection, sha: str) -> tuple[str, str, str | None] | None:
    row = con.execute(
        "SELECT report_id, status, reason FROM reports WHERE sha256 = ?", [sha]
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


def _score_report(
    con: duckdb.DuckDBPyConnection, entry: dict, portal: Path, truth_dir: Path, layout: dict
) -> ReportScore:
    truth = json.loads((truth_dir / entry["truth"]).read_text(encoding="utf-8"))
    variant = {
        **truth["variant"],
        "form_rows": truth["table3_rows"],
        "table3_breaks": layout[entry["slug"]]["table3_breaks"],
    }
    want = _truth_cells(truth)
    found_row = _report_row(con, _sha256(portal / entry["path"]))
    result = ReportScore(entry["slug"], found_row[1] if found_row else "missing", variant)
    result.planted = {f["check"] for f in truth["expected_failures"]}
    result.expected = {t: len(want[t]) for t in TABLES}
    result.exact = dict.fromkeys(TABLES, 0)
    if found_row is None or found_row[1] != "loaded":
        return result
    report_id = found_row[0]
    result.found = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT check_id FROM dq_results WHERE report_id = ? AND NOT success",
            [report_id],
        ).fetchall()
    }
    for t in TABLES:
        got = {(r, c): v for r, c, v in con.execute(STATS_SQL[t], [report_id]).fetchall()}
        result.exact[t] = sum(
            1 for k, v in want[t].items() if got.get(k) is not None and float(got[k]) == v
        )
        result.wrong += sum(
            1 for k, v in got.items() if k not in want[t] or v is None or float(v) != want[t][k]
        )
    # R7 is a warning about last year, not a sign that this report's own cells are doubtful.
    errors_flagged = bool(result.found - {"R7"})
    result.silent_wrong = 0 if errors_flagged else result.wrong
    return result


# A scan is read by OCR: at least this share of its cells loaded, every one of them exact.
SCAN_EXACT_FLOOR = 0.9


def _score_scan(
    con: duckdb.DuckDBPyConnection, entry: dict, portal: Path, truth_dir: Path
) -> SpecialScore:
    want = _truth_cells(json.loads((truth_dir / entry["truth"]).read_text(encoding="utf-8")))
    found = _report_row(con, _sha256(portal / entry["path"]))
    status = found[1] if found else "missing"
    exact = wrong = 0
    expected = sum(len(cells) for cells in want.values())
    if found and status == "loaded":
        for t in TABLES:
            got = {(r, c): v for r, c, v in con.execute(STATS_SQL[t], [found[0]]).fetchall()}
            exact += sum(
                1 for k, v in want[t].items() if got.get(k) is not None and float(got[k]) == v
            )
            wrong += sum(1 for k, v in got.items() if v is not None and float(v) != want[t].get(k))
    ok = status == "loaded" and wrong == 0 and exact >= SCAN_EXACT_FLOOR * expected
    return SpecialScore(
        entry["slug"],
        entry["kind"],
        f"loaded by OCR: ≥ {SCAN_EXACT_FLOOR:.0%} of cells, none wrong",
        status,
        f"{exact}/{expected} exact, {wrong} wrong",
        ok,
    )


def _score_special(con: duckdb.DuckDBPyConnection, entry: dict, portal: Path) -> SpecialScore:
    path = portal / entry["path"]
    if entry["kind"] == "duplicate":
        rows = con.execute(
            "SELECT count(*), min(status) FROM reports WHERE sha256 = ?", [_sha256(path)]
        ).fetchone()
        count, status = (rows[0], rows[1]) if rows else (0, None)
        ok = count == 1 and status == "loaded"
        return SpecialScore(
            entry["slug"],
            entry["kind"],
            "one report, loaded once",
            f"{count} row(s), {status}",
            "",
            ok,
        )
    if path.is_file():
        found = _report_row(con, _sha256(path))
    else:  # a dead link has no file; its quarantine row is keyed by URL
        row = con.execute(
            "SELECT report_id, status, reason FROM reports WHERE source_url LIKE ?",
            [f"%/{entry['path']}"],
        ).fetchone()
        found = (row[0], row[1], row[2]) if row else None
    status, reason = (found[1], found[2] or "") if found else ("missing", "")
    ok = status == entry["expected"] and entry["reason"].lower() in reason.lower()
    return SpecialScore(
        entry["slug"], entry["kind"], f"{entry['expected']}: {entry['reason']}", status, reason, ok
    )


# ---- printing -----------------------------------------------------------------------------

VARIANT_FIELDS = (
    "renderer",
    "font",
    "font_size",
    "form_rows",
    "table3_breaks",
    "repeat_header",
    "numbering",
    "brackets",
    "digits",
    "quotes",
    "typo",
    "zero_mark",
    "thousands",
    "landscape_review",
    "has_table2",
    "label_width_mm",
    "unruled",
)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.2f} %" if b else "     — "


def format_score(s: CorpusScore) -> str:
    lines = []
    exact, want = s.exact()
    lines.append(f"{'variant':34} {'reports':>7} {'cells exact/expected':>24} {'silent wrong':>12}")
    groups: dict[tuple[str, str], list[ReportScore]] = defaultdict(list)
    for r in s.reports:
        for f in VARIANT_FIELDS:
            groups[(f, str(r.variant.get(f)))].append(r)
    for (f, v), rs in sorted(groups.items()):
        e = sum(sum(r.exact.values()) for r in rs)
        w = sum(sum(r.expected.values()) for r in rs)
        sw = sum(r.silent_wrong for r in rs)
        lines.append(f"{f + '=' + v:34} {len(rs):7d} {e:>9d}/{w:<6d} {_pct(e, w)} {sw:12d}")
    lines.append("")
    for t, name in (
        ("disclosure", "table 二"),
        ("application", "table 三"),
        ("review", "table 四"),
    ):
        e, w = s.exact(t)
        lines.append(f"{name}: cells exact {e}/{w} ({_pct(e, w).strip()})")
    lines.append(f"all tables: cells exact {exact}/{want} ({_pct(exact, want).strip()})")
    status = defaultdict(int)
    for r in s.reports:
        status[r.status] += 1
    lines.append(
        f"reports: {len(s.reports)} ({', '.join(f'{k} {v}' for k, v in sorted(status.items()))})"
    )
    lines.append(f"silent wrong cells: {s.silent_wrong}")
    tp, found, planted = s.flags()
    lines.append(
        f"DQ flags (report, check): planted {planted}, found {found}, true {tp}; "
        f"precision {_pct(tp, found).strip()}, recall {_pct(tp, planted).strip()}"
    )
    for check in ("R2", "R3", "R4", "R5", "R7"):
        tp_c, found_c, planted_c = s.flags((check,))
        lines.append(f"  {check}: planted {planted_c}, found {found_c}, true {tp_c}")
    lines.append("")
    lines.append(f"{'special file':34} {'kind':12} {'ok':3} outcome (expected)")
    for sp in s.specials:
        lines.append(
            f"{sp.slug:34} {sp.kind:12} {'yes' if sp.ok else 'NO':3} {sp.outcome}: {sp.reason} ({sp.expected})"
        )
    lines.append(f"special files as expected: {sum(sp.ok for sp in s.specials)}/{len(s.specials)}")
    return "\n".join(lines)


def truth_cells(truth: dict) -> dict[tuple[str, str, str], float]:
    """(table, row, col) → value for every printed value of a truth file."""
    return {
        (table, row, col): float(value)
        for table in ("application", "review", "disclosure")
        for row, cols in truth[table].items()
        for col, value in cols.items()
    }
