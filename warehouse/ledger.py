"""The run ledger: each run's start, end and counts, and what its crawl saw and did not take."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from nianbao.records import RunSummary, SkippedItem
from warehouse.connection import Connected, registered
from warehouse.history import Rows, report_page_rows


class RunLedger(Connected):
    """Runs (view runs) and the listing items they did not take (view skipped_items)."""

    def run_report_data(self) -> dict[str, Rows]:
        """What the run report draws (nianbao/run_report.py), as this warehouse holds it now."""
        with self.connection() as con:
            return report_page_rows(con)

    def known_report_ids(self) -> set[str]:
        """Reports already recorded (loaded, superseded or quarantined): a run skips them."""
        return {r[0] for r in self.rows("SELECT report_id FROM report_files")}

    def start_run(self, run_id: str, source: str) -> None:
        with self.connection() as con:
            con.execute(
                "INSERT INTO runs (run_id, source, started_at) VALUES (?, ?, ?)",
                [run_id, source, datetime.now(UTC)],
            )

    def finish_run(self, summary: RunSummary, outcome: str, message: str = "") -> None:
        with self.connection() as con:
            con.execute(
                """UPDATE runs SET finished_at = ?, outcome = ?, files_found = ?, loaded = ?,
                       unchanged = ?, quarantined = ?, failed_checks = ?, message = ?,
                       page_limit_reached = ?, skipped = ?
                   WHERE run_id = ?""",
                [
                    datetime.now(UTC),
                    outcome,
                    len(summary.outcomes),
                    summary.count("loaded"),
                    summary.count("unchanged"),
                    summary.count("quarantined"),
                    summary.failed_checks,
                    message,
                    summary.page_limit_reached,
                    len(summary.skipped_items),
                    summary.run_id,
                ],
            )

    def record_skips(self, run_id: str, source: str, items: list[SkippedItem]) -> None:
        """What the crawl saw and did not take, with why (view skipped_items)."""
        if not items:
            return
        frame = pd.DataFrame(
            {
                "url": [i.url for i in items],
                "title": [i.title or None for i in items],
                "reason": [i.reason for i in items],
            }
        )
        with self.transaction() as con, registered(con, "skips", frame):
            con.execute(
                """INSERT INTO crawl_skips (run_id, source, url, title, reason, seen_at)
                   SELECT ?, ?, url, title, reason, ? FROM skips""",
                [run_id, source, datetime.now(UTC)],
            )
