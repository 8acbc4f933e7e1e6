"""Validators of the files URLs served last, for conditional GETs, and the night each was
last asked (for the rotation that revalidates known files)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from nianbao.records import CachedFetch, FetchedFile
from warehouse.connection import Connected, registered


class FetchCache(Connected):
    """URL → the sha256, ETag and Last-Modified of the good file it served last."""

    def fetch_cache(self) -> dict[str, CachedFetch]:
        """URL → validators of the file it served last (for conditional GETs)."""
        rows = self.rows("SELECT url, sha256, etag, last_modified, checked_on FROM fetch_cache")
        return {
            url: CachedFetch(sha, etag, modified, checked and checked.toordinal())
            for url, sha, etag, modified, checked in rows
        }

    def remember_fetches(self, fetched: list[FetchedFile], night: int) -> None:
        """Store new or changed validators of good files (an unchanged URL changes no
        validator), and `night` (a day number) as the night each file asked tonight was asked.

        A file that was quarantined (cut short, unreadable) keeps no validators: with them the
        next night would get a 304 and keep the bad file for ever, where it should download again.
        """
        fresh = [f for f in fetched if not f.not_modified and (f.etag or f.last_modified)]
        asked = sorted({f.url for f in fetched if not f.resting})
        if not asked:
            return
        on = date.fromordinal(night)
        with self.transaction() as con:
            if fresh:  # most nights' files answer 304: no validators to store
                _store_validators(con, fresh, on)
            con.execute(
                "UPDATE fetch_cache SET checked_on = ? WHERE url IN (SELECT unnest(?::VARCHAR[]))",
                [on, asked],
            )


def _store_validators(con: duckdb.DuckDBPyConnection, fresh: list[FetchedFile], on: date) -> None:
    frame = pd.DataFrame(
        {
            "url": [f.url for f in fresh],
            "report_id": [f.report_id for f in fresh],
            "sha256": [f.sha256 for f in fresh],
            "etag": [f.etag for f in fresh],
            "last_modified": [f.last_modified for f in fresh],
            "fetched_at": [f.fetched_at for f in fresh],
        }
    ).drop_duplicates("url", keep="last")
    with registered(con, "fetched", frame):
        con.execute(
            """INSERT INTO fetch_cache
               SELECT url, sha256, etag, last_modified, fetched_at, ? FROM fetched
               WHERE report_id IN (
                   SELECT report_id FROM report_files WHERE status <> 'quarantined')
               ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, etag = excluded.etag,
                   last_modified = excluded.last_modified, fetched_at = excluded.fetched_at
               WHERE fetch_cache.sha256 <> excluded.sha256 OR fetch_cache.etag <> excluded.etag
                  OR fetch_cache.last_modified <> excluded.last_modified""",
            [on],
        )
