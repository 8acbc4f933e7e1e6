"""The warehouse file under faults: a disk that fills (while copying, downloading, or at the
final checkpoint), a read-only mount, a path that cannot be a file, a damaged file, a symlink,
and settings or sources that cannot be used. Each ends with exit 2 and one line naming the file
and the cause, before the night's work where that can be known; none publishes a partial night."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import warehouse
from cli import app
from extract.fetch import fetch_report
from extract.polite import Politeness, polite_client
from nianbao.errors import EnvironmentBroken
from tests.conftest import query_db
from tests.faults import server as srv
from tests.faults.mounts import fill, read_only, tmpfs
from tests.faults.portal import Item, publish, sample_reports
from warehouse.connection import STORAGE_VERSION

runner = CliRunner()


def _run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["run", *args], env=env)


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def _small_warehouse(db: Path, rows: int = 20_000) -> None:
    # in the storage format nianbao writes (warehouse/connection.py)
    con = duckdb.connect(str(db), config={"storage_compatibility_version": STORAGE_VERSION})
    warehouse.apply_migrations(con)
    con.execute(
        "CREATE TABLE padding AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(?)", [rows]
    )
    con.close()


def test_a_disk_full_at_the_final_checkpoint_publishes_nothing_and_fails(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "fs", 6 * 1024) as fs:
        db = fs / "w.duckdb"
        _small_warehouse(db)
        before = db.read_bytes()
        with (
            pytest.raises(EnvironmentBroken, match="could not be published"),
            warehouse.working_copy(db) as work,
        ):
            con = duckdb.connect(str(work))
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
            con.execute("SET checkpoint_threshold = '1GB'")
            con.execute(
                "CREATE TABLE night AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(30000)"
            )
            con.close()  # the night's commits are in the WAL only
            filler = fill(fs)
        assert db.read_bytes() == before
        assert sorted(p.name for p in fs.iterdir()) == ["filler", "w.duckdb", "w.duckdb.lock"]
        filler.unlink()
        with warehouse.working_copy(db) as work:  # room again: the next night goes through
            duckdb.connect(str(work)).execute("CREATE TABLE next_night (n INT)").close()
        assert query_db(db, "SELECT count(*) FROM next_night") == [(0,)]


def test_a_disk_full_while_copying_leaves_no_partial_copy(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "fs", 8 * 1024) as fs:
        db = fs / "w.duckdb"
        _small_warehouse(db, 100_000)
        fill(fs, leave_bytes=db.stat().st_size // 2)
        with (
            pytest.raises(EnvironmentBroken, match="cannot copy the warehouse"),
            warehouse.working_copy(db),
        ):
            pass
        assert not (fs / "w.duckdb.next").exists()


def test_a_disk_full_while_downloading_leaves_no_partial_file(tmp_path: Path) -> None:
    body = next(iter(sample_reports().values()))
    with tmpfs(tmp_path / "fs", 512) as fs, srv.fault_server() as portal:
        portal.routes["/a.pdf"] = srv.file(body + b"\0" * (1024 * 1024))
        (fs / "raw").mkdir()
        with (
            polite_client(Politeness("t", 0, False, 5)) as client,
            pytest.raises(EnvironmentBroken, match="cannot write a download"),
        ):
            fetch_report(client, portal.url("/a.pdf"), fs / "raw")
        assert list((fs / "raw").iterdir()) == []


def test_a_read_only_warehouse_folder_exits_2_before_any_work(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder), srv.fault_server() as portal:
        result = _run("--source", portal.url("/col/index.html"), "--db", str(folder / "w.duckdb"))
        assert portal.requests == []
    assert result.exit_code == 2
    line = _one_line(result.output)
    assert str(folder / "w.duckdb") in line and "Read-only file system" in line


def test_a_full_disk_exits_2_before_any_work(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "fs", 1024) as fs, srv.fault_server() as portal:
        fill(fs)
        result = _run("--source", portal.url("/col/index.html"), "--db", str(fs / "w.duckdb"))
        assert portal.requests == []
    assert result.exit_code == 2
    assert "No space left on device" in _one_line(result.output)


def test_a_db_path_under_a_regular_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    result = _run("--source", "http://127.0.0.1:9/", "--db", str(tmp_path / "afile" / "w.duckdb"))
    assert result.exit_code == 2
    assert "afile is a file, not a folder" in _one_line(result.output)


def test_a_db_path_that_is_a_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "w.duckdb").mkdir()
    result = _run("--source", "http://127.0.0.1:9/", "--db", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 2 and "is a folder, not a file" in _one_line(result.output)


@pytest.mark.parametrize("damage", ["cut in half", "junk in a block"])
def test_a_damaged_warehouse_exits_2_before_the_nights_work(
    prefect_harness: None, tmp_path: Path, damage: str
) -> None:
    db = tmp_path / "w.duckdb"
    _small_warehouse(db, 300_000)
    size = db.stat().st_size
    with db.open("r+b") as fh:
        if damage == "cut in half":
            fh.truncate(size // 2)
        else:
            fh.seek(size // 2)
            fh.write(os.urandom(8192))
    before = db.read_bytes()
    with srv.fault_server() as portal:
        listing = publish(portal, [Item("a", srv.file(b"%PDF-1.4\n%%EOF\n"))])
        result = _run("--source", listing, "--db", str(db))
        assert portal.requests == []  # nothing crawled: the damage was found first
    assert result.exit_code == 2
    line = _one_line(result.output)
    assert f"warehouse {db} is damaged" in line and "nothing was changed" in line
    assert db.read_bytes() == before


def test_bad_settings_exit_2_naming_the_variable(tmp_path: Path) -> None:
    result = _run("--db", str(tmp_path / "w.duckdb"), env={"NIANBAO_WORKERS": "two"})
    assert result.exit_code == 2
    assert "NIANBAO_WORKERS=two" in _one_line(result.output)
    result = _run("--db", str(tmp_path / "w.duckdb"), env={"NIANBAO_RATE_PER_SECOND": "-1"})
    assert result.exit_code == 2 and "NIANBAO_RATE_PER_SECOND=-1" in result.output


def test_a_source_that_is_not_an_http_url_is_refused_at_once(tmp_path: Path) -> None:
    result = _run("--source", "ftp://portal.example/x", "--db", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 2 and "must be an http(s) URL" in _one_line(result.output)
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "does not exist"),
        ("# nothing here\n", "lists no [[source]] entries"),
        ("[[source]]\nname = 'x'\n", "[[source]] #1: listing"),
        ("[[source\n", "is not valid TOML"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "run"])
def test_serve_and_run_refuse_a_sources_file_they_cannot_use(
    tmp_path: Path, command: str, content, says
) -> None:
    """Before any Prefect start-up, and never by reading the sample portal instead."""
    path = tmp_path / "sources.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(
        app, [command, "--sources", str(path), "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 2
    line = _one_line(result.output)
    assert str(path) in line and says in line
    assert not (tmp_path / "w.duckdb").exists()


def test_serve_without_a_sources_file_refuses_naming_the_file_it_looked_for(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "sources.toml"
    result = runner.invoke(
        app,
        ["serve", "--db", str(tmp_path / "w.duckdb")],
        env={"NIANBAO_SOURCES_FILE": str(missing)},
    )
    assert result.exit_code == 2
    assert f"sources file {missing} does not exist" in _one_line(result.output)


def test_run_takes_a_portal_or_a_sources_file_not_both(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "x"\nlisting = "http://127.0.0.1:9/"\n', "utf-8")
    result = runner.invoke(app, ["run", "--source", "http://127.0.0.1:9/", "--sources", str(path)])
    assert result.exit_code == 2 and "not both" in _one_line(result.output)


def test_the_nightly_flow_never_falls_back_to_the_sample_portal(
    prefect_harness: None, tmp_path
) -> None:
    from flows.nightly import nightly
    from nianbao.sources import SourcesError

    empty = tmp_path / "sources.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SourcesError, match="lists no"):
        nightly(str(empty), str(tmp_path / "w.duckdb"))
    assert not (tmp_path / "w.duckdb").exists()


def test_a_symlinked_db_keeps_its_link(prefect_harness: None, tmp_path: Path) -> None:
    real = tmp_path / "store" / "warehouse.duckdb"
    real.parent.mkdir()
    _small_warehouse(real, 10)
    link = tmp_path / "w.duckdb"
    link.symlink_to(real)
    body = sample_reports()["yunxi-city-2022"]
    with srv.fault_server() as portal:
        listing = publish(portal, [Item("a", srv.file(body))])
        result = _run("--source", listing, "--db", str(link), env={"NIANBAO_RATE_PER_SECOND": "0"})
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert query_db(real, "SELECT count(*) FROM reports WHERE status = 'loaded'") == [(1,)]


def test_no_room_to_rewrite_for_older_readers_leaves_the_night_to_go_on(tmp_path: Path) -> None:
    """A warehouse in DuckDB 2.0's format is rewritten in 1.4's at the next night, which needs
    room for a third copy; without it the night goes through in the old format."""
    from warehouse.publish import storage_format

    with tmpfs(tmp_path / "fs", 6 * 1024) as fs:
        db = fs / "w.duckdb"
        con = duckdb.connect(str(db))  # 2.0's own format, as nianbao wrote it before
        warehouse.apply_migrations(con)
        con.execute(
            "CREATE TABLE padding AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(20000)"
        )
        con.close()
        with warehouse.working_copy(db) as work:
            duckdb.connect(str(work)).execute("CREATE TABLE night (n INT)").close()
        assert query_db(db, "SELECT count(*) FROM night") == [(0,)]
        assert storage_format(db) > 67
        assert sorted(p.name for p in fs.iterdir()) == ["w.duckdb", "w.duckdb.lock"]
