"""Stage 1: find report PDFs on a portal, download them, read their tables.

The readers (`extract_report`, `extract_fetched`) are imported when first used: they pull in
camelot and OpenCV (~1 s), which a run's own process needs only when it reads a file itself.
"""

from typing import TYPE_CHECKING, Any

from extract.crawl import crawl_portal
from extract.fetch import fetch_report

if TYPE_CHECKING:
    from extract.fetched import extract_fetched
    from extract.report import extract_report

__all__ = ["crawl_portal", "extract_report", "fetch_report", "extract_fetched"]


def __getattr__(name: str) -> Any:
    if name == "extract_fetched":
        from extract.fetched import extract_fetched

        return extract_fetched
    if name == "extract_report":
        from extract.report import extract_report

        return extract_report
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
