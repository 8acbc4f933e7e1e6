"""Errors with meaning: transient ones are retried, terminal ones quarantine a report."""

from __future__ import annotations


class NianbaoError(Exception):
    """Base of every error nianbao raises on purpose."""


class TransientError(NianbaoError):
    """Network trouble or a 5xx answer: worth retrying."""


class TerminalError(NianbaoError):
    """A report that cannot be read as it is; retrying will not help.

    `reason` is the sentence shown to people (warehouse `reports.reason`, run summary).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotAPdf(TerminalError):
    pass


class UnreadablePdf(TerminalError):
    pass


class NoTextLayer(UnreadablePdf):
    """A PDF of page images (a scan): read by OCR when it can be."""


class UnreadableFile(TerminalError):
    """A Word file (or another non-PDF report file) that cannot be opened."""


class ReaderMissing(TerminalError):
    """A file whose format needs a tool this machine does not have (LibreOffice for .doc)."""


class UnknownLayout(TerminalError):
    pass


class UnsupportedFormVersion(TerminalError):
    pass


class EnvironmentBroken(NianbaoError):
    """The run itself cannot go on (portal unreachable, warehouse unwritable)."""
