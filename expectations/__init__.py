"""Stage 2: judge an extracted report against the arithmetic the form promises."""

from expectations.continuity import validate_continuity
from expectations.suites import (
    build,
    build_docs,
    is_warm,
    take_results,
    validate_report,
    validate_reports,
    warm_up,
)

__all__ = [
    "build",
    "build_docs",
    "is_warm",
    "take_results",
    "validate_continuity",
    "validate_report",
    "validate_reports",
    "warm_up",
]
