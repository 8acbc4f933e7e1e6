"""python -m corpus: regenerate data/sample_portal and data/sample_truth from the seed."""

from corpus.build import build

build()
