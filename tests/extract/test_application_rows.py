"""Table 三's row labels as the layout reads them (extract/layout.py)."""

from __future__ import annotations

import pytest

from extract.layout import _joined_label_code


@pytest.mark.parametrize(
    ("labels", "code"),
    [
        (("", "(六)其", "处理"), "3.6"),  # a stroke of 他 taken for the rule above (scan)
        (("三、本年度办理结果", "(一)予以公开", ""), None),  # heading beside a label: not one
        (("", "(六)其他处理", ""), None),  # one piece: the leaf reads it
    ],
)
def test_a_label_cut_in_two_by_a_stroke_taken_for_a_rule_is_read_across(
    labels: tuple[str, ...], code: str | None
) -> None:
    assert _joined_label_code(labels) == code
