"""Frozen records passed between stages: crawl → fetch → extract → validate → load."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ReportLink:
    """A PDF attachment found on a portal, with the detail page that links it."""

    url: str
    page_url: str
    title: str


@dataclass(frozen=True)
class SkippedItem:
    """A link or page the crawl saw and did not take, and why (warehouse view skipped_items)."""

    url: str
    title: str
    reason: str

    def line(self) -> str:
        title = f"{self.title} " if self.title else ""
        return f"{title}({self.url}): {self.reason}"


@dataclass(frozen=True)
class CrawlResult:
    links: tuple[ReportLink, ...]
    pages_visited: int
    skipped_items: tuple[SkippedItem, ...] = ()
    page_limit_reached: bool = False  # pages were left unvisited: the crawl is incomplete
    items: tuple[CrawledItem, ...] = ()  # the detail pages read (remembered for warm nights)


@dataclass(frozen=True)
class CrawledItem:
    """What a detail page gave when it was read: its listing title, the reports it links (or
    is), and what on it was not taken. A warm night trusts it while the title is the same."""

    url: str
    title: str
    reports: tuple[str, ...]
    skipped: tuple[SkippedItem, ...] = ()
    listing: str = ""  # the column (its listing URL) that lists it


@dataclass(frozen=True)
class FetchedFile:
    """A downloaded report file, stored content-addressed under `data/raw/<sha256>.<suffix>`
    (for a report page, the hash of its content: extract/html.content_sha256)."""

    url: str
    sha256: str
    path: str
    size: int
    fetched_at: datetime
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False  # the server answered 304: nothing was downloaded
    final_url: str = ""  # where the bytes came from, when a redirect (on the host) led there
    file_name: str = ""  # the name the server gave it (Content-Disposition), if it gave one
    resting: bool = False  # not asked tonight (not its night of the rotation): the file it was

    @property
    def report_id(self) -> str:
        return self.sha256[:16]


@dataclass(frozen=True)
class CachedFetch:
    """What the last run learnt of a URL, for a conditional GET."""

    sha256: str
    etag: str
    last_modified: str
    checked_on: int | None = None  # the night (a day number) it was last asked, if recorded


@dataclass(frozen=True)
class FetchFailure:
    """A link that gave no file (HTTP 4xx, a redirect off the host, too large, or a transient
    failure that outlasted the run's tries): recorded, never silently skipped, and asked
    again the next night."""

    url: str
    reason: str
    fetched_at: datetime
    transient: bool = False  # network trouble, 429, 5xx: may well work next time

    @property
    def report_id(self) -> str:
        return self.id_for(self.url)

    @staticmethod
    def id_for(url: str) -> str:
        """The id a failed link is recorded under: its URL's, as it gave no bytes."""
        import hashlib

        return "url-" + hashlib.sha256(url.encode()).hexdigest()[:12]


Number = int | Decimal


@dataclass(frozen=True)
class Cell:
    """One printed value of table 二, 三 or 四 under its SPEC codes.

    `table` is 'disclosure' | 'application' | 'review'; `row`/`col` are the item/measure,
    row_code/applicant_code or proceeding/outcome codes. `value` is None when the printed
    text is not a number (then `raw` says what was printed and R1 fails on it).
    """

    table: str
    row: str
    col: str
    value: Number | None
    raw: str
    page: int
    piece: int = 0  # camelot's order of the ruled table on its page
    # 'agree' | 'camelot-differs' | 'bounded-text-differs' (the glyph reading is kept) | 'ambiguous'
    reading: str = "agree"
    second_raw: str = ""  # camelot's own text for the cell, the second reading


# What each Cell.reading means, for people reading findings (an R1 cell names its reading).
READING_MEANINGS: dict[str, str] = {
    "agree": "both readings agree",
    "camelot-differs": "camelot's text differs; the glyph reading is kept",
    "bounded-text-differs": "pdfium's bounded text differs; the glyph reading is kept",
    "html-parsers-differ": "the two HTML parsers read it differently: not loaded",
    "ocr-readings-differ": "the two OCR readings differ: not loaded",
    "ambiguous": "text on a rule, or a merged cell: not placed",
    "sum-fails": "read from a scan, and a sum of the form it is part of fails: not loaded",
    "unconfirmed": "read from a scan, and no sum of the form could check it: not loaded",
    "sum-confirmed": "read from a scan, its readings in doubt, and what it reads is the value "
    "the form's sum requires: loaded",
    "row-doubted": "read from a scan, its row's label read but the rows around it not in the "
    "form's order (a neighbour's label misread?): not loaded",
}


@dataclass(frozen=True)
class TablePiece:
    """One piece of a table as found on a page, with how it was read (kept as provenance)."""

    table: str  # 'disclosure' | 'application' | 'review'
    page: int
    piece: int
    method: str  # lattice-vector | lattice-combined | text-position
    accuracy: float | None  # camelot's parsing report; None for a piece read by position
    whitespace: float | None
    confidence: float | None


@dataclass(frozen=True)
class UnreadTable:
    """A table of the form found in a report but not placed on the form, and why: its cells
    are refused (R6 names them with this reason) while the rest of the report loads."""

    table: str  # 'disclosure' | 'application' | 'review'
    reason: str


@dataclass(frozen=True)
class StatedCount:
    """An application count the report's prose states (R8 compares it with table 三)."""

    value: int
    text: str  # the words that state it, as printed (whitespace removed)
    page: int


@dataclass(frozen=True)
class ExtractedReport:
    agency: str
    year: int
    form_rows: int  # 25 or 23: how table 三 prints （六）其他处理
    cells: tuple[Cell, ...]
    pages: int
    table_pages: tuple[int, ...]
    method: str
    pieces: tuple[TablePiece, ...] = ()
    unread: tuple[UnreadTable, ...] = ()
    stated: tuple[StatedCount, ...] = ()  # application counts stated in the prose (R8)


@dataclass(frozen=True)
class FileResult:
    """One attachment after fetch and extract: a report to validate, or why it cannot be read."""

    url: str
    source: FetchedFile | FetchFailure
    report: ExtractedReport | None = None
    reason: str | None = None  # the quarantine reason when `report` is None
    known: bool = False  # this exact file was recorded by an earlier run
    checks: tuple[CheckResult, ...] = ()  # R1–R6 on `report`

    @property
    def report_id(self) -> str:
        return self.source.report_id


# A GX validation result as plain data (no GX import to carry it): its store key, its JSON.
GxResult = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class ValidatedBatch:
    """A task's files read and validated, with GX's own results of validating them (Data Docs are
    built from them in one process, whichever processes validated)."""

    results: tuple[FileResult, ...]
    gx_results: tuple[GxResult, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one relation (R1…R7) on one report, as data."""

    check_id: str
    success: bool
    severity: str  # 'error' | 'warning'
    details: tuple[dict[str, object], ...] = field(default_factory=tuple)
    summary: str = ""


@dataclass(frozen=True)
class ReportToLoad:
    """A validated report on its way into the warehouse, filed under `agency_id` (identity.py)."""

    source: FetchedFile
    report: ExtractedReport
    checks: tuple[CheckResult, ...]
    agency_id: str


@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one file in a run: loaded, already known, or quarantined."""

    report_id: str
    url: str
    status: str  # 'loaded' | 'unchanged' | 'quarantined'
    agency: str | None = None
    year: int | None = None
    reason: str | None = None
    failed_checks: tuple[str, ...] = ()
    downloaded: bool = False  # bytes came over the network (not a 304)
    extracted: bool = False  # its tables were read this run


@dataclass(frozen=True)
class MailOutcome:
    """What the run's alert mail did: findings owed, findings a mail carried, and why the
    rest were not sent ('' when nothing is left unsent)."""

    pending: int = 0
    sent: int = 0
    problem: str = ""

    @property
    def unsent(self) -> bool:
        return bool(self.problem)

    def line(self) -> str:
        if self.problem:
            return f"alert mail not sent ({self.pending - self.sent} finding(s) pending): {self.problem}"
        if self.pending:
            return f"alert mail sent: {self.sent} finding(s)"
        return "alert mail: nothing new to mail"


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    source: str
    db_path: str
    outcomes: tuple[ReportOutcome, ...]
    pages_visited: int
    skipped_items: tuple[SkippedItem, ...] = ()
    page_limit_reached: bool = False
    mail: MailOutcome = MailOutcome()

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed_checks(self) -> int:
        return sum(len(o.failed_checks) for o in self.outcomes)

    @property
    def downloads(self) -> int:
        return sum(o.downloaded for o in self.outcomes)

    @property
    def extractions(self) -> int:
        return sum(o.extracted for o in self.outcomes)

    def line(self) -> str:
        """The run in one line, as the CLI, the nightly log and the alert mail say it."""
        return (
            f"reports found {len(self.outcomes)}, loaded {self.count('loaded')}, "
            f"unchanged {self.count('unchanged')}, quarantined {self.count('quarantined')}, "
            f"checks failed {self.failed_checks}, skipped items {len(self.skipped_items)}"
        )


@dataclass(frozen=True)
class Finding:
    """A failed check or a quarantined file not mailed yet."""

    finding_key: str
    report_id: str
    check_id: str | None
    agency: str | None
    year: int | None
    source_url: str
    reason: str | None
    severity: str
    details: str  # JSON of the check's cells, or ''
