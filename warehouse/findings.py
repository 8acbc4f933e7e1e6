"""The alert queue: findings to mail, who has had each, and when a finding is settled."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

from nianbao.records import Finding
from warehouse.connection import Connected, registered
from warehouse.migrate import query


class Findings(Connected):
    """Failed checks and quarantined files waiting to be mailed, and the mailings made."""

    def pending_findings(self) -> list[Finding]:
        return [Finding(*row) for row in self.rows(query("pending_findings"))]

    def delivered(self, keys: list[str]) -> set[tuple[str, str]]:
        """(finding_key, recipient) of the findings `keys` already mailed to someone."""
        rows = self.rows(
            """SELECT finding_key, recipient FROM alert_deliveries
               WHERE finding_key IN (SELECT unnest(?))""",
            [keys],
        )
        return {(key, who) for key, who in rows}

    def record_deliveries(
        self, run_id: str, sent: list[tuple[str, str]], recipients: list[str]
    ) -> None:
        """Record (finding_key, recipient) pairs mailed; a finding every one of `recipients` has
        had (now or before) is no longer pending."""
        frame = pd.DataFrame(
            {"finding_key": [k for k, _ in sent], "recipient": [r for _, r in sent]}
        )
        with self.transaction() as con, registered(con, "sent", frame):
            con.execute(
                """INSERT INTO alert_deliveries SELECT finding_key, recipient, ?, ? FROM sent
                   ON CONFLICT DO NOTHING""",
                [run_id, datetime.now(UTC)],
            )
            _settle_alerts(con, run_id, recipients)

    def settle_alerts(self, run_id: str, recipients: list[str]) -> None:
        """Findings every one of `recipients` has had (a mailing an earlier, unpublished run
        made, read back from its journal) are no longer pending."""
        with self.transaction() as con:
            _settle_alerts(con, run_id, recipients)


def _settle_alerts(con: duckdb.DuckDBPyConnection, run_id: str, recipients: list[str]) -> None:
    con.execute(
        """UPDATE alerts SET alerted_at = ?, alert_run_id = ?
           WHERE alerted_at IS NULL AND finding_key IN (
               SELECT finding_key FROM alert_deliveries
               WHERE recipient IN (SELECT unnest(?))
               GROUP BY finding_key HAVING count(DISTINCT recipient) = ?)""",
        [datetime.now(UTC), run_id, recipients, len(set(recipients))],
    )


def record_findings(
    con: duckdb.DuckDBPyConnection, found: list[tuple[str, str | None]], run_id: str
) -> None:
    """Findings to mail: (report_id, check_id, or None for a quarantined file); one kept per key."""
    if not found:
        return
    frame = pd.DataFrame(
        {
            "finding_key": [f"{rid}/{check or 'quarantine'}" for rid, check in found],
            "report_id": [rid for rid, _ in found],
            "check_id": [check for _, check in found],
        }
    )
    with registered(con, "new_findings", frame):
        con.execute(
            """INSERT INTO alerts (finding_key, report_id, check_id, found_run_id, found_at)
               SELECT finding_key, report_id, check_id, ?, ? FROM new_findings
               ON CONFLICT DO NOTHING""",
            [run_id, datetime.now(UTC)],
        )
