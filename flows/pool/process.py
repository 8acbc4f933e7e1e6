"""What one process keeps for its life and its tasks share.

GX's context lives in a process and takes seconds to build, so the validator does too: the
workers' forkserver builds it before forking (flows/pool/worker_preload.py) and every worker
inherits it built; the flow's process builds its own in a thread while files download, when it
validates them itself."""

from expectations import Validator

VALIDATOR = Validator()
