"""Numbered SQL migrations, each applied once in its own transaction and recorded."""

from __future__ import annotations

from importlib import resources

import duckdb

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL
)
"""


def migration_files() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration shipped in the package, in order."""
    folder = resources.files("warehouse") / "migrations"
    found = [
        (int(f.name.split("_", 1)[0]), f.name, f.read_text(encoding="utf-8"))
        for f in folder.iterdir()
        if f.name.endswith(".sql")
    ]
    return sorted(found)


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this file has not had yet; returns their names."""
    con.execute(_LEDGER)
    done = {row[0] for row in con.execute("SELECT id FROM schema_migrations").fetchall()}
    applied = []
    for number, name, sql in migration_files():
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
