"""`nianbao` command line."""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.prefect_server import SERVE_PORT
from nianbao.records import ExtractedReport, RunSummary
from nianbao.settings import Settings

if TYPE_CHECKING:
    from cli.prefect_server import PrefectServer
    from extract.polite import Politeness
    from nianbao.progress import Progress
    from nianbao.sources import Portal

app = typer.Typer(
    help=(
        "nianbao: crawl a government portal for 政府信息公开工作年度报告 (PDF attachments, report "
        "pages, Word files), read their three statistical tables, check the arithmetic the form "
        "promises and what the prose says (R1–R8), and load a DuckDB warehouse (views: reports, "
        "application_stats, review_stats, disclosure_stats, dq_results, skipped_items, report_summary; table form_codes)."
    ),
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
T = TypeVar("T")

WarehouseOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Warehouse file. Default: data/warehouse.duckdb (or $NIANBAO_DB_PATH)."
    ),
]


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        console.print(f"nianbao {version('nianbao')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """nianbao — annual government-transparency reports into a DuckDB warehouse."""


@app.command()
def run(
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Listing URL of a portal column (e.g. https://…/zfxxgkndbg/index.html). "
            "Default: the sample portal bundled in data/sample_portal, served on 127.0.0.1.",
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="A sources file (TOML, see sources.example.toml): every portal it lists, in "
            "one run, all hosts at once, each at its own pace. A missing or invalid file stops "
            "the command at once.",
        ),
    ] = None,
    db: WarehouseOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the counts and the reports to look at.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also Prefect's lines for every task run.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    fail_on_unsent_mail: Annotated[
        bool,
        typer.Option(
            "--fail-on-unsent-mail",
            help="Exit 4 when findings were due to be mailed and some were not (no mail server "
            "set, the server down, a recipient refused), so that cron or a scheduler notices.",
        ),
    ] = False,
) -> None:
    """One whole ingestion: crawl, download new reports, extract, validate, load; print a summary.

    With neither --source nor --sources, the sample portal bundled in data/sample_portal is
    served on 127.0.0.1 and read (as `make run` does); it is never read in place of a portal
    or sources file that was named. Reports that cannot be read are quarantined with their
    reason and the run goes on; a portal of a sources file that cannot be crawled is a
    skipped item saying why. Exit codes: 0 done; 2 the run could not work (bad setting, bad
    sources file, portal unreachable, warehouse unwritable, damaged or full), with one line
    saying why; 3 another run holds the warehouse; 4 (with --fail-on-unsent-mail) the run
    was done and published but its alert mail was not sent; 143 stopped by SIGTERM
    (recorded in `runs` as failed).
    """
    _quiet_third_parties()
    settings = _settings_or_exit(db_path=db)
    if source is not None and sources is not None:
        _fail("name a portal (--source) or a sources file (--sources), not both")
    if source is not None:
        _check_listing_url(source)
    portals = _portals_or_exit(sources) if sources is not None else None
    _stop_on_sigterm()
    with _prefect_api() as ready:  # a temporary server starts first: the rest overlaps it
        _check_warehouse_or_exit(settings.db_path)
        _start_workers_early(settings)
        _import_the_flow()
        polite = _robots_read_ahead(settings, portals or source)
        ready()
        if not verbose:
            _without_prefect_chatter()
        with _progress(shown=not (quiet or as_json)) as progress:
            summary = _ingest_or_exit(portals or source, settings, progress, polite)
    if as_json:
        typer.echo(summary_json(summary))
    else:
        print_summary(summary, quiet)
    if fail_on_unsent_mail and summary.mail.unsent:
        raise typer.Exit(4)


@app.command()
def read(
    file: Annotated[
        Path, typer.Argument(help="A report: PDF (text or scan), web page, .docx, .doc, OFD.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the cells as JSON.")] = False,
) -> None:
    """Read one local report and print its tables, without touching the warehouse.

    Prints the body, year, how it was read, every cell under its SPEC codes (value, what was
    printed, page, whether the two readings agreed), the tables that could not be placed and
    why, and the application counts its text states (R8). Exit 2 when the file cannot be read,
    with the reason."""
    from extract.report import extract_report
    from nianbao.errors import TerminalError

    if not file.is_file():
        _fail(f"{file}: no such file")
    try:
        report = extract_report(file)
    except TerminalError as err:
        _fail(f"{file}: {err.reason}")
    except Exception as err:  # a reader's own fault: say so, as a run records it
        _fail(
            f"{file}: nianbao could not read this file ({type(err).__name__}: {err}); please report it"
        )
    if as_json:
        typer.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=1, default=str))
        return
    _print_report(report)


def _report_json(report: ExtractedReport) -> dict[str, object]:
    return {
        "agency": report.agency,
        "year": report.year,
        "method": report.method,
        "form_rows": report.form_rows,
        "cells": [
            {
                "table": c.table,
                "row": c.row,
                "col": c.col,
                "value": c.value,
                "raw": c.raw,
                "page": c.page,
                "reading": c.reading,
            }
            for c in report.cells
        ],
        "unread": [{"table": u.table, "reason": u.reason} for u in report.unread],
        "stated_applications": [
            {"value": s.value, "text": s.text, "page": s.page} for s in report.stated
        ],
    }


def _print_report(report: ExtractedReport) -> None:
    from rich.table import Table

    console.print(
        f"{escape(report.agency)} {report.year} · read by {report.method} · "
        f"{report.pages} page(s) · 三 printed with {report.form_rows} rows"
    )
    for name, title in (("disclosure", "二"), ("application", "三"), ("review", "四")):
        cells = [c for c in report.cells if c.table == name]
        table = Table(title=f"table {title} ({len(cells)} cells)", show_lines=False)
        for column in ("row", "col", "value", "printed", "page", "readings"):
            table.add_column(column)
        for c in cells:
            value = "NULL" if c.value is None else str(c.value)
            table.add_row(c.row, c.col, value, escape(c.raw), str(c.page), c.reading)
        console.print(table)
    for u in report.unread:
        console.print(f"[yellow]not placed:[/] table {u.table}: {escape(u.reason)}", soft_wrap=True)
    for s in report.stated:
        console.print(f"the text states {s.value} applications (page {s.page}): {escape(s.text)}")


def _settings_or_exit(**overrides: object) -> Settings:
    from nianbao.settings import SettingsError, load_settings

    try:
        return load_settings(**overrides)
    except SettingsError as err:
        _fail(str(err))


def _read_or_exit(db: Path | None, read: Callable[..., T], *args: object) -> tuple[Path, T]:
    """The warehouse's path (--db, or the settings') and what `read(path, *args)` found in it;
    exit 2 with the reason when the settings or the warehouse cannot be used."""
    from nianbao.errors import EnvironmentBroken

    db_path = _settings_or_exit(db_path=db).db_path
    try:
        return db_path, read(db_path, *args)
    except EnvironmentBroken as err:
        _fail(str(err))


def _fail(message: str, code: int = 2) -> NoReturn:
    console.print(f"[bold red]nianbao:[/] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def _check_listing_url(source: str) -> None:
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _fail(f"--source must be an http(s) URL of a portal's listing page, not {source!r}")


def _check_warehouse_or_exit(db_path: Path) -> None:
    from nianbao.errors import EnvironmentBroken
    from warehouse import check_location, verify

    try:
        check_location(db_path)
        verify(db_path)
    except EnvironmentBroken as err:
        _fail(str(err))


class Terminated(KeyboardInterrupt):
    """SIGTERM: unwinds the run like Ctrl-C, so that it is recorded and cleans up."""


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: object) -> None:
        raise Terminated(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, handler)


@contextmanager
def _prefect_api() -> Iterator[Callable[[], None]]:
    """PREFECT_API_URL for the block: the server it names, or a temporary one of this
    command's own (cli/prefect_server.py) that cannot outlive it. Yields the function
    that waits until it answers: start-up work can go on meanwhile."""
    if _api_url_given():
        with _one_shot():
            yield lambda: None
        return
    from cli.prefect_server import OneShotDatabase, PrefectServer, running_server

    running = running_server()
    if running is not None:  # `nianbao serve`'s, on its default port: its UI shows this run
        os.environ["PREFECT_API_URL"] = running
        try:
            with _one_shot(running):
                yield lambda: None
        finally:
            os.environ.pop("PREFECT_API_URL", None)
        return
    database = OneShotDatabase()
    server = PrefectServer(database=database)
    server.start()
    # In the environment before Prefect is first imported: Prefect's root settings, and every
    # process started from here (the workers' forkserver), read it from there.
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with _one_shot(server.api_url):
            try:
                yield lambda: _wait_or_exit(server)
            finally:
                _drain_prefect()
    finally:
        server.stop()
        database.remove()
        os.environ.pop("PREFECT_API_URL", None)


@contextmanager
def _one_shot(api_url: str | None = None) -> Iterator[None]:
    """Prefect's settings for a one-shot run: no flow-run heartbeat. A heartbeat tells a
    server that a long flow run still lives; waiting for its thread cost ~0.8–1 s at the end
    of every run, more than the whole flow on a quiet night."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    updates: dict[object, object] = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url is not None:
        updates[PREFECT_API_URL] = api_url
    with temporary_settings(updates=updates):  # type: ignore[arg-type]
        yield


def _api_url_given() -> bool:
    """A Prefect server to use is named: in the environment, or (Prefect already imported,
    as in a test harness or inside a flow) by the Prefect settings in force."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return bool(PREFECT_API_URL.value())
    return False


def _drain_prefect(timeout: float = 10.0) -> None:
    """Send Prefect's queued logs and events while its server still runs: at exit Prefect
    drains them itself, and against a stopped server that waits out its retries."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout)


def _portals_or_exit(path: Path) -> list[Portal]:
    from nianbao.sources import SourcesError, load_sources

    try:
        return [source.portal() for source in load_sources(path)]
    except SourcesError as err:
        _fail(str(err))


@contextmanager
def _progress(shown: bool) -> Iterator[Progress]:
    """The run's live display, on a terminal unless asked to be quiet; else nothing shown
    (cron mail and pipes get the summary alone)."""
    from nianbao.progress import NO_PROGRESS

    if not shown or not console.is_terminal:
        yield NO_PROGRESS
        return
    from cli.progress import LiveProgress

    with LiveProgress(console) as live:
        yield live


def _ingest_or_exit(
    source: str | list[Portal] | None,
    settings: Settings,
    progress: Progress,
    polite: Politeness | None = None,
) -> RunSummary:
    from flows.ingest import ingest
    from nianbao.errors import EnvironmentBroken
    from nianbao.portal import serve_folder
    from warehouse import RunInProgress

    try:
        if source is None:
            local = settings.model_copy(update={"rate_per_second": 0.0})  # served by this process
            with serve_folder(settings.sample_portal_dir, settings.sample_portal_port) as base:
                return ingest(base + "index.html", local, progress=progress)
        return ingest(source, settings, progress=progress, polite=polite)
    except EnvironmentBroken as err:
        _fail(f"run failed: {err}")
    except RunInProgress as err:
        console.print(f"[bold yellow]not started:[/] {escape(str(err))}", soft_wrap=True)
        raise typer.Exit(3) from err
    except Terminated as err:
        _fail(f"{err}: the run is recorded as failed and nothing was published", 143)


def _import_the_flow() -> None:
    """Import what the flow run will, while a temporary server starts (it answers ~3 s after it
    is spawned, and the command would wait idle): the pipeline, and what Prefect imports only
    once a flow is called (FastAPI's encoder, for the flow's parameters: ~0.3 s)."""
    import fastapi.encoders  # noqa: F401
    import prefect.flow_engine  # noqa: F401
    import prefect.task_engine  # noqa: F401

    import flows.ingest  # noqa: F401


def _robots_read_ahead(settings: Settings, source: str | list[Portal] | None) -> Politeness | None:
    """The run's pace and robots.txt rules, each portal's robots.txt read from now on while
    the Prefect server starts: a host's first page then waits neither for it nor for the
    pace after it (half a second at 2 requests a second, a tenth of a quiet night). None for
    the bundled sample portal, served by this process only once the flow runs."""
    if source is None:
        return None
    from flows.download import politeness
    from nianbao.sources import Portal

    portals = [Portal.of_listing(source)] if isinstance(source, str) else source
    polite = politeness(settings, portals)
    polite.read_robots_ahead(portal.listing for portal in portals)
    return polite


def _start_workers_early(settings: Settings) -> None:
    """Start the extraction workers' forkserver before Prefect: its imports then overlap
    Prefect's start-up. A night with nothing new pays its CPU (the GX build, on the other
    core at low priority) but not its time."""
    if settings.workers > 1 and not settings.dask_address:
        from flows.pool import forkserver

        forkserver.start()


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (made if missing).")],
    db: WarehouseOption = None,
    file_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="parquet: a folder per view, partitioned by year (year=2023/…); "
            "csv: one <view>.csv per view, UTF-8 with a byte-order mark (Excel shows the Chinese).",
        ),
    ] = "parquet",
) -> None:
    """Write the warehouse's views as Parquet or CSV, for BI tools and spreadsheets.

    The views: reports, report_summary, the three stats views, dq_results, skipped_items,
    form_codes, runs.

    Read them with DuckDB (SELECT * FROM 'out/application_stats/**/*.parquet'), pandas
    (pd.read_parquet('out/application_stats')) or Excel (open out/report_summary.csv)."""
    from warehouse.export import export_views

    if file_format not in ("parquet", "csv"):
        _fail(f"--format must be parquet or csv, not {file_format!r}")
    _, written = _read_or_exit(db, export_views, out, file_format)
    for path in written:
        console.print(f"wrote {escape(str(path))}", highlight=False)


@app.command()
def runs(
    db: WarehouseOption = None,
    last: Annotated[int, typer.Option("--last", help="How many runs, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """The history of runs, newest first.

    When, which portal(s), the outcome, what was found, loaded, unchanged, quarantined,
    checks failed, items skipped, and why a failed run failed."""
    from warehouse.history import run_history

    db_path, history = _read_or_exit(db, run_history, last)
    if as_json:
        typer.echo(json.dumps(history, ensure_ascii=False, indent=1, default=str))
        return
    table = Table(title=f"runs in {db_path}", show_lines=False)
    for column in (
        "started",
        "outcome",
        "source",
        "found",
        "loaded",
        "unchanged",
        "quar.",
        "checks",
        "skipped",
        "why",
    ):
        table.add_column(column, overflow="fold")
    for r in history:
        started = r["started_at"]
        table.add_row(
            f"{started:%Y-%m-%d %H:%M}" if started else "",
            str(r["outcome"] or "running"),
            escape(str(r["source"])),
            *(
                str(r[k] if r[k] is not None else "")
                for k in (
                    "files_found",
                    "loaded",
                    "unchanged",
                    "quarantined",
                    "failed_checks",
                    "skipped",
                )
            ),
            escape(str(r["message"] or "")),
        )
    console.print(table)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    db: WarehouseOption = None,
) -> None:
    """Write the run report: one static HTML page that opens offline.

    Coverage (body × year: loaded, quarantined, missing), failed checks by check and year as
    a chart, and each report that failed an error-level check drawn as the form with its
    offending cells marked. Every run also writes it as docs/report.html beside the
    warehouse."""
    from nianbao.run_report import write
    from warehouse.history import report_page_data

    db_path, data = _read_or_exit(db, report_page_data)
    write(out, data, f"nianbao: {db_path.name}")
    console.print(f"wrote {escape(str(out))}", highlight=False)


@app.command()
def show(
    report_id: Annotated[str, typer.Argument(help="A report's id (or its first characters).")],
    db: WarehouseOption = None,
) -> None:
    """One report from the warehouse, laid out as the form, with its checks.

    Its body, year, source and status, its checks, and its tables (table 三 by row and
    applicant, 四 by proceeding, 二 by item)."""
    from nianbao.form import (
        APPLICANT_CODES,
        CODE_LABELS,
        FORM_ROW_ORDER,
        OUTCOME_CODES,
        PROCEEDING_CODES,
    )
    from warehouse.history import stored_report

    _, found = _read_or_exit(db, stored_report, report_id)
    rid, agency, year, status, reason, url, method = found["file"][0]
    console.print(
        f"{escape(str(agency))} {year} · {status} · read by {method} · {rid}", highlight=False
    )
    console.print(f"source: {escape(str(url))}", highlight=False, soft_wrap=True)
    if reason:
        console.print(f"reason: {escape(str(reason))}", highlight=False, soft_wrap=True)
    for check, success, severity, _ in found["checks"]:
        console.print(f"  {check} {'ok' if success else 'FAILED'} ({severity})", highlight=False)
    cells = {(str(t), str(r), str(c)): (v, raw) for t, r, c, v, raw, _ in found["cells"]}
    layouts = (
        ("application", "三", FORM_ROW_ORDER, APPLICANT_CODES, "row_code"),
        ("review", "四", PROCEEDING_CODES, OUTCOME_CODES, "proceeding_code"),
    )
    for name, title, rows, cols, kind in layouts:
        present = [r for r in rows if any((name, r, c) in cells for c in cols)]
        if not present:
            continue
        table = Table(title=f"table {title}", show_lines=False)
        table.add_column("")
        for col in cols:
            table.add_column(
                CODE_LABELS["applicant_code" if name == "application" else "outcome_code"][col],
                justify="right",
            )
        for row in present:
            shown = [
                _shown(cells[(name, row, c)][0]) if (name, row, c) in cells else "" for c in cols
            ]
            table.add_row(f"{row} {CODE_LABELS[kind].get(row, '')}", *shown)
        console.print(table)
    disclosure = sorted((r, c, v) for (t, r, c), (v, _) in cells.items() if t == "disclosure")
    for item, measure, value in disclosure:
        console.print(f"  二 {item} {measure}: {_shown(value)}", highlight=False)


def _shown(value: object) -> str:
    """A stored value as printed: a whole number without decimals, NULL for one not read."""
    if value is None:
        return "NULL"
    number = float(str(value))
    return str(int(number)) if number.is_integer() else str(value)


alerts_app = typer.Typer(
    help="The alert mail: what is pending, and a test mail.", no_args_is_help=True
)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("pending")
def alerts_pending(
    db: WarehouseOption = None,
) -> None:
    """The findings no alert mail has carried yet (they go with the next run's mail)."""
    from nianbao import alerts
    from nianbao.records import Finding
    from warehouse.history import pending_findings

    _, rows = _read_or_exit(db, pending_findings)
    pending = [Finding(*row) for row in rows]  # type: ignore[arg-type]
    console.print(f"{len(pending)} finding(s) pending", highlight=False)
    for f in pending:
        console.print(f"  {escape(alerts.describe(f))}", highlight=False, soft_wrap=True)


@alerts_app.command("send")
def alerts_send(
    test: Annotated[
        bool, typer.Option("--test", help="Send a test mail to NIANBAO_ALERT_TO.")
    ] = False,
) -> None:
    """Check the mail settings: `--test` sends a short mail through NIANBAO_SMTP_HOST to every
    NIANBAO_ALERT_TO recipient and says whom the server took it for."""
    from nianbao import alerts

    if not test:
        _fail("only --test is supported: findings are mailed by each run")
    settings = _settings_or_exit()
    if not settings.smtp_host or not settings.alert_to:
        _fail("no mail server or recipients: set NIANBAO_SMTP_HOST and NIANBAO_ALERT_TO")
    import smtplib

    took: list[str] = []
    try:
        alerts.send(
            alerts.compose_test(settings),
            settings,
            lambda refused: took.extend(w for w in settings.alert_to if w not in refused),
        )
    except (OSError, smtplib.SMTPException) as err:
        _fail(f"the test mail was not sent: {type(err).__name__}: {err}")
    refused = [w for w in settings.alert_to if w not in took]
    console.print(f"test mail taken for {', '.join(took) or 'nobody'}", highlight=False)
    if refused:
        _fail(f"the server refused {', '.join(refused)}")


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="When to run, as a cron line.")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron line.")] = "Asia/Shanghai",
    sources: Annotated[
        Path | None,
        typer.Option(
            help="Portals to crawl (TOML, see sources.example.toml). "
            "Default: sources.toml (or $NIANBAO_SOURCES_FILE). A missing, malformed or empty "
            "file stops the command at once."
        ),
    ] = None,
    db: WarehouseOption = None,
    ui_port: Annotated[
        int, typer.Option(help="Port of the Prefect server started when PREFECT_API_URL is unset.")
    ] = SERVE_PORT,
) -> None:
    """Run the ingestion every night on Prefect's scheduler, until stopped (Ctrl-C).

    Prefect schedules only on a real server: unless PREFECT_API_URL names one, a Prefect
    server (with its UI, http://127.0.0.1:4200) is started for as long as this runs. The
    deployment 'nianbao-nightly/nianbao-nightly' and its runs show in the UI. One night by
    hand: `prefect deployment run nianbao-nightly/nianbao-nightly`, or `nianbao run`.
    """
    _quiet_third_parties()
    settings = _settings_or_exit(db_path=db)
    path = sources or settings.sources_file
    if path is None:
        _fail("no sources file: name one with --sources or NIANBAO_SOURCES_FILE")
    _portals_or_exit(path)
    _check_warehouse_or_exit(settings.db_path)
    server = None if os.environ.get("PREFECT_API_URL") else _start_prefect_server(ui_port)
    from prefect.schedules import Cron

    from flows.nightly import nightly

    parameters = {"sources_file": str(path), "db": str(db) if db else None}
    try:
        nightly.serve(
            name="nianbao-nightly", schedules=[Cron(cron, timezone=timezone)], parameters=parameters
        )
    finally:
        if server is not None:
            server.stop()


def _start_prefect_server(port: int) -> PrefectServer:
    """A Prefect server (API, scheduler, UI) on 127.0.0.1 for as long as `serve` runs."""
    from cli.prefect_server import PrefectServer

    server = PrefectServer(port, ui=True)
    console.print(
        f"starting the Prefect server and UI on {server.url} (set PREFECT_API_URL to use your own)"
    )
    server.start()
    _wait_or_exit(server)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def _wait_or_exit(server: PrefectServer) -> None:
    try:
        server.wait_ready()
    except RuntimeError as err:
        _fail(str(err))


# Prefect's own lines for every flow and task run: on a quiet night most of what was printed.
_CHATTER = re.compile(
    r"^(Finished in state|Beginning (flow|subflow) run|View at |Created (task|flow) run|"
    r"Executing |Submitting task|Task run .* (submitted|received))"
)


class _NoChatter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _CHATTER.match(record.getMessage())


def _without_prefect_chatter() -> None:
    """Prefect's per-run lines off (`--verbose` keeps them): nianbao's own lines (the crawl,
    each report as it loads, warnings) stay."""
    for name in ("prefect.flow_runs", "prefect.task_runs", "prefect"):
        logging.getLogger(name).addFilter(_NoChatter())


def _quiet_third_parties() -> None:
    # Nightly runs are often offline: neither library may phone home (Prefect's server would
    # resolve its telemetry host through the machine's resolver), whatever the environment says.
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"


def print_summary(summary: RunSummary, quiet: bool = False) -> None:
    """The run's counts first, then only the reports that need a look (quarantined, or a
    check failed), each on a line of its own (no table folding at 80 columns: cron mail and
    `| tee` read it plain); the reports that loaded clean or were unchanged, as a count."""
    problems = [o for o in summary.outcomes if o.status == "quarantined" or o.failed_checks]
    console.print(f"{summary.line()} (view skipped_items)", highlight=False, soft_wrap=True)
    for o in problems:
        note = o.reason if o.status == "quarantined" else "failed " + ", ".join(o.failed_checks)
        body = f"{o.agency} {o.year}" if o.agency else "(not read)"
        console.print(
            f"  {o.status}: {escape(body)}: {escape(note or '')} ({escape(o.url)})",
            highlight=False,
            soft_wrap=True,
        )
    if summary.mail.unsent:
        console.print(f"[bold yellow]{escape(summary.mail.line())}[/]", soft_wrap=True)
    if quiet:
        return
    if not summary.mail.unsent:
        console.print(summary.mail.line(), highlight=False)
    clean = len(summary.outcomes) - len(problems)
    console.print(f"{clean} report(s) loaded or unchanged with every check passed", highlight=False)
    console.print(f"downloaded {summary.downloads}, extracted {summary.extractions}")
    if summary.page_limit_reached:
        console.print(
            "[bold yellow]crawl stopped at its page limit (NIANBAO_MAX_CRAWL_PAGES):[/] "
            "the column was not seen whole"
        )
    console.print(f"warehouse: {summary.db_path}", highlight=False, soft_wrap=True)


def summary_json(summary: RunSummary) -> str:
    """The run's summary as JSON (`nianbao run --json`): counts, and every report's outcome."""
    return json.dumps(
        {
            "run_id": summary.run_id,
            "source": summary.source,
            "warehouse": summary.db_path,
            "found": len(summary.outcomes),
            **{status: summary.count(status) for status in ("loaded", "unchanged", "quarantined")},
            "checks_failed": summary.failed_checks,
            "skipped_items": len(summary.skipped_items),
            "downloaded": summary.downloads,
            "extracted": summary.extractions,
            "page_limit_reached": summary.page_limit_reached,
            "mail": {
                "pending": summary.mail.pending,
                "sent": summary.mail.sent,
                "not_sent_because": summary.mail.problem or None,
            },
            "reports": [
                {
                    "url": o.url,
                    "status": o.status,
                    "agency": o.agency,
                    "year": o.year,
                    "failed_checks": list(o.failed_checks),
                    "reason": o.reason,
                }
                for o in summary.outcomes
            ],
        },
        ensure_ascii=False,
        indent=1,
    )


def entry() -> None:
    """The `nianbao` command: the app, then an exit that skips the interpreter's teardown.

    Tearing down the thousands of modules Prefect, GX and pandas import took ~0.5 s after
    every command, a sixth of a quiet night against a running server; and at that point, with
    Prefect's daemon threads still holding module state, DuckDB's nanobind bindings printed
    ~40 lines of "leaked instance" warnings to stderr. So once the app is done (everything
    printed, drained and closed), the exit handlers run and the process ends there."""
    try:
        app()
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: object) -> NoReturn:
    """Exit as the interpreter would (non-daemon threads joined, atexit handlers run, output
    flushed) without tearing the modules down."""
    main = threading.main_thread()
    for thread in threading.enumerate():
        if thread is not main and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    if isinstance(code, str):  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    entry()
