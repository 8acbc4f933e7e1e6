"""Stage 2: validate an extracted report against the arithmetic the form promises."""

from expectations.validator import Validator

__all__ = ["Validator"]
