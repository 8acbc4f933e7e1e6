"""python -m tests.corpus: regenerate data/sample_portal and data/sample_truth from the seed."""

from tests.corpus.build import build

build()
