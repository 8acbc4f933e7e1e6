"""What each detail page gave when a crawl last read it, for warm nights."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd

from nianbao.records import CrawledItem, SkippedItem
from warehouse.connection import Connected, registered


class CrawlMemory(Connected):
    """Detail page URL → its listing title, the reports it gave, what on it was not taken."""

    def known_items(self) -> dict[str, CrawledItem]:
        rows = self.rows("SELECT url, title, reports, skipped, listing FROM crawl_items")
        return {
            url: CrawledItem(
                url,
                title,
                tuple(reports),
                tuple(SkippedItem(*s) for s in json.loads(skipped)),
                listing,
            )
            for url, title, reports, skipped, listing in rows
        }

    def remember_items(self, items: list[CrawledItem]) -> None:
        """Store what the pages read tonight gave (replacing what they gave before)."""
        if not items:
            return
        frame = pd.DataFrame(
            {
                "url": [i.url for i in items],
                "title": [i.title for i in items],
                "reports": [list(i.reports) for i in items],
                "listing": [i.listing for i in items],
                "skipped": [
                    json.dumps([[s.url, s.title, s.reason] for s in i.skipped], ensure_ascii=False)
                    for i in items
                ],
            }
        ).drop_duplicates("url", keep="last")
        with self.transaction() as con, registered(con, "items", frame):
            con.execute(
                """INSERT OR REPLACE INTO crawl_items
                   SELECT url, title, reports::VARCHAR[], skipped::JSON, listing, ? FROM items""",
                [datetime.now(UTC)],
            )

    def last_walks(self) -> dict[str, int]:
        """Listing URL → the night (a day number) its whole column was last walked."""
        rows = self.rows("SELECT listing, walked_on FROM listing_walks")
        return {listing: walked.toordinal() for listing, walked in rows}

    def remember_walks(self, listings: list[str], night: int) -> None:
        """Record `night` as the night these columns were walked whole."""
        if not listings:
            return
        with self.transaction() as con:
            con.execute(
                """INSERT OR REPLACE INTO listing_walks
                   SELECT unnest(?::VARCHAR[]), ?""",
                [listings, date.fromordinal(night)],
            )
