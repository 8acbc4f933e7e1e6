"""Printed cell text → number, keeping what was printed."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from nianbao.records import Number

# What publishers print where the value is zero: nothing, a dash or a slash. The form's
# tables 二, 三 and 四 hold counts and amounts only, so these read as 0 (raw text is kept).
ZERO_MARKS: frozenset[str] = frozenset({"", "-", "—", "——", "–", "－", "/", "／", "\\"})
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_WHOLE = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


_WHITESPACE = re.compile(r"\s+")


def _gap(text: str, m: re.Match[str]) -> str:
    """One space for a run of whitespace between two digits, nothing for any other run (a run
    of several, as two <p>s or a line break plus indent give, is still one gap)."""
    between_digits = m.start() > 0 and m.end() < len(text)
    return (
        " " if between_digits and text[m.start() - 1].isdigit() and text[m.end()].isdigit() else ""
    )


def clean_text(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    # Digits split by a space or line break are two printed numbers in one cell (text of a
    # neighbouring row bled in): keep the gap so the cell fails to parse instead of reading 123.
    text = _WHITESPACE.sub(lambda m: _gap(text, m), text)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    return text


def parse_count(raw: str) -> Number | None:
    """A whole number, 0 for a zero mark, or None when the text is not a count."""
    text = clean_text(raw)
    if text in ZERO_MARKS:
        return 0
    return int(text) if _WHOLE.match(text) else None


def parse_amount(raw: str) -> Number | None:
    """A decimal amount (table 二's fees in 万元), 0 for a zero mark, else None."""
    text = clean_text(raw)
    if text in ZERO_MARKS:
        return Decimal(0)
    return Decimal(text) if _DECIMAL.match(text) else None


def is_value_like(raw: str) -> bool:
    """True for text that could be a printed value (number or zero mark)."""
    text = clean_text(raw)
    return text in ZERO_MARKS or bool(_DECIMAL.match(text))


def has_number(raw: str) -> bool:
    return bool(_DECIMAL.match(clean_text(raw)))
