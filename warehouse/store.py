"""The warehouse as an object with a lifetime: one read-write connection to one DuckDB file,
migrated when it opens, closed when the block that opened it ends; its methods are the
warehouse's verbs, one module per concern (ledger, reports, findings, fetch_cache)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from nianbao.errors import EnvironmentBroken
from warehouse.connection import STORAGE_VERSION
from warehouse.crawl_memory import CrawlMemory
from warehouse.fetch_cache import FetchCache
from warehouse.findings import Findings
from warehouse.ledger import RunLedger
from warehouse.migrate import apply_migrations
from warehouse.reports import Reports


class Warehouse(RunLedger, Reports, Findings, FetchCache, CrawlMemory):
    """One open warehouse file: `with Warehouse.open(path) as store: store.load_reports(…)`."""

    @classmethod
    @contextmanager
    def open(cls, db_path: str | Path) -> Iterator[Warehouse]:
        path = Path(db_path)
        con = _connect(path)
        try:
            yield cls(con)
        finally:
            con.close()


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the file (created if missing), its migrations applied."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})
    except (duckdb.Error, OSError) as err:
        raise EnvironmentBroken(f"warehouse {path} cannot be opened for writing: {err}") from err
    try:
        apply_migrations(con)
    except duckdb.Error as err:
        con.close()
        raise EnvironmentBroken(f"warehouse {path} cannot be migrated: {err}") from err
    return con


def verify(db_path: str | Path, shown_as: str | Path | None = None) -> None:
    """Read every block of every table, so that a damaged warehouse (cut short, junk in a
    block: DuckDB checks each block's checksum as it reads it) stops the run before the
    night's work rather than at its end. Read-only: a missing file is fine (a first run), and
    a file another process holds is left to the run's lock."""
    path = Path(db_path)
    if not path.exists():
        return
    damaged = f"warehouse {shown_as or path} is damaged"
    advice = "restore it from a backup or move it aside; nothing was changed"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            return
        raise EnvironmentBroken(f"{damaged} ({err}): {advice}") from err
    except duckdb.Error as err:
        raise EnvironmentBroken(f"{damaged} ({err}): {advice}") from err
    try:
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()
        for (table,) in tables:
            con.execute(f'SELECT sum(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    except duckdb.Error as err:
        raise EnvironmentBroken(f"{damaged} ({err}): {advice}") from err
    finally:
        con.close()
