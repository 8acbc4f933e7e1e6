"""A whole night on a portal where a third of the attachments misbehave: the night ends,
every good file loads, every bad one is recorded with its reason, and the next night, the
server mended, recovers all of it and doubles nothing (value checksums against a clean run)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from flows.ingest import ingest
from nianbao.records import FetchFailure
from nianbao.settings import Settings, load_settings
from tests.conftest import query_db
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports

REPORTS = sample_reports()
SLUGS = sorted(REPORTS)
GOOD, GZ_LIE = ("yunxi-city-2022", "yunxi-eco-2023"), "yunxi-nrp-2023"
# name → (slug, the fault on night 1, what the reason says); each server mends on night 2
FAULTS = {
    "s503": ("yunxi-samr-2022", lambda b: srv.status(503), "HTTP 503"),
    "reset": ("yunxi-health-2023", lambda b: srv.reset_mid_body(b), "next run"),
    "short": ("linjiang-edu-2023", lambda b: srv.short_body(b), "cut short"),
    "dead": ("yunxi-police-2022", lambda b: srv.status(404), "dead link: HTTP 404"),
    "slow429": (
        "qingshan-county-2022",
        lambda b: srv.status(429, {"Retry-After": "3600"}),
        "HTTP 429",
    ),
    "trickle": ("yunxi-edu-2022", None, "ReadTimeout"),
    "cut": ("panzhihua-xiqu-xzspj-2024", lambda b: srv.cut_without_length(b), ""),
}
STATS = {
    "application_stats": "agency_id, year, row_code, applicant_code, value",
    "review_stats": "agency_id, year, proceeding_code, outcome_code, value",
    "disclosure_stats": "agency_id, year, item_code, measure_code, value",
    "reports": "agency_id, year, sha256, status",
}


def _settings(db: Path) -> Settings:
    return load_settings(
        db_path=db,
        rate_per_second=0,
        fetch_attempts=2,
        retry_backoff_seconds=0.01,
        request_deadline_seconds=1.5,
        max_retry_after_seconds=1,
        workers=1,
    )


def _mended() -> list[Item]:
    items = [Item(slug, srv.file(REPORTS[slug], f'"{slug}"')) for slug in (*GOOD, GZ_LIE)]
    items += [
        Item(name, srv.file(REPORTS[slug], f'"{slug}"')) for name, (slug, _, _) in FAULTS.items()
    ]
    items += [
        Item("loop", srv.redirect("/col/loop.pdf?x")),
        Item("away", srv.redirect("http://127.0.0.2:9/x.pdf")),
    ]
    return items


def _faulty(stop: threading.Event) -> list[Item]:
    items = [Item(slug, srv.file(REPORTS[slug], f'"{slug}"')) for slug in GOOD]
    items.append(Item(GZ_LIE, srv.gzip_label_on_plain(REPORTS[GZ_LIE])))
    for name, (slug, fault, _) in FAULTS.items():
        body = REPORTS[slug]
        items.append(Item(name, fault(body) if fault else srv.trickle(body, 0.2, stop)))
    items += [
        Item("loop", srv.redirect("/col/loop.pdf?x")),
        Item("away", srv.redirect("http://127.0.0.2:9/x.pdf")),
    ]
    return items


MALFORMED = '<li><a href="http://[bad/t.html">2023年度政府信息公开工作年度报告 malformed</a></li>'


def _values(db: Path) -> dict[str, list[tuple]]:
    return {
        view: sorted(
            query_db(
                db,
                f"SELECT {cols} FROM {view} WHERE status IS NULL OR status = 'loaded'"
                if view == "reports"
                else f"SELECT {cols} FROM {view}",
            )
        )
        for view, cols in STATS.items()
    }


@pytest.fixture(scope="module")
def nights(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("faulty")
    db, clean_db = root / "w.duckdb", root / "clean.duckdb"
    stop = threading.Event()
    with srv.fault_server() as portal:
        listing = publish(portal, _faulty(stop), MALFORMED)
        first = ingest(listing, _settings(db))
        stop.set()
        after_first = {name: _recorded(db, portal.url(f"/col/{name}.pdf")) for name in FAULTS}
        cache_after_first = query_db(db, "SELECT url FROM fetch_cache")
        publish(portal, _mended(), MALFORMED)
        second = ingest(listing, _settings(db))
        third = ingest(listing, _settings(db))
        clean = ingest(listing, _settings(clean_db))
        urls = {name: portal.url(f"/col/{name}.pdf") for name in [*FAULTS, "loop", "away"]}
    return {
        "db": db,
        "clean": clean_db,
        "first": first,
        "second": second,
        "third": third,
        "clean_summary": clean,
        "after_first": after_first,
        "urls": urls,
        "cache_after_first": cache_after_first,
    }


def _recorded(db: Path, url: str) -> tuple[str, str] | None:
    rows = query_db(
        db, "SELECT status, reason FROM reports WHERE source_url = ? ORDER BY loaded_at DESC", [url]
    )
    return rows[0] if rows else None


def test_the_faulty_night_ends_and_loads_every_good_file(nights) -> None:
    first = nights["first"]
    loaded = {o.url.rsplit("/", 1)[1] for o in first.outcomes if o.status == "loaded"}
    assert loaded == {f"{s}.pdf" for s in (*GOOD, GZ_LIE, "cut")} - {"cut.pdf"}
    assert query_db(nights["db"], "SELECT outcome FROM runs ORDER BY started_at LIMIT 1") == [
        ("ok",)
    ]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_bad_attachment_is_recorded_with_its_reason(nights, name: str) -> None:
    status, reason = nights["after_first"][name]
    assert status == "quarantined"
    assert FAULTS[name][2] in reason


def test_a_redirect_loop_and_a_foreign_redirect_are_recorded(nights) -> None:
    db, urls = nights["db"], nights["urls"]
    assert "redirect loop" in _recorded(db, urls["loop"])[1]
    assert "not followed" in _recorded(db, urls["away"])[1]


def test_a_malformed_listing_link_is_a_skipped_item(nights) -> None:
    rows = query_db(nights["db"], "SELECT url, reason FROM skipped_items")
    assert ("http://[bad/t.html", "malformed link: Invalid IPv6 URL") in rows


def test_a_short_or_failed_download_keeps_no_validators(nights) -> None:
    cached = {url for (url,) in nights["cache_after_first"]}
    assert not cached & {nights["urls"][n] for n in FAULTS}
    assert len(cached) == len(GOOD)  # the good files that gave an ETag


def test_the_next_night_recovers_every_transient_fault_and_the_returning_dead_link(nights) -> None:
    db, urls = nights["db"], nights["urls"]
    for name in FAULTS:
        assert _recorded(db, urls[name])[0] == "loaded", name
    # the dead link's row and its alert are retired; the cut file is superseded by the whole one
    gone = [FetchFailure.id_for(urls[n]) for n in FAULTS if n != "cut"]
    assert query_db(
        db, "SELECT count(*) FROM reports WHERE report_id IN (SELECT unnest(?))", [gone]
    ) == [(0,)]
    assert query_db(
        db, "SELECT count(*) FROM alerts WHERE report_id IN (SELECT unnest(?))", [gone]
    ) == [(0,)]
    assert query_db(
        db, "SELECT status FROM reports WHERE source_url = ? ORDER BY loaded_at", [urls["cut"]]
    ) == [("superseded",), ("loaded",)]


def test_nothing_is_doubled_the_values_equal_a_clean_run(nights) -> None:
    assert _values(nights["db"]) == _values(nights["clean"])
    assert nights["third"].count("loaded") == 0


def test_the_recovered_night_loaded_what_the_clean_run_loaded(nights) -> None:
    assert nights["second"].count("loaded") == len(FAULTS)
    assert nights["clean_summary"].count("loaded") == len(GOOD) + 1 + len(FAULTS)


def test_a_night_cut_short_by_the_page_limit_says_so_and_provenance_keeps_the_redirect(
    prefect_harness: None, tmp_path: Path
) -> None:
    body = REPORTS["yunxi-nrp-2022"]
    with srv.fault_server() as portal:
        listing = publish(
            portal,
            [Item("moved", srv.redirect("/files/final.pdf"))],
            '<li><a href="index_1.html">下一页</a></li>',
        )
        portal.routes["/files/final.pdf"] = srv.file(body)
        portal.routes["/col/index_1.html"] = srv.page("<p>page 2</p>")
        db = tmp_path / "w.duckdb"
        summary = ingest(listing, _settings(db).model_copy(update={"max_crawl_pages": 2}))
        final = portal.url("/files/final.pdf")
        source = portal.url("/col/moved.pdf")
    assert summary.page_limit_reached
    assert query_db(db, "SELECT page_limit_reached FROM runs") == [(True,)]
    assert query_db(db, "SELECT source_url, fetched_from FROM reports") == [(source, final)]
