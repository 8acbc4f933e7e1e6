"""Canonical codes of the 2021 national report form (SPEC §1), in form order."""

from __future__ import annotations

APPLICANT_CODES: tuple[str, ...] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
APPLICANT_PARTS: tuple[str, ...] = APPLICANT_CODES[:-1]

# Table 三 rows of the 2021 form; （六）其他处理 split into three.
ROW_CODES_25: tuple[str, ...] = (
    "1",
    "2",
    "3.1",
    "3.2",
    *(f"3.3.{i}" for i in range(1, 9)),
    *(f"3.4.{i}" for i in range(1, 4)),
    *(f"3.5.{i}" for i in range(1, 6)),
    *(f"3.6.{i}" for i in range(1, 4)),
    "3.7",
    "4",
)
# The 2019 trial layout many bodies still print: （六）其他处理 as one row `3.6`.
ROW_CODES_23: tuple[str, ...] = ROW_CODES_25[:20] + ("3.6", "3.7", "4")

# Every row code either form can print, in form order.
FORM_ROW_ORDER: tuple[str, ...] = ROW_CODES_25[:20] + ("3.6",) + ROW_CODES_25[20:]

PROCEEDING_CODES: tuple[str, ...] = (
    "reconsideration",
    "litigation_direct",
    "litigation_after_reconsideration",
)
OUTCOME_CODES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
OUTCOME_PARTS: tuple[str, ...] = OUTCOME_CODES[:-1]
# Table 四 prints its values as one row: every proceeding's outcomes, side by side.
REVIEW_CELLS = len(PROCEEDING_CODES) * len(OUTCOME_CODES)

DISCLOSURE_MEASURES: dict[str, tuple[str, ...]] = {
    "rules": ("issued", "repealed", "in_force"),
    "normative_documents": ("issued", "repealed", "in_force"),
    "administrative_license": ("decisions",),
    "administrative_penalty": ("decisions",),
    "administrative_coercion": ("decisions",),
    "administrative_fees": ("amount_10k_yuan",),
}

TABLES: tuple[str, ...] = ("disclosure", "application", "review")


def row_sort_key(row_code: str) -> int:
    """Position of a table 三 row in form order (3.6 sits where 3.6.1 would)."""
    return FORM_ROW_ORDER.index(row_code)
