"""What kind of file a report is, told by its first bytes (portals label a PDF text/html and a
page application/octet-stream, and name files anything)."""

from __future__ import annotations

import zipfile
from pathlib import Path

HEAD_BYTES = 4096
SUFFIXES: dict[str, str] = {
    "pdf": ".pdf",
    "html": ".html",
    "docx": ".docx",
    "word97": ".doc",
    "ofd": ".ofd",
}


def sniff(head: bytes) -> str:
    """'pdf', 'html', 'zip' (a .docx is one), or 'word97' (.doc/.wps); 'pdf' for anything else,
    whose reader then says what the file is not."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "word97"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") and (b"<html" in lowered or b"<table" in lowered):
        return "html"
    return "pdf"


def file_format(path: Path) -> str:
    """As `sniff`, a zip told apart by its contents: a Word file holds word/document.xml, an
    OFD file OFD.xml."""
    with path.open("rb") as fh:
        kind = sniff(fh.read(HEAD_BYTES))
    if kind != "zip":
        return kind
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return "pdf"
    if "word/document.xml" in names:
        return "docx"
    return "ofd" if any(n.upper().endswith("OFD.XML") for n in names) else "pdf"
