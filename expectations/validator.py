"""The validate stage's one object: validates reports with the form's relations, holding the
Great Expectations context (seconds to build) for its own life.

Whoever runs validation makes one and keeps it as long as it validates: the flow keeps one per
process (flows/pool/process.py), so the workers' forkserver builds it before forking and every
worker inherits it built; a bench or a test makes its own."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from expectations.continuity import validate_continuity
from expectations.docs import drop_empty_folders, kept_results, make_offline
from expectations.gx import GxProcess
from expectations.suites import validate_reports, validation_target
from nianbao.records import CheckResult, ExtractedReport, GxResult


class Validator:
    """R1–R6 and R8 on reports, R7 on pairs of years; GX's results kept for Data Docs."""

    def __init__(self) -> None:
        self._gx = GxProcess()

    def build(self) -> None:
        """Build the GX context and suites now, in this thread (e.g. in the workers'
        forkserver, so that every worker forked from it validates without building its own)."""
        self._gx.build(self._targets)

    def warm_up(self) -> None:
        """Build them in one background thread, e.g. while files download."""
        self._gx.warm_up(self._targets)

    def is_warm(self) -> bool:
        """Built: validating now will not wait seconds for it."""
        return self._gx.is_warm()

    def validate_report(
        self, report: ExtractedReport, label: str | None = None
    ) -> tuple[CheckResult, ...]:
        """One result per relation, in check order. `label` names the report's results in
        Data Docs (default: body and year)."""
        return self.validate_reports([(report, label or f"{report.agency} {report.year}")])[0]

    def validate_reports(
        self, reports: Sequence[tuple[ExtractedReport, str]]
    ) -> list[tuple[CheckResult, ...]]:
        """Several (report, label), in order: a few to a GX validation, named by their
        labels (expectations/suites.together)."""
        if not reports:  # no GX import (seconds) for a batch with nothing to validate
            return []
        return validate_reports(self._gx.build(self._targets), reports)

    def validate_continuity(self, pairs: Sequence[Sequence[object]]) -> dict[str, CheckResult]:
        """report_id → its R7 result, for each report with last year's to compare with."""
        return validate_continuity(self._gx, pairs) if pairs else {}

    def take_results(self) -> tuple[GxResult, ...]:
        """The results recorded here and not handed over yet, as plain data: workers validate,
        and one process builds Data Docs from all their results."""
        return self._gx.results_not_taken()

    def build_docs(
        self, folder: Path, run_id: str, results: Sequence[GxResult] = (), keep_runs: int = 10
    ) -> Path | None:
        """Data Docs in `folder`, a site that lasts across runs: a page for each of this
        run's results (`results`, other validators' take_results, and those validated here),
        one index over the newest `keep_runs` runs (older ones pruned), every page opening
        offline; the index page. In one process: build_pages and build_index split it."""
        own = (*results, *self._gx.results_not_taken())
        since = self.build_pages(folder, own)
        return self.build_index(folder, run_id, own, keep_runs, since)

    def build_pages(self, folder: Path, results: Sequence[GxResult]) -> float:
        """The Data Docs pages of `results` (a share of a run's) in `folder`, and no index;
        when it started (time.time(), a second early for the file system's clock)."""
        started = time.time() - 1
        self.build()  # GX's context, and the suites the pages name
        self._gx.hold_results(results, exactly=False)
        self._gx.build_pages(folder, results)
        return started

    def build_index(
        self,
        folder: Path,
        run_id: str,
        results: Sequence[GxResult],
        keep_runs: int,
        pages_since: float,
    ) -> Path | None:
        """Once every page of the run is built (build_pages, anywhere): the run's `results`
        kept beside the site, runs beyond the newest `keep_runs` pruned, the index over those
        kept, and every page written since `pages_since` made to open offline; the index page."""
        self.build()
        kept = kept_results(folder, run_id, results, keep_runs)
        self._gx.hold_results(kept)
        index = self._gx.build_index(folder)
        drop_empty_folders(folder / "validations")
        make_offline(folder, written_since=pages_since)
        return index

    def _targets(self) -> Any:
        return validation_target(self._gx)
