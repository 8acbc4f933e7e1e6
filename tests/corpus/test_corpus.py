"""The committed corpus: reproducible truth, consistent with SPEC, as varied as promised."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.fonts import FONTS
from corpus.model import SPECIALS, truth_files
from nianbao.form import (
    APPLICANT_CODES,
    DISCLOSURE_MEASURES,
    OUTCOME_CODES,
    PROCEEDING_CODES,
    ROW_CODES_23,
    ROW_CODES_25,
)
from tests.conftest import SAMPLE_PORTAL, SAMPLE_TRUTH, VALIDATOR
from tests.expectations.test_relations import report_from_truth

COMMITTED = {
    p.name: json.loads(p.read_text(encoding="utf-8"))
    for p in SAMPLE_TRUTH.glob("*.json")
    if p.name not in ("manifest.json", "layout.json")
}
MANIFEST = json.loads((SAMPLE_TRUTH / "manifest.json").read_text(encoding="utf-8"))
LAYOUT = json.loads((SAMPLE_TRUTH / "layout.json").read_text(encoding="utf-8"))


def test_truth_reproduces_from_seed() -> None:
    regenerated = json.loads(json.dumps(truth_files(), ensure_ascii=False))
    assert regenerated == COMMITTED


def test_corpus_size() -> None:
    bodies = {name.rsplit("-", 1)[0] for name in COMMITTED}
    assert len(COMMITTED) >= 30 and len(bodies) >= 10


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_truth_uses_spec_codes_and_counts(name: str) -> None:
    truth = COMMITTED[name]
    rows = ROW_CODES_23 if truth["table3_rows"] == 23 else ROW_CODES_25
    assert list(truth["application"]) == list(rows)
    assert all(list(cols) == list(APPLICANT_CODES) for cols in truth["application"].values())
    assert list(truth["review"]) == list(PROCEEDING_CODES)
    assert all(list(cols) == list(OUTCOME_CODES) for cols in truth["review"].values())
    if truth["variant"]["has_table2"]:
        assert {k: tuple(v) for k, v in truth["disclosure"].items()} == DISCLOSURE_MEASURES
    else:
        assert truth["disclosure"] == {}


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_expected_failures_agree_with_nianbaos_own_checks(name: str) -> None:
    # Two implementations of R2–R6 (the generator's and the GX suites) must agree on the truth.
    truth = COMMITTED[name]
    failed = {
        c.check_id for c in VALIDATOR.validate_report(report_from_truth(truth)) if not c.success
    }
    assert failed == {f["check"] for f in truth["expected_failures"]} - {"R7"}


def test_continuity_breaks_are_between_consecutive_years() -> None:
    for name, truth in COMMITTED.items():
        if any(f["check"] == "R7" for f in truth["expected_failures"]):
            body, year = name[:-5].rsplit("-", 1)
            last = COMMITTED[f"{body}-{int(year) - 1}.json"]
            assert truth["application"]["2"] != last["application"]["4"]


def test_every_variant_is_present() -> None:
    variants = [t["variant"] for t in COMMITTED.values()]
    seen = {key: Counter(str(v[key]) for v in variants) for key in variants[0]}
    assert set(seen["renderer"]) == {"reportlab", "docx-libreoffice"}
    assert {FONTS[f].outlines for f in seen["font"]} == {"TrueType", "CFF"}
    assert {FONTS[f].serif for f in seen["font"]} == {True, False}
    assert {"0", "", "—", "/"} <= set(seen["zero_mark"])
    assert {"ascii", "full"} <= set(seen["brackets"]) and {"ascii", "full"} <= set(seen["digits"])
    assert {".", "、", "．"} <= set(seen["numbering"]) and {"curly", "straight"} <= set(
        seen["quotes"]
    )
    for flag in ("typo", "thousands", "landscape_review", "repeat_header", "table3_new_page"):
        assert set(seen[flag]) == {"True", "False"}, flag
    assert "False" in seen["has_table2"]
    assert "['disclosure', 'review']" in seen["unruled"]  # tables 二 and 四 with no rules
    assert "['application']" in seen["unruled"]  # table 三 alone, its labels wrapped
    assert "['disclosure', 'application', 'review']" in seen["unruled"]
    assert (
        min(float(s) for s in seen["font_size"]) >= 9
        and max(float(s) for s in seen["font_size"]) <= 12
    )
    assert {t["table3_rows"] for t in COMMITTED.values()} == {23, 25}
    assert {f["check"] for t in COMMITTED.values() for f in t["expected_failures"]} == {
        "R2",
        "R3",
        "R4",
        "R5",
        "R7",
    }
    assert len({t["agency"] for t in COMMITTED.values()}) > len(
        {n.rsplit("-", 1)[0] for n in COMMITTED}
    )


def test_table_three_breaks_zero_once_and_twice() -> None:
    assert {facts["table3_breaks"] for facts in LAYOUT.values()} >= {0, 1, 2}


def test_manifest_matches_portal() -> None:
    kinds = Counter(m["kind"] for m in MANIFEST)
    assert kinds["report"] + kinds["scanned"] == len(COMMITTED)  # the scan has its truth too
    assert {s.kind for s in SPECIALS} <= set(kinds)
    for entry in MANIFEST:
        exists = (SAMPLE_PORTAL / entry["path"]).is_file()
        assert exists == (entry["kind"] != "dead-link"), entry["path"]
    dup = next(m for m in MANIFEST if m["kind"] == "duplicate")
    original = next(m for m in MANIFEST if m["truth"] == dup["truth"] and m["kind"] == "report")
    assert (SAMPLE_PORTAL / dup["path"]).read_bytes() == (
        SAMPLE_PORTAL / original["path"]
    ).read_bytes()


def test_portal_has_gbk_pages_and_several_link_styles() -> None:
    pages = list(SAMPLE_PORTAL.rglob("*.html"))
    gbk = [p for p in pages if b'charset="gbk"' in p.read_bytes()]
    assert gbk and all(p.read_bytes().decode("gbk") for p in gbk)
    hrefs = "".join(p.read_bytes().decode("gbk" if p in gbk else "utf-8") for p in pages)
    assert 'href="./P0' in hrefs and 'href="/20' in hrefs and 'href="../20' in hrefs
    assert (SAMPLE_PORTAL / "index_1.html").is_file() and "createPageHTML" in (
        SAMPLE_PORTAL / "index.html"
    ).read_text(encoding="utf-8")


def test_committed_files_are_pdfs_of_the_right_kind() -> None:
    by_kind = {m["kind"]: SAMPLE_PORTAL / m["path"] for m in MANIFEST}
    assert by_kind["zero-byte"].stat().st_size == 0
    assert by_kind["html-as-pdf"].read_bytes().startswith(b"<!DOCTYPE html>")
    assert b"/Encrypt" in by_kind["encrypted"].read_bytes()
    assert b"%%EOF" not in by_kind["truncated"].read_bytes()[-1024:]
    assert Path(by_kind["scanned"]).read_bytes().count(b"/Image") >= 1
