"""The layout fuzzer's registry and draw (rendering needs `make corpus-tools`; the committed
data/fuzz_slice and data/fuzz_cases are its output, read by tests/extract)."""

from __future__ import annotations

from corpus.fuzz import PRINTERS, RENDERERS, fuzz_report


def test_every_renderer_a_seed_can_draw_has_a_printer() -> None:
    assert tuple(PRINTERS) == RENDERERS
    drawn = {fuzz_report(seed).report.style.renderer for seed in range(200)}
    assert drawn == set(RENDERERS)


def test_a_seed_draws_the_same_report_every_time() -> None:
    assert fuzz_report(4242) == fuzz_report(4242)
    assert fuzz_report(4242) != fuzz_report(4243)
