"""One downloaded attachment, read: what an extraction worker does for each new file."""

from __future__ import annotations

from nianbao.errors import TerminalError
from nianbao.records import FetchedFile, FileResult


def extract_fetched(source: FetchedFile) -> FileResult:
    """Extract the tables of a downloaded file (the CPU-heavy part, fit for a worker process)."""
    # The readers (camelot, OpenCV, OCR: ~1 s to import) load when a file is first read here,
    # not when the flow starts: a night with nothing new, or one read by the workers, never
    # pays for them in the run's own process.
    from extract.report import extract_report

    try:
        return FileResult(source.url, source, report=extract_report(source.path))
    except TerminalError as err:
        return FileResult(source.url, source, reason=err.reason)
    except Exception as err:  # a reader's own fault: it costs this file, never the night
        reason = f"nianbao could not read this file ({type(err).__name__}: {err}); please report it"
        return FileResult(source.url, source, reason=reason)
