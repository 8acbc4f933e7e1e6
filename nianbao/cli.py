"""`nianbao` command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table

from nianbao.records import RunSummary
from nianbao.settings import Settings

app = typer.Typer(
    help=(
        "nianbao: crawl a government portal for 政府信息公开工作年度报告 PDFs, read their three "
        "statistical tables, check the arithmetic the form promises (R1–R6), and load a DuckDB "
        "warehouse (views: reports, application_stats, review_stats, disclosure_stats, dq_results)."
    ),
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


@app.callback()
def main() -> None:
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
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Warehouse file. Default: data/warehouse.duckdb (or $NIANBAO_DB_PATH)."
        ),
    ] = None,
) -> None:
    """One whole ingestion: crawl, download new PDFs, extract, validate, load; print a summary.

    Reports that cannot be read are quarantined with their reason and the run goes on; the
    exit code is non-zero only when the run itself could not work (portal unreachable,
    warehouse unwritable).
    """
    _quiet_third_parties()
    from nianbao.settings import load_settings

    settings = load_settings(db_path=db)
    _start_workers_early(settings)
    from flows.ingest import ingest
    from nianbao.errors import EnvironmentBroken
    from nianbao.portal import serve_folder
    from warehouse import RunInProgress

    try:
        if source is None:
            local = settings.model_copy(update={"rate_per_second": 0.0})  # served by this process
            with serve_folder(settings.sample_portal_dir, settings.sample_portal_port) as base:
                summary = ingest(base + "index.html", local)
        else:
            summary = ingest(source, settings)
    except EnvironmentBroken as err:
        console.print(f"[bold red]run failed:[/] {err}")
        raise typer.Exit(2) from err
    except RunInProgress as err:
        console.print(f"[bold yellow]not started:[/] {err}")
        raise typer.Exit(3) from err
    print_summary(summary)


def _start_workers_early(settings: Settings) -> None:
    """Start the extraction workers' forkserver before Prefect: its imports then overlap
    Prefect's start-up. A night with nothing new pays its CPU (~4 s with the GX build, on the
    other core at low priority) but not its time (measured: empty-portal runs 9.62 s with
    the GX build, 9.76 s without, 6 runs each)."""
    if settings.workers > 1 and not settings.dask_address:
        from flows import forkserver

        forkserver.start()


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="When to run, as a cron line.")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron line.")] = "Asia/Shanghai",
    sources: Annotated[
        Path | None,
        typer.Option(
            help="Portals to crawl (TOML, see sources.example.toml). "
            "Default: sources.toml, else the sample portal."
        ),
    ] = None,
    db: Annotated[
        Path | None, typer.Option(help="Warehouse file. Default: data/warehouse.duckdb.")
    ] = None,
    ui_port: Annotated[
        int, typer.Option(help="Port of the Prefect server started when PREFECT_API_URL is unset.")
    ] = 4200,
) -> None:
    """Run the ingestion every night on Prefect's scheduler, until stopped (Ctrl-C).

    Prefect schedules only on a real server: unless PREFECT_API_URL names one, a Prefect
    server (with its UI, http://127.0.0.1:4200) is started for as long as this runs. The
    deployment 'nianbao-nightly/nianbao-nightly' and its runs show in the UI. One night by
    hand: `prefect deployment run nianbao-nightly/nianbao-nightly`, or `nianbao run`.
    """
    _quiet_third_parties()
    server = None if os.environ.get("PREFECT_API_URL") else _start_prefect_server(ui_port)
    from prefect.schedules import Cron

    from flows.nightly import nightly

    parameters = {"sources_file": str(sources) if sources else None, "db": str(db) if db else None}
    try:
        nightly.serve(
            name="nianbao-nightly", schedules=[Cron(cron, timezone=timezone)], parameters=parameters
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)


def _start_prefect_server(port: int) -> subprocess.Popen[bytes]:
    """A Prefect server (API, scheduler, UI) on 127.0.0.1 for as long as `serve` runs."""
    url = f"http://127.0.0.1:{port}"
    console.print(
        f"starting the Prefect server and UI on {url} (set PREFECT_API_URL to use your own)"
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                os.environ["PREFECT_API_URL"] = f"{url}/api"
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.terminate()
    console.print(f"[bold red]the Prefect server did not start on {url}[/]")
    raise typer.Exit(2)


def _quiet_third_parties() -> None:
    # Nightly runs are often offline; neither library may phone home.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def print_summary(summary: RunSummary) -> None:
    table = Table(title=f"nianbao run {summary.run_id}", show_lines=False)
    for col in ("status", "body", "year", "checks failed / reason", "url"):
        table.add_column(col, overflow="fold")
    for o in summary.outcomes:
        note = o.reason if o.status == "quarantined" else ", ".join(o.failed_checks)
        table.add_row(o.status, o.agency or "", str(o.year or ""), note or "", o.url)
    console.print(table)
    console.print(
        f"reports found: {len(summary.outcomes)}  loaded: {summary.count('loaded')}  "
        f"unchanged: {summary.count('unchanged')}  quarantined: {summary.count('quarantined')}  "
        f"checks failed: {summary.failed_checks}"
    )
    console.print(f"downloaded: {summary.downloads}  extracted: {summary.extractions}")
    console.print(f"warehouse: {summary.db_path}")


if __name__ == "__main__":
    app()
