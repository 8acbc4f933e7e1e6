"""Stage 2: judge an extracted report against the arithmetic the form promises."""

from expectations.continuity import validate_continuity
from expectations.suites import validate_report, warm_up

__all__ = ["validate_continuity", "validate_report", "warm_up"]
