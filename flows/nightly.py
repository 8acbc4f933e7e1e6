"""The scheduled night: every portal of the sources file, each ingested and published in turn."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows.ingest import ingest
from nianbao.settings import load_settings
from nianbao.sources import SourcesError, load_sources
from warehouse import RunInProgress


@flow(name="nianbao-nightly", log_prints=False)
def nightly(sources_file: str | None = None, db: str | None = None) -> list[str]:
    """Ingest every portal of `sources_file` (default: NIANBAO_SOURCES_FILE, sources.toml)
    into `db`. A missing, malformed or empty sources file is an error (SourcesError), never
    a reason to crawl the sample portal into a real warehouse.

    A portal whose night fails (unreachable, or anything else) is logged and recorded; the
    others still run. Only a warehouse that another run holds stops the night.
    """
    logger = get_run_logger()
    settings = load_settings(db_path=Path(db) if db else None)
    path = Path(sources_file) if sources_file else settings.sources_file
    if path is None:
        raise SourcesError("no sources file named (NIANBAO_SOURCES_FILE or --sources)")
    sources = load_sources(path)
    lines: list[str] = []
    for source in sources:
        own = (
            settings
            if source.rate_per_second is None
            else settings.model_copy(update={"rate_per_second": source.rate_per_second})
        )
        try:
            lines.append(f"{source.name}: {ingest(source.listing, own, source.host).line()}")
        except RunInProgress:
            raise
        except Exception as err:  # this portal's night failed; it is in `runs`, the rest go on
            logger.error("%s: %s", source.name, err)
            lines.append(f"{source.name}: failed: {err}")
    return lines
