"""One downloaded attachment, read: what an extraction worker does for each new file."""

from __future__ import annotations

from extract.report import extract_report
from nianbao.errors import TerminalError
from nianbao.records import FetchedFile, FileResult


def extract_fetched(source: FetchedFile) -> FileResult:
    """Extract the tables of a downloaded file (the CPU-heavy part, fit for a worker process)."""
    try:
        return FileResult(source.url, source, report=extract_report(source.path))
    except TerminalError as err:
        return FileResult(source.url, source, reason=err.reason)
    except Exception as err:  # a reader's own fault: it costs this file, never the night
        reason = f"nianbao could not read this file ({type(err).__name__}: {err}); please report it"
        return FileResult(source.url, source, reason=reason)
