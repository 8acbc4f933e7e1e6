"""Imported once by the workers' forkserver: what each worker's first task would otherwise
import or build for itself, then every forked worker shares it."""

from prefect.plugins import load_prefect_collections

import extract.report  # noqa: F401  camelot, pdfium, pandas
import flows.ingest  # noqa: F401  the tasks, Prefect

# Entry points of installed Prefect collections (prefect-dask imports dask): loaded by the
# first task run of each worker otherwise (~0.6 s of its CPU, measured).
load_prefect_collections()
