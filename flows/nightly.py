"""The scheduled night: every portal of the sources file, each ingested and published in turn."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows.ingest import ingest
from nianbao.errors import EnvironmentBroken
from nianbao.portal import serve_folder
from nianbao.records import RunSummary
from nianbao.settings import load_settings
from nianbao.sources import load_sources


@flow(name="nianbao-nightly", log_prints=False)
def nightly(sources_file: str | None = None, db: str | None = None) -> list[str]:
    """Ingest every portal of `sources_file` (default: the bundled sample portal) into `db`.

    A portal that cannot be reached is logged and skipped; the others still run.
    """
    logger = get_run_logger()
    settings = load_settings(db_path=Path(db) if db else None)
    path = Path(sources_file) if sources_file else settings.sources_file
    sources = load_sources(path) if path is not None and path.is_file() else []
    lines: list[str] = []
    if not sources:
        logger.info("no sources file (%s): the bundled sample portal", path)
        local = settings.model_copy(update={"rate_per_second": 0.0})  # served by this process
        with serve_folder(settings.sample_portal_dir, settings.sample_portal_port) as base:
            return [_line("sample portal", ingest(base + "index.html", local))]
    for source in sources:
        own = (
            settings
            if source.rate_per_second is None
            else settings.model_copy(update={"rate_per_second": source.rate_per_second})
        )
        try:
            lines.append(_line(source.name, ingest(source.listing, own, source.host)))
        except EnvironmentBroken as err:
            logger.error("%s: %s", source.name, err)
            lines.append(f"{source.name}: failed: {err}")
    return lines


def _line(name: str, summary: RunSummary) -> str:
    return (
        f"{name}: found {len(summary.outcomes)}, loaded {summary.count('loaded')}, "
        f"quarantined {summary.count('quarantined')}, checks failed {summary.failed_checks}"
    )
