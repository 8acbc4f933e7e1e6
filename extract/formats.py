"""What kind of file a report is, told by its first bytes (portals label a PDF text/html and a
page application/octet-stream, and name files anything)."""

from __future__ import annotations

from pathlib import Path

HEAD_BYTES = 4096
SUFFIXES: dict[str, str] = {"pdf": ".pdf", "html": ".html", "docx": ".docx", "word97": ".doc"}


def sniff(head: bytes) -> str:
    """'pdf', 'html', 'docx' or 'word97' (.doc/.wps); 'pdf' for anything else, whose reader
    then says what the file is not."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in head:
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "word97"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") and (b"<html" in lowered or b"<table" in lowered):
        return "html"
    return "pdf"


def file_format(path: Path) -> str:
    with path.open("rb") as fh:
        return sniff(fh.read(HEAD_BYTES))
