"""The scheduled night: every portal of the sources file in one run, all hosts at once."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.ingest import ingest
from nianbao.settings import load_settings
from nianbao.sources import SourcesError, load_sources


@flow(name="nianbao-nightly", log_prints=False)
def nightly(sources_file: str | None = None, db: str | None = None) -> str:
    """Ingest every portal of `sources_file` (default: NIANBAO_SOURCES_FILE, sources.toml)
    into `db`, in one run: one working copy, one publish. A missing, malformed or empty
    sources file is an error (SourcesError), never a reason to crawl the sample portal into
    a real warehouse. A portal that cannot be crawled tonight is a skipped item saying why;
    the others go on."""
    settings = load_settings(db_path=Path(db) if db else None)
    path = Path(sources_file) if sources_file else settings.sources_file
    if path is None:
        raise SourcesError("no sources file named (NIANBAO_SOURCES_FILE or --sources)")
    portals = [source.portal() for source in load_sources(path)]
    return ingest(portals, settings).line()
