"""Numbered SQL migrations, each applied once in its own transaction and recorded; then the
views (warehouse/views/<name>.sql, each its one current definition, as dbt models are)
re-created, so that a view changes in one place and every warehouse takes it."""

from __future__ import annotations

import re
from importlib import resources

import duckdb

from warehouse.connection import transaction_on

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL
)
"""


def migration_files() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration shipped in the package, in order."""
    return sorted((int(name.split("_", 1)[0]), name, sql) for name, sql in _sql_files("migrations"))


def view_files() -> list[tuple[str, str]]:
    """(view name, its CREATE OR REPLACE VIEW) of every view shipped in the package."""
    return sorted((name.removesuffix(".sql"), sql) for name, sql in _sql_files("views"))


def query(name: str) -> str:
    """The SQL of warehouse/queries/<name>.sql: the long queries live in files, as views do."""
    return (resources.files("warehouse") / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def _sql_files(folder: str) -> list[tuple[str, str]]:
    files = (resources.files("warehouse") / folder).iterdir()
    return [(f.name, f.read_text(encoding="utf-8")) for f in files if f.name.endswith(".sql")]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this file has not had yet, then the views; returns the
    migrations' names."""
    con.execute(_LEDGER)
    done = {row[0] for row in con.execute("SELECT id FROM schema_migrations").fetchall()}
    applied = []
    for number, name, sql in migration_files():
        if number in done:
            continue
        with transaction_on(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
        applied.append(name)
    with transaction_on(con):
        for view in _in_dependency_order(view_files()):
            con.execute(view)
    return applied


def _in_dependency_order(views: list[tuple[str, str]]) -> list[str]:
    """The views' SQL, each after the views it selects from (report_summary after
    application_stats), else in name order."""
    names = {name for name, _ in views}
    needs = {
        name: {other for other in names if other != name and _names(sql, other)}
        for name, sql in views
    }
    ordered: list[str] = []
    while len(ordered) < len(views):
        ready = [name for name, _ in views if name not in ordered and needs[name] <= set(ordered)]
        if not ready:
            raise ValueError(
                f"views that select from each other: {sorted(set(names) - set(ordered))}"
            )
        ordered += ready
    sql = dict(views)
    return [sql[name] for name in ordered]


def _names(sql: str, view: str) -> bool:
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return re.search(rf"\b(FROM|JOIN)\s+{re.escape(view)}\b", code, re.IGNORECASE) is not None
