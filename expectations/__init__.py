"""Stage 2: judge an extracted report against the arithmetic the form promises."""

from expectations.continuity import validate_continuity
from expectations.suites import (
    build_docs,
    is_warm,
    validate_report,
    validate_reports,
    warm_up,
)

__all__ = [
    "build_docs",
    "is_warm",
    "validate_continuity",
    "validate_report",
    "validate_reports",
    "warm_up",
]
