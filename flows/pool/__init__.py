"""Where the run's files are extracted and validated, behind one object (ReadPool): the flow
feeds it the URLs and drains its outcomes, as dlt's Normalize.run takes its pool.

read_pool.py   ReadPool, the extract task, batches and rounds as files arrive
runners.py     which Prefect task runner; the forkserver runner (all of Prefect's internals
               that nianbao reaches into are there, pinned by pyproject and tested)
forkserver.py  the server the workers are forked from, and worker_preload.py what it imports
process.py     what each process keeps for its life (the validator)
"""

from flows.pool.read_pool import ReadPool

__all__ = ["ReadPool"]
