"""Stage 1: find report PDFs on a portal, download them, read their tables."""

from extract.crawl import crawl_portal
from extract.read import read_file
from extract.report import extract_report

__all__ = ["crawl_portal", "extract_report", "read_file"]
