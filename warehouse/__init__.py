"""Stage 3: the DuckDB warehouse: migrations, loading, and the SPEC §3 views."""

from warehouse.load import (
    continuity_pairs,
    fetch_cache,
    finish_run,
    held_open,
    known_report_ids,
    load_report,
    load_reports,
    mark_alerted,
    open_warehouse,
    pending_findings,
    quarantine_report,
    record_checks,
    remember_fetches,
    start_run,
)
from warehouse.migrate import apply_migrations
from warehouse.publish import RunInProgress, working_copy

__all__ = [
    "RunInProgress",
    "working_copy",
    "mark_alerted",
    "pending_findings",
    "apply_migrations",
    "continuity_pairs",
    "fetch_cache",
    "remember_fetches",
    "record_checks",
    "finish_run",
    "held_open",
    "known_report_ids",
    "load_report",
    "load_reports",
    "open_warehouse",
    "quarantine_report",
    "start_run",
]
