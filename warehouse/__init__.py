"""Stage 3: the DuckDB warehouse: migrations, loading, and the SPEC §3 views."""

from warehouse.load import (
    finish_run,
    known_report_ids,
    load_report,
    open_warehouse,
    quarantine_report,
    start_run,
)
from warehouse.migrate import apply_migrations

__all__ = [
    "apply_migrations",
    "finish_run",
    "known_report_ids",
    "load_report",
    "open_warehouse",
    "quarantine_report",
    "start_run",
]
