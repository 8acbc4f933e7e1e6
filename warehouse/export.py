"""The warehouse's views written out for BI tools and spreadsheets: Parquet (partitioned by
year where a view has one) or CSV (UTF-8 with a byte-order mark, so that Excel shows the
Chinese)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from warehouse.connection import read_only

# What is written: the SPEC §3 views analysts query, and the form's codes.
EXPORTED = (
    "reports",
    "report_summary",
    "application_stats",
    "review_stats",
    "disclosure_stats",
    "dq_results",
    "skipped_items",
    "form_codes",
    "runs",
)
BOM = b"\xef\xbb\xbf"  # UTF-8 byte-order mark


def export_views(db_path: Path, out: Path, file_format: str = "parquet") -> list[Path]:
    """Each exported view of the warehouse at `db_path` into `out`: `<view>/year=…/*.parquet`
    (or `<view>.parquet` for a view without a year), or `<view>.csv`. What was written."""
    with read_only(db_path) as con:
        out.mkdir(parents=True, exist_ok=True)
        return [_export(con, view, out, file_format) for view in EXPORTED]


def _export(con: duckdb.DuckDBPyConnection, view: str, out: Path, file_format: str) -> Path:
    if file_format == "csv":
        target = out / f"{view}.csv"
        con.execute(f"COPY (SELECT * FROM \"{view}\") TO '{_plain(target)}' (FORMAT csv, HEADER)")
        _with_bom(target)
        return target
    columns = {r[0] for r in con.execute(f'DESCRIBE "{view}"').fetchall()}
    if "year" in columns:
        target = out / view
        shutil.rmtree(target, ignore_errors=True)
        con.execute(
            f"COPY (SELECT * FROM \"{view}\") TO '{_plain(target)}' "
            "(FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE)"
        )
        return target
    target = out / f"{view}.parquet"
    con.execute(f"COPY (SELECT * FROM \"{view}\") TO '{_plain(target)}' (FORMAT parquet)")
    return target


def _plain(path: Path) -> str:
    return str(path).replace("'", "''")


def _with_bom(path: Path) -> None:
    """The file with a UTF-8 byte-order mark in front (Excel reads UTF-8 only with one)."""
    marked = path.with_suffix(".csv.part")
    with path.open("rb") as source, marked.open("wb") as target:
        target.write(BOM)
        shutil.copyfileobj(source, target)
    marked.replace(path)
