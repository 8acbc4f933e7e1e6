"""Stage 1: find report PDFs on a portal, download them, read their tables."""

from extract.crawl import crawl_portal
from extract.fetch import fetch_report
from extract.fetched import extract_fetched
from extract.report import extract_report

__all__ = ["crawl_portal", "extract_report", "fetch_report", "extract_fetched"]
