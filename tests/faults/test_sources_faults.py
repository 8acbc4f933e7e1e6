"""Several portals in one night: one portal's bad attachment costs that attachment; its
neighbour in the sources file is ingested all the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import query_db
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports


def test_a_503_attachment_in_the_first_portal_does_not_stop_the_second(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import nightly

    monkeypatch.setenv("NIANBAO_RETRY_BACKOFF_SECONDS", "0.01")
    reports = sample_reports()
    with srv.fault_server("127.0.0.1") as first, srv.fault_server("127.0.0.3") as second:
        a = publish(
            first,
            [Item("ok", srv.file(reports["yunxi-eco-2022"])), Item("down", srv.status(503))],
        )
        b = publish(second, [Item("ok", srv.file(reports["yunxi-eco-2024"]))])
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "A"\nlisting = "{a}"\n\n[[source]]\nname = "B"\nlisting = "{b}"\n',
            encoding="utf-8",
        )
        line = nightly(str(sources), str(tmp_path / "w.duckdb"))  # one run, both portals
    assert line.startswith("reports found 3, loaded 2, unchanged 0, quarantined 1")
    db = tmp_path / "w.duckdb"
    assert query_db(db, "SELECT outcome FROM runs") == [("ok",)]
    loaded = query_db(db, "SELECT source_url FROM reports WHERE status = 'loaded' ORDER BY 1")
    assert [u.split("/")[2].split(":")[0] for (u,) in loaded] == ["127.0.0.1", "127.0.0.3"]
    (reason,) = query_db(db, "SELECT reason FROM reports WHERE status = 'quarantined'")[0]
    assert "HTTP 503" in reason and "next run" in reason
