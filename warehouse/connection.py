"""What every part of the warehouse shares: its one connection, a transaction, a bulk insert."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from nianbao.errors import EnvironmentBroken

# The warehouse file is written in the storage format of DuckDB 1.4 (the LTS line), so that
# the DuckDB CLI, DBeaver, R and BI drivers a release behind can open it (DuckDB 2.0's own
# format, storage version 999 in the header, is refused by every 1.x client).
STORAGE_VERSION = "v1.4.0"
OLDEST_READERS_FORMAT = 67  # the newest header version DuckDB 1.4 reads


@contextmanager
def read_only(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a published warehouse for the block (the commands that look
    inside it: export, runs, report, show, alerts); EnvironmentBroken, naming the file, when
    it is missing or cannot be opened."""
    if not db_path.exists():
        raise EnvironmentBroken(f"warehouse {db_path} does not exist")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as err:
        raise EnvironmentBroken(f"warehouse {db_path} cannot be read: {err}") from err
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction_on(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's statements on `con` committed together, or none of them."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class Connected:
    """What every part of the warehouse shares: its connection, a transaction, a bulk insert.

    A DuckDB connection is not shared between threads, its cursors are: the thread that
    opened the warehouse uses the connection, any other a cursor of it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._owner = threading.get_ident()

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if threading.get_ident() == self._owner:
            yield self._con
        else:
            with self._con.cursor() as cursor:
                yield cursor

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The block's statements committed together, or none of them."""
        with self.connection() as con, transaction_on(con):
            yield con

    def rows(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows a query returns."""
        with self.connection() as con:
            return con.execute(sql, parameters or []).fetchall()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """`frame` visible to SQL as `name` for the block: a bulk insert is one INSERT … SELECT
    from it (executemany runs a statement per row, ~10× slower)."""
    con.register(name, frame)
    try:
        yield
    finally:
        con.unregister(name)
