"""The run report: one static HTML page a person can open anywhere (no CDN: its styles are
inline, its chart an inline SVG drawn by matplotlib): which bodies and years are loaded,
quarantined or missing; failed checks by check and year; and each report that failed an
error-level check, its table 三 drawn as the form with the offending cells marked, printed
against expected."""

from __future__ import annotations

import hashlib
import html
import io
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from nianbao.form import APPLICANT_CODES, CHECK_MEANINGS, CODE_LABELS, FORM_ROW_ORDER

Rows = Sequence[tuple[object, ...]]
COLOURS = {"loaded": "#2e7d32", "quarantined": "#ef6c00", "missing": "#bdbdbd"}
STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 2px 6px; font-size: 13px; text-align: right; }
th { background: #f3f3f3; } td.label { text-align: left; }
td.loaded, td.quarantined, td.missing { color: white; text-align: center; }
td.loaded { background: #2e7d32; } td.quarantined { background: #ef6c00; }
td.missing { background: #bdbdbd; }
td.bad { background: #ffcdd2; font-weight: bold; }
"""


def write(path: Path, data: Mapping[str, Rows], title: str) -> Path:
    """The page written to `path` (its folder made if missing); left as it is when it already
    shows this data (its digest in the page says so): drawing the chart costs ~0.8 s, a
    fifth of a quiet night, to write the same page again."""
    digest = _digest(data, title)
    if _DIGEST.format(digest) in _head(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data, title, digest), encoding="utf-8")
    return path


_DIGEST = "<meta name='nianbao-data' content='{}'>"


def _head(path: Path) -> str:
    """The page's first characters, where its digest is (a page with 三 drawn for every
    failed report runs to hundreds of KB); nothing when there is no page yet."""
    try:
        with path.open(encoding="utf-8") as page:
            return page.read(1000)
    except FileNotFoundError:
        return ""


def _digest(data: Mapping[str, Rows], title: str) -> str:
    """What the page shows, as a hash: its rows and title, and this module's code."""
    shown = json.dumps([title, sorted(data.items())], default=str, ensure_ascii=False)
    code = Path(__file__).read_bytes()
    return hashlib.sha256(shown.encode() + code).hexdigest()[:32]


def render(data: Mapping[str, Rows], title: str, digest: str = "") -> str:
    """The page, from warehouse.history.report_page_data's rows."""
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'>{_DIGEST.format(digest)}"
        f"<title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
        "<h2>Coverage: body × year</h2>",
        _coverage(data["coverage"]),
        "<h2>Failed checks by check and year</h2>",
        _failures_chart(data["failures"]),
        "<h2>Reports that failed an error-level check</h2>",
        _failed_reports(data["failed"], data["cells"]),
        "</body></html>",
    ]
    return "\n".join(parts)


def _coverage(rows: Rows) -> str:
    if not rows:
        return "<p>No report read yet.</p>"
    years = sorted({int(str(year)) for _, year, _ in rows})
    by_body: dict[str, dict[int, str]] = defaultdict(dict)
    for body, year, coverage in rows:
        by_body[str(body)][int(str(year))] = str(coverage)
    head = "".join(f"<th>{y}</th>" for y in years)
    lines = []
    for body, cells in sorted(by_body.items()):
        tds = "".join(
            f"<td class='{cells[y]}' title='{cells[y]}'>{cells[y][0].upper()}</td>"
            if y in cells
            else "<td></td>"
            for y in years
        )
        lines.append(f"<tr><td class='label'>{html.escape(body)}</td>{tds}</tr>")
    legend = " ".join(f"<b style='color:{c}'>{k[0].upper()}</b> {k}" for k, c in COLOURS.items())
    return f"<table><tr><th>body</th>{head}</tr>{''.join(lines)}</table><p>{legend}</p>"


def _failures_chart(rows: Rows) -> str:
    """Failed checks as bars by check, stacked by year, an inline SVG."""
    if not rows:
        return "<p>No check failed.</p>"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    checks = sorted({str(c) for c, _, _ in rows})
    years = sorted({int(str(y)) for _, y, _ in rows})
    counts = {(str(c), int(str(y))): int(str(n)) for c, y, n in rows}
    figure, axes = plt.subplots(figsize=(6, 2.5))
    bottom = [0] * len(checks)
    for year in years:
        heights = [counts.get((c, year), 0) for c in checks]
        axes.bar(checks, heights, bottom=bottom, label=str(year))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel("reports")
    axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes.legend(title="year", fontsize=8)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    meanings = "".join(
        f"<li><b>{c}</b>: {html.escape(CHECK_MEANINGS.get(c, ''))}</li>" for c in checks
    )
    return f"<figure>{svg}</figure><ul>{meanings}</ul>"


def _failed_reports(failed: Rows, cells: Rows) -> str:
    if not failed:
        return "<p>None: every loaded report's arithmetic holds.</p>"
    values: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for report_id, row, col, value, raw in cells:
        values[str(report_id)][(str(row), str(col))] = str(raw if value is None else value)
    by_report: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for row in failed:
        by_report[str(row[0])].append(row)
    return "".join(_report(rows, values[rid]) for rid, rows in by_report.items())


def _report(rows: list[tuple[object, ...]], values: dict[tuple[str, str], str]) -> str:
    _, agency, year, url, _, _ = rows[0]
    marked: dict[tuple[str, str], str] = {}
    notes = []
    for *_, check, details in rows:
        notes.append(f"<li><b>{check}</b>: {html.escape(CHECK_MEANINGS.get(str(check), ''))}</li>")
        for cell in json.loads(str(details or "{}")).get("cells", []):
            key = (str(cell.get("row_code")), str(cell.get("applicant_code")))
            marked[key] = f"{check}: printed {cell.get('printed')}, expected {cell.get('expected')}"
    present = [r for r in FORM_ROW_ORDER if any((r, c) in values for c in APPLICANT_CODES)]
    head = "".join(f"<th>{CODE_LABELS['applicant_code'][c]}</th>" for c in APPLICANT_CODES)
    body = []
    for row in present:
        tds = []
        for col in APPLICANT_CODES:
            note = marked.get((row, col))
            text = html.escape(values.get((row, col), ""))
            if note:
                tds.append(
                    f"<td class='bad' title='{html.escape(note)}'>{text}<br><small>{html.escape(note)}</small></td>"
                )
            else:
                tds.append(f"<td>{text}</td>")
        label = CODE_LABELS["row_code"].get(row, row)
        body.append(f"<tr><td class='label'>{row} {html.escape(label)}</td>{''.join(tds)}</tr>")
    link = f"<a href='{html.escape(str(url))}'>{html.escape(str(url))}</a>"
    return (
        f"<h3>{html.escape(str(agency))} {year}</h3><p>{link}</p><ul>{''.join(notes)}</ul>"
        f"<table><tr><th>table 三</th>{head}</tr>{''.join(body)}</table>"
    )
