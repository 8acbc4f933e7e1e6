"""Imported once by the workers' forkserver: what each worker's first task would otherwise
import or build for itself, then every forked worker shares it."""

import os

# Below the command and Prefect's server in the CPU queue: this preload runs while they start
# (an empty night must not wait for it), and workers forked from it yield to the flow's process.
os.nice(10)

from prefect.plugins import load_prefect_collections  # noqa: E402

import extract.report  # noqa: E402, F401  camelot, pdfium, pandas
import flows.ingest  # noqa: E402, F401  the tasks, Prefect
from flows.pool.process import VALIDATOR  # noqa: E402

# Entry points of installed Prefect collections (prefect-dask imports dask): loaded by the
# first task run of each worker otherwise, on its CPU.
load_prefect_collections()

# The GX context and suites (seconds of imports): the workers validate what they read.
VALIDATOR.build()
