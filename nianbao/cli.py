"""`nianbao` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nianbao.records import RunSummary

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
    from flows.ingest import ingest
    from nianbao.errors import EnvironmentBroken
    from nianbao.portal import serve_folder
    from nianbao.settings import load_settings
    from warehouse import RunInProgress

    settings = load_settings(db_path=db)
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


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="When to run, as a cron line.")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron line.")] = "Asia/Shanghai",
    sources: Annotated[
        Path | None,
        typer.Option(
            help="Portals to crawl (TOML, see sources.example.toml). Default: sources.toml, else the sample portal."
        ),
    ] = None,
    db: Annotated[
        Path | None, typer.Option(help="Warehouse file. Default: data/warehouse.duckdb.")
    ] = None,
) -> None:
    """Run the ingestion every night on Prefect's scheduler, until stopped (Ctrl-C).

    The deployment 'nianbao-nightly/nianbao-nightly' and its runs show in the Prefect UI
    (`prefect server start`, with PREFECT_API_URL pointing at it). One night by hand:
    `prefect deployment run nianbao-nightly/nianbao-nightly`, or `nianbao run`.
    """
    _quiet_third_parties()
    from prefect.schedules import Cron

    from flows.nightly import nightly

    parameters = {"sources_file": str(sources) if sources else None, "db": str(db) if db else None}
    nightly.serve(
        name="nianbao-nightly", schedules=[Cron(cron, timezone=timezone)], parameters=parameters
    )


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
