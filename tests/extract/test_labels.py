"""Each label variant met in real reports maps to its SPEC code through the registry."""

from __future__ import annotations

import pytest

from extract.labels import (
    APPLICATION_ROW_LABELS,
    DISCLOSURE_ITEM_LABELS,
    closest_printed_label,
    is_printed_label,
    match_row,
    normalize_label,
)

APPLICATION_VARIANTS = [
    ("一、本年新收政府信息公开申请数量", "1"),
    ("二、上年结转政府信息公开申请数量", "2"),
    ("（一）予以公开", "3.1"),
    ("(一)予以公开", "3.1"),  # ASCII brackets
    ("（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）", "3.2"),  # wrapped
    ("1.属于国家秘密", "3.3.1"),
    ("1、属于国家秘密", "3.3.1"),
    ("１．属于国家秘密", "3.3.1"),  # full-width digit and point
    ("2.其他法律行政法规禁止公开", "3.3.2"),
    ("2.其他法律行政止公开", "3.3.2"),  # hongze-district-2023's typo
    ("3.危及“三安全一稳定”", "3.3.3"),
    ('3.危及"三安全一稳定"', "3.3.3"),
    ("4.保护第三方合法权益", "3.3.4"),
    ("5.属于三类内部事务信息", "3.3.5"),
    ("6.属于四类过程性信息", "3.3.6"),
    ("7.属于行政执法案卷", "3.3.7"),
    ("8.属于行政查询事项", "3.3.8"),
    ("1.本机关不掌握相关政府信息", "3.4.1"),
    ("2.没有现成信息需要另行制作", "3.4.2"),
    ("3.补正后申请内容仍不明确", "3.4.3"),
    ("1.信访举报投诉类申请", "3.5.1"),
    ("2.重复申请", "3.5.2"),
    ("3.要求提供公开出版物", "3.5.3"),
    ("4.无正当理由大量反复 申请", "3.5.4"),
    ("5.要求行政机关确认或重 新出具\n已获取信息", "3.5.5"),
    ("1、申请人无正当理由逾期不补\n正、行政机关不再处理其政府信\n息公开申请", "3.6.1"),
    ("2、申请人逾期未按收费通知要\n求缴纳费用、行政机关不再处理\n其政府信息公开申请", "3.6.2"),
    ("3、其他", "3.6.3"),
    ("（六）其他处理", "3.6"),
    ("（六）其\n他处理", "3.6"),
    ("（七）总计", "3.7"),
    ("(七) 总计", "3.7"),
    ("四、结转下年度继续办理", "4"),
]


@pytest.mark.parametrize(("label", "code"), APPLICATION_VARIANTS)
def test_application_row_variant(label: str, code: str) -> None:
    assert match_row(APPLICATION_ROW_LABELS, normalize_label(label)) == code


@pytest.mark.parametrize(
    "label",
    [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
        "自然人",
        "- 3 -",
    ],
)
def test_headers_are_not_rows(label: str) -> None:
    assert match_row(APPLICATION_ROW_LABELS, normalize_label(label)) is None


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("规章", "rules"),
        ("行政规范性文件", "normative_documents"),
        ("规范性文件", "normative_documents"),
        ("行政许可", "administrative_license"),
        ("行政处罚", "administrative_penalty"),
        ("行政强制", "administrative_coercion"),
        ("行政事业性收费", "administrative_fees"),
        ("信息内容", None),
        ("第二十条第（一）项", None),
    ],
)
def test_disclosure_item_variant(label: str, code: str | None) -> None:
    assert match_row(DISCLOSURE_ITEM_LABELS, normalize_label(label)) == code


# What OCR made of printed labels on scans (corpus/scan.py), and the form's label it is.
MISREAD_LABELS = [
    ("[一)序以公", "(一)予以公开"),
    ("(一)于以公开", "(一)予以公开"),
    ("5.属于四类过程性信息", "6.属于四类过程性信息"),  # the 6 read as 5
    ("7.属干行政执法案券", "7.属于行政执法案卷"),
    ("、本年新收政府信息公开甲请数量", "一、本年新收政府信息公开申请数量"),
    ("（三）不予", "(三)不予公开"),  # the rest of the label cut off
    ("（六）其他处", "(六)其他处理"),
    ("政复议", "行政复议"),
    ("规草", "规章"),
    ("4.尤止当理田大量汉夏甲请", "4.无正当理由大量反复申请"),  # 150 dpi, blurred
    ("3.危及三全稳定", "3.危及“三安全一稳定”"),  # 安, 一 and the quotes passed over (150 dpi)
    # rows 1 and 2 are too alike to tell by likeness: told by 新收, which only row 1 prints
    ("年新收政府言息公开请数量", "一、本年新收政府信息公开申请数量"),  # 870022, 150 dpi
    ("年结转政府言息公开请数量", "二、上年结转政府信息公开申请数量"),
]


@pytest.mark.parametrize(("misread", "printed"), MISREAD_LABELS)
def test_a_misread_label_is_taken_for_the_printed_label_it_is_near(
    misread: str, printed: str
) -> None:
    assert closest_printed_label(misread) == printed


@pytest.mark.parametrize(
    "text", ["1I", "理", "68", "本", "备注", "结果维持结果纠正", "年新收政府言息公开结转数量"]
)
def test_text_near_no_printed_label_or_not_a_label_is_left_as_read(text: str) -> None:
    assert closest_printed_label(text) == text


@pytest.mark.parametrize("piece", ["法规禁止公开", "2.其他法律行政法规禁止"])
def test_a_label_cut_by_a_page_break_is_left_for_the_parser_to_join(piece: str) -> None:
    assert closest_printed_label(piece) == piece


# What OCR read across a stroke inside a label (corpus/scan.py, 300 dpi): the label,
# misread, with its numbering set apart; and text that is not one label.
@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("本年新收政府言息公开请数量", True),
        ("上年结转政府言息公开日请数量", True),
        ("(一)予以公开", True),
        ("结果维持结果纠正", False),  # two of table 四's heads read as one line
        ("尚未审结总计", False),  # a head with another run on
        ("法规禁止公开", False),  # a piece of a label
    ],
)
def test_a_label_misread_whole_is_a_printed_label_and_more_or_less_is_not(
    text: str, label: bool
) -> None:
    assert is_printed_label(text) is label


@pytest.mark.parametrize(
    ("read", "label"), [("|3、其他", "3.其他"), ("（一）予以公开|", "(一)予以公开")]
)
def test_a_cell_edge_read_as_a_stroke_at_a_labels_end_is_no_part_of_it(
    read: str, label: str
) -> None:
    """870020 (300 dpi, skewed): the rule left of a cell read as "|" before its label."""
    assert normalize_label(read) == label


def test_a_cell_holding_two_rows_labels_matches_both() -> None:
    from extract.labels import APPLICATION_ROW_LABELS, match_rows

    two = normalize_label("8.属于行政查询事项 1.本机关不掌握相关政府信息")
    assert match_rows(APPLICATION_ROW_LABELS, two) == {"3.3.8", "3.4.1"}
    assert match_rows(APPLICATION_ROW_LABELS, normalize_label("2.重复申请")) == {"3.5.2"}
